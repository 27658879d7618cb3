#pragma once

#include "metering/gatewaylog.h"

#include <QAbstractTableModel>
#include <QList>
#include <QTimer>

#include <deque>

namespace portico::ui {

// The gateway's log entries, oldest first, at most capacity() of them: appended entries are
// batched (a burst of requests costs one insertion, not one per line) and the oldest rows are
// dropped once the bound is reached.
class LogsTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        LevelColumn,
        RequestColumn,
        KeyColumn,
        RouteColumn,
        StatusColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role { LevelRole = Qt::UserRole + 1 }; // int(LogEntry::Level)

    explicit LogsTableModel(int capacity = 10'000, QObject *parent = nullptr);

    int capacity() const { return m_capacity; }
    // Replaces every row (and any pending append) with `entries`, keeping the newest ones.
    void setEntries(const QList<metering::LogEntry> &entries);
    // Shown after a short delay, together with the entries appended meanwhile.
    void append(const metering::LogEntry &entry);
    // Inserts the pending entries now.
    void flush();
    void clear();
    const metering::LogEntry &entry(int row) const { return m_entries.at(std::size_t(row)); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static QString levelText(metering::LogEntry::Level level);

private:
    int m_capacity;
    std::deque<metering::LogEntry> m_entries;
    QList<metering::LogEntry> m_pending;
    QTimer m_flushTimer;
};

} // namespace portico::ui
