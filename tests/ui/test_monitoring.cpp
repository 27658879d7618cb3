// Monitoring end to end: real requests through the desktop app's embedded gateway (the in-process
// demo route and a route to tests/fixtures/fake_upstream.py; successes, streams, refusals and a
// deleted key), then every place that shows usage is read and compared with the raw usage rows:
// the Dashboard page, the Usage page, the key detail panel, GET /metrics and
// `portico-gateway usage --by key --json` run as a process.
#include "testsupport.h"

#include "embeddedgateway.h"
#include "fakeupstream.h"
#include "httptestclient.h"
#include "store/keystore.h"
#include "store/usagestore.h"
#include "ui/dashboard/dashboardpage.h"
#include "ui/dashboard/periodselector.h"
#include "ui/keys/keydetailpanel.h"
#include "ui/keys/keyspage.h"
#include "ui/mainwindow.h"
#include "ui/messagebox.h"
#include "ui/usage/keyusagesummary.h"
#include "ui/usage/usagepage.h"
#include "usagesums.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QMap>
#include <QProcess>
#include <QTableWidget>
#include <QTcpServer>

#include <algorithm>
#include <map>
#include <tuple>

using namespace portico;
using testsupport::UsageSums;

namespace {

// Prices that are powers of two per token (2^-10, 2^-9 and 2^-8 USD), so every cost and every sum
// of costs is exact in a double whatever the order of the additions: the surfaces must then show
// exactly the same figures, with no tolerance that could hide a request counted twice.
const QByteArray kConfigTemplate =
    QByteArrayLiteral("chat_models:\n"
                      "  - model_id: demo\n"
                      "    model: mock/echo\n"
                      "    input_cost_per_million_tokens: 976.5625\n"
                      "    output_cost_per_million_tokens: 1953.125\n"
                      "  - model_id: fake\n"
                      "    model: openai/fake-chat\n"
                      "    credentials: { base_url: \"@BASE_URL@\" }\n"
                      "    params: { fake_delay_ms: 5 }\n"
                      "    input_cost_per_million_tokens: 1953.125\n"
                      "    output_cost_per_million_tokens: 3906.25\n"
                      "routes:\n"
                      "  demo:\n"
                      "    chat_models: [demo]\n"
                      "  upstream:\n"
                      "    chat_models: [fake]\n");

// One sample of the text exposition format: name{labels} value.
struct MetricSample {
    QString name;
    QMap<QString, QString> labels;
    double value = 0.0;
};

// Reads the samples of a Prometheus text exposition (comments skipped). The format itself is
// checked strictly by tests/proxy/test_metrics; this only needs the values back.
bool parseExposition(const QByteArray &text, QList<MetricSample> *samples, QString *error) {
    const QList<QByteArray> lines = text.split('\n');
    for (const QByteArray &rawLine : lines) {
        const QString line = QString::fromUtf8(rawLine);
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        MetricSample sample;
        qsizetype pos = 0;
        while (pos < line.size() && line.at(pos) != QLatin1Char('{') &&
               line.at(pos) != QLatin1Char(' '))
            ++pos;
        sample.name = line.left(pos);
        if (pos < line.size() && line.at(pos) == QLatin1Char('{')) {
            ++pos;
            while (pos < line.size() && line.at(pos) != QLatin1Char('}')) {
                const qsizetype equals = line.indexOf(QLatin1Char('='), pos);
                if (equals < 0 || equals + 1 >= line.size() ||
                    line.at(equals + 1) != QLatin1Char('"')) {
                    *error = QStringLiteral("bad label in: ") + line;
                    return false;
                }
                const QString name = line.mid(pos, equals - pos);
                QString value;
                pos = equals + 2;
                bool closed = false;
                while (pos < line.size()) {
                    const QChar c = line.at(pos++);
                    if (c == QLatin1Char('"')) {
                        closed = true;
                        break;
                    }
                    if (c == QLatin1Char('\\') && pos < line.size()) {
                        const QChar escaped = line.at(pos++);
                        value += escaped == QLatin1Char('n') ? QLatin1Char('\n') : escaped;
                    } else {
                        value += c;
                    }
                }
                if (!closed) {
                    *error = QStringLiteral("unterminated label value in: ") + line;
                    return false;
                }
                sample.labels.insert(name, value);
                if (pos < line.size() && line.at(pos) == QLatin1Char(','))
                    ++pos;
            }
            ++pos; // '}'
        }
        const QStringList rest = line.mid(pos).split(QLatin1Char(' '), Qt::SkipEmptyParts);
        bool ok = false;
        sample.value = rest.isEmpty() ? 0.0 : rest.first().toDouble(&ok);
        if (!ok) {
            *error = QStringLiteral("bad value in: ") + line;
            return false;
        }
        samples->append(sample);
    }
    return true;
}

QString costText(double usd) {
    return QStringLiteral("$") + QLocale().toString(usd, 'f', 4);
}

} // namespace

class TestMonitoring : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void rawRowsRecordWhatWasSent();
    void dashboardMatchesRows();
    void usagePageMatchesRows();
    void keyDetailPanelMatchesRows();
    void metricsMatchRows();
    void commandLineMatchesRows();

private:
    struct Sent {
        int status = 0;
        QByteArray body;
    };
    Sent chat(const QString &bearer, const QString &route, const QString &message,
              bool stream = false, bool includeUsage = false);
    void openStore();
    void startWindowAndGateway();
    void serveRequests();
    void loadRawRows();

    QTemporaryDir m_settingsDir;
    QTemporaryDir m_dir;
    QString m_dbPath;
    QString m_configPath;
    FakeUpstream m_upstream;
    std::shared_ptr<store::Database> m_database;
    std::shared_ptr<config::ConfigManager> m_config;
    std::unique_ptr<ui::StoreWatcher> m_watcher;
    ui::AppContext m_context;
    std::unique_ptr<app::EmbeddedGateway> m_gateway;
    std::unique_ptr<ui::MainWindow> m_window;
    quint16 m_port = 0;

    // Plaintext keys, only ever compared or sent, never printed.
    QString m_alphaKey, m_betaKey, m_outsiderKey;
    QString m_alphaUuid, m_betaUuid, m_outsiderUuid;
    int m_sentRequests = 0; // requests that must leave a usage row

    QList<store::UsageRecord> m_rows; // every raw row, oldest first
    UsageSums m_all;
    QMap<QString, UsageSums> m_byKey; // key uuid ("" without key)
    QMap<QString, UsageSums> m_byRoute;
    QMap<int, qint64> m_byStatus;
    QSet<QString> m_existingKeys;
};

void TestMonitoring::initTestCase() {
    test::isolateApplication(m_settingsDir, QStringLiteral("portico-monitoring-test"));
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_upstream.start(), "tests/fixtures/fake_upstream.py did not start");
    openStore();
    if (QTest::currentTestFailed())
        return;
    startWindowAndGateway();
    if (QTest::currentTestFailed())
        return;
    serveRequests();
    if (QTest::currentTestFailed())
        return;
    loadRawRows();
}

void TestMonitoring::cleanupTestCase() {
    m_window.reset();
    m_gateway.reset(); // flushes and joins the gateway's thread
    // Kept for the suite-wide scan for keys in logs (tests/logscan).
    if (m_context.gatewayLog)
        testsupport::saveGatewayLog(QStringLiteral("gateway.jsonl"), *m_context.gatewayLog);
    m_watcher.reset();
}

void TestMonitoring::openStore() {
    m_dbPath = m_dir.filePath(QStringLiteral("portico.db"));
    m_configPath = m_dir.filePath(QStringLiteral("config.yaml"));
    QByteArray config = kConfigTemplate;
    config.replace("@BASE_URL@", m_upstream.baseUrl());
    QFile file(m_configPath);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(config), config.size());
    file.close();

    auto opened = store::Database::open(m_dbPath);
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
    m_database = opened.value();
    m_config = std::make_shared<config::ConfigManager>(m_configPath);
    QVERIFY(!m_config->lastLoadFailed());
    QVERIFY(m_config->current()->route(QStringLiteral("upstream")));
    m_watcher = std::make_unique<ui::StoreWatcher>(m_database, nullptr, 100);
    m_context.database = m_database;
    m_context.config = m_config;
    m_context.actor = QStringLiteral("test:monitoring");
    m_context.storeWatcher = m_watcher.get();
    m_context.gatewayLog = std::make_shared<metering::GatewayLog>();

    store::GroupStore groups(*m_database, QStringLiteral("test:setup"));
    auto group = groups.createGroup(QStringLiteral("monitoring users"));
    QVERIFY(group.ok());
    QVERIFY(groups.addRoute(group->uuid, QStringLiteral("demo")).ok());
    QVERIFY(groups.addRoute(group->uuid, QStringLiteral("upstream")).ok());

    store::KeyStore keys(*m_database, QStringLiteral("test:setup"));
    auto alpha = keys.createKey(QStringLiteral("alpha app"), {group->uuid});
    auto beta = keys.createKey(QStringLiteral("beta app"), {group->uuid});
    auto outsider = keys.createKey(QStringLiteral("outsider app"));
    QVERIFY(alpha.ok() && beta.ok() && outsider.ok());
    m_alphaKey = alpha->key;
    m_alphaUuid = alpha->record.uuid;
    m_betaKey = beta->key;
    m_betaUuid = beta->record.uuid;
    m_outsiderKey = outsider->key;
    m_outsiderUuid = outsider->record.uuid;
}

void TestMonitoring::startWindowAndGateway() {
    m_port = test::freePort();
    QVERIFY(m_port != 0);
    proxy::GatewayOptions options;
    options.port = m_port;
    options.log = m_context.gatewayLog; // as the app does: the Logs page reads the same log
    m_gateway = std::make_unique<app::EmbeddedGateway>(m_database, m_config, options);
    m_context.gatewayBaseUrl = [gateway = m_gateway.get()] { return gateway->baseUrl(); };
    m_window = std::make_unique<ui::MainWindow>(m_context);
    connect(m_gateway.get(), &app::EmbeddedGateway::statusChanged, m_window.get(),
            &ui::MainWindow::setGatewayStatus);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_gateway->start();
    QTRY_VERIFY_WITH_TIMEOUT(m_gateway->isListening(), 20000);
    QCOMPARE(m_gateway->baseUrl(), QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

TestMonitoring::Sent TestMonitoring::chat(const QString &bearer, const QString &route,
                                          const QString &message, bool stream, bool includeUsage) {
    QJsonObject body{{QStringLiteral("model"), route},
                     {QStringLiteral("messages"),
                      QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                             {QStringLiteral("content"), message}}}}};
    if (stream) {
        body.insert(QStringLiteral("stream"), true);
        if (includeUsage)
            body.insert(QStringLiteral("stream_options"),
                        QJsonObject{{QStringLiteral("include_usage"), true}});
    }
    const auto response = HttpTestClient::fetch(
        m_port, "POST", "/v1/chat/completions",
        {{"Authorization", "Bearer " + bearer.toLatin1()}, {"Content-Type", "application/json"}},
        QJsonDocument(body).toJson(QJsonDocument::Compact), 60000);
    ++m_sentRequests;
    return {response.status, response.body};
}

void TestMonitoring::serveRequests() {
    // alpha: both routes, plain and streamed, and one unknown route.
    Sent sent = chat(m_alphaKey, QStringLiteral("demo"), QStringLiteral("hello there gateway"));
    QCOMPARE(sent.status, 200);
    QVERIFY(sent.body.contains("Echo: hello there gateway"));
    sent = chat(m_alphaKey, QStringLiteral("demo"), QStringLiteral("a second and longer question"));
    QCOMPARE(sent.status, 200);
    sent = chat(m_alphaKey, QStringLiteral("demo"), QStringLiteral("stream me four words"), true,
                true);
    QCOMPARE(sent.status, 200);
    QVERIFY(sent.body.contains("\"usage\""));
    QVERIFY(sent.body.contains("data: [DONE]"));
    sent = chat(m_alphaKey, QStringLiteral("upstream"), QStringLiteral("to the fake upstream"));
    QCOMPARE(sent.status, 200);
    QVERIFY(sent.body.contains("echo: to the fake upstream"));
    // Streamed from the upstream without include_usage: the gateway still learns the tokens.
    sent =
        chat(m_alphaKey, QStringLiteral("upstream"), QStringLiteral("stream from upstream"), true);
    QCOMPARE(sent.status, 200);
    QVERIFY(sent.body.contains("five"));
    QVERIFY(sent.body.contains("data: [DONE]"));
    sent = chat(m_alphaKey, QStringLiteral("no-such-route"), QStringLiteral("lost"));
    QCOMPARE(sent.status, 404);

    // beta: one call on each route, then it is deleted in the Keys page.
    sent = chat(m_betaKey, QStringLiteral("demo"), QStringLiteral("beta says hi"));
    QCOMPARE(sent.status, 200);
    sent = chat(m_betaKey, QStringLiteral("upstream"), QStringLiteral("beta upstream"));
    QCOMPARE(sent.status, 200);

    // outsider: a valid key in no group.
    sent = chat(m_outsiderKey, QStringLiteral("demo"), QStringLiteral("let me in"));
    QCOMPARE(sent.status, 403);
    QVERIFY(sent.body.contains("route_not_allowed"));

    // A key that does not exist (well formed prefix, wrong checksum).
    sent = chat(QStringLiteral("ptc_") + QString(36, QLatin1Char('x')), QStringLiteral("demo"),
                QStringLiteral("guess"));
    QCOMPARE(sent.status, 401);

    m_window->setCurrentPage(ui::MainWindow::KeysPageIndex);
    ui::KeysPage *keysPage = m_window->keysPage();
    QTRY_VERIFY_WITH_TIMEOUT(keysPage->selectKey(m_betaUuid), 20000);
    ui::MessageBox::setNextAnswer(QMessageBox::Yes);
    keysPage->deleteKey(m_betaUuid);
    QVERIFY(!store::KeyStore(*m_database, QStringLiteral("test:check")).key(m_betaUuid).ok());
    // Rejected at once, in the same process.
    sent = chat(m_betaKey, QStringLiteral("demo"), QStringLiteral("still there?"));
    QCOMPARE(sent.status, 401);

    // The recorder writes in batches off the request path: wait for every row.
    const store::UsageStore usage(*m_database);
    QTRY_VERIFY_WITH_TIMEOUT(usage.count({}).ok() && usage.count({}).value() == m_sentRequests,
                             30000);
}

void TestMonitoring::loadRawRows() {
    const store::UsageStore usage(*m_database);
    const store::Status visited = usage.forEach({}, [this](const store::UsageRecord &row) {
        m_rows.append(row);
        return true;
    });
    QVERIFY(visited.ok());
    auto listed = usage.rows(store::UsageQuery{});
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), m_rows.size());
    for (const store::UsageRecord &row : std::as_const(m_rows)) {
        m_all.add(row);
        m_byKey[row.keyUuid].add(row);
        m_byRoute[row.route].add(row);
        ++m_byStatus[row.status];
    }
    auto keys = store::KeyStore(*m_database, QStringLiteral("test:check")).listKeys();
    QVERIFY(keys.ok());
    for (const auto &key : keys.value())
        m_existingKeys.insert(key.uuid);
}

void TestMonitoring::rawRowsRecordWhatWasSent() {
    // The comparisons below would agree on nothing as well: first, the rows hold the workload.
    QCOMPARE(m_rows.size(), qsizetype(m_sentRequests));
    QCOMPARE(m_byKey.size(), 4); // alpha, beta, outsider, no key
    QVERIFY(m_byKey.value(m_alphaUuid).requests == 6);
    QVERIFY(m_byKey.value(m_betaUuid).requests == 2);
    QVERIFY(m_byKey.value(m_outsiderUuid).requests == 1);
    QVERIFY(m_byKey.value(QString()).requests == 2);
    QCOMPARE(m_byKey.value(m_betaUuid).keyName, QStringLiteral("beta app"));
    QVERIFY(!m_existingKeys.contains(m_betaUuid));
    QVERIFY(m_existingKeys.contains(m_alphaUuid));
    QCOMPARE(m_byStatus.value(200), qint64(7));
    QCOMPARE(m_byStatus.value(401), qint64(2));
    QCOMPARE(m_byStatus.value(403), qint64(1));
    QCOMPARE(m_byStatus.value(404), qint64(1));
    QCOMPARE(m_all.errors, qint64(4));
    QCOMPARE(m_all.streamRequests, qint64(2));
    QCOMPARE(m_byRoute.value(QStringLiteral("upstream")).requests, qint64(3));
    // The fake upstream's usage (11 in, 7 out) on each of alpha's and beta's three calls.
    QCOMPARE(m_byRoute.value(QStringLiteral("upstream")).promptTokens, qint64(33));
    QCOMPARE(m_byRoute.value(QStringLiteral("upstream")).completionTokens, qint64(21));
    QVERIFY(m_byRoute.value(QStringLiteral("demo")).promptTokens > 0);
    QVERIFY(m_byRoute.value(QStringLiteral("demo")).completionTokens > 0);
    for (const store::UsageRecord &row : std::as_const(m_rows)) {
        if (row.status == 200) {
            QVERIFY(row.costUsd > 0.0);
            QCOMPARE(row.costUsd,
                     row.promptTokens * (row.route == QLatin1String("demo") ? 976.5625 / 1e6
                                                                            : 1953.125 / 1e6) +
                         row.completionTokens *
                             (row.route == QLatin1String("demo") ? 1953.125 / 1e6 : 3906.25 / 1e6));
        } else {
            QCOMPARE(row.costUsd, 0.0);
        }
    }
}

void TestMonitoring::dashboardMatchesRows() {
    auto *page = m_window->findChild<ui::DashboardPage *>();
    QVERIFY(page);
    m_window->setCurrentPage(ui::MainWindow::DashboardPageIndex);
    page->periodSelector()->setPreset(ui::PeriodSelector::Last24Hours);
    const int loadsBefore = page->loadCount();
    page->refresh();
    QTRY_VERIFY_WITH_TIMEOUT(page->loadCount() > loadsBefore && !page->isLoading() &&
                                 page->data().totals.requests == m_all.requests,
                             30000);
    const ui::DashboardData &data = page->data();
    QVERIFY2(data.error.isEmpty(), qPrintable(data.error));
    QCOMPARE(data.totals.requests, m_all.requests);
    QCOMPARE(data.totals.errors, m_all.errors);
    QCOMPARE(data.totals.streamRequests, m_all.streamRequests);
    QCOMPARE(data.totals.promptTokens, m_all.promptTokens);
    QCOMPARE(data.totals.completionTokens, m_all.completionTokens);
    QCOMPARE(data.totals.costUsd, m_all.costUsd);

    // The tiles show those figures.
    const QLocale locale;
    const auto tile = [page](const char *name) {
        auto *label = page->findChild<QLabel *>(QString::fromLatin1(name));
        return label ? label->text() : QStringLiteral("(no tile)");
    };
    QCOMPARE(tile("requestsTile"), locale.toString(m_all.requests));
    QCOMPARE(tile("errorsTile"), locale.toString(m_all.errors));
    QCOMPARE(tile("promptTokensTile"), locale.toString(m_all.promptTokens));
    QCOMPARE(tile("completionTokensTile"), locale.toString(m_all.completionTokens));
    QCOMPARE(tile("costTile"), costText(m_all.costUsd));

    // Requests per status, top keys by cost and top routes by requests.
    QMap<int, qint64> statuses;
    for (const auto &count : data.statuses)
        statuses.insert(count.status, count.requests);
    QCOMPARE(statuses, m_byStatus);
    QVERIFY(!data.topKeys.isEmpty());
    for (const auto &line : data.topKeys) {
        QVERIFY2(m_byKey.contains(line.keyUuid), qPrintable(line.keyName));
        const UsageSums &sums = m_byKey.value(line.keyUuid);
        QCOMPARE(line.costUsd, sums.costUsd);
        QCOMPARE(line.requests, sums.requests);
        QCOMPARE(line.keyName, sums.keyName);
        QCOMPARE(line.deleted, !line.keyUuid.isEmpty() && !m_existingKeys.contains(line.keyUuid));
    }
    QVERIFY(!data.topRoutes.isEmpty());
    for (const auto &line : data.topRoutes) {
        QVERIFY2(m_byRoute.contains(line.route), qPrintable(line.route));
        QCOMPARE(line.requests, m_byRoute.value(line.route).requests);
        QCOMPARE(line.errors, m_byRoute.value(line.route).errors);
    }
    // The charts' points add up to the totals.
    UsageSums series;
    for (const auto &point : data.series) {
        series.requests += point.requests;
        series.errors += point.errors;
        series.promptTokens += point.promptTokens;
        series.completionTokens += point.completionTokens;
        series.costUsd += point.costUsd;
    }
    QCOMPARE(series.requests, m_all.requests);
    QCOMPARE(series.errors, m_all.errors);
    QCOMPARE(series.promptTokens, m_all.promptTokens);
    QCOMPARE(series.completionTokens, m_all.completionTokens);
    QCOMPARE(series.costUsd, m_all.costUsd);
}

void TestMonitoring::usagePageMatchesRows() {
    auto *page = m_window->findChild<ui::UsagePage *>();
    QVERIFY(page);
    m_window->setCurrentPage(ui::MainWindow::UsagePageIndex);
    page->setGrouping(store::UsageGrouping::Key);
    page->periodSelector()->setPreset(ui::PeriodSelector::Last24Hours);
    const int loadsBefore = page->loadCount();
    page->refresh();
    const auto shownRequests = [page] {
        qint64 total = 0;
        for (const auto &line : page->aggregates())
            total += line.requests;
        return total;
    };
    QTRY_VERIFY_WITH_TIMEOUT(page->loadCount() > loadsBefore && !page->isLoading() &&
                                 page->grouping() == store::UsageGrouping::Key &&
                                 shownRequests() == m_all.requests,
                             30000);

    // The model: one line per key, deleted beta included and marked.
    QCOMPARE(page->aggregates().size(), m_byKey.size());
    for (const auto &line : page->aggregates()) {
        QVERIFY2(m_byKey.contains(line.keyUuid), qPrintable(line.keyName));
        const UsageSums &sums = m_byKey.value(line.keyUuid);
        QCOMPARE(line.keyName, sums.keyName);
        QCOMPARE(line.deleted, !line.keyUuid.isEmpty() && !m_existingKeys.contains(line.keyUuid));
        QCOMPARE(line.requests, sums.requests);
        QCOMPARE(line.errors, sums.errors);
        QCOMPARE(line.streamRequests, sums.streamRequests);
        QCOMPARE(line.promptTokens, sums.promptTokens);
        QCOMPARE(line.completionTokens, sums.completionTokens);
        QCOMPARE(line.costUsd, sums.costUsd);
        QCOMPARE(line.lastTime, sums.lastTime);
    }

    // The table as the user reads it: name (with the mark), requests, errors, tokens, cost.
    QMap<QString, QString> labelOfKey;
    for (auto it = m_byKey.cbegin(); it != m_byKey.cend(); ++it) {
        QString label = it.key().isEmpty() ? QStringLiteral("(no key)") : it->keyName;
        if (!it.key().isEmpty() && !m_existingKeys.contains(it.key()))
            label += QStringLiteral(" (deleted)");
        labelOfKey.insert(label, it.key());
    }
    QCOMPARE(labelOfKey.value(QStringLiteral("beta app (deleted)")), m_betaUuid);
    const QTableWidget *table = page->aggregatesTable();
    QCOMPARE(table->rowCount(), int(m_byKey.size()));
    const QLocale locale;
    QSet<QString> seen;
    for (int row = 0; row < table->rowCount(); ++row) {
        const QString label = table->item(row, 0)->text();
        QVERIFY2(labelOfKey.contains(label), qPrintable(label));
        QVERIFY2(!seen.contains(label), qPrintable(label));
        seen.insert(label);
        const UsageSums &sums = m_byKey.value(labelOfKey.value(label));
        QCOMPARE(table->item(row, 1)->text(), locale.toString(sums.requests));
        QCOMPARE(table->item(row, 2)->text(), locale.toString(sums.errors));
        QCOMPARE(table->item(row, 3)->text(), locale.toString(sums.promptTokens));
        QCOMPARE(table->item(row, 4)->text(), locale.toString(sums.completionTokens));
        QCOMPARE(table->item(row, 5)->text(), costText(sums.costUsd));
    }
}

void TestMonitoring::keyDetailPanelMatchesRows() {
    m_window->setCurrentPage(ui::MainWindow::KeysPageIndex);
    ui::KeysPage *keysPage = m_window->keysPage();
    const QLocale locale;
    for (const QString &uuid : {m_alphaUuid, m_outsiderUuid}) {
        QTRY_VERIFY_WITH_TIMEOUT(keysPage->selectKey(uuid), 20000);
        QCOMPARE(keysPage->detailPanel()->keyUuid(), uuid);
        auto *summary = keysPage->detailPanel()->findChild<ui::KeyUsageSummary *>();
        QVERIFY(summary);
        QCOMPARE(summary->keyUuid(), uuid);
        summary->setPeriodDays(1);
        const int loadsBefore = summary->loadCount();
        summary->refresh();
        const UsageSums &sums = m_byKey.value(uuid);
        QTRY_VERIFY_WITH_TIMEOUT(summary->loadCount() > loadsBefore && !summary->isLoading() &&
                                     summary->totals().requests == sums.requests,
                                 30000);
        const store::UsageAggregate &totals = summary->totals();
        QCOMPARE(totals.requests, sums.requests);
        QCOMPARE(totals.errors, sums.errors);
        QCOMPARE(totals.promptTokens, sums.promptTokens);
        QCOMPARE(totals.completionTokens, sums.completionTokens);
        QCOMPARE(totals.costUsd, sums.costUsd);
        QCOMPARE(totals.lastTime, sums.lastTime);

        const auto text = [summary](const char *name) {
            auto *label = summary->findChild<QLabel *>(QString::fromLatin1(name));
            return label ? label->text() : QStringLiteral("(no label)");
        };
        QCOMPARE(text("keyUsageRequests"), locale.toString(sums.requests));
        QCOMPARE(text("keyUsageTokens"),
                 QStringLiteral("%1 / %2").arg(locale.toString(sums.promptTokens),
                                               locale.toString(sums.completionTokens)));
        QCOMPARE(text("keyUsageCost"), costText(sums.costUsd));
    }
}

void TestMonitoring::metricsMatchRows() {
    using RequestLabels = std::tuple<QString, QString, int>; // route, key name, status
    using ConsumptionLabels = std::pair<QString, QString>;   // key name, route
    std::map<RequestLabels, double> expectedRequests;
    std::map<ConsumptionLabels, UsageSums> expectedConsumption;
    for (const store::UsageRecord &row : std::as_const(m_rows)) {
        // A route that does not exist keeps its name in the row; /metrics counts all of them
        // under one label, so that made-up names cannot grow it.
        const QString route = row.errorCode == QLatin1String("route_not_found")
                                  ? QStringLiteral("(unknown)")
                                  : row.route;
        expectedRequests[{route, row.keyName, row.status}] += 1;
        expectedConsumption[{row.keyName, route}].add(row);
    }

    std::map<RequestLabels, double> requests;
    std::map<ConsumptionLabels, UsageSums> consumption;
    // The gateway counts a request just after answering it: scrape until all are in.
    QList<MetricSample> samples;
    QString error;
    const auto scrape = [&] {
        const auto response = HttpTestClient::fetch(m_port, "GET", "/metrics");
        if (response.status != 200)
            return false;
        samples.clear();
        if (!parseExposition(response.body, &samples, &error))
            return false;
        double total = 0;
        for (const auto &sample : std::as_const(samples)) {
            if (sample.name == QLatin1String("portico_requests_total"))
                total += sample.value;
        }
        return total == double(m_rows.size());
    };
    QTRY_VERIFY_WITH_TIMEOUT(scrape(), 30000);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    for (const auto &sample : std::as_const(samples)) {
        const auto label = [&sample](const char *name) {
            return sample.labels.value(QString::fromLatin1(name));
        };
        if (sample.name == QLatin1String("portico_requests_total")) {
            requests[{label("route"), label("key"), label("status").toInt()}] += sample.value;
        } else if (sample.name == QLatin1String("portico_prompt_tokens_total")) {
            consumption[{label("key"), label("route")}].promptTokens += qint64(sample.value);
        } else if (sample.name == QLatin1String("portico_completion_tokens_total")) {
            consumption[{label("key"), label("route")}].completionTokens += qint64(sample.value);
        } else if (sample.name == QLatin1String("portico_cost_usd_total")) {
            consumption[{label("key"), label("route")}].costUsd += sample.value;
        }
    }

    QCOMPARE(requests.size(), expectedRequests.size());
    for (const auto &[labels, count] : expectedRequests) {
        const auto &[route, key, status] = labels;
        const QString where =
            route + QLatin1Char('/') + key + QLatin1Char('/') + QString::number(status);
        QVERIFY2(requests.count(labels) == 1, qPrintable(where));
        QCOMPARE(requests.at(labels), count);
    }
    QCOMPARE(consumption.size(), expectedConsumption.size());
    for (const auto &[labels, sums] : expectedConsumption) {
        const QString where = labels.first + QLatin1Char('/') + labels.second;
        QVERIFY2(consumption.count(labels) == 1, qPrintable(where));
        QCOMPARE(consumption.at(labels).promptTokens, sums.promptTokens);
        QCOMPARE(consumption.at(labels).completionTokens, sums.completionTokens);
        QCOMPARE(consumption.at(labels).costUsd, sums.costUsd);
    }
    // Nothing streams any more.
    const auto active = std::find_if(samples.cbegin(), samples.cend(), [](const MetricSample &s) {
        return s.name == QLatin1String("portico_active_streams");
    });
    QVERIFY(active != samples.cend());
    QCOMPARE(active->value, 0.0);
}

void TestMonitoring::commandLineMatchesRows() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("PORTICO_DB"));
    env.remove(QStringLiteral("PORTICO_CONFIG"));
    // Never the user's real data or config folders.
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("xdg-data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("xdg-config")));
    QProcess process;
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(PORTICO_GATEWAY_BINARY),
                  {QStringLiteral("usage"), QStringLiteral("--by"), QStringLiteral("key"),
                   QStringLiteral("--json"), QStringLiteral("--db"), m_dbPath,
                   QStringLiteral("--config"), m_configPath});
    QVERIFY(process.waitForStarted(60000));
    QVERIFY(process.waitForFinished(120000));
    const QByteArray err = process.readAllStandardError();
    const QByteArray out = process.readAllStandardOutput();
    testsupport::saveTestLog(QStringLiteral("stderr.log"), err);
    testsupport::saveTestLog(QStringLiteral("stdout.log"), out);
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
             err.constData());
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(out, &parseError);
    QVERIFY2(document.isObject(), qPrintable(parseError.errorString()));
    const QJsonArray rows = document.object().value(QStringLiteral("rows")).toArray();

    QCOMPARE(rows.size(), m_byKey.size());
    QSet<QString> seen;
    for (const QJsonValue &value : rows) {
        const QJsonObject row = value.toObject();
        const QString uuid = row.value(QStringLiteral("key_uuid")).toString(); // null: no key
        QVERIFY2(m_byKey.contains(uuid), qPrintable(uuid));
        QVERIFY2(!seen.contains(uuid), qPrintable(uuid));
        seen.insert(uuid);
        const UsageSums &sums = m_byKey.value(uuid);
        QCOMPARE(row.value(QStringLiteral("key_name")).toString(), sums.keyName);
        QCOMPARE(row.value(QStringLiteral("deleted")).toBool(),
                 !uuid.isEmpty() && !m_existingKeys.contains(uuid));
        QCOMPARE(row.value(QStringLiteral("requests")).toInteger(), sums.requests);
        QCOMPARE(row.value(QStringLiteral("errors")).toInteger(), sums.errors);
        QCOMPARE(row.value(QStringLiteral("prompt_tokens")).toInteger(), sums.promptTokens);
        QCOMPARE(row.value(QStringLiteral("completion_tokens")).toInteger(), sums.completionTokens);
        QCOMPARE(row.value(QStringLiteral("cost_usd")).toDouble(), sums.costUsd);
        QCOMPARE(QDateTime::fromString(row.value(QStringLiteral("last_time")).toString(),
                                       Qt::ISODateWithMs),
                 sums.lastTime);
    }
    QVERIFY(seen.contains(m_betaUuid));
}

QTEST_MAIN(TestMonitoring)
#include "test_monitoring.moc"
