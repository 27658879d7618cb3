#pragma once

#include "store/auditlog.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>

#include <memory>

namespace portico::store {
class Database;
}

namespace portico::ui {

// The audit rows a query selects, newest first, read from the store a page at a time in a worker
// thread: the view asks for the next page (canFetchMore/fetchMore) as it scrolls, each a keyset
// read below the last id shown, so a million rows cost what the rows on screen cost.
class AuditTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        TimeColumn,
        UserColumn,
        SourceColumn,
        ActionColumn,
        ObjectColumn,
        ChangesColumn,
        ColumnCount
    };
    enum Role { IdRole = Qt::UserRole + 1, ActionRole, ObjectUuidRole, TimeRole };

    static constexpr int kPageSize = 200;

    explicit AuditTableModel(std::shared_ptr<store::Database> database, QObject *parent = nullptr);

    // Shows what `query` selects (its beforeId and limit are the model's), from the first page.
    void setQuery(const store::AuditQuery &query);
    const store::AuditQuery &query() const { return m_query; }
    // Reads the rows written since the newest shown and puts them on top; pages already read
    // stay, so a store change does not throw the reader back to the top.
    void refresh();

    const store::AuditEntry &entry(int row) const { return m_rows.at(row).entry; }
    bool isLoading() const { return m_loading; }
    // Why the last read failed; empty when it did not.
    QString errorText() const { return m_error; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    // A read has ended, and its rows (if any) are in the model.
    void loaded();

private:
    struct Row {
        store::AuditEntry entry;
        QJsonObject details;
        QString object;
        QString changes;
    };
    struct Page {
        QList<Row> rows;
        QString error;
    };
    enum class Read { First, Next, Newer };
    void read(Read kind);
    void apply(Read kind, const Page &page);

    std::shared_ptr<store::Database> m_database;
    store::AuditQuery m_query;
    QList<Row> m_rows;
    bool m_hasMore = false;
    bool m_loading = false;
    bool m_refreshPending = false;
    quint64 m_generation = 0; // a read for an older query is dropped
    QString m_error;
};

} // namespace portico::ui
