#include "ui/audit/audittablemodel.h"

#include "store/database.h"
#include "ui/audit/audittext.h"
#include "ui/common/backgroundquery.h"
#include "ui/storeerrortext.h"

#include <QLocale>

namespace portico::ui {

AuditTableModel::AuditTableModel(std::shared_ptr<store::Database> database, QObject *parent)
    : QAbstractTableModel(parent)
    , m_database(std::move(database)) {}

void AuditTableModel::setQuery(const store::AuditQuery &query) {
    m_query = query;
    m_query.beforeId = 0;
    m_query.limit = kPageSize;
    ++m_generation;
    m_refreshPending = false;
    beginResetModel();
    m_rows.clear();
    m_hasMore = false;
    m_error.clear();
    endResetModel();
    read(Read::First);
}

void AuditTableModel::refresh() {
    if (m_loading) {
        m_refreshPending = true; // after the running read, which may be the first page
        return;
    }
    read(m_rows.isEmpty() ? Read::First : Read::Newer);
}

bool AuditTableModel::canFetchMore(const QModelIndex &parent) const {
    return !parent.isValid() && m_hasMore && !m_loading;
}

void AuditTableModel::fetchMore(const QModelIndex &parent) {
    if (canFetchMore(parent))
        read(Read::Next);
}

void AuditTableModel::read(Read kind) {
    store::AuditQuery query = m_query;
    if (kind == Read::Next)
        query.beforeId = m_rows.last().entry.id;
    m_loading = true;
    runInBackground(
        this,
        [database = m_database, query] {
            Page page;
            const auto rows = store::AuditLog(*database).query(query);
            if (!rows) {
                page.error = storeErrorText(rows.error());
                return page;
            }
            // The texts are made here, off the window's thread, once per row.
            for (const store::AuditEntry &entry : *rows) {
                Row row{entry, AuditText::details(entry), {}, {}};
                row.object = AuditText::object(entry, row.details);
                row.changes = AuditText::changes(entry, row.details);
                page.rows.append(row);
            }
            return page;
        },
        [this, kind, generation = m_generation](const Page &page) {
            m_loading = false;
            if (generation == m_generation)
                apply(kind, page);
            if (m_refreshPending) {
                m_refreshPending = false;
                refresh();
            }
            Q_EMIT loaded();
        });
}

void AuditTableModel::apply(Read kind, const Page &page) {
    m_error = page.error;
    if (!page.error.isEmpty())
        return;
    if (kind == Read::Newer) {
        // The first page again: what is above the newest row shown is new.
        const qint64 newest = m_rows.isEmpty() ? 0 : m_rows.first().entry.id;
        qsizetype fresh = 0;
        while (fresh < page.rows.size() && page.rows.at(fresh).entry.id > newest)
            ++fresh;
        if (fresh == page.rows.size() && fresh > 0) {
            // More new rows than a page: start over rather than leave a hole.
            beginResetModel();
            m_rows = page.rows;
            m_hasMore = page.rows.size() == m_query.limit;
            endResetModel();
            return;
        }
        if (fresh > 0) {
            beginInsertRows({}, 0, int(fresh) - 1);
            m_rows = page.rows.mid(0, fresh) + m_rows;
            endInsertRows();
        }
        return;
    }
    if (kind == Read::First) {
        beginResetModel();
        m_rows = page.rows;
        endResetModel();
    } else if (!page.rows.isEmpty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page.rows.size()) - 1);
        m_rows += page.rows;
        endInsertRows();
    }
    // A short page is the last one.
    m_hasMore = page.rows.size() == m_query.limit;
}

int AuditTableModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AuditTableModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditTableModel::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return QLocale().toString(row.entry.time.toLocalTime(), QLocale::ShortFormat);
        case UserColumn:
            return row.entry.actor;
        case SourceColumn:
            return AuditText::source(row.entry.source);
        case ActionColumn:
            return AuditText::action(row.entry.action);
        case ObjectColumn:
            return row.object;
        case ChangesColumn:
            return row.changes;
        }
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case TimeColumn:
            return QLocale().toString(row.entry.time.toLocalTime(), QLocale::LongFormat);
        case ActionColumn:
            return row.entry.action;
        case ObjectColumn:
            return row.entry.objectUuid;
        case ChangesColumn:
            return row.changes;
        }
        return {};
    case IdRole:
        return row.entry.id;
    case ActionRole:
        return row.entry.action;
    case ObjectUuidRole:
        return row.entry.objectUuid;
    case TimeRole:
        return row.entry.time;
    }
    return {};
}

QVariant AuditTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case UserColumn:
        return tr("User");
    case SourceColumn:
        return tr("Source");
    case ActionColumn:
        return tr("Action");
    case ObjectColumn:
        return tr("Object");
    case ChangesColumn:
        return tr("Changes");
    }
    return {};
}

} // namespace portico::ui
