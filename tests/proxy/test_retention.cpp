// The usage retention on the real gateway and the real command line: usage.raw_retention_days
// makes the gateway delete raw usage rows older than that many days (at start, and at once when
// the config changes), the hourly and daily roll-ups keep counting them, requests keep being
// recorded, and `portico-gateway usage prune` does the same by hand.

#include "gatewayfixture.h"
#include "gatewaytestlog.h"
#include "httptestclient.h"

#include "metering/gatewaylog.h"
#include "proxy/gateway.h"
#include "store/database.h"
#include "store/usageaggregates.h"
#include "store/usagestore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace portico;

namespace {

constexpr int kOldRows = 120;   // 40 days old
constexpr int kMiddleRows = 30; // 10 days old
constexpr int kRecentRows = 12; // an hour old

QByteArray configText(const QByteArray &usageSection) {
    return "chat_models:\n  - model_id: demo\n    model: mock/echo\n"
           "routes:\n  demo: { chat_models: [demo] }\n" +
           usageSection;
}

struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestRetention : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void gatewayPrunesOldRowsAndKeepsTotals();
    void shorterRetentionAppliesOnConfigChange();
    void noRetentionKeepsEverything();
    void desktopFallbackAppliesOnlyWithoutConfigRetention();
    void pruneCommandUsesConfigOrDays();
    void pruneCommandRefusesBadInput();

private:
    void seedRows();
    qint64 rawRows() const;
    store::UsageAggregate totals() const;
    void startGateway(const QByteArray &usageSection, int fallbackDays = 0);
    CliRun runCli(const QStringList &arguments) const;

    // A new one per test function: each starts from the same seeded store.
    std::unique_ptr<test::GatewayFixture> m_fixture;
    std::shared_ptr<metering::GatewayLog> m_log;
    std::unique_ptr<proxy::Gateway> m_gateway;
    QString m_key;
};

void TestRetention::init() {
    m_fixture = std::make_unique<test::GatewayFixture>();
    QString error;
    QVERIFY2(m_fixture->open(configText(QByteArray()), {QStringLiteral("demo")}, &error),
             qPrintable(error));
    m_key = m_fixture->createKey(QStringLiteral("retained"));
    QVERIFY(!m_key.isEmpty());
    seedRows();
}

void TestRetention::cleanup() {
    if (m_gateway)
        testsupport::saveGatewayLog(QStringLiteral("gateway.jsonl"), *m_gateway->log());
    m_gateway.reset();
    m_log.reset();
    m_fixture.reset();
}

// Rows as the gateway writes them (UsageStore::insert maintains the roll-ups), at three ages.
void TestRetention::seedRows() {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<store::UsageRecord> rows;
    const auto add = [&](int count, const QDateTime &time, const QString &tag) {
        for (int i = 0; i < count; ++i) {
            store::UsageRecord row;
            row.time = time.addSecs(i);
            row.requestId = tag + QString::number(i);
            row.keyUuid = QStringLiteral("00000000-0000-4000-8000-000000000001");
            row.keyName = QStringLiteral("history");
            row.route = QStringLiteral("demo");
            row.modelId = QStringLiteral("demo");
            row.provider = QStringLiteral("mock");
            row.status = i % 10 == 0 ? 500 : 200;
            row.promptTokens = 10;
            row.completionTokens = 5;
            row.costUsd = 0.001;
            row.latencyMs = 20;
            rows.append(row);
        }
    };
    add(kOldRows, now.addDays(-40), QStringLiteral("old-"));
    add(kMiddleRows, now.addDays(-10), QStringLiteral("middle-"));
    add(kRecentRows, now.addSecs(-3600), QStringLiteral("recent-"));
    store::UsageStore usage(*m_fixture->database);
    const store::Status inserted = usage.insert(rows);
    QVERIFY2(inserted.ok(), qPrintable(inserted.error().message));
    QCOMPARE(rawRows(), qint64(kOldRows + kMiddleRows + kRecentRows));
}

qint64 TestRetention::rawRows() const {
    store::UsageStore usage(*m_fixture->database);
    const auto count = usage.count(store::UsageQuery{});
    return count.ok() ? *count : -1;
}

store::UsageAggregate TestRetention::totals() const {
    store::UsageAggregates aggregates(*m_fixture->database);
    const auto result = aggregates.totals(store::UsageQuery{});
    return result.ok() ? *result : store::UsageAggregate{};
}

void TestRetention::startGateway(const QByteArray &usageSection, int fallbackDays) {
    QVERIFY(m_fixture->writeConfig(configText(usageSection)));
    QVERIFY(m_fixture->config->reload());
    m_log = std::make_shared<metering::GatewayLog>(1000);
    proxy::GatewayOptions options;
    options.log = m_log;
    options.fallbackRawRetentionDays = fallbackDays;
    QString error;
    m_gateway = m_fixture->startGateway(options, &error);
    QVERIFY2(m_gateway, qPrintable(error));
}

CliRun TestRetention::runCli(const QStringList &arguments) const {
    QProcess process;
    process.start(QStringLiteral(PORTICO_GATEWAY_BINARY),
                  QStringList{QStringLiteral("--db"), m_fixture->database->path(),
                              QStringLiteral("--config"), m_fixture->configPath()} +
                      arguments);
    CliRun run;
    if (!process.waitForFinished(60000))
        return run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

void TestRetention::gatewayPrunesOldRowsAndKeepsTotals() {
    const store::UsageAggregate before = totals();
    QCOMPARE(before.requests, qint64(kOldRows + kMiddleRows + kRecentRows));

    startGateway("usage:\n  raw_retention_days: 30\n");
    QTRY_COMPARE_WITH_TIMEOUT(rawRows(), qint64(kMiddleRows + kRecentRows), 15000);

    // The roll-ups still count every request, with the same errors, tokens and cost.
    const store::UsageAggregate after = totals();
    QCOMPARE(after.requests, before.requests);
    QCOMPARE(after.errors, before.errors);
    QCOMPARE(after.promptTokens, before.promptTokens);
    QCOMPARE(after.completionTokens, before.completionTokens);
    QVERIFY(qAbs(after.costUsd - before.costUsd) < 1e-9);

    // The log says what happened, and where the setting is.
    bool logged = false;
    for (const metering::LogEntry &entry : m_log->entries()) {
        if (entry.event == QLatin1String("usage_pruned")) {
            logged = entry.message.contains(QString::number(kOldRows)) &&
                     entry.message.contains(QLatin1String("usage.raw_retention_days"));
        }
    }
    QVERIFY(logged);

    // The gateway still records new requests after pruning.
    const auto response = HttpTestClient::fetch(
        m_gateway->port(), "POST", "/v1/chat/completions",
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + m_key.toLatin1()}},
        R"({"model":"demo","messages":[{"role":"user","content":"still here"}]})");
    QCOMPARE(response.status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(rawRows(), qint64(kMiddleRows + kRecentRows + 1), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(totals().requests, before.requests + 1, 15000);
}

void TestRetention::shorterRetentionAppliesOnConfigChange() {
    startGateway("usage:\n  raw_retention_days: 30\n");
    QTRY_COMPARE_WITH_TIMEOUT(rawRows(), qint64(kMiddleRows + kRecentRows), 15000);

    // Not at the next hourly pass: as soon as the new config is current.
    QVERIFY(m_fixture->writeConfig(configText("usage: { raw_retention_days: 5 }\n")));
    QVERIFY(m_fixture->config->reload());
    QCOMPARE(m_fixture->config->current()->usage.rawRetentionDays, 5);
    QTRY_COMPARE_WITH_TIMEOUT(rawRows(), qint64(kRecentRows), 15000);
    QCOMPARE(totals().requests, qint64(kOldRows + kMiddleRows + kRecentRows));

    // A broken config keeps the last good one, and its retention: nothing more goes.
    QVERIFY(m_fixture->writeConfig(configText("usage: { raw_retention_days: -1 }\n")));
    QVERIFY(!m_fixture->config->reload());
    QCOMPARE(m_fixture->config->current()->usage.rawRetentionDays, 5);
    // Proving that nothing more is deleted needs time to pass, not a condition to wait for.
    QTest::qWait(300);
    QCOMPARE(rawRows(), qint64(kRecentRows));
}

void TestRetention::noRetentionKeepsEverything() {
    startGateway(QByteArray());
    QCOMPARE(m_fixture->config->current()->usage.rawRetentionDays, 0);
    // A request proves the gateway ran long enough to have made its start-up pass.
    const auto response = HttpTestClient::fetch(
        m_gateway->port(), "POST", "/v1/chat/completions",
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + m_key.toLatin1()}},
        R"({"model":"demo","messages":[{"role":"user","content":"hi"}]})");
    QCOMPARE(response.status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(rawRows(), qint64(kOldRows + kMiddleRows + kRecentRows + 1), 15000);
    m_gateway->stop();
    QCOMPARE(rawRows(), qint64(kOldRows + kMiddleRows + kRecentRows + 1));
    for (const metering::LogEntry &entry : m_log->entries())
        QVERIFY(!entry.event.startsWith(QLatin1String("usage_prune")));
}

// The desktop app's setting (GatewayOptions::fallbackRawRetentionDays) prunes when config.yaml
// keeps rows for ever, and config.yaml's own value wins when it has one.
void TestRetention::desktopFallbackAppliesOnlyWithoutConfigRetention() {
    const auto pruned = [this] {
        for (const metering::LogEntry &entry : m_log->entries()) {
            if (entry.event == QLatin1String("usage_pruned"))
                return entry.message;
        }
        return QString();
    };
    startGateway("usage:\n  raw_retention_days: 30\n", 5);
    // The pass is over once it says so; the 10-day-old rows are still there.
    QTRY_VERIFY_WITH_TIMEOUT(!pruned().isEmpty(), 15000);
    QVERIFY(pruned().contains(QLatin1String("usage.raw_retention_days")));
    QCOMPARE(rawRows(), qint64(kMiddleRows + kRecentRows));
    m_gateway.reset();

    startGateway(QByteArray(), 5);
    QTRY_VERIFY_WITH_TIMEOUT(!pruned().isEmpty(), 15000);
    QVERIFY2(pruned().contains(QLatin1String("desktop app's usage retention")),
             qPrintable(pruned()));
    QCOMPARE(rawRows(), qint64(kRecentRows));
    QCOMPARE(totals().requests, qint64(kOldRows + kMiddleRows + kRecentRows));
}

void TestRetention::pruneCommandUsesConfigOrDays() {
    QVERIFY(m_fixture->writeConfig(configText("usage:\n  raw_retention_days: 30\n")));

    // --dry-run counts and deletes nothing.
    CliRun run = runCli({QStringLiteral("usage"), QStringLiteral("prune"),
                         QStringLiteral("--dry-run"), QStringLiteral("--json")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QJsonObject out = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(out.value(QStringLiteral("would_delete")).toInteger(), qint64(kOldRows));
    QCOMPARE(out.value(QStringLiteral("days")).toInt(), 30);
    QCOMPARE(rawRows(), qint64(kOldRows + kMiddleRows + kRecentRows));

    // The config's retention.
    run = runCli({QStringLiteral("usage"), QStringLiteral("prune")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QVERIFY2(run.out.contains("Deleted 120 usage rows older than 30 days"), run.out.constData());
    QVERIFY(run.out.contains("usage.raw_retention_days"));
    QCOMPARE(rawRows(), qint64(kMiddleRows + kRecentRows));

    // --days overrides it.
    run = runCli({QStringLiteral("usage"), QStringLiteral("prune"), QStringLiteral("--days"),
                  QStringLiteral("5"), QStringLiteral("--json")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    out = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(out.value(QStringLiteral("deleted")).toInteger(), qint64(kMiddleRows));
    QVERIFY(!out.value(QStringLiteral("cutoff")).toString().isEmpty());
    QCOMPARE(rawRows(), qint64(kRecentRows));

    // `usage --by day` still counts the pruned rows: it reads the roll-ups.
    run = runCli({QStringLiteral("usage"), QStringLiteral("--by"), QStringLiteral("key"),
                  QStringLiteral("--json")});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    const QJsonObject byKey = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(byKey.value(QStringLiteral("totals"))
                 .toObject()
                 .value(QStringLiteral("requests"))
                 .toInteger(),
             qint64(kOldRows + kMiddleRows + kRecentRows));
}

void TestRetention::pruneCommandRefusesBadInput() {
    // No retention in the config and no --days: a usage error that says what to do.
    QVERIFY(m_fixture->writeConfig(configText(QByteArray())));
    CliRun run = runCli({QStringLiteral("usage"), QStringLiteral("prune")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY2(run.err.contains("--days") && run.err.contains("raw_retention_days"),
             run.err.constData());

    for (const char *bad : {"0", "-3", "ten", "1.5"}) {
        run = runCli({QStringLiteral("usage"), QStringLiteral("prune"), QStringLiteral("--days"),
                      QString::fromLatin1(bad)});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("--days"), run.err.constData());
    }

    // A broken config with no --days: refused, nothing deleted.
    QVERIFY(m_fixture->writeConfig(configText("usage: { raw_retention_days: often }\n")));
    run = runCli({QStringLiteral("usage"), QStringLiteral("prune")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("config check"), run.err.constData());
    QCOMPARE(rawRows(), qint64(kOldRows + kMiddleRows + kRecentRows));
}

QTEST_GUILESS_MAIN(TestRetention)
#include "test_retention.moc"
