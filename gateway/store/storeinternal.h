#pragma once

// Helpers shared by the store's classes; not part of the library's interface.

#include "store/database.h"
#include "store/records.h"
#include "store/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <QVariantList>

namespace portico::store::detail {

// Times are BIGINT milliseconds since the epoch (UTC): sortable, and the same on PostgreSQL.
QVariant timeToDb(const QDateTime &time);
QDateTime timeFromDb(const QVariant &value);
qint64 nowMs();
// Empty strings are stored as NULL so "no key" and "no error" read the same on every backend.
QVariant textOrNull(const QString &text);

QString newUuid();

Error databaseError(const QSqlError &error, const QString &doing);
// Why the calling thread's connection could not be opened (see Database::connection()).
Error connectionError(const QSqlDatabase &connection);

// Prepares `sql` on `query`; false with `error` set when the driver refuses it.
Status prepare(QSqlQuery &query, const QString &sql, const QString &doing);
Status exec(QSqlQuery &query, const QString &doing);
// Prepares, binds `values` in order and runs a statement whose result is not read (the writes).
Status run(const QSqlDatabase &connection, const QString &sql, const QVariantList &values,
           const QString &doing);

// A read-only transaction: every SELECT inside it sees the same committed state.
// The dialect (BEGIN on SQLite) lives in database.cpp.
class ReadTransaction {
public:
    explicit ReadTransaction(Database &db);
    ~ReadTransaction();
    ReadTransaction(const ReadTransaction &) = delete;
    ReadTransaction &operator=(const ReadTransaction &) = delete;

    bool isOpen() const { return m_open; }
    const Error &error() const { return m_error; }
    QSqlDatabase connection() const { return m_connection; }

private:
    QSqlDatabase m_connection;
    bool m_open = false;
    Error m_error;
};

// Runs `change(connection, unchanged)` in one write transaction and commits when it returns a
// value. An error rolls back; so does a change that sets `unchanged` (the record already is as
// asked): nothing is committed, so the change counter stays and no reader reloads.
template <typename T, typename Change> Result<T> writeTransaction(Database &db, Change &&change) {
    Transaction tx(db);
    if (!tx.isOpen())
        return tx.error();
    bool unchanged = false;
    Result<T> result = change(tx.connection(), unchanged);
    if (!result || unchanged)
        return result;
    if (Status s = tx.commit(); !s)
        return s.error();
    return result;
}

// Runs `read(connection)` in one ReadTransaction: all its SELECTs see the same state.
template <typename T, typename Read> Result<T> readTransaction(Database &db, Read &&read) {
    ReadTransaction tx(db);
    if (!tx.isOpen())
        return tx.error();
    return read(tx.connection());
}

// Refs are a uuid (any case, with or without braces) or an exact name (trimmed). Defined in
// storeobjects.cpp, with the keys' and groups' other lookups.
Result<QString> resolveKeyUuid(const QSqlDatabase &connection, const QString &keyRef);
Result<QString> resolveGroupUuid(const QSqlDatabase &connection, const QString &groupRef);

Status writeAudit(const QSqlDatabase &connection, const QString &actor, const QString &action,
                  const QString &objectType, const QString &objectUuid, const QJsonObject &details);

Result<qint64> readChangeCounter(const QSqlDatabase &connection);

// After rows were inserted with their own ids (a store copy): PostgreSQL's id sequences of usage
// and audit are moved past them. Nothing to do on SQLite. Defined in database.cpp.
Status resyncRowIds(const QSqlDatabase &connection);

} // namespace portico::store::detail
