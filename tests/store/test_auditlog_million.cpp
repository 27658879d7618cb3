// AuditLog::query over a million audit rows: a page of 200 comes back with and without filters,
// through the indexes (primary key, audit_object_idx). The times are printed, not asserted.
#include "storetestcase.h"

#include "store/auditlog.h"

#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace portico::store;
using namespace portico::test;

class TestAuditLogMillion : public StoreTestCase {
    Q_OBJECT
private Q_SLOTS:
    void pagesOfAMillionRows();
};

namespace {

constexpr int kRows = 1000000;
constexpr int kKeys = 2000;
constexpr int kGroups = 50;

// Row i is on key (i % kKeys) or, one row in five, on group (i % kGroups); one key row in three
// adds its key to group (i / 7 % kGroups). Times run over the last year, one row every ~31 s.
bool insertMillion(Database &db, const QString &keyPrefix, const QString &groupPrefix) {
    QSqlQuery query(db.connection());
    if (!query.exec(QStringLiteral("BEGIN")))
        return false;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 step = 365LL * 86400 * 1000 / kRows;
    // uuids: prefix (24 characters with the last dash) + 12 digits.
    // (Concatenated: printf's "%012d" would look like a placeholder to QString::arg.)
    const auto uuidOf = [](const QString &prefix, const QString &number) -> QString {
        return QLatin1Char('\'') + prefix + QStringLiteral("' || printf('%012d', ") + number +
               QLatin1Char(')');
    };
    const QString keyUuid = uuidOf(keyPrefix, QStringLiteral("i % ") + QString::number(kKeys));
    const QString groupUuid =
        uuidOf(groupPrefix, QStringLiteral("i % ") + QString::number(kGroups));
    const QString joinedUuid =
        uuidOf(groupPrefix, QStringLiteral("i / 7 % ") + QString::number(kGroups));
    const QString sql =
        QStringLiteral(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %1) "
            "INSERT INTO audit (time, actor, action, object_type, object_uuid, details) "
            "SELECT %2 + i * %3, "
            " CASE WHEN i % 2 = 0 THEN 'cli:alice' ELSE 'desktop:bob' END, "
            " CASE WHEN i % 5 = 4 THEN 'group.add_route' "
            "      WHEN i % 3 = 0 THEN 'key.add_group' ELSE 'key.rename' END, "
            " CASE WHEN i % 5 = 4 THEN 'group' ELSE 'key' END, "
            " CASE WHEN i % 5 = 4 THEN %4 ELSE %5 END, "
            " CASE WHEN i % 5 = 4 THEN '{\"name\":\"g\",\"route\":\"demo\"}' "
            "      WHEN i % 3 = 0 THEN '{\"group\":\"g\",\"group_uuid\":\"' || %6 || "
            "'\",\"name\":\"k\"}' "
            "      ELSE '{\"new_name\":\"b\",\"old_name\":\"a\"}' END "
            "FROM n")
            .arg(kRows - 1)
            .arg(now - qint64(kRows) * step)
            .arg(step)
            .arg(groupUuid, keyUuid, joinedUuid);
    if (!query.exec(sql)) {
        qWarning("%s", qPrintable(query.lastError().text()));
        return false;
    }
    return query.exec(QStringLiteral("COMMIT"));
}

} // namespace

void TestAuditLogMillion::pagesOfAMillionRows() {
    const QString keyPrefix = QStringLiteral("00000000-0000-4000-8000-");
    const QString groupPrefix = QStringLiteral("11111111-1111-4111-8111-");
    QElapsedTimer timer;
    timer.start();
    QVERIFY(insertMillion(*m_db, keyPrefix, groupPrefix));
    QCOMPARE(countRows(*m_db, QStringLiteral("SELECT COUNT(*) FROM audit")), qint64(kRows));
    qInfo("inserted %d audit rows in %lld ms", kRows, timer.elapsed());

    const QString key7 = keyPrefix + QStringLiteral("000000000007");
    const QString group9 = groupPrefix + QStringLiteral("000000000009");
    // A group no row names: its filter reads the whole table and finds nothing.
    const QString lonelyGroup = groupPrefix + QStringLiteral("000000099999");
    const QDateTime now = QDateTime::currentDateTimeUtc();
    struct Case {
        const char *name;
        AuditQuery query;
        int expected; // rows in the first page
    };
    QList<Case> cases;
    const auto add = [&](const char *name, auto &&edit, int expected) {
        AuditQuery query;
        query.limit = 200;
        edit(query);
        cases.append({name, query, expected});
    };
    add(
        "no filter", [](AuditQuery &) {}, 200);
    add(
        "key", [&](AuditQuery &q) { q.keyRef = key7; }, 200);
    add(
        "group", [&](AuditQuery &q) { q.groupRef = group9; }, 200);
    add(
        "group without rows", [&](AuditQuery &q) { q.groupRef = lonelyGroup; }, 0);
    add(
        "action prefix", [](AuditQuery &q) { q.action = QStringLiteral("group."); }, 200);
    add(
        "last 30 days", [&](AuditQuery &q) { q.since = now.addDays(-30); }, 200);
    add(
        "last hour (about 115 rows)", [&](AuditQuery &q) { q.since = now.addSecs(-3600); }, -1);
    add(
        "until 300 days ago", [&](AuditQuery &q) { q.until = now.addDays(-300); }, 200);
    add(
        "key, last 30 days",
        [&](AuditQuery &q) {
            q.keyRef = key7;
            q.since = now.addDays(-30);
        },
        -1);
    // key7 has 500 rows: the third page holds the last 100.
    add(
        "key, page 3", [&](AuditQuery &q) { q.keyRef = key7; }, 100);

    for (Case &c : cases) {
        if (QByteArray(c.name) == "key, page 3") {
            // Keyset: two pages back, then one more.
            for (int page = 0; page < 2; ++page) {
                const auto rows = AuditLog(*m_db).query(c.query);
                QVERIFY(rows.ok() && rows->size() == 200);
                c.query.beforeId = rows->last().id;
            }
        }
        timer.restart();
        const auto rows = AuditLog(*m_db).query(c.query);
        const qint64 ms = timer.elapsed();
        QVERIFY2(rows.ok(), qPrintable(rows.error().message));
        if (c.expected >= 0)
            QCOMPARE(rows->size(), c.expected);
        else
            QVERIFY(!rows->isEmpty() && rows->size() < 200);
        for (qsizetype i = 1; i < rows->size(); ++i)
            QVERIFY(rows->at(i).id < rows->at(i - 1).id);
        if (!c.query.keyRef.isEmpty())
            QVERIFY(std::all_of(rows->cbegin(), rows->cend(),
                                [&](const AuditEntry &row) { return row.objectUuid == key7; }));
        if (!c.query.groupRef.isEmpty())
            QVERIFY(std::all_of(rows->cbegin(), rows->cend(), [&](const AuditEntry &row) {
                return row.objectUuid == group9 || row.details.contains(group9);
            }));
        qInfo("%-28s %3lld rows in %4lld ms", c.name, qint64(rows->size()), ms);
    }
}

QTEST_GUILESS_MAIN(TestAuditLogMillion)

#include "test_auditlog_million.moc"
