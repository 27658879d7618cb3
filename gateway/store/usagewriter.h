#pragma once

#include "store/records.h"
#include "store/result.h"

#include <QSqlDatabase>
#include <QSqlQuery>

#include <memory>
#include <optional>

struct sqlite3;
struct sqlite3_stmt;

namespace portico::store {

class Database;

// Writes batches of usage rows (the raw rows and their roll-ups, in one transaction) with
// statements prepared once per connection and kept for the next batch: the gateway's usage
// writer thread keeps one for its life. Preparing the three statements cost more than writing a
// batch of a few hundred rows, and Qt's bindValue() about 2,000 instructions a value (a QString
// and a QHash per placeholder): on SQLite the raw rows are bound and stepped through the
// connection's own sqlite3 handle instead (QSqlDriver::handle(), the same database connection
// and transaction), which made metering cost a third of what it did (docs/PERFORMANCE.md, S8).
// PostgreSQL goes through QSqlQuery, prepared for each batch (see insert()). On SQLite a batch's
// rows go in by 32 per statement: each statement's execution opens a cursor on the table and on
// each index and closes them again, which cost a row about as much as its B-tree inserts.
//
// Usage rows are committed without waiting for the disk: each batch runs with SQLite's
// synchronous=NORMAL (everything else keeps FULL). In WAL mode such a commit survives a crash of
// the gateway; only a power loss or a crash of the machine can take back the last batches (the
// store stays consistent; the next FULL commit of any connection, and every checkpoint, makes
// them durable). Rows wait up to 200 ms in memory before they are written anyway; waiting for
// the disk at each batch cost the writer thread, and the log writer beside it, more CPU than the
// rows' SQL (docs/PERFORMANCE.md, S8).
//
// Not thread-safe: one writer per thread, used and destroyed in the thread that made it (the
// thread's connection must outlive it).
class UsageWriter {
public:
    explicit UsageWriter(Database &db);
    ~UsageWriter();
    UsageWriter(const UsageWriter &) = delete;
    UsageWriter &operator=(const UsageWriter &) = delete;

    // Not an admin change: does not bump the change counter nor emit Database::changed().
    Status insert(const QList<UsageRecord> &rows);

private:
    Status prepareFor(const QSqlDatabase &connection);
    Status insertRaw(const QList<UsageRecord> &rows);
    Status insertSqlite(const QList<UsageRecord> &rows);
    void release();

    Database &m_db;
    // Database::openSerial() of the connection the statements were prepared on: a thread's
    // connection may be closed and opened again, and then they are prepared again.
    quint64 m_openSerial = 0;
    sqlite3 *m_sqlite = nullptr;
    QSqlDatabase m_sqliteConnection;        // the connection m_sqlite belongs to (see release())
    sqlite3_stmt *m_sqliteInsert = nullptr; // one row
    sqlite3_stmt *m_sqliteInsertMany = nullptr; // kRowsPerInsert rows (see insertSqlite())
    std::optional<QSqlQuery> m_insert;          // PostgreSQL
    std::optional<QSqlQuery> m_hourly;
    std::optional<QSqlQuery> m_daily;
};

} // namespace portico::store
