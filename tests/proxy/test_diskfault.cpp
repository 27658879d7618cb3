// A store that cannot be written (issue 13, item 2), with the real `portico-gateway serve` and
// the real command line:
// - "full": the SQLite store on a small tmpfs of the test's own, filled up by a file until the
//   kernel says ENOSPC (SQLite then answers SQLITE_FULL), and emptied again;
// - "read-only": SQLite refusing every write with SQLITE_READONLY, through the store's
//   diagnostic knob PORTICO_TEST_STORE_FAULT (the kernel will not remount a file system
//   read-only while a process has files on it open for writing, which the gateway has).
// Meanwhile the gateway answers the keys it knows (and those it can still read), says
// "degraded" on /health, holds the usage rows (counted on /metrics) and writes all of them once
// the store takes them again, without a restart; admin commands fail with a clear message and
// change nothing.
//
// The tmpfs is mounted in a mount namespace of the test's own (unshare), so it vanishes with the
// test process whatever happens to it. Where mounting is not permitted (a container without
// CAP_SYS_ADMIN), "full" is simulated with the knob as well, and the test says so.

#include "httptestclient.h"
#include "serveprocess.h"
#include "testlogs.h"

#include "store/auditlog.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "store/usagestore.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <sched.h>
#include <sys/mount.h>

using namespace portico;

namespace {

// The value of an unlabelled sample in Prometheus text; -1 when absent.
qint64 metric(const QByteArray &text, const QByteArray &name) {
    for (const QByteArray &line : text.split('\n'))
        if (line.startsWith(QByteArray(name + ' ')))
            return line.mid(name.size() + 1).trimmed().toLongLong();
    return -1;
}

} // namespace

class TestDiskFault : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void storeThatCannotBeWritten_data();
    void storeThatCannotBeWritten();

private:
    // Fills the tmpfs up (a file as large as it can be); false when it could not.
    bool fillDisk();

    QTemporaryDir m_dir;
    QString m_mountPoint;
    bool m_mounted = false;
    QString m_knob;
};

void TestDiskFault::initTestCase() {
    QVERIFY(m_dir.isValid());
    // Read once by every process on its first write: set before any store is opened.
    m_knob = m_dir.filePath(QStringLiteral("store-fault"));
    qputenv("PORTICO_TEST_STORE_FAULT", m_knob.toLocal8Bit());

    m_mountPoint = m_dir.filePath(QStringLiteral("small-disk"));
    QVERIFY(QDir().mkpath(m_mountPoint));
    // A mount namespace of our own (the children, `serve` and the command line, share it): the
    // tmpfs goes away with this process, even if it crashes.
    if (::unshare(CLONE_NEWNS) == 0 &&
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
        ::mount("portico-test", m_mountPoint.toLocal8Bit().constData(), "tmpfs", 0,
                "size=24m,mode=0700") == 0) {
        m_mounted = true;
    } else {
        qInfo("Cannot mount a tmpfs here (%s): the full disk is simulated with the store's "
              "PORTICO_TEST_STORE_FAULT knob, as the read-only one is.",
              strerror(errno));
    }
}

void TestDiskFault::cleanupTestCase() {
    if (m_mounted)
        ::umount2(m_mountPoint.toLocal8Bit().constData(), MNT_DETACH);
}

bool TestDiskFault::fillDisk() {
    QFile filler(m_mountPoint + QStringLiteral("/filler"));
    if (!filler.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        return false;
    // Big pieces first, then smaller ones, until not a byte more fits.
    for (qint64 piece = 1 << 20; piece >= 512; piece /= 2) {
        const QByteArray bytes(piece, 'x');
        while (filler.write(bytes) == piece) {
        }
    }
    return true;
}

void TestDiskFault::storeThatCannotBeWritten_data() {
    QTest::addColumn<QString>("fault");
    QTest::newRow("full") << QStringLiteral("full");
    QTest::newRow("read-only") << QStringLiteral("read-only");
}

void TestDiskFault::storeThatCannotBeWritten() {
    QFETCH(QString, fault);
    const bool realDisk = fault == QLatin1String("full") && m_mounted;
    const QString folder = (m_mounted ? m_mountPoint : m_dir.path()) + u'/' + fault;
    QVERIFY(QDir().mkpath(folder));
    const QString dbPath = folder + QStringLiteral("/portico.db");
    const QString configPath = m_dir.filePath(QStringLiteral("config.yaml"));
    {
        QFile file(configPath);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("chat_models:\n  - model_id: demo\n    model: mock/echo\n"
                   "routes:\n  demo: { chat_models: [demo] }\n  second: { chat_models: [demo] }\n");
    }

    auto opened = store::Database::open(dbPath);
    QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
    std::shared_ptr<store::Database> db = *opened;
    store::GroupStore groups(*db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("users")));
    QVERIFY(groups.addRoute(QStringLiteral("users"), QStringLiteral("demo")));
    store::KeyStore keys(*db, QStringLiteral("test"));
    const auto known = keys.createKey(QStringLiteral("known"), {QStringLiteral("users")});
    QVERIFY(known);
    // Created before the fault, first presented during it: the gateway can still read it.
    const auto unseen = keys.createKey(QStringLiteral("unseen"), {QStringLiteral("users")});
    QVERIFY(unseen);

    ServeProcess serve;
    QVERIFY2(serve.start(QStringLiteral(PORTICO_GATEWAY_BINARY),
                         {QStringLiteral("--db"), dbPath, QStringLiteral("--config"), configPath,
                          QStringLiteral("serve"), QStringLiteral("--listen"),
                          QStringLiteral("127.0.0.1:0")}),
             serve.readErrors().constData());
    const auto post = [&](const QString &key) {
        return HttpTestClient::fetch(serve.port(), "POST", "/v1/chat/completions",
                                     bearerJsonHeaders(key), kDemoChat)
            .status;
    };
    const auto health = [&] { return HttpTestClient::fetch(serve.port(), "GET", "/health"); };
    const auto metrics = [&] {
        return HttpTestClient::fetch(serve.port(), "GET", "/metrics").body;
    };
    const auto cli = [&](const QStringList &arguments, QByteArray *errors) {
        QProcess process;
        process.start(
            QStringLiteral(PORTICO_GATEWAY_BINARY),
            QStringList{QStringLiteral("--db"), dbPath, QStringLiteral("--config"), configPath} +
                arguments);
        if (!process.waitForFinished(60000))
            return -1;
        *errors = process.readAllStandardError();
        // Nothing on stdout, above all no key.
        if (!process.readAllStandardOutput().isEmpty())
            *errors = "(the command printed something on stdout)";
        return process.exitCode();
    };

    int answered = 0;
    for (int i = 0; i < 10; ++i, ++answered)
        QCOMPARE(post(known->key), 200);
    QTRY_COMPARE_WITH_TIMEOUT(health().status, 200, 10000);

    // The fault.
    if (realDisk) {
        QVERIFY(fillDisk());
    } else {
        QFile knob(m_knob);
        QVERIFY(knob.open(QIODevice::WriteOnly | QIODevice::Truncate));
        knob.write("read-only\n");
    }

    // Known keys keep working. The gateway notices when its usage rows are refused (a full disk
    // still takes writes that fit where the store's files already have room).
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (int i = 0; i < 50; ++i, ++answered)
                if (post(known->key) != 200)
                    return false;
            return health().json().value(QStringLiteral("status")).toString() ==
                   QLatin1String("degraded");
        }(),
        60000);
    const auto degraded = health();
    QCOMPARE(degraded.status, 503);
    QVERIFY(degraded.json().value(QStringLiteral("usage_rows_held")).toInt() > 0);
    // Reading still works: a key the gateway had not seen yet is checked and answered; a key that
    // does not exist is refused.
    QCOMPARE(post(unseen->key), 200);
    ++answered;
    QCOMPARE(post(QStringLiteral("ptc_") + QString(39, u'A')), 401);
    const QByteArray during = metrics();
    QVERIFY2(metric(during, "portico_usage_rows_held") > 0, during.constData());
    QCOMPARE(metric(during, "portico_usage_rows_dropped_total"), 0);
    QTRY_VERIFY_WITH_TIMEOUT(serve.readErrors().contains("usage_write_failed"), 10000);

    // Admin commands fail, say why, print no key, and change nothing.
    const QString reason = realDisk ? QStringLiteral("disk is full") : QStringLiteral("read-only");
    const QList<QStringList> commands = {
        {QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("new key"),
         QStringLiteral("--group"), QStringLiteral("users")},
        {QStringLiteral("keys"), QStringLiteral("disable"), QStringLiteral("known")},
        {QStringLiteral("keys"), QStringLiteral("rotate"), QStringLiteral("known")},
        {QStringLiteral("groups"), QStringLiteral("add-route"), QStringLiteral("users"),
         QStringLiteral("second")},
        {QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("new group")},
    };
    const auto auditBefore = store::AuditLog(*db).entries();
    QVERIFY(auditBefore);
    for (const QStringList &command : commands) {
        QByteArray errors;
        QCOMPARE(cli(command, &errors), 1);
        QVERIFY2(QString::fromUtf8(errors).contains(reason), errors.constData());
    }
    const auto keyList = keys.listKeys();
    QVERIFY(keyList);
    QCOMPARE(keyList->size(), 2);
    for (const auto &key : *keyList)
        QVERIFY(key.state == store::KeyState::Active);
    const auto knownNow = keys.key(QStringLiteral("known"));
    QVERIFY(knownNow);
    QCOMPARE(knownNow->hint, known->record.hint);
    const auto groupList = groups.listGroups();
    QVERIFY(groupList);
    QCOMPARE(groupList->size(), 1);
    QCOMPARE(groupList->first().routes, QStringList{QStringLiteral("demo")});
    QCOMPARE(store::AuditLog(*db).entries()->size(), auditBefore->size());

    // The disk is freed: no restart, the held rows are written and /health is ok again.
    if (realDisk) {
        QVERIFY(QFile::remove(m_mountPoint + QStringLiteral("/filler")));
    } else {
        QFile knob(m_knob);
        QVERIFY(knob.open(QIODevice::WriteOnly | QIODevice::Truncate));
    }
    QTRY_COMPARE_WITH_TIMEOUT(health().status, 200, 30000);
    QCOMPARE(health().json().value(QStringLiteral("usage_rows_held")).toInt(), 0);
    // The log says so too (its lines are written by a thread of their own, a moment later).
    QTRY_VERIFY_WITH_TIMEOUT(serve.readErrors().contains("usage_write_recovered"), 10000);
    for (int i = 0; i < 5; ++i, ++answered)
        QCOMPARE(post(known->key), 200);
    QByteArray errors;
    QCOMPARE(
        cli({QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("new key")}, &errors),
        0);
    const QByteArray after = metrics();
    QCOMPARE(metric(after, "portico_usage_rows_dropped_total"), 0);
    serve.stop();
    testsupport::saveTestLog(QStringLiteral("serve.stderr.log"), serve.readErrors());

    // Every request answered has its usage row: none was lost.
    store::UsageQuery query;
    query.keyUuids = {known->record.uuid, unseen->record.uuid};
    QCOMPARE(store::UsageStore(*db).count(query).value(), qint64(answered));
    const auto integrity = [&] {
        QSqlQuery check(db->connection());
        return check.exec(QStringLiteral("PRAGMA integrity_check")) && check.next()
                   ? check.value(0).toString()
                   : QString();
    }();
    QCOMPARE(integrity, QStringLiteral("ok"));
}

QTEST_GUILESS_MAIN(TestDiskFault)
#include "test_diskfault.moc"
