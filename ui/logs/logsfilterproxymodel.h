#pragma once

#include "metering/gatewaylog.h"

#include <QSortFilterProxyModel>

namespace portico::ui {

// Keeps the log rows at or above a level whose text, in any column, contains the search text.
class LogsFilterProxyModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit LogsFilterProxyModel(QObject *parent = nullptr);

    void setMinimumLevel(metering::LogEntry::Level level);
    metering::LogEntry::Level minimumLevel() const { return m_minimumLevel; }
    void setSearchText(const QString &text);
    QString searchText() const { return m_searchText; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    metering::LogEntry::Level m_minimumLevel = metering::LogEntry::Level::Debug;
    QString m_searchText;
};

} // namespace portico::ui
