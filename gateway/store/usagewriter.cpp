#include "store/usagewriter.h"

#include "store/database.h"
#include "store/storeinternal.h"
#include "store/usagerollup.h"

#include <QScopeGuard>
#include <QSqlDriver>
#include <QStringEncoder>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <sched.h>
#include <utility>

#include <sqlite3.h>

namespace portico::store {

using namespace detail;

namespace {

constexpr char kInsertSql[] =
    "INSERT INTO usage (time, request_id, key_uuid, key_name, route, model_id, provider, stream, "
    "status, error_code, prompt_tokens, completion_tokens, cost_usd, latency_ms, ttft_ms, "
    "old_secret, tokens_estimated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
// The placeholders of one row (17): the statement's columns.
constexpr int kColumns = int(std::count(std::begin(kInsertSql), std::end(kInsertSql), '?'));
constexpr int kRowsPerInsert = 32;
// Statements of kRowsPerInsert rows between two offers of the core (see insertSqlite()).
constexpr int kStatementsBetweenYields = 2;

// kInsertSql with kRowsPerInsert rows of values.
QByteArray insertManySql() {
    QByteArray sql = kInsertSql;
    const QByteArray values = sql.mid(sql.indexOf("(?"));
    for (int row = 1; row < kRowsPerInsert; ++row)
        sql += ", " + values;
    return sql;
}

// A row's strings as UTF-8, side by side in one buffer that outlives the step, so SQLite reads
// them where they are (SQLITE_STATIC). SQLite stores UTF-8: strings bound as UTF-16 were
// converted by it, each with an allocation, a third of the cost of the insert.
class Utf8Row {
public:
    void reset(std::initializer_list<const QString *> texts) {
        qsizetype space = 0;
        for (const QString *text : texts)
            space += m_encoder.requiredSpace(text->size());
        if (m_buffer.size() < space)
            m_buffer.resize(space);
        char *out = m_buffer.data();
        int i = 0;
        for (const QString *text : texts) {
            char *end = m_encoder.appendToBuffer(out, *text);
            m_spans[i++] = {out, int(end - out)};
            out = end;
        }
    }
    // Empty strings are NULL, as textOrNull() stores them through Qt.
    int bind(sqlite3_stmt *statement, int index, int text) const {
        const auto &[data, size] = m_spans[size_t(text)];
        if (size == 0)
            return sqlite3_bind_null(statement, index);
        return sqlite3_bind_text(statement, index, data, size, SQLITE_STATIC);
    }

private:
    QStringEncoder m_encoder{QStringEncoder::Utf8};
    QByteArray m_buffer;
    std::array<std::pair<const char *, int>, 8> m_spans{};
};

// The connection's sqlite3 handle while it is open; null when closed or not SQLite.
sqlite3 *driverHandle(const QSqlDatabase &connection) {
    if (!connection.isValid())
        return nullptr;
    const QVariant handle = connection.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
}

} // namespace

UsageWriter::UsageWriter(Database &db)
    : m_db(db) {}

UsageWriter::~UsageWriter() {
    release();
}

void UsageWriter::release() {
    if (m_sqliteInsert)
        sqlite3_finalize(m_sqliteInsert);
    m_sqliteInsert = nullptr;
    if (m_sqliteInsertMany)
        sqlite3_finalize(m_sqliteInsertMany);
    m_sqliteInsertMany = nullptr;
    // Qt closes a connection with sqlite3_close(), which cannot close it while our statement
    // lives, and forgets the handle all the same: had the connection been closed under this
    // writer, the handle (its memory and the file) would stay open for ever. Now that the
    // statement is gone it can be closed.
    if (m_sqlite && driverHandle(m_sqliteConnection) != m_sqlite)
        sqlite3_close(m_sqlite);
    m_sqlite = nullptr;
    m_sqliteConnection = QSqlDatabase();
    m_insert.reset();
    m_hourly.reset();
    m_daily.reset();
    m_openSerial = 0;
}

Status UsageWriter::prepareFor(const QSqlDatabase &connection) {
    const quint64 serial = Database::openSerial(connection);
    if (m_hourly && serial != 0 && serial == m_openSerial)
        return {};
    release();
    const QString doing = QStringLiteral("recording usage");
    if (sqlite3 *const handle = m_db.isPostgres() ? nullptr : driverHandle(connection)) {
        m_sqlite = handle;
        m_sqliteConnection = connection;
        const QByteArray manySql = insertManySql();
        if (sqlite3_prepare_v2(m_sqlite, kInsertSql, -1, &m_sqliteInsert, nullptr) != SQLITE_OK ||
            sqlite3_prepare_v2(m_sqlite, manySql.constData(), int(manySql.size()),
                               &m_sqliteInsertMany, nullptr) != SQLITE_OK) {
            const Error error = databaseError(
                QSqlError(QString(), QString::fromUtf8(sqlite3_errmsg(m_sqlite)),
                          QSqlError::StatementError, QString::number(sqlite3_errcode(m_sqlite))),
                doing);
            release();
            return error;
        }
    } else {
        m_insert.emplace(connection);
        if (Status s = prepare(*m_insert, QString::fromLatin1(kInsertSql), doing); !s) {
            release();
            return s;
        }
    }
    m_hourly.emplace(connection);
    m_daily.emplace(connection);
    if (Status s =
            prepare(*m_hourly, UsageRollup::upsertSql(QStringLiteral("usage_hourly")), doing);
        !s) {
        release();
        return s;
    }
    if (Status s = prepare(*m_daily, UsageRollup::upsertSql(QStringLiteral("usage_daily")), doing);
        !s) {
        release();
        return s;
    }
    m_openSerial = serial;
    return {};
}

Status UsageWriter::insertSqlite(const QList<UsageRecord> &rows) {
    std::array<Utf8Row, kRowsPerInsert> texts; // alive until the step: SQLite reads them there
    const auto bindRow = [&texts](sqlite3_stmt *statement, int slot, const UsageRecord &row) {
        Utf8Row &text = texts[size_t(slot)];
        const int first = slot * kColumns;
        text.reset({&row.requestId, &row.keyUuid, &row.keyName, &row.route, &row.modelId,
                    &row.provider, &row.errorCode});
        sqlite3_bind_int64(statement, first + 1, row.time.toMSecsSinceEpoch());
        for (int column = 0; column < 6; ++column)
            text.bind(statement, first + 2 + column, column);
        sqlite3_bind_int(statement, first + 8, row.stream ? 1 : 0);
        sqlite3_bind_int(statement, first + 9, row.status);
        text.bind(statement, first + 10, 6);
        sqlite3_bind_int64(statement, first + 11, row.promptTokens);
        sqlite3_bind_int64(statement, first + 12, row.completionTokens);
        sqlite3_bind_double(statement, first + 13, row.costUsd);
        sqlite3_bind_int64(statement, first + 14, row.latencyMs);
        sqlite3_bind_int64(statement, first + 15, row.ttftMs);
        sqlite3_bind_int(statement, first + 16, row.oldSecret ? 1 : 0);
        sqlite3_bind_int(statement, first + 17, row.tokensEstimated ? 1 : 0);
    };
    const auto step = [this](sqlite3_stmt *statement) -> Status {
        const int result = sqlite3_step(statement);
        // Read the error before reset(), which returns it again but may clear the message.
        const int code = result == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(m_sqlite);
        const QString message =
            result == SQLITE_DONE ? QString() : QString::fromUtf8(sqlite3_errmsg(m_sqlite));
        sqlite3_reset(statement);
        if (result != SQLITE_DONE)
            return databaseError(
                QSqlError(QString(), message, QSqlError::StatementError, QString::number(code)),
                QStringLiteral("recording usage"));
        return {};
    };
    // Every step binds all of its statement's values afresh; the texts are let go once, at the
    // end, so that no pointer into these rows' strings is kept (a clear per step cost 300
    // instructions a row).
    const auto clear = qScopeGuard([this] {
        sqlite3_clear_bindings(m_sqliteInsertMany);
        sqlite3_clear_bindings(m_sqliteInsert);
    });
    qsizetype next = 0;
    for (; rows.size() - next >= kRowsPerInsert; next += kRowsPerInsert) {
        for (int slot = 0; slot < kRowsPerInsert; ++slot)
            bindRow(m_sqliteInsertMany, slot, rows[next + slot]);
        if (Status s = step(m_sqliteInsertMany); !s)
            return s;
        // A batch's inserts take the writer thread a few milliseconds of CPU in one go. On a
        // machine whose cores are all busy, a request thread that wakes meanwhile waited for
        // them to end: at one connection, 1 in 100 requests took 2 ms longer with usage rows
        // written than without. Offering the core every 64 rows (about 0.15 ms of work) halved
        // that tail, for a system call per 64 rows (docs/PERFORMANCE.md, round 11).
        if ((next / kRowsPerInsert) % kStatementsBetweenYields == kStatementsBetweenYields - 1)
            sched_yield();
    }
    for (; next < rows.size(); ++next) {
        bindRow(m_sqliteInsert, 0, rows[next]);
        if (Status s = step(m_sqliteInsert); !s)
            return s;
    }
    return {};
}

Status UsageWriter::insertRaw(const QList<UsageRecord> &rows) {
    if (m_sqliteInsert)
        return insertSqlite(rows);
    QSqlQuery &query = *m_insert;
    const QString doing = QStringLiteral("recording usage");
    for (const UsageRecord &row : rows) {
        query.bindValue(0, row.time.toMSecsSinceEpoch());
        query.bindValue(1, textOrNull(row.requestId));
        query.bindValue(2, textOrNull(row.keyUuid));
        query.bindValue(3, textOrNull(row.keyName));
        query.bindValue(4, textOrNull(row.route));
        query.bindValue(5, textOrNull(row.modelId));
        query.bindValue(6, textOrNull(row.provider));
        query.bindValue(7, row.stream ? 1 : 0);
        query.bindValue(8, row.status);
        query.bindValue(9, textOrNull(row.errorCode));
        query.bindValue(10, row.promptTokens);
        query.bindValue(11, row.completionTokens);
        query.bindValue(12, row.costUsd);
        query.bindValue(13, row.latencyMs);
        query.bindValue(14, row.ttftMs);
        query.bindValue(15, row.oldSecret ? 1 : 0);
        query.bindValue(16, row.tokensEstimated ? 1 : 0);
        if (Status s = exec(query, doing); !s)
            return s;
    }
    query.finish();
    return {};
}

namespace {

// PRAGMA synchronous of one SQLite connection: read (nothing if it cannot be) and set.
std::optional<int> synchronousLevel(const QSqlDatabase &connection) {
    QSqlQuery query(connection);
    if (!query.exec(QStringLiteral("PRAGMA synchronous")) || !query.next())
        return std::nullopt;
    return query.value(0).toInt();
}

bool setSynchronousLevel(const QSqlDatabase &connection, int level) {
    QSqlQuery query(connection);
    return query.exec(QStringLiteral("PRAGMA synchronous = %1").arg(level));
}

constexpr int kSynchronousNormal = 1;

} // namespace

Status UsageWriter::insert(const QList<UsageRecord> &rows) {
    if (rows.isEmpty())
        return {};
    // The raw rows and the roll-up must agree on the time of a row without one. The gateway's
    // rows all have theirs: the batch is then used as it is, not copied row by row.
    QList<UsageRecord> stamped = rows;
    if (std::any_of(rows.cbegin(), rows.cend(),
                    [](const UsageRecord &row) { return !row.time.isValid(); })) {
        for (UsageRecord &row : stamped) {
            if (!row.time.isValid())
                row.time = QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC);
        }
    }
    // The batch commits without waiting for the disk (see the class comment). Set outside the
    // transaction, as SQLite requires, and for this batch only: the thread's connection may make
    // other writes, which keep the level Database gave it.
    QSqlDatabase connection = m_db.isPostgres() ? QSqlDatabase() : m_db.connection();
    const std::optional<int> level =
        connection.isOpen() ? synchronousLevel(connection) : std::nullopt;
    const bool relaxed =
        level && *level > kSynchronousNormal && setSynchronousLevel(connection, kSynchronousNormal);
    Status status;
    {
        Transaction tx(m_db);
        status = tx.isOpen() ? prepareFor(tx.connection()) : Status(tx.error());
        if (status)
            status = insertRaw(stamped);
        if (status)
            status = UsageRollup::add(*m_hourly, *m_daily, stamped);
        if (status)
            status = tx.commitQuietly();
    }
    // After a failure (rolled back by now) the statements are prepared afresh: the connection
    // may be gone. PostgreSQL's are freed after every batch: Qt frees a prepared statement with
    // DEALLOCATE, which fails on a session that was reconnected since (the statement went with
    // the old one) and, inside the next transaction, would abort it.
    if (relaxed)
        setSynchronousLevel(connection, *level);
    if (!status || m_db.isPostgres())
        release();
    return status;
}

} // namespace portico::store
