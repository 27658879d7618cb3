#include "ui/keys/keysfilterproxymodel.h"

#include "ui/keys/keystablemodel.h"

#include <QDateTime>

#include <algorithm>

namespace portico::ui {

KeysFilterProxyModel::KeysFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent) {
    setSortRole(KeysTableModel::RawValueRole);
}

void KeysFilterProxyModel::setSourceModel(QAbstractItemModel *model) {
    // Filtering reads the records directly: a QVariant per row and keystroke would be wasted
    // work with 100,000 keys.
    m_keys = qobject_cast<KeysTableModel *>(model);
    Q_ASSERT(m_keys || !model);
    QSortFilterProxyModel::setSourceModel(model);
}

void KeysFilterProxyModel::setSearchText(const QString &text) {
    const QString trimmed = text.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    // invalidate(), not invalidateFilter(): relaxing a filter over 100,000 rows otherwise emits
    // one rowsInserted per gap, and the view handles each in linear time.
    invalidate();
}

void KeysFilterProxyModel::setGroupFilter(const QString &groupUuid) {
    if (groupUuid == m_groupUuid)
        return;
    m_groupUuid = groupUuid;
    // invalidate(), not invalidateFilter(): relaxing a filter over 100,000 rows otherwise emits
    // one rowsInserted per gap, and the view handles each in linear time.
    invalidate();
}

bool KeysFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const {
    if (sourceParent.isValid() || !m_keys)
        return false;
    const auto &key = m_keys->keyAt(sourceRow);
    if (!m_search.isEmpty() && !key.name.contains(m_search, Qt::CaseInsensitive) &&
        !key.uuid.contains(m_search, Qt::CaseInsensitive))
        return false;
    if (!m_groupUuid.isEmpty()) {
        const bool inGroup = std::any_of(key.groups.cbegin(), key.groups.cend(),
                                         [this](const auto &g) { return g.uuid == m_groupUuid; });
        if (!inGroup)
            return false;
    }
    return true;
}

bool KeysFilterProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const {
    if (!m_keys)
        return QSortFilterProxyModel::lessThan(left, right);
    const auto &a = m_keys->keyAt(left.row());
    const auto &b = m_keys->keyAt(right.row());
    int order = 0;
    switch (left.column()) {
    case KeysTableModel::NameColumn:
        order = a.name.compare(b.name, Qt::CaseInsensitive);
        break;
    case KeysTableModel::UuidColumn:
        order = a.uuid.compare(b.uuid);
        break;
    case KeysTableModel::GroupsColumn:
        order = m_keys->groupsTextAt(left.row())
                    .compare(m_keys->groupsTextAt(right.row()), Qt::CaseInsensitive);
        break;
    case KeysTableModel::RoutesColumn:
        order = m_keys->routeCountAt(left.row()) - m_keys->routeCountAt(right.row());
        break;
    case KeysTableModel::CreatedColumn:
        order = a.createdAt < b.createdAt ? -1 : (b.createdAt < a.createdAt ? 1 : 0);
        break;
    case KeysTableModel::ExpiresColumn:
        // Never expiring sorts after every date.
        if (a.expiresAt.isValid() != b.expiresAt.isValid())
            order = a.expiresAt.isValid() ? -1 : 1;
        else
            order = a.expiresAt < b.expiresAt ? -1 : (b.expiresAt < a.expiresAt ? 1 : 0);
        break;
    default:
        break;
    }
    if (order != 0)
        return order < 0;
    // A stable tie-break keeps equal rows from jumping around on every reload.
    return a.uuid < b.uuid;
}

} // namespace portico::ui
