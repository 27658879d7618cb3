// Several `serve` processes on one store, as a team runs them behind a load balancer: a key
// disabled on the command line is refused by every instance within a second, and the usage rows
// of all instances add up to the requests sent. Its PostgreSQL variant is the deployment the
// README describes (changes announced by NOTIFY); on SQLite the instances poll.

#include "gatewayfixture.h"
#include "gatewaytestlog.h"
#include "httptestclient.h"
#include "serveprocess.h"

#include "store/keystore.h"
#include "store/usagestore.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTest>

#include <memory>

using namespace portico;

namespace {

constexpr int kInstances = 3;

QList<QPair<QByteArray, QByteArray>> auth(const QString &key) {
    return {{"Authorization", "Bearer " + key.toLatin1()}, {"Content-Type", "application/json"}};
}

const QByteArray kChat = R"({"model":"demo","messages":[{"role":"user","content":"hello"}]})";

} // namespace

class TestMultiInstance : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void usageAddsUp();
    void disabledKeyIsRefusedEverywhere();

private:
    int post(int instance, const QString &key) {
        return HttpTestClient::fetch(m_serves[instance]->port(), "POST", "/v1/chat/completions",
                                     auth(key), kChat)
            .status;
    }
    // Runs the command line on the same store; its exit code.
    int cli(const QStringList &arguments) {
        QProcess process;
        process.start(QStringLiteral(PORTICO_GATEWAY_BINARY),
                      QStringList{QStringLiteral("--db"), m_fixture.database->path(),
                                  QStringLiteral("--config"), m_fixture.configPath()} +
                          arguments);
        if (!process.waitForFinished(60000))
            return -1;
        return process.exitCode();
    }

    test::GatewayFixture m_fixture;
    std::vector<std::unique_ptr<ServeProcess>> m_serves;
};

void TestMultiInstance::initTestCase() {
    QString error;
    QVERIFY2(m_fixture.open("chat_models:\n  - model_id: demo\n    model: mock/echo\n"
                            "routes:\n  demo: { chat_models: [demo] }\n",
                            {QStringLiteral("demo")}, &error),
             qPrintable(error));
    for (int i = 0; i < kInstances; ++i) {
        auto serve = std::make_unique<ServeProcess>();
        QVERIFY2(serve->start(QStringLiteral(PORTICO_GATEWAY_BINARY),
                              {QStringLiteral("--db"), m_fixture.database->path(),
                               QStringLiteral("--config"), m_fixture.configPath(),
                               QStringLiteral("serve"), QStringLiteral("--listen"),
                               QStringLiteral("127.0.0.1:0")}),
                 serve->readErrors().constData());
        m_serves.push_back(std::move(serve));
    }
}

void TestMultiInstance::cleanupTestCase() {
    for (auto &serve : m_serves) {
        serve->stop();
        testsupport::saveTestLog(QStringLiteral("serve.stderr.log"), serve->readErrors());
    }
    m_serves.clear();
}

void TestMultiInstance::usageAddsUp() {
    QString uuid;
    const QString key = m_fixture.createKey(QStringLiteral("shared"), &uuid);
    QVERIFY(!key.isEmpty());
    constexpr int kRequests = 60;
    for (int i = 0; i < kRequests; ++i)
        QCOMPARE(post(i % kInstances, key), 200);
    // SIGTERM flushes each instance's usage rows; then start them again for the next test.
    for (auto &serve : m_serves)
        serve->stop();
    store::UsageQuery query;
    query.keyUuids = {uuid};
    QCOMPARE(store::UsageStore(*m_fixture.database).count(query).value(), qint64(kRequests));
    for (auto &serve : m_serves) {
        testsupport::saveTestLog(QStringLiteral("serve.stderr.log"), serve->readErrors());
        serve = std::make_unique<ServeProcess>();
        QVERIFY(serve->start(QStringLiteral(PORTICO_GATEWAY_BINARY),
                             {QStringLiteral("--db"), m_fixture.database->path(),
                              QStringLiteral("--config"), m_fixture.configPath(),
                              QStringLiteral("serve"), QStringLiteral("--listen"),
                              QStringLiteral("127.0.0.1:0")}));
    }
}

void TestMultiInstance::disabledKeyIsRefusedEverywhere() {
    const QString key = m_fixture.createKey(QStringLiteral("revoked"));
    QVERIFY(!key.isEmpty());
    for (int i = 0; i < kInstances; ++i)
        QCOMPARE(post(i, key), 200);
    QCOMPARE(cli({QStringLiteral("keys"), QStringLiteral("disable"), QStringLiteral("revoked")}),
             0);
    // Within a second of the command's exit, in every instance.
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < kInstances; ++i)
        QTRY_COMPARE_WITH_TIMEOUT(post(i, key), 401,
                                  int(std::max<qint64>(1, 1000 - clock.elapsed())));
    QCOMPARE(cli({QStringLiteral("keys"), QStringLiteral("enable"), QStringLiteral("revoked")}), 0);
    clock.restart();
    for (int i = 0; i < kInstances; ++i)
        QTRY_COMPARE_WITH_TIMEOUT(post(i, key), 200,
                                  int(std::max<qint64>(1, 1000 - clock.elapsed())));
}

QTEST_GUILESS_MAIN(TestMultiInstance)
#include "test_multiinstance.moc"
