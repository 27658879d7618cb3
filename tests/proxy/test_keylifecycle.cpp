// Issue 10 on the real gateway over loopback: rotation with a grace period (in-process and in a
// separate `serve` process), expiry, allowed addresses, the limits and budgets of keys and groups
// (with their 429 headers, 50 concurrent requests against a budget for 10, counts that survive a
// restart), the failed-authentication throttle, and a stream whose client hangs up being billed.

#include "fakeupstream.h"
#include "gatewayfixture.h"
#include "gatewaytestlog.h"
#include "httptestclient.h"
#include "serveprocess.h"

#include "metering/gatewaylog.h"
#include "proxy/gateway.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "store/usagestore.h"

#include <QTest>

#include <memory>

using namespace portico;

namespace {

QByteArray chatBody(const QByteArray &route, const QByteArray &extra = {}) {
    return R"({"model":")" + route + R"(","messages":[{"role":"user","content":"hello"}])" + extra +
           "}";
}

store::LimitsChange limitsChange(std::optional<qint64> rpm, std::optional<qint64> tpm,
                                 std::optional<qint64> parallel, std::optional<double> budget,
                                 store::BudgetPeriod period = store::BudgetPeriod::Month) {
    store::LimitsChange change;
    change.requestsPerMinute = rpm;
    change.tokensPerMinute = tpm;
    change.maxParallel = parallel;
    change.budgetUsd = budget;
    change.budgetPeriod = period;
    return change;
}

} // namespace

class TestKeyLifecycle : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void rotationWithGraceInProcess();
    void rotationSeenByServeProcess();
    void expiry();
    void allowedAddresses();
    void requestsPerMinute();
    void tokensPerMinute();
    void maxParallel();
    void groupLimitsAreShared();
    void budgetHoldsUnderConcurrency();
    void budgetSurvivesRestart();
    void failedAuthThrottle();
    void hangUpAfterContentIsBilled();

private:
    HttpTestClient::Response post(const QString &key, const QByteArray &body) {
        return HttpTestClient::fetch(m_gateway->port(), "POST", "/v1/chat/completions",
                                     bearerJsonHeaders(key), body);
    }
    QString newKey(const QString &name, QString *uuid = nullptr) {
        const QString key = m_fixture.createKey(name, uuid);
        [&] { QVERIFY(!key.isEmpty()); }();
        return key;
    }
    store::KeyStore keys() const {
        return store::KeyStore(*m_fixture.database, QStringLiteral("test"));
    }
    QList<store::UsageRecord> usageOf(const QString &keyUuid) {
        m_gateway->stop(); // flushes the usage rows
        store::UsageQuery query;
        query.keyUuids = {keyUuid};
        const auto rows = store::UsageStore(*m_fixture.database).rows(query);
        QString error;
        m_gateway = m_fixture.startGateway(m_options, &error);
        return rows ? *rows : QList<store::UsageRecord>();
    }

    FakeUpstream m_upstream;
    test::GatewayFixture m_fixture;
    proxy::GatewayOptions m_options;
    std::unique_ptr<proxy::Gateway> m_gateway;
};

void TestKeyLifecycle::initTestCase() {
    QVERIFY2(m_upstream.start(), "tests/fixtures/fake_upstream.py did not start");
    // "priced": a dollar per completion token and nothing for the prompt, so that a request
    // with max_tokens 7 reserves exactly what it then costs (the fake upstream answers 7).
    const QByteArray creds = "    credentials: { base_url: \"" + m_upstream.baseUrl() + "\" }\n";
    const QByteArray yaml = "chat_models:\n"
                            "  - model_id: demo\n    model: mock/echo\n"
                            "  - model_id: priced\n    model: openai/fake-chat\n" +
                            creds +
                            "    input_cost_per_million_tokens: 0\n"
                            "    output_cost_per_million_tokens: 1000000\n"
                            "  - model_id: slow\n    model: openai/fake-slow\n" +
                            creds +
                            "routes:\n"
                            "  demo: { chat_models: [demo] }\n"
                            "  priced: { chat_models: [priced] }\n"
                            "  slow: { chat_models: [slow] }\n"
                            "  other: { chat_models: [demo] }\n";
    QString error;
    QVERIFY2(m_fixture.open(
                 yaml, {QStringLiteral("demo"), QStringLiteral("priced"), QStringLiteral("slow")},
                 &error),
             qPrintable(error));
    m_gateway = m_fixture.startGateway(m_options, &error);
    QVERIFY2(m_gateway, qPrintable(error));
}

void TestKeyLifecycle::cleanupTestCase() {
    if (m_gateway) // for test_logscan, after the whole suite
        testsupport::saveGatewayLog(QStringLiteral("gateway.jsonl"), *m_gateway->log());
    m_gateway.reset();
}

void TestKeyLifecycle::rotationWithGraceInProcess() {
    QString uuid;
    const QString oldKey = newKey(QStringLiteral("rotating"), &uuid);
    QCOMPARE(post(oldKey, chatBody("demo")).status, 200);

    auto rotated = keys().rotateKey(uuid, 2);
    QVERIFY(rotated.ok());
    QVERIFY(rotated->key != oldKey);
    // Both work during the grace period, as the same key.
    QCOMPARE(post(rotated->key, chatBody("demo")).status, 200);
    QCOMPARE(post(oldKey, chatBody("demo")).status, 200);

    // Rotating again ends the earlier grace at once: the first secret stops now.
    auto again = keys().rotateKey(uuid, 2);
    QVERIFY(again.ok());
    auto refused = post(oldKey, chatBody("demo"));
    QCOMPARE(refused.status, 401);
    const QJsonObject error = refused.json().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("api_key_rotated"));
    const QString message = error.value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QLatin1String("rotated")), qPrintable(message));
    QVERIFY2(!message.contains(QLatin1String("rotating")), "the message names the key");
    QVERIFY(!message.contains(oldKey.right(4)));
    // The second secret has its grace; after it, 401 within a second.
    QCOMPARE(post(rotated->key, chatBody("demo")).status, 200);
    QCOMPARE(post(again->key, chatBody("demo")).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(post(rotated->key, chatBody("demo")).status, 401, 3500);
    QCOMPARE(post(again->key, chatBody("demo")).status, 200);
    // End grace now: rotate with a long grace, then end it.
    auto third = keys().rotateKey(uuid, 3600);
    QCOMPARE(post(again->key, chatBody("demo")).status, 200);
    QVERIFY(keys().endGracePeriod(uuid).ok());
    QCOMPARE(post(again->key, chatBody("demo")).status, 401);
    QCOMPARE(post(third->key, chatBody("demo")).status, 200);

    // Old-secret requests are marked in their usage rows (the wait for the grace's end above
    // made some too), and counted for the detail panel's "old secret used N times".
    const auto rows = usageOf(uuid);
    qint64 old = 0;
    for (const auto &row : rows)
        old += row.oldSecret && row.status == 200 ? 1 : 0;
    QVERIFY(old >= 3);
    const auto use = store::UsageStore(*m_fixture.database)
                         .oldSecretUse(uuid, QDateTime::currentDateTimeUtc().addSecs(-3600));
    QVERIFY(use.ok());
    QCOMPARE(use->requests, old);
    QVERIFY(use->last.isValid());
}

void TestKeyLifecycle::rotationSeenByServeProcess() {
    QString uuid;
    const QString oldKey = newKey(QStringLiteral("served"), &uuid);
    ServeProcess serve;
    QVERIFY2(
        serve.start(QStringLiteral(PORTICO_GATEWAY_BINARY),
                    {QStringLiteral("--db"), m_fixture.database->path(), QStringLiteral("--config"),
                     m_fixture.configPath(), QStringLiteral("serve"), QStringLiteral("--listen"),
                     QStringLiteral("127.0.0.1:0")}),
        serve.readErrors().constData());
    const quint16 port = serve.port();
    const auto viaServe = [&](const QString &key) {
        return HttpTestClient::fetch(port, "POST", "/v1/chat/completions", bearerJsonHeaders(key),
                                     chatBody("demo"))
            .status;
    };
    QCOMPARE(viaServe(oldKey), 200);
    auto rotated = keys().rotateKey(uuid, 2);
    QVERIFY(rotated.ok());
    // The new secret works at once in both gateways, the old one until its grace ends.
    QCOMPARE(viaServe(rotated->key), 200);
    QCOMPARE(post(rotated->key, chatBody("demo")).status, 200);
    QCOMPARE(viaServe(oldKey), 200);
    QTRY_COMPARE_WITH_TIMEOUT(viaServe(oldKey), 401, 3500);
    QCOMPARE(post(oldKey, chatBody("demo")).status, 401);
    serve.stop();
    testsupport::saveTestLog(QStringLiteral("serve.stderr.log"), serve.readErrors());
}

void TestKeyLifecycle::expiry() {
    QString uuid;
    const QString key = newKey(QStringLiteral("expiring"), &uuid);
    const QDateTime soon = QDateTime::currentDateTimeUtc().addSecs(2);
    QVERIFY(keys().setKeyExpiry(uuid, soon).ok());
    QCOMPARE(post(key, chatBody("demo")).status, 200);
    // Checked per request against the clock: no poll needed.
    QTRY_COMPARE_WITH_TIMEOUT(post(key, chatBody("demo")).status, 401, 3500);
    const QJsonObject error =
        post(key, chatBody("demo")).json().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("api_key_expired"));
    QVERIFY(error.value(QStringLiteral("message"))
                .toString()
                .contains(soon.toString(Qt::ISODate).left(16)));
}

void TestKeyLifecycle::allowedAddresses() {
    QString uuid;
    const QString key = newKey(QStringLiteral("fenced"), &uuid);
    QVERIFY(
        keys()
            .setAllowedIps(uuid, {QStringLiteral("10.0.0.0/8"), QStringLiteral("2001:db8::/32")})
            .ok());
    auto refused = post(key, chatBody("demo"));
    QCOMPARE(refused.status, 403);
    const QJsonObject error = refused.json().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("address_not_allowed"));
    QVERIFY(error.value(QStringLiteral("message")).toString().contains(QLatin1String("127.0.0.1")));
    QVERIFY(keys()
                .setAllowedIps(uuid, {QStringLiteral("10.0.0.0/8"), QStringLiteral("127.0.0.1")})
                .ok());
    QCOMPARE(post(key, chatBody("demo")).status, 200);
    QVERIFY(keys().setAllowedIps(uuid, {}).ok());
    QCOMPARE(post(key, chatBody("demo")).status, 200);
}

void TestKeyLifecycle::requestsPerMinute() {
    // Near the end of a minute the window would reset in the middle of the test.
    if (QDateTime::currentMSecsSinceEpoch() % 60'000 > 50'000)
        QTest::qWait(int(60'000 - QDateTime::currentMSecsSinceEpoch() % 60'000) + 100);
    QString uuid;
    const QString key = newKey(QStringLiteral("rpm"), &uuid);
    QVERIFY(keys().setLimits(uuid, limitsChange(3, std::nullopt, std::nullopt, std::nullopt)).ok());
    for (int i = 0; i < 3; ++i) {
        const auto ok = post(key, chatBody("demo"));
        QCOMPARE(ok.status, 200);
        QCOMPARE(ok.header("x-ratelimit-limit-requests"), QByteArray("3"));
        QCOMPARE(ok.header("x-ratelimit-remaining-requests"), QByteArray::number(2 - i));
    }
    const auto refused = post(key, chatBody("demo"));
    QCOMPARE(refused.status, 429);
    QVERIFY(refused.header("retry-after").toInt() >= 1);
    QCOMPARE(refused.header("x-ratelimit-limit-requests"), QByteArray("3"));
    QCOMPARE(refused.header("x-ratelimit-remaining-requests"), QByteArray("0"));
    QVERIFY(refused.header("x-ratelimit-reset-requests").endsWith("s"));
    QCOMPARE(refused.json()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("code"))
                 .toString(),
             QStringLiteral("rate_limit_exceeded"));
    // Clearing the limit lets the key through again.
    store::LimitsChange clear;
    clear.requestsPerMinute = std::optional<qint64>();
    QVERIFY(keys().setLimits(uuid, clear).ok());
    QCOMPARE(post(key, chatBody("demo")).status, 200);
}

void TestKeyLifecycle::tokensPerMinute() {
    if (QDateTime::currentMSecsSinceEpoch() % 60'000 > 50'000)
        QTest::qWait(int(60'000 - QDateTime::currentMSecsSinceEpoch() % 60'000) + 100);
    QString uuid;
    const QString key = newKey(QStringLiteral("tpm"), &uuid);
    // Each answer of the fake upstream is 18 tokens: the third request no longer fits in 40.
    QVERIFY(
        keys().setLimits(uuid, limitsChange(std::nullopt, 40, std::nullopt, std::nullopt)).ok());
    QCOMPARE(post(key, chatBody("priced")).status, 200);
    QCOMPARE(post(key, chatBody("priced")).status, 200);
    const auto refused = post(key, chatBody("priced"));
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.header("x-ratelimit-limit-tokens"), QByteArray("40"));
    QVERIFY(refused.header("x-ratelimit-reset-tokens").endsWith("s"));
    // A request that could never fit says so.
    const auto tooLarge = post(key, chatBody("priced", R"(,"max_tokens":100)"));
    QCOMPARE(tooLarge.status, 429);
    QVERIFY(tooLarge.json()
                .value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("message"))
                .toString()
                .contains(QLatin1String("max_tokens")));
}

void TestKeyLifecycle::maxParallel() {
    QString uuid;
    const QString key = newKey(QStringLiteral("parallel"), &uuid);
    QVERIFY(keys().setLimits(uuid, limitsChange(std::nullopt, std::nullopt, 2, std::nullopt)).ok());
    QList<std::shared_ptr<HttpTestClient>> clients;
    for (int i = 0; i < 3; ++i) {
        auto client = std::make_shared<HttpTestClient>();
        client->start(m_gateway->port(), "POST", "/v1/chat/completions", bearerJsonHeaders(key),
                      chatBody("slow", R"(,"fake_delay_ms":1500)"));
        clients.append(client);
        QTest::qWait(100);
    }
    for (const auto &client : std::as_const(clients))
        QTRY_VERIFY_WITH_TIMEOUT(client->isDone(), 15000);
    QList<int> statuses;
    for (const auto &client : std::as_const(clients))
        statuses.append(client->response().status);
    std::sort(statuses.begin(), statuses.end());
    QCOMPARE(statuses, (QList<int>{200, 200, 429}));
    // Once they finished, the slots are free again.
    QCOMPARE(post(key, chatBody("demo")).status, 200);
}

void TestKeyLifecycle::groupLimitsAreShared() {
    if (QDateTime::currentMSecsSinceEpoch() % 60'000 > 50'000)
        QTest::qWait(int(60'000 - QDateTime::currentMSecsSinceEpoch() % 60'000) + 100);
    store::GroupStore groups(*m_fixture.database, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("small team")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("small team"), QStringLiteral("other")).ok());
    QVERIFY(groups
                .setLimits(QStringLiteral("small team"),
                           limitsChange(2, std::nullopt, std::nullopt, std::nullopt))
                .ok());
    QString first;
    QString second;
    const QString a = newKey(QStringLiteral("team a"), &first);
    const QString b = newKey(QStringLiteral("team b"), &second);
    QVERIFY(keys().addKeyToGroup(first, QStringLiteral("small team")).ok());
    QVERIFY(keys().addKeyToGroup(second, QStringLiteral("small team")).ok());
    QCOMPARE(post(a, chatBody("other")).status, 200);
    QCOMPARE(post(b, chatBody("other")).status, 200);
    const auto refused = post(a, chatBody("other"));
    QCOMPARE(refused.status, 429);
    QVERIFY(refused.json()
                .value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("message"))
                .toString()
                .contains(QLatin1String("small team")));
    // The group's limit applies to the routes it grants, not to those another group grants.
    QCOMPARE(post(a, chatBody("demo")).status, 200);
}

// 50 concurrent requests against a budget that allows 10: each reserves what it will cost
// (max_tokens 7 at a dollar a token), so exactly 10 are answered and billed.
void TestKeyLifecycle::budgetHoldsUnderConcurrency() {
    QString uuid;
    const QString key = newKey(QStringLiteral("budgeted"), &uuid);
    QVERIFY(
        keys().setLimits(uuid, limitsChange(std::nullopt, std::nullopt, std::nullopt, 70.0)).ok());
    QList<std::shared_ptr<HttpTestClient>> clients;
    for (int i = 0; i < 50; ++i) {
        auto client = std::make_shared<HttpTestClient>();
        client->start(m_gateway->port(), "POST", "/v1/chat/completions", bearerJsonHeaders(key),
                      chatBody("priced", R"(,"max_tokens":7)"));
        clients.append(client);
    }
    for (const auto &client : std::as_const(clients))
        QTRY_VERIFY_WITH_TIMEOUT(client->isDone(), 30000);
    int answered = 0;
    int budgetRefusals = 0;
    for (const auto &client : std::as_const(clients)) {
        const auto &response = client->response();
        if (response.status == 200)
            ++answered;
        const QJsonObject error = response.json().value(QStringLiteral("error")).toObject();
        if (response.status == 429 &&
            error.value(QStringLiteral("type")).toString() == QLatin1String("insufficient_quota")) {
            ++budgetRefusals;
            QVERIFY(
                error.value(QStringLiteral("message")).toString().contains(QLatin1String("$70")));
            QVERIFY(error.value(QStringLiteral("message"))
                        .toString()
                        .contains(QLatin1String("resets")));
        }
    }
    QCOMPARE(answered, 10);
    QCOMPARE(budgetRefusals, 40);
    double billed = 0;
    for (const auto &row : usageOf(uuid))
        billed += row.costUsd;
    QCOMPARE(billed, 70.0);
}

void TestKeyLifecycle::budgetSurvivesRestart() {
    QString uuid;
    const QString key = newKey(QStringLiteral("restarted"), &uuid);
    QVERIFY(
        keys().setLimits(uuid, limitsChange(std::nullopt, std::nullopt, std::nullopt, 14.0)).ok());
    QCOMPARE(post(key, chatBody("priced", R"(,"max_tokens":7)")).status, 200);
    // A restart (stop saves the counts; the new gateway reads them back).
    m_gateway->stop();
    QString error;
    m_gateway = m_fixture.startGateway(m_options, &error);
    QVERIFY2(m_gateway, qPrintable(error));
    QCOMPARE(post(key, chatBody("priced", R"(,"max_tokens":7)")).status, 200);
    QCOMPARE(post(key, chatBody("priced", R"(,"max_tokens":7)")).status, 429);
}

void TestKeyLifecycle::failedAuthThrottle() {
    // Waits for a fresh minute, so that all the refusals fall in one window.
    if (QDateTime::currentMSecsSinceEpoch() % 60'000 > 45'000)
        QTest::qWait(int(60'000 - QDateTime::currentMSecsSinceEpoch() % 60'000) + 100);
    const QString good = newKey(QStringLiteral("throttle bystander"));
    const QString unknown = QStringLiteral("ptc_") + QString(39, u'A');
    for (int i = 0; i < 20; ++i)
        QCOMPARE(post(unknown, chatBody("demo")).status, 401);
    const auto throttled = post(unknown, chatBody("demo"));
    QCOMPARE(throttled.status, 429);
    QCOMPARE(throttled.json()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("code"))
                 .toString(),
             QStringLiteral("too_many_invalid_keys"));
    QVERIFY(throttled.header("retry-after").toInt() >= 1);
    // A valid key from the same address still passes.
    QCOMPARE(post(good, chatBody("demo")).status, 200);
    const auto metrics = HttpTestClient::fetch(m_gateway->port(), "GET", "/metrics");
    QVERIFY(metrics.body.contains("portico_auth_throttled_requests_total 1\n"));
    QVERIFY(metrics.body.contains("portico_auth_throttled_addresses_total 1\n"));
    int logged = 0;
    for (const auto &entry : m_gateway->log()->entries())
        logged += entry.event == QLatin1String("auth_throttled") ? 1 : 0;
    QCOMPARE(logged, 1);
}

// A client that hangs up mid-stream is billed for what was relayed: the upstream's usage when
// it comes, an estimate from the relayed text (marked as such) when the upstream is cut first.
void TestKeyLifecycle::hangUpAfterContentIsBilled() {
    QString uuid;
    const QString key = newKey(QStringLiteral("hangs up"), &uuid);
    HttpTestClient client;
    client.start(m_gateway->port(), "POST", "/v1/chat/completions", bearerJsonHeaders(key),
                 chatBody("priced", R"(,"stream":true,"fake_delay_ms":1500)"));
    QTRY_VERIFY_WITH_TIMEOUT(client.rawBodySoFar().contains("\"one\""), 15000);
    client.abort();
    QTest::qWait(2500); // the gateway waits 2 s for the usage, then cancels and estimates
    const auto rows = usageOf(uuid);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().status, 499);
    QVERIFY(rows.first().tokensEstimated);
    QVERIFY(rows.first().completionTokens >= 1);
    QVERIFY(rows.first().costUsd >= 1.0);
}

QTEST_GUILESS_MAIN(TestKeyLifecycle)
#include "test_keylifecycle.moc"
