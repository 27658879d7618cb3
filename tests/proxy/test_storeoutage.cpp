// PostgreSQL goes away under load and comes back (a private throwaway server, so that stopping
// it disturbs no other test): the gateway keeps answering the keys it knows, refuses the ones it
// does not, says "degraded" on /health, holds the usage rows and writes every one of them once
// the server is back, without a restart.

#include "gatewaytestlog.h"
#include "httptestclient.h"

#include "config/configmanager.h"
#include "metering/usagerecorder.h"
#include "proxy/gateway.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "store/usagestore.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace portico;

namespace {

// scripts/pg-test-server.sh COMMAND DIR; its stdout, or a null string when it failed.
QString server(const QString &command, const QString &dir) {
    QProcess script;
    script.start(QStringLiteral("bash"),
                 {QStringLiteral(PORTICO_SOURCE_DIR "/scripts/pg-test-server.sh"), command, dir});
    if (!script.waitForFinished(120000) || script.exitCode() != 0) {
        qWarning("pg-test-server.sh %s failed: %s", qPrintable(command),
                 script.readAllStandardError().constData());
        return {};
    }
    return QString::fromUtf8(script.readAllStandardOutput()).trimmed() + QStringLiteral(" ");
}

} // namespace

class TestStoreOutage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void gatewayRidesOutAPostgresRestart();

private:
    QTemporaryDir m_dir;
    QString m_serverDir;
    QString m_uri;
};

void TestStoreOutage::initTestCase() {
    QVERIFY(m_dir.isValid());
    // The script keeps the cluster where the postgres user can reach it when run as root.
    m_serverDir = m_dir.filePath(QStringLiteral("postgres"));
    m_uri = server(QStringLiteral("start"), m_serverDir).trimmed();
    QVERIFY2(!m_uri.isEmpty(), "the private PostgreSQL server did not start");
}

void TestStoreOutage::cleanupTestCase() {
    if (!m_serverDir.isEmpty())
        server(QStringLiteral("stop"), m_serverDir);
}

void TestStoreOutage::gatewayRidesOutAPostgresRestart() {
    const QString configPath = m_dir.filePath(QStringLiteral("config.yaml"));
    {
        QFile file(configPath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("chat_models:\n  - model_id: demo\n    model: mock/echo\n"
                   "routes:\n  demo: { chat_models: [demo] }\n");
    }
    auto opened = store::Database::open(m_uri);
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    std::shared_ptr<store::Database> db = *opened;
    store::GroupStore groups(*db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("users")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("users"), QStringLiteral("demo")).ok());
    store::KeyStore keys(*db, QStringLiteral("test"));
    auto known = keys.createKey(QStringLiteral("known"), {QStringLiteral("users")});
    QVERIFY(known.ok());

    auto config = std::make_shared<config::ConfigManager>(configPath);
    proxy::GatewayOptions options;
    options.port = 0;
    proxy::Gateway gateway(db, config, options);
    QVERIFY2(gateway.start(), qPrintable(gateway.errorString()));
    const auto post = [&](const QString &key) {
        return HttpTestClient::fetch(gateway.port(), "POST", "/v1/chat/completions",
                                     bearerJsonHeaders(key), kDemoChat)
            .status;
    };
    const auto health = [&] {
        return HttpTestClient::fetch(gateway.port(), "GET", "/health").json();
    };

    int answered = 0;
    for (int i = 0; i < 20; ++i, ++answered)
        QCOMPARE(post(known->key), 200);

    QVERIFY(!server(QStringLiteral("halt"), m_serverDir).isNull());
    // Known keys keep working; the store's absence shows on /health once noticed.
    for (int i = 0; i < 50; ++i, ++answered)
        QCOMPARE(post(known->key), 200);
    QTRY_COMPARE_WITH_TIMEOUT(health().value(QStringLiteral("status")).toString(),
                              QStringLiteral("degraded"), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(health().value(QStringLiteral("access")).toString(),
                              QStringLiteral("last known"), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(health().value(QStringLiteral("usage_rows_held")).toInt() > 0, 10000);
    for (int i = 0; i < 30; ++i, ++answered)
        QCOMPARE(post(known->key), 200);
    // A key the gateway never saw is refused (it cannot be checked).
    QCOMPARE(post(QStringLiteral("ptc_") + QString(39, u'A')), 401);

    QVERIFY(!server(QStringLiteral("resume"), m_serverDir).isNull());
    // No restart of the gateway: it reconnects, writes what it held and is healthy again.
    QTRY_COMPARE_WITH_TIMEOUT(health().value(QStringLiteral("status")).toString(),
                              QStringLiteral("ok"), 20000);
    QCOMPARE(post(known->key), 200);
    ++answered;
    const auto metrics = HttpTestClient::fetch(gateway.port(), "GET", "/metrics");
    QVERIFY(metrics.body.contains("portico_usage_rows_dropped_total 0\n"));
    testsupport::saveGatewayLog(QStringLiteral("gateway.jsonl"), *gateway.log());
    gateway.stop();

    store::UsageQuery query;
    query.keyUuids = {known->record.uuid};
    const auto count = store::UsageStore(*db).count(query);
    QVERIFY2(count.ok(), qPrintable(count.error().message));
    QCOMPARE(*count, qint64(answered));
}

QTEST_GUILESS_MAIN(TestStoreOutage)
#include "test_storeoutage.moc"
