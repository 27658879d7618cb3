// `portico-gateway audit` driven as a real process on a temporary store (SQLite, or PostgreSQL in
// the test's PostgreSQL variant, see teststore.h): the rows that keys and
// groups commands wrote, with their exact fields, filtered by key, group, action and period.
// No test prints an API key.
#include "testlogs.h"
#include "teststore.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

QStringList field(const QJsonArray &rows, const QString &name) {
    QStringList values;
    for (const QJsonValue &row : rows)
        values << row.toObject().value(name).toString();
    return values;
}

} // namespace

class TestCliAudit : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;
    QString m_keyUuid;
    QString m_groupUuid;

    Run run(QStringList arguments) const {
        arguments << QStringLiteral("--db") << m_db;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("PORTICO_DB"));
        env.remove(QStringLiteral("PORTICO_CONFIG"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("xdg-data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("xdg-config")));
        env.insert(QStringLiteral("USER"), QStringLiteral("alice"));
        QProcess process;
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(PORTICO_GATEWAY_BINARY), arguments);
        Run result;
        if (!process.waitForStarted(60'000) || !process.waitForFinished(120'000)) {
            process.kill();
            process.waitForFinished();
            return result;
        }
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
        result.out = process.readAllStandardOutput();
        result.err = process.readAllStandardError();
        portico::testsupport::saveTestLog(QStringLiteral("stderr.log"), result.err);
        if (!portico::testsupport::printsNewKey(arguments))
            portico::testsupport::saveTestLog(QStringLiteral("stdout.log"), result.out);
        return result;
    }

    QJsonArray auditRows(const QStringList &filters) const {
        const Run result =
            run(QStringList{QStringLiteral("audit"), QStringLiteral("--json")} + filters);
        if (result.exitCode != 0)
            qWarning() << "audit failed:" << filters << result.err;
        return result.json().value(QStringLiteral("rows")).toArray();
    }

private Q_SLOTS:
    void initTestCase();
    void jsonRowsHaveExactFieldsNewestFirst();
    void filtersByKeyAndGroup();
    void filtersByActionAndPeriod();
    void textOutputIsATableAndSaysWhenCut();
    void badInputExitsOne_data();
    void badInputExitsOne();
};

// One store for every test: the history a few admin commands leave behind.
void TestCliAudit::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_db = portico::test::testStorePath(m_dir.path());
    QVERIFY(!m_db.isEmpty());
    const QList<QStringList> commands = {
        {QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("team")},
        {QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("ops")},
        {QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("alpha")},
        {QStringLiteral("keys"), QStringLiteral("rename"), QStringLiteral("alpha"),
         QStringLiteral("beta")},
        {QStringLiteral("keys"), QStringLiteral("add-group"), QStringLiteral("beta"),
         QStringLiteral("team")},
        {QStringLiteral("groups"), QStringLiteral("add-route"), QStringLiteral("team"),
         QStringLiteral("demo")},
        {QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("other"),
         QStringLiteral("--group"), QStringLiteral("ops")},
    };
    for (const QStringList &command : commands) {
        const Run result = run(command + QStringList{QStringLiteral("--json")});
        QVERIFY2(result.exitCode == 0, result.err.constData());
        const QJsonObject object = result.json();
        if (command.at(1) == QLatin1String("create") && command.at(2) == QLatin1String("alpha"))
            m_keyUuid = object.value(QStringLiteral("uuid")).toString();
        if (command.at(1) == QLatin1String("create") && command.at(2) == QLatin1String("team"))
            m_groupUuid = object.value(QStringLiteral("uuid")).toString();
    }
    QVERIFY(!m_keyUuid.isEmpty());
    QVERIFY(!m_groupUuid.isEmpty());
}

void TestCliAudit::jsonRowsHaveExactFieldsNewestFirst() {
    const QJsonArray rows = auditRows({});
    QCOMPARE(field(rows, QStringLiteral("action")),
             (QStringList{QStringLiteral("key.create"), QStringLiteral("group.add_route"),
                          QStringLiteral("key.add_group"), QStringLiteral("key.rename"),
                          QStringLiteral("key.create"), QStringLiteral("group.create"),
                          QStringLiteral("group.create")}));
    const QStringList fields = {QStringLiteral("action"),      QStringLiteral("actor"),
                                QStringLiteral("details"),     QStringLiteral("object_type"),
                                QStringLiteral("object_uuid"), QStringLiteral("source"),
                                QStringLiteral("time")};
    static const QRegularExpression isoMs(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"));
    QDateTime previous;
    for (const QJsonValue &value : rows) {
        const QJsonObject row = value.toObject();
        QCOMPARE(row.keys(), fields);
        QCOMPARE(row.value(QStringLiteral("actor")).toString(), QStringLiteral("alice"));
        QCOMPARE(row.value(QStringLiteral("source")).toString(), QStringLiteral("cli"));
        QVERIFY(row.value(QStringLiteral("details")).isObject());
        const QString time = row.value(QStringLiteral("time")).toString();
        QVERIFY2(isoMs.match(time).hasMatch(), qPrintable(time));
        const QDateTime parsed = QDateTime::fromString(time, Qt::ISODateWithMs);
        if (previous.isValid())
            QVERIFY(parsed <= previous);
        previous = parsed;
    }
    const QJsonObject rename = rows.at(3).toObject();
    QCOMPARE(rename.value(QStringLiteral("object_type")).toString(), QStringLiteral("key"));
    QCOMPARE(rename.value(QStringLiteral("object_uuid")).toString(), m_keyUuid);
    QCOMPARE(rename.value(QStringLiteral("details")).toObject(),
             (QJsonObject{{QStringLiteral("old_name"), QStringLiteral("alpha")},
                          {QStringLiteral("new_name"), QStringLiteral("beta")}}));
    const QJsonObject joined = rows.at(2).toObject().value(QStringLiteral("details")).toObject();
    QCOMPARE(joined.value(QStringLiteral("group")).toString(), QStringLiteral("team"));
    QCOMPARE(joined.value(QStringLiteral("group_uuid")).toString(), m_groupUuid);
    const QJsonObject created = rows.at(0).toObject().value(QStringLiteral("details")).toObject();
    QCOMPARE(created.value(QStringLiteral("name")).toString(), QStringLiteral("other"));
    QCOMPARE(created.value(QStringLiteral("groups")).toArray(), QJsonArray{QStringLiteral("ops")});
}

void TestCliAudit::filtersByKeyAndGroup() {
    const QStringList keyActions = {QStringLiteral("key.add_group"), QStringLiteral("key.rename"),
                                    QStringLiteral("key.create")};
    QCOMPARE(field(auditRows({QStringLiteral("--key"), QStringLiteral("beta")}),
                   QStringLiteral("action")),
             keyActions);
    QCOMPARE(field(auditRows({QStringLiteral("--key"), m_keyUuid}), QStringLiteral("action")),
             keyActions);
    QCOMPARE(field(auditRows({QStringLiteral("--group"), QStringLiteral("team")}),
                   QStringLiteral("action")),
             (QStringList{QStringLiteral("group.add_route"), QStringLiteral("key.add_group"),
                          QStringLiteral("group.create")}));

    // A deleted key is still found by its uuid, its deletion included.
    QCOMPARE(
        run({QStringLiteral("keys"), QStringLiteral("delete"), QStringLiteral("beta")}).exitCode,
        0);
    const QJsonArray history = auditRows({QStringLiteral("--key"), m_keyUuid});
    QCOMPARE(field(history, QStringLiteral("action")),
             QStringList{QStringLiteral("key.delete")} + keyActions);
}

void TestCliAudit::filtersByActionAndPeriod() {
    const QJsonArray all = auditRows({});
    QVERIFY(all.size() >= 7);
    QCOMPARE(field(auditRows({QStringLiteral("--action"), QStringLiteral("group.")}),
                   QStringLiteral("action")),
             (QStringList{QStringLiteral("group.add_route"), QStringLiteral("group.create"),
                          QStringLiteral("group.create")}));
    QCOMPARE(field(auditRows({QStringLiteral("--action"), QStringLiteral("key.rename")}),
                   QStringLiteral("object_uuid")),
             QStringList{m_keyUuid});

    const QString newest = all.first().toObject().value(QStringLiteral("time")).toString();
    const QString oldest = all.last().toObject().value(QStringLiteral("time")).toString();
    QCOMPARE(auditRows({QStringLiteral("--since"), oldest}).size(), all.size());
    QCOMPARE(auditRows({QStringLiteral("--until"), oldest}).size(), 0);
    const QDateTime after = QDateTime::fromString(newest, Qt::ISODateWithMs).addMSecs(1);
    QCOMPARE(auditRows({QStringLiteral("--since"), after.toString(Qt::ISODateWithMs)}).size(), 0);
    QCOMPARE(auditRows({QStringLiteral("--until"), after.toString(Qt::ISODateWithMs)}).size(),
             all.size());
    QCOMPARE(auditRows({QStringLiteral("--since"), QStringLiteral("2000-01-01"),
                        QStringLiteral("--until"), QStringLiteral("2000-01-02")})
                 .size(),
             0);
    QCOMPARE(auditRows({QStringLiteral("--limit"), QStringLiteral("2")}).size(), 2);
}

void TestCliAudit::textOutputIsATableAndSaysWhenCut() {
    const Run text =
        run({QStringLiteral("audit"), QStringLiteral("--group"), QStringLiteral("team")});
    QCOMPARE(text.exitCode, 0);
    const QStringList lines =
        QString::fromUtf8(text.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QVERIFY(lines.at(0).startsWith(QStringLiteral("TIME")));
    QVERIFY(lines.at(1).contains(QStringLiteral("group.add_route")));
    QVERIFY(lines.at(1).contains(QStringLiteral("alice")));
    QVERIFY(lines.at(1).contains(QStringLiteral("\"route\":\"demo\"")));
    QVERIFY(!text.out.contains("showing the newest"));

    // 101 rows more than fill the default page.
    for (int i = 0; i < 101; ++i)
        QCOMPARE(run({QStringLiteral("groups"), QStringLiteral("create"),
                      QStringLiteral("bulk%1").arg(i)})
                     .exitCode,
                 0);
    const Run cut = run({QStringLiteral("audit")});
    QCOMPARE(cut.exitCode, 0);
    QVERIFY(cut.out.contains("showing the newest 100; use --limit"));
    QCOMPARE(cut.out.count('\n'), 1 + 100 + 1);
    QVERIFY(auditRows({}).size() > 101); // JSON without --limit: all of them
}

void TestCliAudit::badInputExitsOne_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown key") << QStringList{QStringLiteral("--key"), QStringLiteral("nope")}
                                 << QStringLiteral("nope");
    QTest::newRow("unknown group")
        << QStringList{QStringLiteral("--group"), QStringLiteral("nope")} << QStringLiteral("nope");
    QTest::newRow("bad time") << QStringList{QStringLiteral("--since"), QStringLiteral("yesterday")}
                              << QStringLiteral("not an ISO 8601 time");
    QTest::newRow("since after until")
        << QStringList{QStringLiteral("--since"), QStringLiteral("2026-02-01"),
                       QStringLiteral("--until"), QStringLiteral("2026-01-01")}
        << QStringLiteral("is not before --until");
    QTest::newRow("bad limit") << QStringList{QStringLiteral("--limit"), QStringLiteral("0")}
                               << QStringLiteral("not a positive number");
}

void TestCliAudit::badInputExitsOne() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Run result = run(QStringList{QStringLiteral("audit")} + arguments);
    QCOMPARE(result.exitCode, 1);
    QVERIFY(result.out.isEmpty());
    QVERIFY2(QString::fromUtf8(result.err).contains(message), result.err.constData());
}

QTEST_GUILESS_MAIN(TestCliAudit)

#include "test_cli_audit.moc"
