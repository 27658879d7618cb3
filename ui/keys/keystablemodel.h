#pragma once

#include "store/records.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace portico::ui {

// The keys list of the Keys page: one row per API key. Rows are replaced wholesale on every
// store change (a model reset is cheap even for 100,000 keys; per-row diffing is not needed).
class KeysTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        UuidColumn,
        GroupsColumn,
        RoutesColumn,
        CreatedColumn,
        ExpiresColumn,
        ActionsColumn,
        ColumnCount
    };
    enum Role {
        // The value to sort by: QString for text, int for counts, QDateTime for dates.
        RawValueRole = Qt::UserRole + 1,
        UuidRole,
        // ExpiryStatus of the key, as an int (Expires column).
        ExpiryStatusRole,
    };

    explicit KeysTableModel(QObject *parent = nullptr);

    void setKeys(QList<store::ApiKeyRecord> keys);
    const store::ApiKeyRecord &keyAt(int row) const { return m_rows.at(row).record; }
    const QString &groupsTextAt(int row) const { return m_rows.at(row).groupsText; }
    int routeCountAt(int row) const { return m_rows.at(row).routeCount; }
    int rowOfUuid(const QString &uuid) const { return m_rowByUuid.value(uuid, -1); }

    // The Expires column says "in 3 days" and "Expired" against the clock: repaint it.
    void refreshExpiry();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row {
        store::ApiKeyRecord record;
        QString groupsText; // computed once: sorting and filtering read it many times
        int routeCount = 0;
    };
    // What a column holds (RawValueRole): what sorting and filtering compare, and what the
    // columns shown as they are display.
    static QVariant rawValue(const Row &row, int column);

    QList<Row> m_rows;
    QHash<QString, int> m_rowByUuid;
};

} // namespace portico::ui
