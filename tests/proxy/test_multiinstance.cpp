// Several `serve` processes on one store, as a team runs them behind a load balancer: a key
// disabled on the command line is refused by every instance within a second, the usage rows
// of all instances add up to the requests sent, and (PostgreSQL) a budget shared by the
// instances is not exceeded. Its PostgreSQL variant is the deployment the README describes
// (changes announced by NOTIFY); on SQLite the instances poll.

#include "fakeupstream.h"
#include "gatewayfixture.h"
#include "gatewaytestlog.h"
#include "httptestclient.h"
#include "serveprocess.h"
#include "teststore.h"

#include "store/keystore.h"
#include "store/usagestore.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTest>

#include <memory>

using namespace portico;

namespace {

constexpr int kInstances = 3;

// A dollar a completion token, max_tokens 7, and the fake upstream answers 7: each request
// reserves exactly what it then costs.
const QByteArray kPricedChat =
    R"({"model":"priced","messages":[{"role":"user","content":"hello"}],"max_tokens":7})";

} // namespace

class TestMultiInstance : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void usageAddsUp();
    void disabledKeyIsRefusedEverywhere();
    void budgetHoldsAcrossInstances();

private:
    int post(int instance, const QString &key) {
        return HttpTestClient::fetch(m_serves[instance]->port(), "POST", "/v1/chat/completions",
                                     bearerJsonHeaders(key), kDemoChat)
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

    // SIGTERM to every instance (their usage rows and counts saved), then starts them again.
    void restartAll() {
        for (auto &serve : m_serves) {
            serve->stop();
            testsupport::saveTestLog(QStringLiteral("serve.stderr.log"), serve->readErrors());
            serve = std::make_unique<ServeProcess>();
            QVERIFY(serve->start(QStringLiteral(PORTICO_GATEWAY_BINARY), serveArguments()));
        }
    }
    QStringList serveArguments() const {
        return {QStringLiteral("--db"),       m_fixture.database->path(),
                QStringLiteral("--config"),   m_fixture.configPath(),
                QStringLiteral("serve"),      QStringLiteral("--listen"),
                QStringLiteral("127.0.0.1:0")};
    }

    FakeUpstream m_upstream;
    test::GatewayFixture m_fixture;
    std::vector<std::unique_ptr<ServeProcess>> m_serves;
};

void TestMultiInstance::initTestCase() {
    QVERIFY2(m_upstream.start(), "tests/fixtures/fake_upstream.py did not start");
    QString error;
    QVERIFY2(m_fixture.open("chat_models:\n  - model_id: demo\n    model: mock/echo\n"
                            "  - model_id: priced\n    model: openai/fake-chat\n"
                            "    credentials: { base_url: \"" +
                                m_upstream.baseUrl() +
                                "\" }\n"
                                "    input_cost_per_million_tokens: 0\n"
                                "    output_cost_per_million_tokens: 1000000\n"
                                "routes:\n  demo: { chat_models: [demo] }\n"
                                "  priced: { chat_models: [priced] }\n",
                            {QStringLiteral("demo"), QStringLiteral("priced")}, &error),
             qPrintable(error));
    for (int i = 0; i < kInstances; ++i) {
        auto serve = std::make_unique<ServeProcess>();
        QVERIFY2(serve->start(QStringLiteral(PORTICO_GATEWAY_BINARY), serveArguments()),
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
    // SIGTERM flushes each instance's usage rows.
    restartAll();
    store::UsageQuery query;
    query.keyUuids = {uuid};
    QCOMPARE(store::UsageStore(*m_fixture.database).count(query).value(), qint64(kRequests));
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

// 60 concurrent requests, 20 to each instance, against a budget that allows 10: each request
// takes its reservation in the store's counter before it runs, so exactly 10 are answered and
// billed whichever instance they reached.
void TestMultiInstance::budgetHoldsAcrossInstances() {
    if (!test::usesPostgres())
        QSKIP("Gateways on one SQLite file share their limits' counts once a second (README); "
              "a budget held exactly across gateways is the PostgreSQL store's.");
    QString uuid;
    const QString key = m_fixture.createKey(QStringLiteral("shared budget"), &uuid);
    QVERIFY(!key.isEmpty());
    QCOMPARE(cli({QStringLiteral("keys"), QStringLiteral("set-limits"),
                  QStringLiteral("shared budget"), QStringLiteral("--budget"), QStringLiteral("70"),
                  QStringLiteral("--rpm"), QStringLiteral("1000")}),
             0);
    // Every instance knows the limits (NOTIFY) before the load starts. The probe goes to the
    // free mock route (a probe answered before its instance knew the budget would be billed
    // outside it); the requests-per-minute limit, set with the budget, shows in its headers.
    for (int i = 0; i < kInstances; ++i) {
        QTRY_VERIFY_WITH_TIMEOUT(!HttpTestClient::fetch(m_serves[i]->port(), "POST",
                                                        "/v1/chat/completions",
                                                        bearerJsonHeaders(key), kDemoChat)
                                      .header("x-ratelimit-limit-requests")
                                      .isEmpty(),
                                 5000);
    }
    constexpr int kRequests = 60;
    QList<std::shared_ptr<HttpTestClient>> clients;
    for (int i = 0; i < kRequests; ++i) {
        auto client = std::make_shared<HttpTestClient>();
        client->start(m_serves[i % kInstances]->port(), "POST", "/v1/chat/completions",
                      bearerJsonHeaders(key), kPricedChat);
        clients.append(client);
    }
    int answered = 0;
    int overBudget = 0;
    for (const auto &client : std::as_const(clients)) {
        QTRY_VERIFY_WITH_TIMEOUT(client->isDone(), 30000);
        const auto &response = client->response();
        if (response.status == 200)
            ++answered;
        else if (response.status == 429 &&
                 response.json()
                         .value(QStringLiteral("error"))
                         .toObject()
                         .value(QStringLiteral("type"))
                         .toString() == QLatin1String("insufficient_quota"))
            ++overBudget;
    }
    QCOMPARE(answered, 10);
    QCOMPARE(overBudget, kRequests - 10);
    restartAll();
    store::UsageQuery query;
    query.keyUuids = {uuid};
    const auto rows = store::UsageStore(*m_fixture.database).rows(query);
    QVERIFY(rows.ok());
    double billed = 0;
    QStringList billedRows;
    for (const auto &row : *rows) {
        billed += row.costUsd;
        if (row.costUsd > 0)
            billedRows.append(
                QStringLiteral("%1 %2 $%3").arg(row.status).arg(row.errorCode).arg(row.costUsd));
    }
    QVERIFY2(billed == 70.0, qPrintable(billedRows.join(QStringLiteral("; "))));
}

QTEST_GUILESS_MAIN(TestMultiInstance)
#include "test_multiinstance.moc"
