#pragma once

#include "store/result.h"

#include <QObject>
#include <QSqlDatabase>
#include <QString>

#include <atomic>
#include <memory>

namespace portico::store {

// The store: one SQL database shared by the desktop app, the gateway threads and the command
// line, possibly in several processes at once.
//
// Connections: one named QSqlDatabase connection per thread, opened on first use in that thread
// and closed when the thread ends (Qt's SQL connections must stay in their thread).
// Backend specifics (SQLite's WAL, synchronous=FULL, busy timeout, BEGIN IMMEDIATE; PostgreSQL's
// URI, advisory lock and isolation level) live in database.cpp only: callers are the same code
// for both.
//
// Every committed change bumps `meta.change_counter` inside the same transaction, so readers in
// other processes can tell cheaply that something changed, and emits changed() in this process.
class Database : public QObject {
    Q_OBJECT
public:
    static constexpr int kSchemaVersion = 5;
    // On PostgreSQL every admin change sends NOTIFY on this channel when it commits
    // (ChangeListener hears it).
    static constexpr char kChangeChannel[] = "portico_changes";

    // Opens (creating the file and its folder if needed) and migrates the database at `path`.
    // Refuses a database written by a newer schema version (Error::Code::SchemaTooNew).
    // A path of the form postgresql://USER[:PASSWORD]@HOST:PORT/DBNAME[?PARAM=VALUE...] opens
    // that PostgreSQL database instead (libpq parameters such as sslmode pass through; without a
    // password in the URI libpq reads PGPASSWORD or ~/.pgpass).
    static Result<std::shared_ptr<Database>> open(const QString &path);
    static bool isPostgresUri(const QString &path);

    // The default location: <user data folder>/portico.db (QStandardPaths::AppDataLocation).
    static QString defaultPath();

    ~Database() override;

    // The file, or the PostgreSQL URI without its password: safe to show and log.
    QString path() const { return m_path; }
    bool isPostgres() const { return !m_connectUri.isEmpty(); }

    // The calling thread's connection (opened on first use).
    QSqlDatabase connection() const;
    // Differs each time connection() opened a connection (again): what was prepared on it
    // before is gone. 0 for a connection not opened by connection().
    static quint64 openSerial(const QSqlDatabase &connection);

    // The schema version written in meta.
    int schemaVersion() const;

    // The change counter as committed in the database (cheap; used to notice other processes).
    qint64 changeCounter() const;

    // Work that one process at a time should do among all those on the store (usage retention):
    // true when the calling thread got the turn for `job`, until releaseTurn(). On PostgreSQL a
    // session advisory lock on this thread's connection; on SQLite always true (one machine,
    // and its writes are serialised anyway).
    bool tryTakeTurn(const QString &job);
    void releaseTurn(const QString &job);

    // Why the last write of this process to its store failed because of the store itself (a
    // full disk, a read-only file or database, an I/O error), or empty once a later write
    // committed. For the window's banner (ui::StoreWatcher): one notice instead of an error on
    // every page.
    static QString lastWriteFault();

    // Bumped on every change committed through this object, in any thread of this process.
    quint64 localGeneration() const { return m_localGeneration.load(std::memory_order_acquire); }

Q_SIGNALS:
    // A change was committed through this object (emitted from the writing thread).
    void changed();

private:
    explicit Database(QString path);
    Status migrate();
    friend class Transaction;
    void noteCommitted();

    QString m_path;
    QString m_connectUri; // PostgreSQL only: the URI as given, password included; never shown
    QString m_connectionPrefix;
    std::atomic<quint64> m_localGeneration{0};
};

// A write transaction: BEGIN IMMEDIATE on SQLite (the write lock is taken up front, so a
// read-modify-write never fails half-way on a lock upgrade). Rolls back unless commit() is called.
// commit() bumps meta.change_counter first.
class Transaction {
public:
    enum class Locking {
        // Serialised with every other write to the store (SQLite's write lock; on PostgreSQL a
        // store-wide advisory lock), so a read-modify-write sees no concurrent change.
        WholeStore,
        // PostgreSQL: only the row locks of what the transaction updates, for counters that many
        // gateways update at once and that must not wait behind a batch of usage rows. Writers
        // of such rows take them in a fixed order (no deadlock). SQLite: as WholeStore.
        RowsOnly,
    };
    explicit Transaction(Database &db, Locking locking = Locking::WholeStore);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    bool isOpen() const { return m_open; }
    const Error &error() const { return m_error; } // why begin or commit failed
    QSqlDatabase connection() const { return m_connection; }
    Status commit();
    // Commits without bumping meta.change_counter or emitting changed(): for writes that are not
    // admin changes (usage rows, last-used times), so they do not make every reader reload.
    Status commitQuietly();

private:
    Status finish(bool countAsChange);

    Database &m_db;
    QSqlDatabase m_connection;
    bool m_open = false;
    Error m_error;
};

} // namespace portico::store
