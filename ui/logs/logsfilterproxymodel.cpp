#include "ui/logs/logsfilterproxymodel.h"

#include "ui/logs/logstablemodel.h"

namespace portico::ui {

LogsFilterProxyModel::LogsFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent) {}

void LogsFilterProxyModel::setMinimumLevel(metering::LogEntry::Level level) {
    if (level == m_minimumLevel)
        return;
    m_minimumLevel = level;
    invalidateRowsFilter();
}

void LogsFilterProxyModel::setSearchText(const QString &text) {
    const QString trimmed = text.trimmed();
    if (trimmed == m_searchText)
        return;
    m_searchText = trimmed;
    invalidateRowsFilter();
}

bool LogsFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const {
    const QAbstractItemModel *model = sourceModel();
    const QModelIndex first = model->index(sourceRow, 0, sourceParent);
    if (model->data(first, LogsTableModel::LevelRole).toInt() < int(m_minimumLevel))
        return false;
    if (m_searchText.isEmpty())
        return true;
    const int columns = model->columnCount(sourceParent);
    for (int column = 0; column < columns; ++column) {
        const QString text = model->data(model->index(sourceRow, column, sourceParent)).toString();
        if (text.contains(m_searchText, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace portico::ui
