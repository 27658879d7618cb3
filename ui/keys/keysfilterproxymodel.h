#pragma once

#include <QSortFilterProxyModel>

namespace portico::ui {

class KeysTableModel;

// Search (name or UUID, case-insensitive) and group filter over KeysTableModel; sorts every
// column on its raw value, so dates and counts sort as dates and numbers.
class KeysFilterProxyModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit KeysFilterProxyModel(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *model) override;

    QString searchText() const { return m_search; }
    void setSearchText(const QString &text);
    // Only keys in this group (by uuid); empty: all keys.
    QString groupFilter() const { return m_groupUuid; }
    void setGroupFilter(const QString &groupUuid);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    KeysTableModel *m_keys = nullptr;
    QString m_search;
    QString m_groupUuid;
};

} // namespace portico::ui
