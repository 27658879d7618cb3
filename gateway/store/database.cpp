#include "store/database.h"

#include "store/storeinternal.h"
#include "store/usagerollup.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QMutex>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QThread>
#include <QUrl>
#include <QUrlQuery>

#include <mutex>
#include <vector>

#include <sqlite3.h>

// Everything specific to a backend lives in this file: SQLite's driver, PRAGMAs, BEGIN IMMEDIATE,
// busy handling and DDL dialect; PostgreSQL's connection URI, advisory locks, isolation levels and
// DDL dialect. The other store files use standard SQL that both accept.

namespace portico::store {

namespace {
// Set on a connection's driver each time Database::connection() opens it (openSerial()).
constexpr char kOpenSerialProperty[] = "portico_open_serial";
} // namespace

namespace {

Q_LOGGING_CATEGORY(lcStore, "portico.store")

constexpr int kBusyTimeoutMs = 5000;
constexpr QFileDevice::Permissions kOwnerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOthers = QFileDevice::ReadGroup | QFileDevice::WriteGroup |
                                             QFileDevice::ExeGroup | QFileDevice::ReadOther |
                                             QFileDevice::WriteOther | QFileDevice::ExeOther;

// The store file and what SQLite keeps beside it: the write-ahead log and its shared-memory index.
QStringList storeFiles(const QString &path) {
    return {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm"),
            path + QStringLiteral("-journal")};
}

// Makes the store and its companion files readable by their owner only. SQLite creates -wal,
// -shm and -journal with the permissions of the store file (not the umask's), so a store file
// that is 0600 before the first connection gives 0600 companions. An existing store readable
// by others (from an older version, a copy, a wide umask) is tightened, with a log line.
void makeStoreFilesPrivate(const QString &path) {
    for (const QString &file : storeFiles(path)) {
        const QFileInfo info(file);
        if (!info.exists() || info.isSymLink() || !(info.permissions() & kOthers))
            continue;
        const QFileDevice::Permissions p = info.permissions();
        const int bits =
            (p & QFileDevice::ReadOwner ? 0400 : 0) | (p & QFileDevice::WriteOwner ? 0200 : 0) |
            (p & QFileDevice::ExeOwner ? 0100 : 0) | (p & QFileDevice::ReadGroup ? 040 : 0) |
            (p & QFileDevice::WriteGroup ? 020 : 0) | (p & QFileDevice::ExeGroup ? 010 : 0) |
            (p & QFileDevice::ReadOther ? 04 : 0) | (p & QFileDevice::WriteOther ? 02 : 0) |
            (p & QFileDevice::ExeOther ? 01 : 0);
        const QString mode = QStringLiteral("0%1").arg(bits, 3, 8, QLatin1Char('0'));
        if (QFile::setPermissions(file, kOwnerOnly))
            qCWarning(lcStore).noquote()
                << QStringLiteral("%1 could be read by other users (permissions %2); it is now "
                                  "readable by its owner only (0600).")
                       .arg(file, mode);
        else
            qCWarning(lcStore).noquote()
                << QStringLiteral("%1 can be read by other users and its permissions cannot be "
                                  "changed; make it private with: chmod 600 %1")
                       .arg(file);
    }
}
const char kDriver[] = "QSQLITE";
const char kPostgresDriver[] = "QPSQL";
// The advisory lock every write transaction on PostgreSQL takes first: admin changes and
// migrations are serialised as on SQLite (BEGIN IMMEDIATE), so a read-modify-write (is the name
// free? then insert) never races another process. "PORTICO" in ASCII.
constexpr qint64 kWriteLockKey = 0x504f525449434f;

bool isPostgres(const QSqlDatabase &connection) {
    return connection.driverName() == QLatin1String(kPostgresDriver);
}
// SQLite's result codes as the QSQLITE driver reports them in nativeErrorCode().
const char kSqliteBusy[] = "5";
const char kSqliteLocked[] = "6";

// Database::lastWriteFault(): set by databaseError() for the codes that say the store cannot
// be written, cleared by every commit.
QMutex g_writeFaultMutex;
QString g_writeFault;
std::atomic<bool> g_hasWriteFault{false};

void setWriteFault(const QString &message) {
    QMutexLocker locker(&g_writeFaultMutex);
    g_writeFault = message;
    g_hasWriteFault.store(!message.isEmpty(), std::memory_order_release);
}

std::atomic<quint64> g_nextDatabaseId{1};
std::atomic<quint64> g_nextThreadId{1};

// Set once this thread's registry is destroyed (thread end, or exit() on the main thread): a
// Database destroyed later, e.g. a static one, must not touch the registry or Qt's connection
// list any more, which may already be gone. A plain bool has no destructor, so it stays readable.
thread_local bool t_registryGone = false;

// Qt SQL's list of connections is a global object, destroyed when the process exits. A thread
// can end after it: an idle thread of a QThreadPool (the window's background loads) is joined
// while global objects are being destroyed, and closing its connections then crashed at exit
// (found by the asan preset). So a marker made right after that list (markQtSqlInUse(); global
// objects are destroyed in the reverse order of their making) says when it is about to go, under
// a mutex that ThreadConnections holds while it uses the list. Both are constant-initialised and
// never destroyed, so they are safe to use at any point of the exit.
QBasicMutex g_qtSqlMutex;
bool g_qtSqlGone = false;
struct QtSqlGoneAtExit {
    ~QtSqlGoneAtExit() {
        const QMutexLocker lock(&g_qtSqlMutex);
        g_qtSqlGone = true;
    }
};
void markQtSqlInUse() {
    static QtSqlGoneAtExit marker;
}

// The connections this thread opened, removed when the thread ends: QSqlDatabase connections
// must be used and closed in the thread that opened them. Also remembers why an open failed.
struct ThreadConnections {
    quint64 threadId = g_nextThreadId.fetch_add(1);
    QStringList names;
    QHash<QString, Error> failures;

    ~ThreadConnections() {
        t_registryGone = true;
        const QMutexLocker lock(&g_qtSqlMutex);
        if (g_qtSqlGone)
            return; // the process is ending, and the connections with it
        for (const QString &name : std::as_const(names)) {
            if (QSqlDatabase::contains(name)) {
                QSqlDatabase::database(name, false).close();
                QSqlDatabase::removeDatabase(name);
            }
        }
    }
};

ThreadConnections &threadConnections() {
    thread_local ThreadConnections connections;
    return connections;
}

bool isBusy(const QSqlError &error) {
    const QString code = error.nativeErrorCode();
    return code == QLatin1String(kSqliteBusy) || code == QLatin1String(kSqliteLocked);
}

// A diagnostic knob for the tests of a store that cannot be written (README, "Tests"): when
// PORTICO_TEST_STORE_FAULT names a file, every write transaction on SQLite first reads it, and
// while it holds "read-only" the connection refuses writes as a read-only store does (SQLite's
// query_only: every write fails with SQLITE_READONLY, reads go on). Used where the test cannot
// make a file system read-only under a process that has the store open (the kernel refuses to
// remount it while files are open for writing). Without the variable it costs nothing.
void applyStoreFaultKnob(QSqlDatabase &connection) {
    static const QString knob = qEnvironmentVariable("PORTICO_TEST_STORE_FAULT");
    if (knob.isEmpty())
        return;
    QFile file(knob);
    const bool readOnly =
        file.open(QIODevice::ReadOnly) && file.readAll().trimmed() == QByteArrayView("read-only");
    QSqlQuery query(connection);
    query.exec(readOnly ? QStringLiteral("PRAGMA query_only = ON")
                        : QStringLiteral("PRAGMA query_only = OFF"));
}

// BEGIN IMMEDIATE takes the write lock up front. busy_timeout already waits for other writers;
// a few extra attempts cover a busy handler that gives up early (e.g. during a WAL checkpoint).
Status beginImmediate(QSqlDatabase &connection, bool storeWideLock = true) {
    if (isPostgres(connection)) {
        QSqlQuery query(connection);
        if (!query.exec(QStringLiteral("BEGIN"))) {
            const Error error = detail::databaseError(
                query.lastError(), QStringLiteral("starting a write transaction"));
            // BEGIN fails when the server went away (a restart, say): the next use reconnects.
            connection.close();
            return error;
        }
        if (storeWideLock &&
            !query.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kWriteLockKey))) {
            const QSqlError error = query.lastError();
            query.exec(QStringLiteral("ROLLBACK"));
            return detail::databaseError(error, QStringLiteral("starting a write transaction"));
        }
        return {};
    }
    applyStoreFaultKnob(connection);
    constexpr int kAttempts = 3;
    QSqlError last;
    for (int attempt = 0; attempt < kAttempts; ++attempt) {
        QSqlQuery query(connection);
        if (query.exec(QStringLiteral("BEGIN IMMEDIATE")))
            return {};
        last = query.lastError();
        if (!isBusy(last))
            break;
        QThread::msleep(25UL * (attempt + 1));
    }
    return detail::databaseError(last, QStringLiteral("starting a write transaction"));
}

Status execSql(QSqlDatabase &connection, const QString &sql, const QString &doing) {
    QSqlQuery query(connection);
    if (!query.exec(sql))
        return detail::databaseError(query.lastError(), doing);
    return {};
}

void rollback(QSqlDatabase &connection) {
    QSqlQuery query(connection);
    query.exec(QStringLiteral("ROLLBACK"));
}

// SQLite counts every allocation it makes under one process-wide mutex, for statistics nothing
// here reads (sqlite3_memory_used()): a usage row made three of them, 7% of the usage writer's
// time under load (docs/PERFORMANCE.md, round 10). Only possible before SQLite's first use in the
// process: later calls are refused by SQLite and change nothing.
void turnOffSqliteMemoryStatistics() {
    static std::once_flag once;
    std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

Status applyConnectionSettings(QSqlDatabase &connection) {
    // busy_timeout first: switching to WAL itself may have to wait for another process.
    const QStringList pragmas = {
        QStringLiteral("PRAGMA busy_timeout = %1").arg(kBusyTimeoutMs),
        QStringLiteral("PRAGMA journal_mode = WAL"),
        QStringLiteral("PRAGMA synchronous = FULL"),
        QStringLiteral("PRAGMA foreign_keys = ON"),
    };
    for (const QString &pragma : pragmas) {
        // Switching to WAL can report "locked" at once, without the busy handler, while another
        // process is creating the schema of a fresh file: wait for it like busy_timeout would.
        QSqlError last;
        bool done = false;
        for (int waitedMs = 0; !done && waitedMs <= kBusyTimeoutMs; waitedMs += 50) {
            QSqlQuery query(connection);
            done = query.exec(pragma);
            if (!done) {
                last = query.lastError();
                if (!isBusy(last))
                    break;
                QThread::msleep(50);
            }
        }
        if (!done)
            return Error{Error::Code::Database, last.databaseText()};
    }
    return {};
}

// The hourly and the daily roll-up have the same columns; only the bucket differs. Released
// steps must keep creating the very same SQL text, which test_migrations checks.
QString rollupTableSql(const QString &table) {
    return QStringLiteral("CREATE TABLE ") + table +
           QStringLiteral(" ("
                          " bucket_start BIGINT NOT NULL,"
                          " key_uuid VARCHAR(36) NOT NULL,"
                          " route VARCHAR(1000) NOT NULL,"
                          " model_id VARCHAR(1000) NOT NULL,"
                          " status INTEGER NOT NULL,"
                          " key_name VARCHAR(1000) NOT NULL,"
                          " provider VARCHAR(200) NOT NULL,"
                          " requests BIGINT NOT NULL,"
                          " errors BIGINT NOT NULL,"
                          " stream_requests BIGINT NOT NULL,"
                          " prompt_tokens BIGINT NOT NULL,"
                          " completion_tokens BIGINT NOT NULL,"
                          " cost_usd DOUBLE PRECISION NOT NULL,"
                          " latency_sum_ms BIGINT NOT NULL,"
                          " latency_max_ms BIGINT NOT NULL,"
                          " ttft_sum_ms BIGINT NOT NULL,"
                          " ttft_count BIGINT NOT NULL,"
                          " lat_b0 BIGINT NOT NULL, lat_b1 BIGINT NOT NULL,"
                          " lat_b2 BIGINT NOT NULL, lat_b3 BIGINT NOT NULL,"
                          " lat_b4 BIGINT NOT NULL, lat_b5 BIGINT NOT NULL,"
                          " lat_b6 BIGINT NOT NULL, lat_b7 BIGINT NOT NULL,"
                          " lat_b8 BIGINT NOT NULL, lat_b9 BIGINT NOT NULL,"
                          " lat_b10 BIGINT NOT NULL, lat_b11 BIGINT NOT NULL,"
                          " last_time BIGINT NOT NULL,"
                          " PRIMARY KEY (bucket_start, key_uuid, route, model_id, status))"
                          " WITHOUT ROWID");
}

// The migration steps are written in SQLite's dialect; PostgreSQL needs two words changed: the
// auto-numbered row id, and SQLite's clustered tables (a plain table there).
QString postgresDdl(QString sql) {
    sql.replace(QLatin1String("id INTEGER PRIMARY KEY"), QLatin1String("id BIGSERIAL PRIMARY KEY"));
    sql.replace(QLatin1String(" WITHOUT ROWID"), QString());
    return sql;
}

// One step of the schema: the statements that bring version `toVersion - 1` to `toVersion`.
// Steps are never edited once released; a change is a new step.
struct MigrationStep {
    int toVersion;
    QStringList statements;
};

const std::vector<MigrationStep> &migrationSteps() {
    static const std::vector<MigrationStep> steps = {
        {1,
         {
             QStringLiteral("CREATE TABLE meta (key VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)"),
             QStringLiteral("INSERT INTO meta (key, value) VALUES ('schema_version', '0')"),
             QStringLiteral("INSERT INTO meta (key, value) VALUES ('change_counter', '0')"),
             QStringLiteral("CREATE TABLE api_keys ("
                            " uuid VARCHAR(36) PRIMARY KEY,"
                            " name VARCHAR(1000) NOT NULL UNIQUE,"
                            " key_hash VARCHAR(64) NOT NULL UNIQUE,"
                            " key_hint VARCHAR(32) NOT NULL,"
                            " state VARCHAR(16) NOT NULL,"
                            " created_at BIGINT NOT NULL,"
                            " updated_at BIGINT NOT NULL,"
                            " last_used_at BIGINT)"),
             QStringLiteral("CREATE TABLE groups ("
                            " uuid VARCHAR(36) PRIMARY KEY,"
                            " name VARCHAR(1000) NOT NULL UNIQUE,"
                            " description TEXT NOT NULL DEFAULT '',"
                            " created_at BIGINT NOT NULL)"),
             QStringLiteral("CREATE TABLE key_groups ("
                            " key_uuid VARCHAR(36) NOT NULL"
                            "  REFERENCES api_keys (uuid) ON DELETE CASCADE,"
                            " group_uuid VARCHAR(36) NOT NULL"
                            "  REFERENCES groups (uuid) ON DELETE CASCADE,"
                            " PRIMARY KEY (key_uuid, group_uuid))"),
             QStringLiteral("CREATE TABLE group_routes ("
                            " group_uuid VARCHAR(36) NOT NULL"
                            "  REFERENCES groups (uuid) ON DELETE CASCADE,"
                            " route_name VARCHAR(1000) NOT NULL,"
                            " PRIMARY KEY (group_uuid, route_name))"),
             // INTEGER PRIMARY KEY is SQLite's auto-numbered row id (BIGSERIAL on PostgreSQL).
             QStringLiteral("CREATE TABLE usage ("
                            " id INTEGER PRIMARY KEY,"
                            " time BIGINT NOT NULL,"
                            " request_id VARCHAR(128),"
                            " key_uuid VARCHAR(36),"
                            " key_name VARCHAR(1000),"
                            " route VARCHAR(1000),"
                            " model_id VARCHAR(1000),"
                            " provider VARCHAR(200),"
                            " stream SMALLINT NOT NULL DEFAULT 0,"
                            " status INTEGER NOT NULL DEFAULT 0,"
                            " error_code VARCHAR(200),"
                            " prompt_tokens BIGINT NOT NULL DEFAULT 0,"
                            " completion_tokens BIGINT NOT NULL DEFAULT 0,"
                            " cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0,"
                            " latency_ms BIGINT NOT NULL DEFAULT 0,"
                            " ttft_ms BIGINT NOT NULL DEFAULT -1)"),
             QStringLiteral("CREATE TABLE audit ("
                            " id INTEGER PRIMARY KEY,"
                            " time BIGINT NOT NULL,"
                            " actor VARCHAR(200) NOT NULL,"
                            " action VARCHAR(64) NOT NULL,"
                            " object_type VARCHAR(16) NOT NULL,"
                            " object_uuid VARCHAR(36) NOT NULL,"
                            " details TEXT NOT NULL)"),
         }},
        {2,
         {
             QStringLiteral("ALTER TABLE api_keys ADD COLUMN expires_at BIGINT"),
             QStringLiteral("CREATE INDEX usage_time_idx ON usage (time)"),
             QStringLiteral("CREATE INDEX usage_key_uuid_idx ON usage (key_uuid)"),
             QStringLiteral("CREATE INDEX audit_time_idx ON audit (time)"),
             QStringLiteral("CREATE INDEX key_groups_group_idx ON key_groups (group_uuid)"),
         }},
        // The hourly roll-up of usage (see UsageRollup). Texts are '' rather than NULL: NULLs
        // never conflict, so they would defeat the upsert. WITHOUT ROWID keeps the lines
        // clustered by hour, which is the order every monitoring query reads them in.
        {3,
         {
             rollupTableSql(QStringLiteral("usage_hourly")),
             // The back-fill statements live in UsageRollup, so that UsageRollup::rebuild()
             // runs the very same ones; they must keep their results unchanged.
             UsageRollup::hourlyBackfillSql(),
             QStringLiteral("CREATE INDEX usage_hourly_key_idx ON usage_hourly (key_uuid, "
                            "bucket_start)"),
             // The same per UTC day, for long periods; back-filled from the hourly lines.
             rollupTableSql(QStringLiteral("usage_daily")),
             UsageRollup::dailyBackfillSql(),
             QStringLiteral("CREATE INDEX usage_daily_key_idx ON usage_daily (key_uuid, "
                            "bucket_start)"),
         }},
        // The drill-down reads one key's newest rows: with (key_uuid, time) that is an index
        // walk; with key_uuid alone SQLite sorted all of the key's rows (7 s for a key with
        // 1.8 million). The new index serves every lookup the old one did.
        {4,
         {
             QStringLiteral("DROP INDEX usage_key_uuid_idx"),
             QStringLiteral("CREATE INDEX usage_key_time_idx ON usage (key_uuid, time)"),
         }},
        // Key lifecycle and per-key controls. A key's secrets get their own table, so a key keeps
        // its uuid, groups, limits and history across rotations; back-filled with every key's
        // current secret. api_keys.key_hash stays as a copy of the current secret's hash:
        // SQLite cannot drop a UNIQUE column, and it keeps older readers of a copied file honest.
        {5,
         {
             QStringLiteral("CREATE TABLE key_secrets ("
                            " secret_hash VARCHAR(64) PRIMARY KEY,"
                            " key_uuid VARCHAR(36) NOT NULL"
                            "  REFERENCES api_keys (uuid) ON DELETE CASCADE,"
                            " hint VARCHAR(32) NOT NULL,"
                            " created_at BIGINT NOT NULL,"
                            " valid_until BIGINT)"),
             QStringLiteral("INSERT INTO key_secrets (secret_hash, key_uuid, hint, created_at, "
                            "valid_until) SELECT key_hash, uuid, key_hint, created_at, NULL "
                            "FROM api_keys"),
             QStringLiteral("CREATE INDEX key_secrets_key_idx ON key_secrets (key_uuid)"),
             // Limits of keys and groups alike; a row only where some limit is set.
             QStringLiteral("CREATE TABLE object_limits ("
                            " object_uuid VARCHAR(36) PRIMARY KEY,"
                            " object_type VARCHAR(16) NOT NULL,"
                            " requests_per_minute BIGINT,"
                            " tokens_per_minute BIGINT,"
                            " max_parallel BIGINT,"
                            " budget_usd DOUBLE PRECISION,"
                            " budget_period VARCHAR(8) NOT NULL DEFAULT 'month')"),
             QStringLiteral("ALTER TABLE api_keys ADD COLUMN allowed_ips TEXT NOT NULL "
                            "DEFAULT ''"),
             QStringLiteral("ALTER TABLE usage ADD COLUMN old_secret SMALLINT NOT NULL "
                            "DEFAULT 0"),
             QStringLiteral("ALTER TABLE usage ADD COLUMN tokens_estimated SMALLINT NOT NULL "
                            "DEFAULT 0"),
             // "Old secret used 12 times in the last hour": only the few rows made with an old
             // secret are indexed.
             QStringLiteral("CREATE INDEX usage_old_secret_idx ON usage (key_uuid, time) "
                            "WHERE old_secret = 1"),
             // The current windows of the limits (requests and tokens per minute, spending per
             // day or month), so that a restarted gateway goes on counting where it stopped.
             QStringLiteral("CREATE TABLE limit_counters ("
                            " subject VARCHAR(100) NOT NULL,"
                            " measure VARCHAR(32) NOT NULL,"
                            " window_start BIGINT NOT NULL,"
                            " used DOUBLE PRECISION NOT NULL,"
                            " PRIMARY KEY (subject, measure, window_start))"),
             // The History of one key or group, newest first.
             QStringLiteral("CREATE INDEX audit_object_idx ON audit (object_uuid, id)"),
         }},
    };
    return steps;
}

Result<QString> readMeta(const QSqlDatabase &connection, const QString &key) {
    QSqlQuery query(connection);
    if (!query.prepare(QStringLiteral("SELECT value FROM meta WHERE key = ?")))
        return detail::databaseError(query.lastError(), QStringLiteral("reading the schema"));
    query.addBindValue(key);
    if (!query.exec())
        return detail::databaseError(query.lastError(), QStringLiteral("reading the schema"));
    if (!query.next())
        return Error{Error::Code::Database,
                     QStringLiteral("The database has no '%1' entry in its meta table. "
                                    "Use another database file with --db.")
                         .arg(key)};
    return query.value(0).toString();
}

} // namespace

// ---------------------------------------------------------------------------------------------
// detail helpers whose behaviour depends on the driver

namespace detail {

Error connectionError(const QSqlDatabase &connection) {
    if (t_registryGone)
        return Error{Error::Code::Database,
                     QStringLiteral("The database cannot be used while this thread is ending.")};
    const auto &failures = threadConnections().failures;
    const auto it = failures.constFind(connection.connectionName());
    if (it != failures.constEnd())
        return *it;
    return databaseError(connection.lastError(), QStringLiteral("opening the database"));
}

Error databaseError(const QSqlError &error, const QString &doing) {
    const QString code = error.nativeErrorCode();
    QString advice;
    if (code.size() == 5) {
        // PostgreSQL's SQLSTATE (SQLite's result codes are short numbers).
        if (code.startsWith(QLatin1String("08")) || code.startsWith(QLatin1String("57P")))
            advice = QStringLiteral("The connection to PostgreSQL failed; check that the server "
                                    "runs and is reachable, then try again.");
        else if (code == QLatin1String("53100"))
            advice = QStringLiteral("PostgreSQL's disk is full; free some space and try again.");
        else if (code == QLatin1String("25006") || code.startsWith(QLatin1String("42501")))
            advice = QStringLiteral("The PostgreSQL user may not write here; check its "
                                    "privileges.");
        else if (code == QLatin1String("40001") || code == QLatin1String("40P01"))
            advice = QStringLiteral("Another change got in the way; try again.");
        else
            advice = QStringLiteral("Check the PostgreSQL server's log.");
    } else if (code == QLatin1String(kSqliteBusy) || code == QLatin1String(kSqliteLocked))
        advice = QStringLiteral("Another program kept the database locked for more than %1 s; "
                                "try again.")
                     .arg(kBusyTimeoutMs / 1000);
    else if (code == QLatin1String("13"))
        advice = QStringLiteral("The disk is full; free some space and try again.");
    else if (code == QLatin1String("8"))
        advice = QStringLiteral("The database file is read-only; check its permissions.");
    else if (code == QLatin1String("26"))
        advice = QStringLiteral("The file is not a Portico database; use another file with --db.");
    else
        advice = QStringLiteral("Check that the disk is not full and the database file is "
                                "writable.");
    QString text = error.databaseText().trimmed();
    if (text.isEmpty())
        text = error.text();
    const Error result{Error::Code::Database,
                       QStringLiteral("Database error while %1: %2. %3").arg(doing, text, advice)};
    // SQLite: full, read-only, I/O error; PostgreSQL: disk full, read-only transaction. A lock
    // held too long or a broken statement is not the store's state.
    static const QStringList storeFaults = {QStringLiteral("13"), QStringLiteral("8"),
                                            QStringLiteral("10"), QStringLiteral("53100"),
                                            QStringLiteral("25006")};
    if (storeFaults.contains(code))
        setWriteFault(result.message);
    return result;
}

Status resyncRowIds(const QSqlDatabase &connection) {
    if (!isPostgres(connection))
        return {};
    for (const char *table : {"usage", "audit"}) {
        QSqlQuery query(connection);
        if (!query.exec(QStringLiteral("SELECT setval(pg_get_serial_sequence('%1', 'id'), "
                                       "COALESCE(MAX(id), 0) + 1, false) FROM %1")
                            .arg(QLatin1String(table))))
            return databaseError(query.lastError(), QStringLiteral("numbering the copied rows"));
    }
    return {};
}

ReadTransaction::ReadTransaction(Database &db)
    : m_connection(db.connection()) {
    // A PostgreSQL connection that the server dropped (a restart) only shows when used: BEGIN
    // fails, the connection is closed, and one fresh connection is tried.
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (attempt > 0)
            m_connection = db.connection();
        if (!m_connection.isOpen()) {
            m_error = connectionError(m_connection);
            return;
        }
        // A deferred transaction in WAL mode reads one snapshot from its first SELECT to the
        // end; PostgreSQL needs REPEATABLE READ for that (it reads each statement afresh).
        QSqlQuery query(m_connection);
        if (query.exec(isPostgres(m_connection)
                           ? QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                           : QStringLiteral("BEGIN"))) {
            m_open = true;
            return;
        }
        m_error = databaseError(query.lastError(), QStringLiteral("starting a read transaction"));
        if (!isPostgres(m_connection))
            return;
        m_connection.close();
    }
}

ReadTransaction::~ReadTransaction() {
    if (m_open) {
        QSqlQuery query(m_connection);
        query.exec(QStringLiteral("COMMIT"));
    }
}

} // namespace detail

// ---------------------------------------------------------------------------------------------

Database::Database(QString path)
    : m_path(std::move(path))
    , m_connectionPrefix(QStringLiteral("portico-store-%1").arg(g_nextDatabaseId.fetch_add(1))) {}

Database::~Database() {
    // Only this thread's connection can be closed here; connections other threads opened on this
    // object are closed when those threads end (see ThreadConnections).
    if (t_registryGone)
        return;
    const QString name =
        m_connectionPrefix + QStringLiteral("/t%1").arg(threadConnections().threadId);
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase::database(name, false).close();
        QSqlDatabase::removeDatabase(name);
    }
    threadConnections().names.removeAll(name);
    threadConnections().failures.remove(name);
}

QString Database::lastWriteFault() {
    QMutexLocker locker(&g_writeFaultMutex);
    return g_writeFault;
}

QString Database::defaultPath() {
    QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    if (folder.isEmpty())
        folder = QDir::homePath() + QStringLiteral("/.portico");
    return QDir(folder).filePath(QStringLiteral("portico.db"));
}

bool Database::isPostgresUri(const QString &path) {
    const QString trimmed = path.trimmed();
    return trimmed.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive) ||
           trimmed.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive);
}

Result<std::shared_ptr<Database>> Database::open(const QString &path) {
    if (path.trimmed().isEmpty())
        return Error{Error::Code::InvalidInput,
                     QStringLiteral("No database path given. Pass a file with --db.")};
    if (isPostgresUri(path)) {
        const QUrl url(path.trimmed(), QUrl::StrictMode);
        const QString database = url.path().mid(1);
        if (!url.isValid() || database.isEmpty() || database.contains(u'/'))
            return Error{Error::Code::InvalidInput,
                         QStringLiteral("The database address is not a PostgreSQL URI of the "
                                        "form postgresql://USER@HOST:PORT/DBNAME.")};
        // Shown in messages and logs: never the password.
        QUrl shown = url;
        shown.setPassword(QString());
        QUrlQuery query(shown);
        query.removeAllQueryItems(QStringLiteral("password"));
        shown.setQuery(query);
        std::shared_ptr<Database> db(new Database(shown.toString()));
        db->m_connectUri = path.trimmed();
        const QSqlDatabase connection = db->connection();
        if (!connection.isOpen())
            return detail::connectionError(connection);
        if (Status migrated = db->migrate(); !migrated)
            return migrated.error();
        return db;
    }
    const QFileInfo info(path);
    const QString absolute = info.absoluteFilePath();
    if (info.isDir())
        return Error{Error::Code::Database,
                     QStringLiteral("%1 is a folder, not a database file. Pass a file with --db.")
                         .arg(absolute)};
    // A folder made here is its owner's only (0700); an existing one is left as it is.
    const bool folderExisted = QFileInfo::exists(info.absolutePath());
    if (!QDir().mkpath(info.absolutePath()))
        return Error{Error::Code::Database,
                     QStringLiteral("Cannot create the folder %1 for the database. Check its "
                                    "permissions or use another file with --db.")
                         .arg(info.absolutePath())};
    if (!folderExisted)
        QFile::setPermissions(info.absolutePath(), kOwnerOnly | QFileDevice::ExeOwner);
    // A new store is created empty and 0600 here (SQLite takes an empty file as a new database),
    // so it is never readable by others, whatever the umask; its -wal and -shm follow its mode.
    if (!info.exists()) {
        QFile file(absolute);
        // Another process (or thread) opening the same new store may have made it meanwhile:
        // then it is there, which is all that is needed. QFileInfo::exists(path) asks the file
        // system again; `info` would answer from its cache.
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, kOwnerOnly) &&
            !QFileInfo::exists(absolute))
            return Error{Error::Code::Database,
                         QStringLiteral("Cannot create the database %1: %2. Check the folder's "
                                        "permissions or use another file with --db.")
                             .arg(absolute, file.errorString())};
    }
    makeStoreFilesPrivate(absolute);

    std::shared_ptr<Database> db(new Database(absolute));
    const QSqlDatabase connection = db->connection();
    if (!connection.isOpen())
        return detail::connectionError(connection);
    if (Status migrated = db->migrate(); !migrated)
        return migrated.error();
    return db;
}

QSqlDatabase Database::connection() const {
    if (t_registryGone)
        return {}; // this thread is ending: callers get "not open" errors rather than a leak
    ThreadConnections &registry = threadConnections();
    const QString name = m_connectionPrefix + QStringLiteral("/t%1").arg(registry.threadId);
    QSqlDatabase connection;
    const bool known = QSqlDatabase::contains(name);
    markQtSqlInUse(); // after Qt SQL's list of connections exists (contains() makes it)
    if (known) {
        connection = QSqlDatabase::database(name, false);
        if (connection.isOpen())
            return connection;
    } else if (isPostgres()) {
        connection = QSqlDatabase::addDatabase(QLatin1String(kPostgresDriver), name);
        registry.names.append(name);
        // libpq reads what the URI leaves out (the password from PGPASSWORD or ~/.pgpass, say);
        // every query parameter (sslmode, connect_timeout, ...) passes through to it.
        const QUrl url(m_connectUri);
        if (!url.host().isEmpty())
            connection.setHostName(url.host());
        if (url.port() > 0)
            connection.setPort(url.port());
        connection.setDatabaseName(url.path().mid(1));
        connection.setUserName(url.userName(QUrl::FullyDecoded));
        connection.setPassword(url.password(QUrl::FullyDecoded));
        QStringList options;
        for (const auto &[key, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded))
            options.append(key + u'=' + value);
        if (options.filter(QStringLiteral("connect_timeout=")).isEmpty())
            options.append(QStringLiteral("connect_timeout=10"));
        connection.setConnectOptions(options.join(u';'));
    } else {
        turnOffSqliteMemoryStatistics();
        connection = QSqlDatabase::addDatabase(QLatin1String(kDriver), name);
        registry.names.append(name);
        connection.setDatabaseName(m_path);
        connection.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    }

    const auto fail = [&](const QString &reason) {
        connection.close();
        registry.failures.insert(
            name,
            Error{Error::Code::Database,
                  isPostgres() ? QStringLiteral("Cannot connect to the database %1: %2. Check that "
                                                "PostgreSQL runs there and accepts this user "
                                                "(password from the URI, PGPASSWORD or ~/.pgpass).")
                                     .arg(m_path, reason.trimmed())
                               : QStringLiteral("Cannot open the database %1: %2. Check that --db "
                                                "points to a Portico database file in a writable "
                                                "folder.")
                                     .arg(m_path, reason)});
        return connection;
    };
    if (!connection.open())
        return fail(connection.lastError().databaseText().isEmpty()
                        ? connection.lastError().text()
                        : connection.lastError().databaseText());
    if (!isPostgres()) {
        if (Status settings = applyConnectionSettings(connection); !settings)
            return fail(settings.error().message);
    }
    registry.failures.remove(name);
    static std::atomic<quint64> opened{0};
    connection.driver()->setProperty(kOpenSerialProperty, quint64(++opened));
    return connection;
}

quint64 Database::openSerial(const QSqlDatabase &connection) {
    const QSqlDriver *driver = connection.driver();
    return driver ? driver->property(kOpenSerialProperty).toULongLong() : 0;
}

Status Database::migrate() {
    QSqlDatabase connection = this->connection();
    if (Status begun = beginImmediate(connection); !begun)
        return begun;

    const auto fail = [&](const Error &error) {
        rollback(connection);
        return Status(error);
    };

    // Read inside the write transaction, so two processes opening a new store migrate it once.
    QStringList tables;
    if (isPostgres()) {
        QSqlQuery query(connection);
        if (!query.exec(QStringLiteral("SELECT table_name FROM information_schema.tables WHERE "
                                       "table_schema = current_schema()")))
            return fail(
                detail::databaseError(query.lastError(), QStringLiteral("reading the schema")));
        while (query.next())
            tables.append(query.value(0).toString());
    } else {
        tables = connection.tables();
    }
    int version = 0;
    if (tables.contains(QStringLiteral("meta"))) {
        const Result<QString> stored = readMeta(connection, QStringLiteral("schema_version"));
        if (!stored)
            return fail(stored.error());
        bool ok = false;
        version = stored->toInt(&ok);
        if (!ok)
            return fail(Error{Error::Code::Database,
                              QStringLiteral("The database %1 has an unreadable schema version. "
                                             "Use another database file with --db.")
                                  .arg(m_path)});
    } else if (!tables.isEmpty()) {
        return fail(Error{Error::Code::Database,
                          QStringLiteral("%1 is an SQLite database but not a Portico one. "
                                         "Use another database file with --db.")
                              .arg(m_path)});
    }

    if (version > kSchemaVersion)
        return fail(Error{Error::Code::SchemaTooNew,
                          QStringLiteral("This database (%1) was written by a newer version of "
                                         "Portico (schema %2; this build understands up to %3). "
                                         "Upgrade Portico or use another database file with --db.")
                              .arg(m_path)
                              .arg(version)
                              .arg(kSchemaVersion)});
    if (version == kSchemaVersion) {
        rollback(connection);
        return {};
    }

    for (const MigrationStep &step : migrationSteps()) {
        if (step.toVersion <= version)
            continue;
        for (const QString &statement : step.statements) {
            const Status done = execSql(
                connection, isPostgres() ? postgresDdl(statement) : statement,
                QStringLiteral("upgrading the database schema to version %1").arg(step.toVersion));
            if (!done)
                return fail(done.error());
        }
    }
    {
        QSqlQuery query(connection);
        query.prepare(QStringLiteral("UPDATE meta SET value = ? WHERE key = 'schema_version'"));
        query.addBindValue(QString::number(kSchemaVersion));
        if (!query.exec())
            return fail(detail::databaseError(query.lastError(),
                                              QStringLiteral("recording the schema version")));
    }
    if (Status committed =
            execSql(connection, QStringLiteral("COMMIT"), QStringLiteral("upgrading the schema"));
        !committed)
        return fail(committed.error());
    return {};
}

int Database::schemaVersion() const {
    const Result<QString> stored = readMeta(connection(), QStringLiteral("schema_version"));
    return stored ? stored->toInt() : -1;
}

qint64 Database::changeCounter() const {
    QSqlDatabase current = connection();
    Result<qint64> counter = detail::readChangeCounter(current);
    // A PostgreSQL connection the server dropped stays "open" in Qt: close it, try a fresh one.
    if (!counter && isPostgres() && current.isOpen()) {
        current.close();
        counter = detail::readChangeCounter(connection());
    }
    return counter ? *counter : -1;
}

namespace {
// The advisory lock key of a job: its name hashed into PostgreSQL's bigint key space.
qint64 turnKey(const QString &job) {
    return qint64(qHash(QStringLiteral("portico:") + job, 0x5054)) & 0x7fffffffffffLL;
}
} // namespace

bool Database::tryTakeTurn(const QString &job) {
    if (!isPostgres())
        return true;
    QSqlQuery query(connection());
    return query.exec(QStringLiteral("SELECT pg_try_advisory_lock(%1)").arg(turnKey(job))) &&
           query.next() && query.value(0).toBool();
}

void Database::releaseTurn(const QString &job) {
    if (!isPostgres())
        return;
    QSqlQuery query(connection());
    query.exec(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(turnKey(job)));
}

void Database::noteCommitted() {
    m_localGeneration.fetch_add(1, std::memory_order_acq_rel);
    Q_EMIT changed();
}

// ---------------------------------------------------------------------------------------------

Transaction::Transaction(Database &db, Locking locking)
    : m_db(db)
    , m_connection(db.connection()) {
    if (!m_connection.isOpen()) {
        m_error = detail::connectionError(m_connection);
        return;
    }
    const bool storeWideLock = locking == Locking::WholeStore;
    Status begun = beginImmediate(m_connection, storeWideLock);
    // beginImmediate closed a PostgreSQL connection the server had dropped: one fresh try.
    if (!begun && !m_connection.isOpen()) {
        m_connection = db.connection();
        if (m_connection.isOpen())
            begun = beginImmediate(m_connection, storeWideLock);
    }
    if (!begun) {
        m_error = begun.error();
        return;
    }
    m_open = true;
}

Transaction::~Transaction() {
    if (m_open)
        rollback(m_connection);
}

Status Transaction::commit() {
    return finish(true);
}

Status Transaction::commitQuietly() {
    return finish(false);
}

Status Transaction::finish(bool countAsChange) {
    if (!m_open)
        return m_error.message.isEmpty()
                   ? Error{Error::Code::Database,
                           QStringLiteral("The transaction is no longer open.")}
                   : m_error;
    if (countAsChange) {
        const Result<qint64> counter = detail::readChangeCounter(m_connection);
        if (!counter)
            return counter.error();
        QSqlQuery query(m_connection);
        query.prepare(QStringLiteral("UPDATE meta SET value = ? WHERE key = 'change_counter'"));
        query.addBindValue(QString::number(*counter + 1));
        if (!query.exec())
            return detail::databaseError(query.lastError(), QStringLiteral("recording the change"));
        // Delivered when the transaction commits, to every process that listens.
        if (isPostgres(m_connection) &&
            !query.exec(QStringLiteral("NOTIFY %1").arg(QLatin1String(Database::kChangeChannel))))
            return detail::databaseError(query.lastError(),
                                         QStringLiteral("announcing the change"));
    }
    if (Status committed =
            execSql(m_connection, QStringLiteral("COMMIT"), QStringLiteral("saving the change"));
        !committed) {
        rollback(m_connection);
        m_open = false;
        m_error = committed.error();
        return committed;
    }
    m_open = false;
    if (g_hasWriteFault.load(std::memory_order_acquire))
        setWriteFault({});
    if (countAsChange)
        m_db.noteCommitted();
    return {};
}

} // namespace portico::store
