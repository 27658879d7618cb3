// GET /metrics on the real gateway (port 0, temporary store and config, the fake upstream for an
// upstream route; the store is on PostgreSQL in the test's PostgreSQL variant, see teststore.h):
// the text checked by a strict exposition-format parser written here, and the counters checked
// against the requests the test sends.

#include "fakeupstream.h"
#include "gatewaytestlog.h"
#include "httptestclient.h"
#include "teststore.h"

#include "config/configmanager.h"
#include "metering/metrics.h"
#include "proxy/gateway.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

using namespace portico;
using Headers = QList<QPair<QByteArray, QByteArray>>;
using Labels = QMap<QString, QString>;

namespace {

// Text exposition format 0.0.4, strictly: only HELP and TYPE comments, TYPE before the samples of
// its family and at most once, HELP and TYPE for every family, every sample `name{labels} value`
// with properly escaped label values and no duplicates, histograms complete and cumulative.
struct Exposition {
    struct Sample {
        QString name;
        Labels labels;
        double value = 0;
    };
    QHash<QString, QString> types;
    QSet<QString> helps;
    QList<Sample> samples;
    QStringList errors;

    double value(const QString &name, const Labels &labels = {}) const {
        for (const auto &sample : samples) {
            if (sample.name == name && sample.labels == labels)
                return sample.value;
        }
        return 0;
    }
    bool has(const QString &name, const Labels &labels = {}) const {
        for (const auto &sample : samples) {
            if (sample.name == name && sample.labels == labels)
                return true;
        }
        return false;
    }
    double sum(const QString &name) const {
        double total = 0;
        for (const auto &sample : samples) {
            if (sample.name == name)
                total += sample.value;
        }
        return total;
    }
};

// Labels as one string, for sets and map keys.
QString labelKey(const Labels &labels) {
    QString key;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        key += it.key() + QLatin1Char('\x01') + it.value() + QLatin1Char('\x02');
    return key;
}

bool parseValue(const QString &text, double *value) {
    if (text == QLatin1String("+Inf")) {
        *value = std::numeric_limits<double>::infinity();
        return true;
    }
    if (text == QLatin1String("-Inf")) {
        *value = -std::numeric_limits<double>::infinity();
        return true;
    }
    if (text == QLatin1String("NaN")) {
        *value = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    static const QRegularExpression number(
        QStringLiteral("^[-+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?$"));
    if (!number.match(text).hasMatch())
        return false;
    bool ok = false;
    *value = text.toDouble(&ok);
    return ok;
}

// Parses `{a="x",b="y"}` from `pos` (at the brace); false on any syntax error.
bool parseLabels(const QString &line, qsizetype *pos, Labels *labels) {
    static const QRegularExpression labelName(QStringLiteral("^[a-zA-Z_][a-zA-Z0-9_]*$"));
    qsizetype i = *pos + 1;
    while (i < line.size() && line.at(i) != QLatin1Char('}')) {
        const qsizetype equals = line.indexOf(QLatin1Char('='), i);
        if (equals < 0)
            return false;
        const QString name = line.mid(i, equals - i);
        if (!labelName.match(name).hasMatch() || labels->contains(name))
            return false;
        i = equals + 1;
        if (i >= line.size() || line.at(i) != QLatin1Char('"'))
            return false;
        ++i;
        QString value;
        for (;;) {
            if (i >= line.size())
                return false;
            const QChar c = line.at(i);
            if (c == QLatin1Char('"'))
                break;
            if (c == QLatin1Char('\\')) {
                if (i + 1 >= line.size())
                    return false;
                const QChar escaped = line.at(i + 1);
                if (escaped == QLatin1Char('\\'))
                    value += QLatin1Char('\\');
                else if (escaped == QLatin1Char('"'))
                    value += QLatin1Char('"');
                else if (escaped == QLatin1Char('n'))
                    value += QLatin1Char('\n');
                else
                    return false;
                i += 2;
                continue;
            }
            value += c;
            ++i;
        }
        ++i; // closing quote
        labels->insert(name, value);
        if (i < line.size() && line.at(i) == QLatin1Char(','))
            ++i;
        else if (i >= line.size() || line.at(i) != QLatin1Char('}'))
            return false;
    }
    if (i >= line.size())
        return false;
    *pos = i + 1;
    return true;
}

void checkHistograms(Exposition &result) {
    for (auto it = result.types.cbegin(); it != result.types.cend(); ++it) {
        if (it.value() != QLatin1String("histogram"))
            continue;
        const QString family = it.key();
        // Label sets without `le`, each with its buckets in order.
        QMap<QString, QPair<Labels, QList<QPair<double, double>>>> buckets;
        for (const auto &sample : result.samples) {
            if (sample.name != family + QLatin1String("_bucket"))
                continue;
            Labels labels = sample.labels;
            double bound = 0;
            if (!labels.contains(QStringLiteral("le")) ||
                !parseValue(labels.take(QStringLiteral("le")), &bound)) {
                result.errors.append(family + QLatin1String(": bucket without a valid le"));
                continue;
            }
            auto &series = buckets[labelKey(labels)];
            series.first = labels;
            series.second.append({bound, sample.value});
        }
        for (auto series = buckets.cbegin(); series != buckets.cend(); ++series) {
            const auto &list = series.value().second;
            const Labels &labels = series.value().first;
            for (qsizetype i = 1; i < list.size(); ++i) {
                if (!(list[i].first > list[i - 1].first))
                    result.errors.append(family + QLatin1String(": le not increasing"));
                if (list[i].second < list[i - 1].second)
                    result.errors.append(family + QLatin1String(": buckets not cumulative"));
            }
            if (list.isEmpty() || !std::isinf(list.last().first))
                result.errors.append(family + QLatin1String(": last bucket is not +Inf"));
            else if (!result.has(family + QLatin1String("_count"), labels) ||
                     result.value(family + QLatin1String("_count"), labels) != list.last().second)
                result.errors.append(family + QLatin1String(": +Inf bucket differs from _count"));
            if (!result.has(family + QLatin1String("_sum"), labels))
                result.errors.append(family + QLatin1String(": no _sum"));
        }
    }
}

Exposition parseExposition(const QByteArray &text) {
    Exposition result;
    if (!text.endsWith('\n'))
        result.errors.append(QStringLiteral("the text does not end with a newline"));
    static const QRegularExpression metricName(QStringLiteral("^[a-zA-Z_:][a-zA-Z0-9_:]*$"));
    static const QRegularExpression comment(
        QStringLiteral("^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$"));
    const QSet<QString> knownTypes{QStringLiteral("counter"), QStringLiteral("gauge"),
                                   QStringLiteral("histogram"), QStringLiteral("summary"),
                                   QStringLiteral("untyped")};
    QSet<QString> familiesWithSamples;
    QSet<QString> seen;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype n = 0; n < lines.size(); ++n) {
        const QString line = QString::fromUtf8(lines[n]);
        if (line.isEmpty())
            continue;
        const QString where = QStringLiteral("line %1: ").arg(n + 1);
        if (line.startsWith(QLatin1Char('#'))) {
            const auto match = comment.match(line);
            if (!match.hasMatch()) {
                result.errors.append(where + QLatin1String("unexpected comment"));
                continue;
            }
            const QString name = match.captured(2);
            if (match.captured(1) == QLatin1String("HELP")) {
                if (result.helps.contains(name))
                    result.errors.append(where + QLatin1String("second HELP for ") + name);
                result.helps.insert(name);
            } else {
                if (result.types.contains(name) || familiesWithSamples.contains(name))
                    result.errors.append(where + QLatin1String("late or second TYPE for ") + name);
                if (!knownTypes.contains(match.captured(3)))
                    result.errors.append(where + QLatin1String("unknown type"));
                result.types.insert(name, match.captured(3));
            }
            continue;
        }
        Exposition::Sample sample;
        qsizetype pos = 0;
        while (pos < line.size() && line.at(pos) != QLatin1Char('{') &&
               line.at(pos) != QLatin1Char(' '))
            ++pos;
        sample.name = line.left(pos);
        if (!metricName.match(sample.name).hasMatch()) {
            result.errors.append(where + QLatin1String("bad metric name"));
            continue;
        }
        if (pos < line.size() && line.at(pos) == QLatin1Char('{') &&
            !parseLabels(line, &pos, &sample.labels)) {
            result.errors.append(where + QLatin1String("bad labels"));
            continue;
        }
        if (pos >= line.size() || line.at(pos) != QLatin1Char(' ') ||
            !parseValue(line.mid(pos + 1), &sample.value)) {
            result.errors.append(where + QLatin1String("bad value"));
            continue;
        }
        QString family = sample.name;
        for (const char *suffix : {"_bucket", "_sum", "_count"}) {
            const QString base =
                sample.name.chopped(std::min(sample.name.size(), qsizetype(qstrlen(suffix))));
            if (sample.name.endsWith(QLatin1String(suffix)) &&
                result.types.value(base) == QLatin1String("histogram"))
                family = base;
        }
        if (!result.types.contains(family))
            result.errors.append(where + QLatin1String("no TYPE before ") + sample.name);
        if (!result.helps.contains(family))
            result.errors.append(where + QLatin1String("no HELP before ") + sample.name);
        familiesWithSamples.insert(family);
        if (seen.contains(sample.name + labelKey(sample.labels)))
            result.errors.append(where + QLatin1String("duplicate sample"));
        seen.insert(sample.name + labelKey(sample.labels));
        result.samples.append(sample);
    }
    for (auto it = result.types.cbegin(); it != result.types.cend(); ++it) {
        if (!result.helps.contains(it.key()))
            result.errors.append(QLatin1String("no HELP for ") + it.key());
    }
    for (const auto &name : result.helps) {
        if (!result.types.contains(name))
            result.errors.append(QLatin1String("no TYPE for ") + name);
    }
    checkHistograms(result);
    return result;
}

QByteArray chatBody(const QByteArray &route, const QByteArray &extra = {}) {
    return "{\"model\":\"" + route +
           "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello "
           "metrics\"}]" +
           extra + "}";
}

const QString kOddName = QStringLiteral("odd \"name\\ key");

} // namespace

class TestMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void parserIsStrict();
    void escapeLabelValue();
    void exposition();
    void countersMove();
    void activeStreamWhileStreaming();
    void upstreamErrors();
    void escapedLabelsFromRequests();
    void countsFromManyThreads();

private:
    Exposition scrape();
    HttpTestClient::Response post(const QByteArray &body, const QString &key);
    Headers auth(const QString &key) const;

    QTemporaryDir m_dir;
    FakeUpstream m_upstream;
    std::shared_ptr<store::Database> m_db;
    std::shared_ptr<config::ConfigManager> m_config;
    std::unique_ptr<proxy::Gateway> m_gateway;
    QString m_key;
    QString m_oddKey;
};

Headers TestMetrics::auth(const QString &key) const {
    Headers headers{{"Content-Type", "application/json"}};
    if (!key.isNull())
        headers.append({"Authorization", "Bearer " + key.toLatin1()});
    return headers;
}

HttpTestClient::Response TestMetrics::post(const QByteArray &body, const QString &key) {
    return HttpTestClient::fetch(m_gateway->port(), "POST", "/v1/chat/completions", auth(key),
                                 body);
}

Exposition TestMetrics::scrape() {
    const auto response = HttpTestClient::fetch(m_gateway->port(), "GET", "/metrics");
    if (response.status != 200) {
        Exposition failed;
        failed.errors.append(QStringLiteral("HTTP %1").arg(response.status));
        return failed;
    }
    return parseExposition(response.body);
}

void TestMetrics::initTestCase() {
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_upstream.start(), "tests/fixtures/fake_upstream.py did not start");
    const QByteArray creds = "    credentials: { api_key: upstream-secret, base_url: \"" +
                             m_upstream.baseUrl() + "\" }\n";
    QByteArray yaml = "chat_models:\n  - model_id: demo\n    model: mock/echo\n";
    yaml += "  - model_id: chat\n    model: openai/fake-chat\n" + creds +
            "    input_cost_per_million_tokens: 1000\n"
            "    output_cost_per_million_tokens: 2000\n";
    yaml += "  - model_id: slowstream\n    model: openai/fake-chat\n" + creds +
            "    params: { fake_delay_ms: 400 }\n";
    yaml +=
        "  - model_id: broken\n    model: openai/fake-500\n" + creds + "    retry_attempts: 0\n";
    yaml += "routes:\n"
            "  demo: { chat_models: [demo] }\n"
            "  chat: { chat_models: [chat] }\n"
            "  slowstream: { chat_models: [slowstream] }\n"
            "  broken: { chat_models: [broken] }\n";
    QFile file(m_dir.filePath(QStringLiteral("config.yaml")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(yaml);
    file.close();
    m_config =
        std::make_shared<config::ConfigManager>(m_dir.filePath(QStringLiteral("config.yaml")));
    for (const auto &problem : m_config->lastProblems())
        qWarning().noquote() << problem.toString();
    QVERIFY(!m_config->lastLoadFailed());

    auto opened = store::Database::open(test::testStorePath(m_dir.path()));
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    m_db = opened.value();
    store::GroupStore groups(*m_db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("all")).ok());
    for (const char *route : {"demo", "chat", "slowstream", "broken"})
        QVERIFY(groups.addRoute(QStringLiteral("all"), QString::fromLatin1(route)).ok());
    store::KeyStore keys(*m_db, QStringLiteral("test"));
    auto created = keys.createKey(QStringLiteral("main key"), {QStringLiteral("all")});
    QVERIFY(created.ok());
    m_key = created->key;
    created = keys.createKey(kOddName, {QStringLiteral("all")});
    QVERIFY(created.ok());
    m_oddKey = created->key;

    proxy::GatewayOptions options;
    options.port = 0;
    m_gateway = std::make_unique<proxy::Gateway>(m_db, m_config, options);
    QVERIFY2(m_gateway->start(), qPrintable(m_gateway->errorString()));
}

void TestMetrics::cleanupTestCase() {
    if (m_gateway)
        testsupport::saveGatewayLog(QStringLiteral("gateway.jsonl"), *m_gateway->log());
    m_gateway.reset();
}

void TestMetrics::parserIsStrict() {
    const QByteArray good = "# HELP h A histogram.\n# TYPE h histogram\n"
                            "h_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3.5\nh_count 2\n"
                            "# HELP c A counter.\n# TYPE c counter\nc{a=\"x\\\"y\\\\z\\n\"} 4\n";
    const Exposition parsed = parseExposition(good);
    QVERIFY2(parsed.errors.isEmpty(), qPrintable(parsed.errors.join(QLatin1Char('\n'))));
    QCOMPARE(
        parsed.value(QStringLiteral("c"), {{QStringLiteral("a"), QStringLiteral("x\"y\\z\n")}}),
        4.0);

    const QList<QByteArray> bad{
        "c 1\n",                                                 // no HELP/TYPE
        "# TYPE c counter\nc 1\n",                               // no HELP
        "# HELP c x\n# TYPE c counter\nc{a=\"\\q\"} 1\n",        // bad escape
        "# HELP c x\n# TYPE c counter\nc{a=\"x} 1\n",            // unterminated
        "# HELP c x\n# TYPE c counter\nc one\n",                 // bad value
        "# HELP c x\n# TYPE c counter\nc 1\nc 2\n",              // duplicate
        "# HELP c x\n# TYPE c counter\nc 1",                     // no final newline
        "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\n" // not cumulative
        "h_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
        "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\n" // no +Inf
        "h_sum 1\nh_count 1\n",
        "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\n" // +Inf != count
        "h_sum 1\nh_count 2\n",
    };
    for (const QByteArray &text : bad)
        QVERIFY2(!parseExposition(text).errors.isEmpty(), text.constData());
}

void TestMetrics::escapeLabelValue() {
    QCOMPARE(metering::MetricsRegistry::escapeLabelValue(QStringLiteral("a\"b\\c\nd")),
             QByteArray("a\\\"b\\\\c\\nd"));
    QCOMPARE(metering::MetricsRegistry::escapeLabelValue(QStringLiteral("plain é")),
             QStringLiteral("plain é").toUtf8());
}

void TestMetrics::exposition() {
    // No key: a scraper has none.
    const auto response = HttpTestClient::fetch(m_gateway->port(), "GET", "/metrics");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"),
             QByteArray("text/plain; version=0.0.4; charset=utf-8"));
    const Exposition parsed = parseExposition(response.body);
    QVERIFY2(parsed.errors.isEmpty(), qPrintable(parsed.errors.join(QLatin1Char('\n'))));
    const QHash<QString, QString> expected{
        {QStringLiteral("portico_requests_total"), QStringLiteral("counter")},
        {QStringLiteral("portico_prompt_tokens_total"), QStringLiteral("counter")},
        {QStringLiteral("portico_completion_tokens_total"), QStringLiteral("counter")},
        {QStringLiteral("portico_cost_usd_total"), QStringLiteral("counter")},
        {QStringLiteral("portico_request_duration_seconds"), QStringLiteral("histogram")},
        {QStringLiteral("portico_time_to_first_token_seconds"), QStringLiteral("histogram")},
        {QStringLiteral("portico_active_streams"), QStringLiteral("gauge")},
        {QStringLiteral("portico_upstream_errors_total"), QStringLiteral("counter")},
        {QStringLiteral("portico_auth_throttled_requests_total"), QStringLiteral("counter")},
        {QStringLiteral("portico_usage_rows_held"), QStringLiteral("gauge")},
        {QStringLiteral("portico_usage_rows_dropped_total"), QStringLiteral("counter")},
        {QStringLiteral("portico_auth_throttled_addresses_total"), QStringLiteral("counter")},
        {QStringLiteral("portico_up"), QStringLiteral("gauge")},
        {QStringLiteral("portico_build_info"), QStringLiteral("gauge")},
    };
    for (auto it = expected.cbegin(); it != expected.cend(); ++it)
        QCOMPARE(parsed.types.value(it.key()), it.value());
    QCOMPARE(parsed.value(QStringLiteral("portico_up")), 1.0);
    QCOMPARE(parsed.types.size(), expected.size());
    bool hasVersion = false;
    for (const auto &sample : parsed.samples) {
        if (sample.name == QLatin1String("portico_build_info"))
            hasVersion = !sample.labels.value(QStringLiteral("version")).isEmpty();
    }
    QVERIFY(hasVersion);

    // Scrapes and health checks are not requests of the API: they leave the counters alone.
    QVERIFY(HttpTestClient::fetch(m_gateway->port(), "GET", "/health").status == 200);
    QCOMPARE(scrape().sum(QStringLiteral("portico_requests_total")),
             parsed.sum(QStringLiteral("portico_requests_total")));

    const auto post = HttpTestClient::fetch(m_gateway->port(), "POST", "/metrics");
    QCOMPARE(post.status, 405);
}

void TestMetrics::countersMove() {
    const Exposition before = scrape();
    QVERIFY2(before.errors.isEmpty(), qPrintable(before.errors.join(QLatin1Char('\n'))));
    const QString key = QStringLiteral("main key");
    const Labels demo200{{QStringLiteral("route"), QStringLiteral("demo")},
                         {QStringLiteral("key"), key},
                         {QStringLiteral("status"), QStringLiteral("200")}};
    const Labels chat200{{QStringLiteral("route"), QStringLiteral("chat")},
                         {QStringLiteral("key"), key},
                         {QStringLiteral("status"), QStringLiteral("200")}};
    const Labels noKey401{{QStringLiteral("route"), QString()},
                          {QStringLiteral("key"), QString()},
                          {QStringLiteral("status"), QStringLiteral("401")}};
    // Routes that do not exist share one label: made-up names cannot grow /metrics.
    const Labels unknown404{{QStringLiteral("route"), QStringLiteral("(unknown)")},
                            {QStringLiteral("key"), key},
                            {QStringLiteral("status"), QStringLiteral("404")}};
    const Labels demoKey{{QStringLiteral("key"), key},
                         {QStringLiteral("route"), QStringLiteral("demo")}};
    const Labels chatKey{{QStringLiteral("key"), key},
                         {QStringLiteral("route"), QStringLiteral("chat")}};
    const Labels demoRoute{{QStringLiteral("route"), QStringLiteral("demo")}};

    QCOMPARE(post(chatBody("demo"), m_key).status, 200);
    QCOMPARE(post(chatBody("demo", ",\"stream\":true"), m_key).status, 200);
    QCOMPARE(post(chatBody("demo"), QString()).status, 401);
    QCOMPARE(post(chatBody("nowhere"), m_key).status, 404);
    const auto upstream = post(chatBody("chat"), m_key);
    QCOMPARE(upstream.status, 200);
    const QJsonObject usage = upstream.json().value(QStringLiteral("usage")).toObject();
    const double upstreamPrompt = usage.value(QStringLiteral("prompt_tokens")).toDouble();
    const double upstreamCompletion = usage.value(QStringLiteral("completion_tokens")).toDouble();
    QVERIFY(upstreamPrompt > 0 && upstreamCompletion > 0);

    // The counters move when the request is finished, which may come a moment after the client
    // has its last byte.
    Exposition after;
    auto settled = [&] {
        after = scrape();
        return after.errors.isEmpty() &&
               after.sum(QStringLiteral("portico_requests_total")) -
                       before.sum(QStringLiteral("portico_requests_total")) ==
                   5;
    };
    QTRY_VERIFY_WITH_TIMEOUT(settled(), 10000);

    const auto delta = [&](const char *name, const Labels &labels) {
        return after.value(QLatin1String(name), labels) - before.value(QLatin1String(name), labels);
    };
    QCOMPARE(delta("portico_requests_total", demo200), 2.0);
    QCOMPARE(delta("portico_requests_total", noKey401), 1.0);
    QCOMPARE(delta("portico_requests_total", unknown404), 1.0);
    QCOMPARE(delta("portico_requests_total", chat200), 1.0);

    QVERIFY(delta("portico_prompt_tokens_total", demoKey) > 0);
    QVERIFY(delta("portico_completion_tokens_total", demoKey) > 0);
    QCOMPARE(delta("portico_prompt_tokens_total", chatKey), upstreamPrompt);
    QCOMPARE(delta("portico_completion_tokens_total", chatKey), upstreamCompletion);
    const double expectedCost = upstreamPrompt * 1000 / 1e6 + upstreamCompletion * 2000 / 1e6;
    QVERIFY(std::abs(delta("portico_cost_usd_total", chatKey) - expectedCost) < 1e-9);
    QCOMPARE(delta("portico_cost_usd_total", demoKey), 0.0);

    QCOMPARE(delta("portico_request_duration_seconds_count", demoRoute), 2.0);
    QCOMPARE(delta("portico_time_to_first_token_seconds_count", demoRoute), 2.0);
    QVERIFY(delta("portico_request_duration_seconds_sum", demoRoute) >= 0);
    QCOMPARE(delta("portico_request_duration_seconds_count",
                   Labels{{QStringLiteral("route"), QStringLiteral("chat")}}),
             1.0);
    // Refused before any token: counted in the duration, not in time to first token.
    QCOMPARE(delta("portico_request_duration_seconds_count", Labels{{QStringLiteral("route"), {}}}),
             1.0);
    QCOMPARE(
        delta("portico_time_to_first_token_seconds_count", Labels{{QStringLiteral("route"), {}}}),
        0.0);
    QCOMPARE(after.value(QStringLiteral("portico_active_streams")), 0.0);
}

void TestMetrics::activeStreamWhileStreaming() {
    HttpTestClient client;
    client.start(m_gateway->port(), "POST", "/v1/chat/completions", auth(m_key),
                 chatBody("slowstream", ",\"stream\":true"));
    // The upstream spaces its five pieces by 400 ms: after the first, the stream is open.
    QTRY_VERIFY_WITH_TIMEOUT(client.rawBodySoFar().contains("\"one\"") || client.isDone(), 15000);
    QVERIFY(!client.isDone());
    QCOMPARE(scrape().value(QStringLiteral("portico_active_streams")), 1.0);
    QTRY_VERIFY_WITH_TIMEOUT(client.isDone(), 15000);
    QCOMPARE(client.response().status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(scrape().value(QStringLiteral("portico_active_streams")), 0.0, 10000);
}

void TestMetrics::upstreamErrors() {
    const Labels failure{{QStringLiteral("model_id"), QStringLiteral("broken")},
                         {QStringLiteral("kind"), QStringLiteral("http_500")}};
    const double before = scrape().value(QStringLiteral("portico_upstream_errors_total"), failure);
    QCOMPARE(post(chatBody("broken"), m_key).status, 502);
    QTRY_COMPARE_WITH_TIMEOUT(
        scrape().value(QStringLiteral("portico_upstream_errors_total"), failure) - before, 1.0,
        10000);
    const Labels broken502{{QStringLiteral("route"), QStringLiteral("broken")},
                           {QStringLiteral("key"), QStringLiteral("main key")},
                           {QStringLiteral("status"), QStringLiteral("502")}};
    QTRY_COMPARE_WITH_TIMEOUT(scrape().value(QStringLiteral("portico_requests_total"), broken502),
                              1.0, 10000);
}

void TestMetrics::escapedLabelsFromRequests() {
    QCOMPARE(post(chatBody("demo"), m_oddKey).status, 200);
    // A route name from the request, with a newline, that no route matches: counted under the
    // one label "(unknown)", whatever the client made up.
    QCOMPARE(post(chatBody("two\\nlines"), m_oddKey).status, 404);

    QByteArray text;
    QTRY_VERIFY_WITH_TIMEOUT(
        (text = HttpTestClient::fetch(m_gateway->port(), "GET", "/metrics").body)
            .contains("route=\"(unknown)\",key=\"odd \\\"name\\\\ key\""),
        10000);
    QVERIFY(!text.contains("two\\nlines"));
    QVERIFY(text.contains("key=\"odd \\\"name\\\\ key\""));
    const Exposition parsed = parseExposition(text);
    QVERIFY2(parsed.errors.isEmpty(), qPrintable(parsed.errors.join(QLatin1Char('\n'))));
    QCOMPARE(parsed.value(QStringLiteral("portico_requests_total"),
                          {{QStringLiteral("route"), QStringLiteral("demo")},
                           {QStringLiteral("key"), kOddName},
                           {QStringLiteral("status"), QStringLiteral("200")}}),
             1.0);
    QCOMPARE(parsed.value(QStringLiteral("portico_requests_total"),
                          {{QStringLiteral("route"), QStringLiteral("(unknown)")},
                           {QStringLiteral("key"), kOddName},
                           {QStringLiteral("status"), QStringLiteral("404")}}),
             1.0);
}

// Each thread adds to counters of its own, which /metrics sums: the sums must be exact however the
// requests were spread over threads and registries, also while a scrape runs beside them.
void TestMetrics::countsFromManyThreads() {
    metering::MetricsRegistry first(QStringLiteral("test"));
    metering::MetricsRegistry second(QStringLiteral("test"));
    constexpr int kThreads = 4;
    constexpr int kRows = 3000;
    const QStringList routes{QStringLiteral("alpha"), QStringLiteral("beta"), QString()};
    const QStringList keys{QStringLiteral("k1"), QStringLiteral("k2 \"odd\"")};
    const auto rowFor = [&](int thread, int i) {
        store::UsageRecord row;
        // Runs of the same cells, and changes of route, key and status alone.
        row.route = routes[(i / 7 + thread) % routes.size()];
        row.keyName = keys[(i / 3) % keys.size()];
        row.status = i % 5 == 0 ? 429 : 200;
        row.promptTokens = 1 + i % 4;
        row.completionTokens = 2;
        row.latencyMs = i % 2000;
        row.ttftMs = i % 3 == 0 ? -1 : 5;
        return row;
    };
    std::atomic<int> finished{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kRows; ++i)
                (i % 4 == 3 ? second : first).recordRequest(rowFor(t, i));
            ++finished;
        });
    }
    // Scrapes meanwhile see well-formed, growing totals. (Checked after the join: a failed
    // QVERIFY returns, which must not leave the threads running.)
    QString scrapeProblem;
    double lastCount = 0;
    while (finished.load() < kThreads && scrapeProblem.isEmpty()) {
        const Exposition seen = parseExposition(first.render());
        const double count = seen.sum(QStringLiteral("portico_requests_total"));
        if (!seen.errors.isEmpty())
            scrapeProblem = seen.errors.join(QLatin1Char('\n'));
        else if (count < lastCount)
            scrapeProblem =
                QStringLiteral("requests_total went from %1 to %2").arg(lastCount).arg(count);
        lastCount = count;
        QThread::msleep(1);
    }
    for (auto &thread : threads)
        thread.join();
    QVERIFY2(scrapeProblem.isEmpty(), qPrintable(scrapeProblem));

    for (metering::MetricsRegistry *registry : {&first, &second}) {
        const bool isFirst = registry == &first;
        QHash<QString, double> requests;
        QHash<QString, double> prompt;
        double durationCount = 0;
        double ttftCount = 0;
        for (int t = 0; t < kThreads; ++t) {
            for (int i = 0; i < kRows; ++i) {
                if ((i % 4 == 3) == isFirst)
                    continue;
                const store::UsageRecord row = rowFor(t, i);
                requests[row.route + u'|' + row.keyName + u'|' + QString::number(row.status)] += 1;
                prompt[row.keyName + u'|' + row.route] += double(row.promptTokens);
                durationCount += 1;
                ttftCount += row.ttftMs >= 0 ? 1 : 0;
            }
        }
        const Exposition result = parseExposition(registry->render());
        QVERIFY2(result.errors.isEmpty(), qPrintable(result.errors.join(QLatin1Char('\n'))));
        for (auto it = requests.cbegin(); it != requests.cend(); ++it) {
            const QStringList parts = it.key().split(u'|');
            const Labels labels{{QStringLiteral("route"), parts[0]},
                                {QStringLiteral("key"), parts[1]},
                                {QStringLiteral("status"), parts[2]}};
            QCOMPARE(result.value(QStringLiteral("portico_requests_total"), labels), it.value());
        }
        QCOMPARE(result.sum(QStringLiteral("portico_requests_total")), durationCount);
        for (auto it = prompt.cbegin(); it != prompt.cend(); ++it) {
            const QStringList parts = it.key().split(u'|');
            const Labels labels{{QStringLiteral("key"), parts[0]},
                                {QStringLiteral("route"), parts[1]}};
            QCOMPARE(result.value(QStringLiteral("portico_prompt_tokens_total"), labels),
                     it.value());
        }
        QCOMPARE(result.sum(QStringLiteral("portico_request_duration_seconds_count")),
                 durationCount);
        QCOMPARE(result.sum(QStringLiteral("portico_time_to_first_token_seconds_count")),
                 ttftCount);
    }
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "test_metrics.moc"
