// The route limits of config.yaml on the real gateway: token_limiting (input and output) and
// budget_limiting refuse a key's requests with 429, Retry-After and a message naming the limit
// once the key has used its share of the window; other keys keep theirs; streamed answers count
// too; every refusal is a usage row with its code.

#include "gatewayfixture.h"
#include "gatewaytestlog.h"
#include "httptestclient.h"

#include "proxy/gateway.h"
#include "store/database.h"
#include "store/usagestore.h"

#include <QTest>

using namespace portico;

namespace {

// Six words: the mock model counts six prompt tokens and echoes them back.
QByteArray chatBody(const QByteArray &route, bool stream = false) {
    return R"({"model":")" + route +
           R"(","messages":[{"role":"user","content":"one two three four five six"}])" +
           (stream ? R"(,"stream":true})" : "}");
}

} // namespace

class TestLimits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void inputTokenLimit();
    void outputTokenLimit();
    void streamedAnswersCount();
    void budgetLimit();
    void refusalsAreRecorded();

private:
    HttpTestClient::Response post(const QString &key, const QByteArray &body);
    test::GatewayFixture m_fixture;
    std::unique_ptr<proxy::Gateway> m_gateway;
};

void TestLimits::initTestCase() {
    QString error;
    // 0.05 USD a token either way: one request of about 13 tokens costs more than 0.5 USD.
    QVERIFY2(m_fixture.open(
                 "chat_models:\n"
                 "  - model_id: demo\n"
                 "    model: mock/echo\n"
                 "    input_cost_per_million_tokens: 50000\n"
                 "    output_cost_per_million_tokens: 50000\n"
                 "routes:\n"
                 "  inputs:\n"
                 "    chat_models: [demo]\n"
                 "    token_limiting: { input: { window_size: 1 hour, max_token: 10 } }\n"
                 "  outputs:\n"
                 "    chat_models: [demo]\n"
                 "    token_limiting: { output: { window_size: 1 hour, max_token: 3 } }\n"
                 "  budget:\n"
                 "    chat_models: [demo]\n"
                 "    budget_limiting: { window_size: 1 day, max_budget: 0.5 }\n",
                 {QStringLiteral("inputs"), QStringLiteral("outputs"), QStringLiteral("budget")},
                 &error),
             qPrintable(error));
    m_gateway = m_fixture.startGateway({}, &error);
    QVERIFY2(m_gateway, qPrintable(error));
}

void TestLimits::cleanupTestCase() {
    if (m_gateway) // for test_logscan, after the whole suite
        testsupport::saveGatewayLog(QStringLiteral("gateway.jsonl"), *m_gateway->log());
    m_gateway.reset();
}

HttpTestClient::Response TestLimits::post(const QString &key, const QByteArray &body) {
    return HttpTestClient::fetch(
        m_gateway->port(), "POST", "/v1/chat/completions",
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + key.toLatin1()}},
        body);
}

void TestLimits::inputTokenLimit() {
    const QString key = m_fixture.createKey(QStringLiteral("input user"));
    QVERIFY(!key.isEmpty());
    // 6 tokens, then 12: the limit (10) is checked before a request, so the second one passes.
    QCOMPARE(post(key, chatBody("inputs")).status, 200);
    QCOMPARE(post(key, chatBody("inputs")).status, 200);
    const auto refused = post(key, chatBody("inputs"));
    QCOMPARE(refused.status, 429);
    const QJsonObject error = refused.json().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(),
             QStringLiteral("token_limit_exceeded"));
    const QString message = error.value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QLatin1String("input")) &&
                 message.contains(QLatin1String("'inputs'")),
             qPrintable(message));
    const int retryAfter = refused.header("retry-after").toInt();
    QVERIFY2(retryAfter >= 1 && retryAfter <= 3600, refused.header("retry-after").constData());

    // The window is per key: another key still has all of its tokens.
    const QString other = m_fixture.createKey(QStringLiteral("input other"));
    QCOMPARE(post(other, chatBody("inputs")).status, 200);
}

void TestLimits::outputTokenLimit() {
    const QString key = m_fixture.createKey(QStringLiteral("output user"));
    QCOMPARE(post(key, chatBody("outputs")).status, 200);
    const auto refused = post(key, chatBody("outputs"));
    QCOMPARE(refused.status, 429);
    const QJsonObject error = refused.json().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(),
             QStringLiteral("token_limit_exceeded"));
    QVERIFY(error.value(QStringLiteral("message")).toString().contains(QLatin1String("output")));
}

void TestLimits::streamedAnswersCount() {
    const QString key = m_fixture.createKey(QStringLiteral("stream user"));
    const auto streamed = post(key, chatBody("outputs", true));
    QCOMPARE(streamed.status, 200);
    QVERIFY(streamed.body.contains("data: [DONE]"));
    QCOMPARE(post(key, chatBody("outputs", true)).status, 429);
}

void TestLimits::budgetLimit() {
    const QString key = m_fixture.createKey(QStringLiteral("budget user"));
    QCOMPARE(post(key, chatBody("budget")).status, 200);
    const auto refused = post(key, chatBody("budget"));
    QCOMPARE(refused.status, 429);
    const QJsonObject error = refused.json().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("budget_exceeded"));
    QVERIFY(error.value(QStringLiteral("message")).toString().contains(QLatin1String("0.5 USD")));
    const int retryAfter = refused.header("retry-after").toInt();
    QVERIFY(retryAfter >= 1 && retryAfter <= 86400);
    // Other routes are not charged to this budget.
    QCOMPARE(post(key, chatBody("inputs")).status, 200);
}

void TestLimits::refusalsAreRecorded() {
    const QString key = m_fixture.createKey(QStringLiteral("recorded user"));
    QCOMPARE(post(key, chatBody("budget")).status, 200);
    QCOMPARE(post(key, chatBody("budget")).status, 429);
    const auto rowsOf = [this]() {
        store::UsageStore usage(*m_fixture.database);
        QList<store::UsageRecord> mine;
        const auto rows = usage.rows(store::UsageQuery{});
        if (rows.ok()) {
            for (const store::UsageRecord &row : *rows) {
                if (row.keyName == QLatin1String("recorded user"))
                    mine.append(row);
            }
        }
        return mine;
    };
    QTRY_COMPARE_WITH_TIMEOUT(rowsOf().size(), 2, 10000);
    const QList<store::UsageRecord> rows = rowsOf();
    QCOMPARE(rows.at(0).status, 200);
    QVERIFY(rows.at(0).costUsd > 0.5);
    QCOMPARE(rows.at(1).status, 429);
    QCOMPARE(rows.at(1).errorCode, QStringLiteral("budget_exceeded"));
    QCOMPARE(rows.at(1).route, QStringLiteral("budget"));
    QCOMPARE(rows.at(1).costUsd, 0.0);
}

QTEST_GUILESS_MAIN(TestLimits)
#include "test_limits.moc"
