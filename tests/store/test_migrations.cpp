#include "schemaversion4.h"
#include "store/apikeyformat.h"
#include "store/auditlog.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "store/usagestore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

using namespace portico::store;

namespace {

// Runs statements on a raw connection of the test's own, outside the store, then closes it.
bool runRaw(const QString &path, const QStringList &statements) {
    const QString name = QStringLiteral("raw-") + path;
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        ok = db.open();
        for (const QString &statement : statements) {
            if (!ok)
                break;
            QSqlQuery query(db);
            ok = query.exec(statement);
            if (!ok)
                qWarning("raw SQL failed: %s", qPrintable(query.lastError().text()));
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

QString rawValue(const QString &path, const QString &sql) {
    const QString name = QStringLiteral("raw-value-") + path;
    QString value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(sql) && query.next())
                value = query.value(0).toString();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return value;
}

// The schema as version 1 of Portico wrote it, kept verbatim: an upgrade must start from this.
QStringList version1Schema() {
    return {
        QStringLiteral("CREATE TABLE meta (key VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)"),
        QStringLiteral(
            "CREATE TABLE api_keys (uuid VARCHAR(36) PRIMARY KEY, name VARCHAR(1000) "
            "NOT NULL UNIQUE, key_hash VARCHAR(64) NOT NULL UNIQUE, key_hint VARCHAR(32) "
            "NOT NULL, state VARCHAR(16) NOT NULL, created_at BIGINT NOT NULL, "
            "updated_at BIGINT NOT NULL, last_used_at BIGINT)"),
        QStringLiteral("CREATE TABLE groups (uuid VARCHAR(36) PRIMARY KEY, name VARCHAR(1000) NOT "
                       "NULL UNIQUE, description TEXT NOT NULL DEFAULT '', created_at BIGINT NOT "
                       "NULL)"),
        QStringLiteral("CREATE TABLE key_groups (key_uuid VARCHAR(36) NOT NULL REFERENCES "
                       "api_keys (uuid) ON DELETE CASCADE, group_uuid VARCHAR(36) NOT NULL "
                       "REFERENCES groups (uuid) ON DELETE CASCADE, PRIMARY KEY (key_uuid, "
                       "group_uuid))"),
        QStringLiteral("CREATE TABLE group_routes (group_uuid VARCHAR(36) NOT NULL REFERENCES "
                       "groups (uuid) ON DELETE CASCADE, route_name VARCHAR(1000) NOT NULL, "
                       "PRIMARY KEY (group_uuid, route_name))"),
        QStringLiteral("CREATE TABLE usage (id INTEGER PRIMARY KEY, time BIGINT NOT NULL, "
                       "request_id VARCHAR(128), key_uuid VARCHAR(36), key_name VARCHAR(1000), "
                       "route VARCHAR(1000), model_id VARCHAR(1000), provider VARCHAR(200), stream "
                       "SMALLINT NOT NULL DEFAULT 0, status INTEGER NOT NULL DEFAULT 0, error_code "
                       "VARCHAR(200), prompt_tokens BIGINT NOT NULL DEFAULT 0, completion_tokens "
                       "BIGINT NOT NULL DEFAULT 0, cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0, "
                       "latency_ms BIGINT NOT NULL DEFAULT 0, ttft_ms BIGINT NOT NULL DEFAULT -1)"),
        QStringLiteral("CREATE TABLE audit (id INTEGER PRIMARY KEY, time BIGINT NOT NULL, actor "
                       "VARCHAR(200) NOT NULL, action VARCHAR(64) NOT NULL, object_type "
                       "VARCHAR(16) NOT NULL, object_uuid VARCHAR(36) NOT NULL, details TEXT NOT "
                       "NULL)"),
    };
}

// Destroyed after main() returns, after this thread's connection registry: must not crash.
std::shared_ptr<Database> g_keptUntilExit;

// The roll-up tables as version 3 of the schema created them, kept verbatim: the one definition
// both now come from must keep writing exactly this text into sqlite_master.
QString version3RollupTable(const QString &table) {
    return QStringLiteral("CREATE TABLE ") + table +
           QStringLiteral(" ( bucket_start BIGINT NOT NULL, key_uuid VARCHAR(36) NOT NULL, route "
                          "VARCHAR(1000) NOT NULL, model_id VARCHAR(1000) NOT NULL, status "
                          "INTEGER NOT NULL, key_name VARCHAR(1000) NOT NULL, provider "
                          "VARCHAR(200) NOT NULL, requests BIGINT NOT NULL, errors BIGINT NOT "
                          "NULL, stream_requests BIGINT NOT NULL, prompt_tokens BIGINT NOT NULL, "
                          "completion_tokens BIGINT NOT NULL, cost_usd DOUBLE PRECISION NOT "
                          "NULL, latency_sum_ms BIGINT NOT NULL, latency_max_ms BIGINT NOT NULL, "
                          "ttft_sum_ms BIGINT NOT NULL, ttft_count BIGINT NOT NULL, lat_b0 "
                          "BIGINT NOT NULL, lat_b1 BIGINT NOT NULL, lat_b2 BIGINT NOT NULL, "
                          "lat_b3 BIGINT NOT NULL, lat_b4 BIGINT NOT NULL, lat_b5 BIGINT NOT "
                          "NULL, lat_b6 BIGINT NOT NULL, lat_b7 BIGINT NOT NULL, lat_b8 BIGINT "
                          "NOT NULL, lat_b9 BIGINT NOT NULL, lat_b10 BIGINT NOT NULL, lat_b11 "
                          "BIGINT NOT NULL, last_time BIGINT NOT NULL, PRIMARY KEY (bucket_start, "
                          "key_uuid, route, model_id, status)) WITHOUT ROWID");
}

void compareRollupTables(const QString &path) {
    for (const QString &table : {QStringLiteral("usage_hourly"), QStringLiteral("usage_daily")}) {
        QCOMPARE(rawValue(path, QStringLiteral("SELECT sql FROM sqlite_master WHERE type = "
                                               "'table' AND name = '%1'")
                                    .arg(table)),
                 version3RollupTable(table));
    }
}

const QString kKeyUuid = QStringLiteral("11111111-2222-3333-4444-555555555555");
const QString kGroupUuid = QStringLiteral("66666666-7777-8888-9999-000000000000");

} // namespace

class TestMigrations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void upgradesVersion1AndKeepsData();
    void upgradesVersion4WithoutLosingAnything();
    void newerSchemaIsRefused();
    void garbageFileIsRefused();
    void foreignSqliteDatabaseIsRefused();
    void freshFileInMissingFolder();
    void concurrentOpenOfFreshFile();
    void badPathsAreRefused();
    void defaultPathIsAFile();
    void databaseMayOutliveMain();
    void rollupTablesKeepTheirSql();
};

void TestMigrations::upgradesVersion1AndKeepsData() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("old.db"));
    const QString key = apikey::generate();
    const QString hash = QString::fromLatin1(apikey::hash(key));
    QStringList statements = version1Schema();
    statements
        << QStringLiteral("INSERT INTO meta VALUES ('schema_version', '1')")
        << QStringLiteral("INSERT INTO meta VALUES ('change_counter', '5')")
        << QStringLiteral("INSERT INTO api_keys VALUES ('%1', 'legacy', '%2', '%3', "
                          "'disabled', 1700000000000, 1700000001000, 1700000002000)")
               .arg(kKeyUuid, hash, apikey::hint(key))
        << QStringLiteral("INSERT INTO groups VALUES ('%1', 'old group', 'kept', "
                          "1700000000000)")
               .arg(kGroupUuid)
        << QStringLiteral("INSERT INTO key_groups VALUES ('%1', '%2')").arg(kKeyUuid, kGroupUuid)
        << QStringLiteral("INSERT INTO group_routes VALUES ('%1', 'chat')").arg(kGroupUuid)
        << QStringLiteral("INSERT INTO usage (time, key_uuid, key_name, route, status) "
                          "VALUES (1700000003000, '%1', 'legacy', 'chat', 200)")
               .arg(kKeyUuid)
        << QStringLiteral("INSERT INTO audit (time, actor, action, object_type, "
                          "object_uuid, details) VALUES (1700000000000, 'cli:old', "
                          "'key.create', 'key', '%1', '{}')")
               .arg(kKeyUuid);
    QVERIFY(runRaw(path, statements));

    auto opened = Database::open(path);
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    std::shared_ptr<Database> db = *opened;
    QCOMPARE(db->schemaVersion(), 5);
    QCOMPARE(Database::kSchemaVersion, 5);
    QCOMPARE(db->changeCounter(), 5);

    KeyStore keys(*db, QStringLiteral("test"));
    auto legacy = keys.key(QStringLiteral("legacy"));
    QVERIFY2(legacy.ok(), qPrintable(legacy.error().message));
    QCOMPARE(legacy->uuid, kKeyUuid);
    QVERIFY(legacy->state == KeyState::Disabled);
    QVERIFY(legacy->hint == apikey::hint(key));
    QCOMPARE(legacy->createdAt.toMSecsSinceEpoch(), 1700000000000);
    QCOMPARE(legacy->lastUsedAt.toMSecsSinceEpoch(), 1700000002000);
    QVERIFY(!legacy->expiresAt.isValid()); // the column version 2 added
    QCOMPARE(legacy->groups.size(), 1);
    QCOMPARE(legacy->groups.at(0).name, QStringLiteral("old group"));
    QCOMPARE(legacy->routes.size(), 1);
    QCOMPARE(legacy->routes.at(0).route, QStringLiteral("chat"));
    QVERIFY(keys.accessSnapshot()->keys.at(0).secrets.at(0).hash == hash.toLatin1());

    // The new column works.
    const QDateTime expiry = QDateTime(QDate(2032, 1, 2), QTime(3, 4, 5), Qt::UTC);
    QCOMPARE(keys.setKeyExpiry(kKeyUuid, expiry)->expiresAt, expiry);
    QCOMPARE(db->changeCounter(), 6);

    UsageQuery legacyRows;
    legacyRows.keyUuids = {kKeyUuid};
    QCOMPARE(UsageStore(*db).rows(legacyRows)->size(), 1);
    QCOMPARE(AuditLog(*db).entries()->size(), 2);

    // The usage indexes: time (version 2), key with time (version 4, instead of key alone), and
    // the partial one of the requests made with old secrets (version 5).
    QSqlQuery query(db->connection());
    QVERIFY(query.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index' AND "
                                      "name LIKE 'usage\\_%' ESCAPE '\\' AND tbl_name = "
                                      "'usage' ORDER BY name")));
    QStringList indexes;
    while (query.next())
        indexes << query.value(0).toString();
    QCOMPARE(indexes, (QStringList{QStringLiteral("usage_key_time_idx"),
                                   QStringLiteral("usage_old_secret_idx"),
                                   QStringLiteral("usage_time_idx")}));
    query.finish();
    // The drill-down's query (one key, newest first) walks the new index instead of sorting.
    QVERIFY(query.exec(QStringLiteral("EXPLAIN QUERY PLAN SELECT id FROM usage WHERE key_uuid = "
                                      "'x' ORDER BY time DESC, id DESC LIMIT 10")));
    QString plan;
    while (query.next())
        plan += query.value(3).toString() + QLatin1Char('\n');
    QVERIFY2(plan.contains(QLatin1String("usage_key_time_idx")), qPrintable(plan));
    QVERIFY2(!plan.contains(QLatin1String("TEMP B-TREE")), qPrintable(plan));
    query.finish();

    // Opening again is a no-op.
    db.reset();
    auto reopened = Database::open(path);
    QVERIFY(reopened.ok());
    QCOMPARE((*reopened)->schemaVersion(), 5);
    QCOMPARE((*reopened)->changeCounter(), 6);
}

// A store written by the previous release (schema 4), with keys, groups, grants and usage:
// migration 5 moves every key's secret into key_secrets, so each old key still authenticates,
// and nothing is lost.
void TestMigrations::upgradesVersion4WithoutLosingAnything() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("v4.db"));
    QList<CreatedKey> created;
    {
        auto db = Database::open(path);
        QVERIFY(db.ok());
        GroupStore groups(**db, QStringLiteral("test"));
        KeyStore keys(**db, QStringLiteral("test"));
        QVERIFY(groups.createGroup(QStringLiteral("team")).ok());
        QVERIFY(groups.addRoute(QStringLiteral("team"), QStringLiteral("chat")).ok());
        QList<UsageRecord> rows;
        for (int i = 0; i < 20; ++i) {
            auto key = keys.createKey(QStringLiteral("key %1").arg(i), {QStringLiteral("team")});
            QVERIFY(key.ok());
            created.append(*key);
            UsageRecord row;
            row.time = QDateTime::currentDateTimeUtc().addSecs(-i);
            row.keyUuid = key->record.uuid;
            row.keyName = key->record.name;
            row.route = QStringLiteral("chat");
            row.status = 200;
            row.promptTokens = i;
            rows.append(row);
        }
        QVERIFY(UsageStore(**db).insert(rows).ok());
        QVERIFY(portico::test::downgradeToSchemaVersion4((*db)->connection()));
    }
    QCOMPARE(rawValue(path, QStringLiteral("SELECT value FROM meta WHERE key = "
                                           "'schema_version'")),
             QStringLiteral("4"));

    auto db = Database::open(path);
    QVERIFY2(db.ok(), qPrintable(db.error().message));
    QCOMPARE((*db)->schemaVersion(), 5);
    KeyStore keys(**db, QStringLiteral("test"));
    const auto listed = keys.listKeys();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), created.size());
    const auto snapshot = keys.accessSnapshot();
    QVERIFY(snapshot.ok());
    QCOMPARE(snapshot->keys.size(), created.size());
    for (const CreatedKey &key : std::as_const(created)) {
        const auto found = keys.key(key.record.uuid);
        QVERIFY(found.ok());
        QCOMPARE(found->groups.size(), 1);
        QCOMPARE(found->secretCreatedAt, key.record.createdAt);
        QVERIFY(!found->previousSecret);
        const auto it = std::find_if(snapshot->keys.cbegin(), snapshot->keys.cend(),
                                     [&](const auto &k) { return k.uuid == key.record.uuid; });
        QVERIFY(it != snapshot->keys.cend());
        QCOMPARE(it->secrets.size(), 1);
        QVERIFY(it->secrets.at(0).hash == apikey::hash(key.key));
        QVERIFY(!it->secrets.at(0).validUntil.isValid());
    }
    UsageQuery all;
    QCOMPARE(UsageStore(**db).count(all).value(), qint64(created.size()));
    // The migrated keys rotate like new ones.
    const auto rotated = keys.rotateKey(created.first().record.uuid, 3600);
    QVERIFY2(rotated.ok(), qPrintable(rotated.error().message));
    QVERIFY(rotated->record.previousSecret.has_value());
}

void TestMigrations::newerSchemaIsRefused() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("new.db"));
    {
        auto created = Database::open(path);
        QVERIFY(created.ok());
        QVERIFY(KeyStore(**created, QStringLiteral("test")).createKey(QStringLiteral("k")).ok());
    }
    QVERIFY(runRaw(path, {QStringLiteral("UPDATE meta SET value = '7' WHERE key = "
                                         "'schema_version'")}));

    auto refused = Database::open(path);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, Error::Code::SchemaTooNew);
    QCOMPARE(refused.error().message,
             QStringLiteral("This database (%1) was written by a newer version of Portico (schema "
                            "7; this build understands up to 5). Upgrade Portico or use another "
                            "database file with --db.")
                 .arg(QFileInfo(path).absoluteFilePath()));
    // Refusing changed nothing: the version is still the newer one.
    QCOMPARE(rawValue(path, QStringLiteral("SELECT value FROM meta WHERE key = 'schema_version'")),
             QStringLiteral("7"));
    QCOMPARE(rawValue(path, QStringLiteral("SELECT COUNT(*) FROM api_keys")), QStringLiteral("1"));
}

void TestMigrations::garbageFileIsRefused() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("notes.txt"));
    QByteArray garbage;
    for (int i = 0; i < 200; ++i)
        garbage += "These are my notes, not a database. ";
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(garbage);
    }
    auto refused = Database::open(path);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, Error::Code::Database);
    QVERIFY2(refused.error().message.contains(QFileInfo(path).absoluteFilePath()),
             qPrintable(refused.error().message));
    QVERIFY2(refused.error().message.contains(QStringLiteral("not a database")),
             qPrintable(refused.error().message));
    QVERIFY(refused.error().message.contains(QStringLiteral("--db")));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll() == garbage);
}

void TestMigrations::foreignSqliteDatabaseIsRefused() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("other.db"));
    QVERIFY(runRaw(path, {QStringLiteral("CREATE TABLE recipes (name TEXT)")}));
    auto refused = Database::open(path);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, Error::Code::Database);
    QVERIFY2(refused.error().message.contains(QStringLiteral("not a Portico one")),
             qPrintable(refused.error().message));
}

void TestMigrations::freshFileInMissingFolder() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("a/b/c/portico.db"));
    auto opened = Database::open(path);
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    std::shared_ptr<Database> db = *opened;
    QVERIFY(QFile::exists(path));
    QCOMPARE(db->path(), QFileInfo(path).absoluteFilePath());
    QCOMPARE(db->schemaVersion(), Database::kSchemaVersion);
    QCOMPARE(db->changeCounter(), 0);
    const QStringList tables = db->connection().tables();
    for (const char *table :
         {"meta", "api_keys", "groups", "key_groups", "group_routes", "usage", "audit"})
        QVERIFY2(tables.contains(QLatin1String(table)), table);

    QSqlQuery query(db->connection());
    QVERIFY(query.exec(QStringLiteral("PRAGMA journal_mode")) && query.next());
    QCOMPARE(query.value(0).toString(), QStringLiteral("wal"));
    QVERIFY(query.exec(QStringLiteral("PRAGMA foreign_keys")) && query.next());
    QCOMPARE(query.value(0).toInt(), 1);
    QVERIFY(query.exec(QStringLiteral("PRAGMA synchronous")) && query.next());
    QCOMPARE(query.value(0).toInt(), 2); // FULL
}

void TestMigrations::concurrentOpenOfFreshFile() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("race.db"));
    constexpr int kOpeners = 4;
    std::atomic<int> succeeded{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kOpeners; ++i) {
        threads.emplace_back([&] {
            auto opened = Database::open(path);
            if (opened.ok() && (*opened)->schemaVersion() == Database::kSchemaVersion)
                ++succeeded;
            else
                qWarning(
                    "open failed: %s",
                    qPrintable(opened.ok()
                                   ? QStringLiteral("version %1").arg((*opened)->schemaVersion())
                                   : opened.error().message));
        });
    }
    for (std::thread &thread : threads)
        thread.join();
    QCOMPARE(succeeded.load(), kOpeners);
}

void TestMigrations::badPathsAreRefused() {
    QCOMPARE(Database::open(QString()).error().code, Error::Code::InvalidInput);
    QTemporaryDir dir;
    auto folder = Database::open(dir.path());
    QVERIFY(!folder.ok());
    QVERIFY(folder.error().message.contains(QStringLiteral("folder")));
}

void TestMigrations::defaultPathIsAFile() {
    const QString path = Database::defaultPath();
    QVERIFY(QDir::isAbsolutePath(path));
    QVERIFY(path.endsWith(QStringLiteral("/portico.db")));
}

void TestMigrations::databaseMayOutliveMain() {
    static QTemporaryDir dir;
    auto opened = Database::open(dir.filePath(QStringLiteral("static.db")));
    QVERIFY(opened.ok());
    g_keptUntilExit = *opened;
    QVERIFY(KeyStore(*g_keptUntilExit, QStringLiteral("test")).createKey(QStringLiteral("k")).ok());
}

// A fresh store and one upgraded from version 1 both hold the roll-up tables exactly as released.
void TestMigrations::rollupTablesKeepTheirSql() {
    QTemporaryDir dir;
    const QString fresh = dir.filePath(QStringLiteral("fresh.db"));
    QVERIFY(Database::open(fresh).ok());
    compareRollupTables(fresh);

    const QString upgraded = dir.filePath(QStringLiteral("upgraded.db"));
    QStringList statements = version1Schema();
    statements << QStringLiteral("INSERT INTO meta VALUES ('schema_version', '1')")
               << QStringLiteral("INSERT INTO meta VALUES ('change_counter', '0')");
    QVERIFY(runRaw(upgraded, statements));
    QVERIFY(Database::open(upgraded).ok());
    compareRollupTables(upgraded);
}

QTEST_GUILESS_MAIN(TestMigrations)
#include "test_migrations.moc"
