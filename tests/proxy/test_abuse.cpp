// Abuse, with and without a key, on the real gateway over loopback HTTP: client-supplied strings
// are bounded before they reach answers, usage rows, metric labels and the log; /health and
// /metrics answer only their own Host names (DNS rebinding) and /metrics wants its token when one
// is configured; upstream failures tell the client the route, the status and the request id and
// keep the upstream's URL, libcurl's error and the upstream's own words for the log; a request
// whose key is refused is answered before its body is read; non-streamed upstream answers are
// bounded, each and all together.

#include "fakeupstream.h"
#include "gatewayfixture.h"
#include "httptestclient.h"

#include "metering/gatewaylog.h"
#include "proxy/gateway.h"
#include "store/keystore.h"
#include "store/usagestore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTest>

using namespace portico;
using Headers = QList<QPair<QByteArray, QByteArray>>;

namespace {

constexpr char kMetricsTokenVariable[] = "PORTICO_TEST_METRICS_TOKEN";
constexpr char kMetricsToken[] = "metrics-token-for-the-test-3f9a";
constexpr char kUpstreamKey[] = "sk-upstream-key-never-shown-7c2e";

QByteArray chatBody(const QByteArray &model) {
    const QJsonObject body{
        {QStringLiteral("model"), QString::fromUtf8(model)},
        {QStringLiteral("messages"),
         QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                {QStringLiteral("content"), QStringLiteral("hi")}}}}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

// A raw connection that sends what it is told and reads what comes, for what HttpTestClient
// does not do: a head without its body, a client that does not read.
class RawConnection {
public:
    explicit RawConnection(quint16 port, qint64 readBufferSize = 0) {
        m_socket.setReadBufferSize(readBufferSize);
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }
    bool send(const QByteArray &data) {
        if (!QTest::qWaitFor([&] { return m_socket.state() == QAbstractSocket::ConnectedState; },
                             10000))
            return false;
        m_socket.write(data);
        return true;
    }
    // Waits until `needle` has arrived (or the connection closed); what arrived so far.
    QByteArray readUntil(const QByteArray &needle, int timeoutMs = 15000) {
        (void)QTest::qWaitFor(
            [&] {
                m_received += m_socket.readAll();
                return m_received.contains(needle) ||
                       m_socket.state() == QAbstractSocket::UnconnectedState;
            },
            timeoutMs);
        return m_received;
    }
    bool waitClosed(int timeoutMs = 15000) {
        return QTest::qWaitFor(
            [&] {
                m_received += m_socket.readAll();
                return m_socket.state() == QAbstractSocket::UnconnectedState;
            },
            timeoutMs);
    }
    QTcpSocket &socket() { return m_socket; }
    const QByteArray &received() const { return m_received; }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
};

QByteArray headerIn(const QByteArray &response, const QByteArray &name) {
    for (const QByteArray &line : response.left(response.indexOf("\r\n\r\n")).split('\n')) {
        if (line.toLower().startsWith(QByteArray(name.toLower() + ':')))
            return line.mid(name.size() + 1).trimmed();
    }
    return {};
}

QString errorMessage(const HttpTestClient::Response &response) {
    return response.json()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("message"))
        .toString();
}

QString errorCode(const HttpTestClient::Response &response) {
    return response.json()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

} // namespace

class TestAbuse : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void hugeModelIsBounded();
    void longPathsAreBounded();
    void foreignHostsRefused();
    void metricsToken();
    void upstreamStatusWithoutItsWords();
    void unreachableUpstreamWithoutItsAddress();
    void timeoutWithoutTheAddress();
    void configPathOnlyInTheLog();
    void refusedKeyBeforeTheBody();
    void upstreamAnswerOverItsBound();
    void upstreamAnswersOverTheBudget();

private:
    HttpTestClient::Response post(const QByteArray &body, const Headers &extra = {});
    HttpTestClient::Response get(quint16 port, const QByteArray &path, const Headers &headers = {});
    // The final "request" entry of a request, after it was logged.
    std::optional<metering::LogEntry> requestEntry(const QByteArray &requestId);
    std::optional<store::UsageRecord> usageRowFor(const QByteArray &requestId);

    FakeUpstream m_upstream;
    quint16 m_deadPort = 0;
    test::GatewayFixture m_open;    // no gateway: section
    test::GatewayFixture m_guarded; // allowed_hosts and metrics_token
    test::GatewayFixture m_bounded; // small bounds for upstream answers
    std::unique_ptr<proxy::Gateway> m_boundedGateway;
    QString m_boundedKey;
    std::shared_ptr<metering::GatewayLog> m_log;
    std::unique_ptr<proxy::Gateway> m_gateway;
    std::unique_ptr<proxy::Gateway> m_guardedGateway;
    QString m_key;
    QList<metering::LogEntry> m_entries;
};

void TestAbuse::initTestCase() {
    QVERIFY(m_upstream.start());
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_deadPort = probe.serverPort();
    }
    const QByteArray creds = "    credentials: { api_key: " + QByteArray(kUpstreamKey) +
                             ", base_url: \"" + m_upstream.baseUrl() + "\" }\n";
    QByteArray yaml = "chat_models:\n  - model_id: demo\n    model: mock/echo\n";
    yaml += "  - model_id: err500\n    model: openai/fake-500\n" + creds;
    yaml +=
        "  - model_id: hang\n    model: openai/fake-hang\n" + creds + "    timeout_seconds: 1\n";
    yaml += "  - model_id: deadport\n    model: openai/fake-chat\n"
            "    credentials: { base_url: \"http://127.0.0.1:" +
            QByteArray::number(m_deadPort) + "/v1\" }\n";
    yaml += "routes:\n"
            "  demo: { chat_models: [demo] }\n"
            "  err500: { chat_models: [err500] }\n"
            "  hang: { chat_models: [hang] }\n"
            "  deadport: { chat_models: [deadport] }\n";
    const QStringList routes{QStringLiteral("demo"), QStringLiteral("err500"),
                             QStringLiteral("hang"), QStringLiteral("deadport")};
    QString error;
    QVERIFY2(m_open.open(yaml, routes, &error), qPrintable(error));
    m_key = m_open.createKey(QStringLiteral("abuse key"));
    QVERIFY(!m_key.isEmpty());

    m_log = std::make_shared<metering::GatewayLog>(1000);
    connect(m_log.get(), &metering::GatewayLog::entryLogged, this,
            [this](const metering::LogEntry &entry) { m_entries.append(entry); });
    proxy::GatewayOptions options;
    options.log = m_log;
    m_gateway = m_open.startGateway(options, &error);
    QVERIFY2(m_gateway, qPrintable(error));
}

void TestAbuse::cleanupTestCase() {
    m_gateway.reset();
    m_guardedGateway.reset();
    m_boundedGateway.reset();
    for (const metering::LogEntry &entry : std::as_const(m_entries))
        QVERIFY2(!entry.message.contains(QLatin1String(kUpstreamKey)), "the upstream key logged");
}

HttpTestClient::Response TestAbuse::post(const QByteArray &body, const Headers &extra) {
    Headers headers{{"Content-Type", "application/json"},
                    {"Authorization", "Bearer " + m_key.toLatin1()}};
    headers += extra;
    return HttpTestClient::fetch(m_gateway->port(), "POST", "/v1/chat/completions", headers, body);
}

HttpTestClient::Response TestAbuse::get(quint16 port, const QByteArray &path,
                                        const Headers &headers) {
    return HttpTestClient::fetch(port, "GET", path, headers);
}

std::optional<metering::LogEntry> TestAbuse::requestEntry(const QByteArray &requestId) {
    std::optional<metering::LogEntry> found;
    const auto look = [&] {
        for (const metering::LogEntry &entry : std::as_const(m_entries)) {
            if (entry.requestId == QString::fromLatin1(requestId) &&
                entry.event == QLatin1String("request"))
                found = entry;
        }
        return found.has_value();
    };
    (void)QTest::qWaitFor(look, 5000);
    return found;
}

std::optional<store::UsageRecord> TestAbuse::usageRowFor(const QByteArray &requestId) {
    std::optional<store::UsageRecord> found;
    const auto look = [&] {
        store::UsageStore usage(*m_open.database);
        const auto rows = usage.rows(store::UsageQuery{});
        if (!rows.ok())
            return false;
        for (const store::UsageRecord &row : *rows) {
            if (row.requestId == QString::fromLatin1(requestId))
                found = row;
        }
        return found.has_value();
    };
    (void)QTest::qWaitFor(look, 10000);
    return found;
}

void TestAbuse::hugeModelIsBounded() {
    const QByteArray before = get(m_gateway->port(), "/metrics").body;
    QVERIFY(!before.isEmpty());

    // One request whose model is 5 MB: a small 404, a bounded usage row and log entry.
    const QByteArray huge(5 * 1024 * 1024, 'm');
    const auto response = post(chatBody(huge));
    QCOMPARE(response.status, 404);
    QCOMPARE(errorCode(response), QStringLiteral("route_not_found"));
    QVERIFY2(response.body.size() < 2000, QByteArray::number(response.body.size()).constData());
    QVERIFY(errorMessage(response).contains(QString(200, QLatin1Char('m')) + QChar(0x2026)));
    const QByteArray requestId = response.header("x-request-id");
    const auto entry = requestEntry(requestId);
    QVERIFY(entry);
    QVERIFY2(entry->route.size() <= 201, QByteArray::number(entry->route.size()).constData());
    QVERIFY2(entry->message.size() < 4000, QByteArray::number(entry->message.size()).constData());
    const auto row = usageRowFor(requestId);
    QVERIFY(row);
    QCOMPARE(row->status, 404);
    QCOMPARE(row->route, QString(200, QLatin1Char('m')) + QChar(0x2026));

    // More made-up names: all under the one label "(unknown)"; /metrics hardly grows.
    for (int i = 0; i < 5; ++i)
        QCOMPARE(post(chatBody("made-up-" + QByteArray::number(i) + QByteArray(1000, 'x'))).status,
                 404);
    QByteArray after;
    QTRY_VERIFY_WITH_TIMEOUT(
        (after = get(m_gateway->port(), "/metrics").body)
            .contains("portico_requests_total{route=\"(unknown)\",key=\"abuse key\","
                      "status=\"404\"} 6"),
        10000);
    QVERIFY2(after.size() - before.size() < 8192,
             QByteArray::number(after.size() - before.size()).constData());
    QVERIFY(!after.contains("mmmmmmmmmm"));
    QVERIFY(!after.contains("made-up-"));
}

void TestAbuse::longPathsAreBounded() {
    const QByteArray longName(20000, 'q');
    auto response = get(m_gateway->port(), "/v1/models/" + longName,
                        {{"Authorization", "Bearer " + m_key.toLatin1()}});
    QCOMPARE(response.status, 404);
    QVERIFY2(response.body.size() < 2000, QByteArray::number(response.body.size()).constData());
    auto entry = requestEntry(response.header("x-request-id"));
    QVERIFY(entry);
    QVERIFY(entry->route.size() <= 201);
    QVERIFY(entry->message.size() < 2000);

    response = get(m_gateway->port(), "/v1/" + longName);
    QCOMPARE(response.status, 404);
    QVERIFY2(response.body.size() < 2000, QByteArray::number(response.body.size()).constData());
    response =
        HttpTestClient::fetch(m_gateway->port(), "DELETE", "/v1/chat/completions/" + longName);
    QVERIFY(response.body.size() < 2000);
}

void TestAbuse::foreignHostsRefused() {
    const QByteArray port = QByteArray::number(m_gateway->port());
    for (const QByteArray &path : {QByteArray("/metrics"), QByteArray("/health")}) {
        for (const QByteArray &host :
             QByteArrayList{"evil.example", "evil.example:" + port, "localhost.evil",
                            "127.0.0.2.evil.example:" + port}) {
            const auto response = get(m_gateway->port(), path, {{"Host", host}});
            QVERIFY2(response.status == 421, QByteArray(path + " " + host).constData());
            QCOMPARE(errorCode(response), QStringLiteral("host_not_allowed"));
            QVERIFY(!response.body.contains("portico_"));
        }
        for (const QByteArray &host :
             QByteArrayList{"localhost:" + port, "localhost", "LocalHost:" + port,
                            "127.0.0.1:" + port, "[::1]:" + port, "[::1]"}) {
            const auto response = get(m_gateway->port(), path, {{"Host", host}});
            QVERIFY2(response.status == 200, QByteArray(path + " " + host).constData());
        }
    }
    // The API itself is unchanged: it wants a key anyway.
    QCOMPARE(post(chatBody("demo"), {{"Host", "evil.example"}}).status, 200);
}

void TestAbuse::metricsToken() {
    // A gateway of its own, with a gateway: section in its config.yaml.
    QString error;
    qputenv(kMetricsTokenVariable, kMetricsToken);
    QVERIFY2(m_guarded.open("chat_models:\n  - model_id: demo\n    model: mock/echo\n"
                            "routes:\n  demo: { chat_models: [demo] }\n"
                            "gateway:\n"
                            "  allowed_hosts: [Portico.Test, \"other.test:8443\"]\n"
                            "  metrics_token: !secret " +
                                QByteArray(kMetricsTokenVariable) + "\n",
                            {QStringLiteral("demo")}, &error),
             qPrintable(error));
    m_guardedGateway = m_guarded.startGateway(proxy::GatewayOptions{}, &error);
    QVERIFY2(m_guardedGateway, qPrintable(error));
    const quint16 port = m_guardedGateway->port();
    const QByteArray local = "localhost:" + QByteArray::number(port);
    auto response = get(port, "/metrics", {{"Host", local}});
    QCOMPARE(response.status, 401);
    QCOMPARE(errorCode(response), QStringLiteral("invalid_metrics_token"));
    QVERIFY(!response.body.contains(kMetricsToken));
    response = get(port, "/metrics", {{"Host", local}, {"Authorization", "Bearer wrong"}});
    QCOMPARE(response.status, 401);
    response = get(port, "/metrics",
                   {{"Host", local}, {"Authorization", "Bearer " + QByteArray(kMetricsToken)}});
    QCOMPARE(response.status, 200);
    QVERIFY(response.body.contains("portico_build_info"));
    // The token does not open a foreign Host.
    response =
        get(port, "/metrics",
            {{"Host", "evil.example"}, {"Authorization", "Bearer " + QByteArray(kMetricsToken)}});
    QCOMPARE(response.status, 421);
    // Configured names, with any port or the one given, in any case.
    for (const QByteArray &host : QByteArrayList{
             "portico.test", "PORTICO.test:" + QByteArray::number(port), "other.test:8443"}) {
        response = get(port, "/metrics",
                       {{"Host", host}, {"Authorization", "Bearer " + QByteArray(kMetricsToken)}});
        QVERIFY2(response.status == 200, host.constData());
        QCOMPARE(get(port, "/health", {{"Host", host}}).status, 200);
    }
    QCOMPARE(get(port, "/health", {{"Host", "other.test:9999"}}).status, 421);
    // /health needs no token.
    QCOMPARE(get(port, "/health", {{"Host", local}}).status, 200);
}

void TestAbuse::upstreamStatusWithoutItsWords() {
    const auto response = post(chatBody("err500"));
    QCOMPARE(response.status, 502);
    const QByteArray requestId = response.header("x-request-id");
    const QString message = errorMessage(response);
    QVERIFY2(message.contains(QLatin1String("'err500'")) &&
                 message.contains(QLatin1String("HTTP 500")) &&
                 message.contains(QString::fromLatin1(requestId)),
             qPrintable(message));
    QVERIFY2(!response.body.contains("fake upstream answers"), response.body.constData());
    QVERIFY(!response.body.contains(m_upstream.baseUrl()));
    QVERIFY(!response.body.contains("fake-500"));
    const auto entry = requestEntry(requestId);
    QVERIFY(entry);
    QVERIFY2(entry->message.contains(QLatin1String("fake upstream answers 500")),
             qPrintable(entry->message));
}

void TestAbuse::unreachableUpstreamWithoutItsAddress() {
    const auto response = post(chatBody("deadport"));
    QCOMPARE(response.status, 502);
    QCOMPARE(errorCode(response), QStringLiteral("upstream_unreachable"));
    const QByteArray requestId = response.header("x-request-id");
    const QString message = errorMessage(response);
    QVERIFY2(message.contains(QLatin1String("'deadport'")) &&
                 message.contains(QString::fromLatin1(requestId)),
             qPrintable(message));
    const QByteArray address = "127.0.0.1:" + QByteArray::number(m_deadPort);
    QVERIFY2(!response.body.contains(address), response.body.constData());
    QVERIFY(!response.body.contains("base_url"));
    const auto entry = requestEntry(requestId);
    QVERIFY(entry);
    QVERIFY2(entry->message.contains(QString::fromLatin1(address)) &&
                 entry->message.contains(QLatin1String("base_url")),
             qPrintable(entry->message));
}

void TestAbuse::timeoutWithoutTheAddress() {
    const auto response = post(chatBody("hang"));
    QCOMPARE(response.status, 504);
    const QByteArray requestId = response.header("x-request-id");
    const QString message = errorMessage(response);
    QVERIFY2(message.contains(QLatin1String("'hang'")) &&
                 message.contains(QString::fromLatin1(requestId)),
             qPrintable(message));
    const QByteArray upstream = "127.0.0.1:" + QByteArray::number(m_upstream.port());
    QVERIFY2(!response.body.contains(upstream), response.body.constData());
    const auto entry = requestEntry(requestId);
    QVERIFY(entry);
    QVERIFY2(entry->message.contains(QString::fromLatin1(upstream)), qPrintable(entry->message));
}

void TestAbuse::configPathOnlyInTheLog() {
    const QByteArray folder = m_open.dir.path().toUtf8();
    const auto response = post(chatBody("no-such-route"));
    QCOMPARE(response.status, 404);
    QVERIFY2(!response.body.contains(folder), response.body.constData());
    QVERIFY(errorMessage(response).contains(QLatin1String("'no-such-route'")));
    const auto entry = requestEntry(response.header("x-request-id"));
    QVERIFY(entry);
    QVERIFY2(entry->message.contains(m_open.configPath()), qPrintable(entry->message));

    const auto health = get(m_gateway->port(), "/health");
    QCOMPARE(health.status, 200);
    QVERIFY2(!health.body.contains(folder), health.body.constData());
    QCOMPARE(health.json()
                 .value(QStringLiteral("config"))
                 .toObject()
                 .value(QStringLiteral("file"))
                 .toString(),
             QStringLiteral("config.yaml"));
}

void TestAbuse::refusedKeyBeforeTheBody() {
    // Only the head of a 5 MB request, with "Expect: 100-continue": a request without a key is
    // refused at once, without a "100 Continue" and without reading the body.
    const QByteArray head = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                            "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                            "Content-Length: " +
                            QByteArray::number(5 * 1024 * 1024) + "\r\n";
    {
        RawConnection connection(m_gateway->port());
        QVERIFY(connection.send(head + "\r\n"));
        const QByteArray answer = connection.readUntil("}}");
        QVERIFY2(answer.startsWith("HTTP/1.1 401 "), answer.left(200).constData());
        QVERIFY(answer.contains("missing_api_key"));
        QCOMPARE(headerIn(answer, "Connection"), QByteArray("close"));
        QVERIFY(connection.waitClosed());
        const auto row = usageRowFor(headerIn(answer, "x-request-id"));
        QVERIFY(row);
        QCOMPARE(row->status, 401);
    }
    // A garbled key, without Expect: answered before the body is sent.
    {
        RawConnection connection(m_gateway->port());
        QVERIFY(connection.send("POST /v1/embeddings HTTP/1.1\r\nHost: localhost\r\n"
                                "Authorization: Bearer ptc_garbled\r\nContent-Length: 1000\r\n"
                                "\r\n"));
        const QByteArray answer = connection.readUntil("}}");
        QVERIFY2(answer.startsWith("HTTP/1.1 401 "), answer.left(200).constData());
        QVERIFY(answer.contains("invalid_api_key"));
        QVERIFY(connection.waitClosed());
    }
    // A valid key that no group grants any route: 403 before the body.
    {
        store::KeyStore keys(*m_open.database, QStringLiteral("test"));
        const auto created = keys.createKey(QStringLiteral("abuse key without routes"), {});
        QVERIFY(created);
        RawConnection connection(m_gateway->port());
        QVERIFY(connection.send(head + "Authorization: Bearer " + created->key.toLatin1() +
                                "\r\n\r\n"));
        const QByteArray answer = connection.readUntil("}}");
        QVERIFY2(answer.startsWith("HTTP/1.1 403 "), answer.left(200).constData());
        QVERIFY(answer.contains("route_not_allowed"));
        QVERIFY(!answer.contains(created->key.toLatin1()));
        QVERIFY(connection.waitClosed());
    }
    // An unknown endpoint: 404 before the body.
    {
        RawConnection connection(m_gateway->port());
        QVERIFY(connection.send("POST /v1/nothing-here HTTP/1.1\r\nHost: localhost\r\n"
                                "Content-Length: 1000000\r\n\r\n"));
        const QByteArray answer = connection.readUntil("}}");
        QVERIFY2(answer.startsWith("HTTP/1.1 404 "), answer.left(200).constData());
        QVERIFY(connection.waitClosed());
    }
    // A valid key is invited to send its body, and the route is checked once it is parsed.
    {
        const QByteArray body = chatBody("demo");
        RawConnection connection(m_gateway->port());
        QVERIFY(connection.send("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                                "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                                "Authorization: Bearer " +
                                m_key.toLatin1() + "\r\nContent-Length: " +
                                QByteArray::number(body.size()) + "\r\n\r\n"));
        const QByteArray interim = connection.readUntil("\r\n\r\n");
        QVERIFY2(interim.startsWith("HTTP/1.1 100 Continue"), interim.left(200).constData());
        QVERIFY(connection.send(body));
        const QByteArray answer = connection.readUntil("chat.completion");
        QVERIFY2(answer.contains("HTTP/1.1 200 "), answer.left(300).constData());
    }
}

namespace {

QByteArray bigBody(qint64 size) {
    QJsonObject body{{QStringLiteral("model"), QStringLiteral("big")},
                     {QStringLiteral("fake_size"), size},
                     {QStringLiteral("messages"),
                      QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                             {QStringLiteral("content"), QStringLiteral("hi")}}}}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

constexpr qint64 kMiB = 1024 * 1024;

} // namespace

void TestAbuse::upstreamAnswerOverItsBound() {
    if (!m_boundedGateway) {
        const QByteArray creds =
            "    credentials: { base_url: \"" + m_upstream.baseUrl() + "\" }\n";
        QString error;
        QVERIFY2(m_bounded.open("chat_models:\n  - model_id: big\n    model: openai/fake-big\n" +
                                    creds + "routes:\n  big: { chat_models: [big] }\n",
                                {QStringLiteral("big")}, &error),
                 qPrintable(error));
        m_boundedKey = m_bounded.createKey(QStringLiteral("bounded key"));
        QVERIFY(!m_boundedKey.isEmpty());
        proxy::GatewayOptions options;
        options.maxUpstreamAnswerBytes = 12 * kMiB;
        options.upstreamAnswerBudgetBytes = 12 * kMiB;
        m_boundedGateway = m_bounded.startGateway(options, &error);
        QVERIFY2(m_boundedGateway, qPrintable(error));
    }
    const Headers auth{{"Content-Type", "application/json"},
                       {"Authorization", "Bearer " + m_boundedKey.toLatin1()}};
    auto response = HttpTestClient::fetch(m_boundedGateway->port(), "POST", "/v1/chat/completions",
                                          auth, bigBody(1 * kMiB));
    QCOMPARE(response.status, 200);
    response = HttpTestClient::fetch(m_boundedGateway->port(), "POST", "/v1/chat/completions", auth,
                                     bigBody(13 * kMiB), 60000);
    QCOMPARE(response.status, 502);
    QCOMPARE(errorCode(response), QStringLiteral("upstream_answer_too_large"));
    QVERIFY2(errorMessage(response).contains(QLatin1String("12 MB")),
             qPrintable(errorMessage(response)));
}

void TestAbuse::upstreamAnswersOverTheBudget() {
    QVERIFY(m_boundedGateway); // made by upstreamAnswerOverItsBound
    const quint16 port = m_boundedGateway->port();
    const QByteArray body = bigBody(8 * kMiB);
    const QByteArray request = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                               "Content-Type: application/json\r\nAuthorization: Bearer " +
                               m_boundedKey.toLatin1() +
                               "\r\nContent-Length: " + QByteArray::number(body.size()) +
                               "\r\n\r\n" + body;
    // A client that asks for an 8 MB answer and does not read it: its answer stays in the
    // gateway (beyond what the kernel buffers take) and keeps its share of the 12 MB budget.
    RawConnection idle(port, 16 * 1024);
    QVERIFY(idle.send(request));
    QVERIFY(QTest::qWaitFor([&] { return idle.socket().bytesAvailable() > 0; }, 30000));

    // Another 8 MB answer does not fit beside it: 503, retry soon.
    const Headers auth{{"Content-Type", "application/json"},
                       {"Authorization", "Bearer " + m_boundedKey.toLatin1()}};
    auto response = HttpTestClient::fetch(port, "POST", "/v1/chat/completions", auth, body, 60000);
    QCOMPARE(response.status, 503);
    QCOMPARE(errorCode(response), QStringLiteral("upstream_answers_over_budget"));
    QCOMPARE(response.header("Retry-After"), QByteArray("1"));
    const QString message = errorMessage(response);
    QVERIFY2(message.contains(QLatin1String("12 MB")) &&
                 message.contains(QString::fromLatin1(response.header("x-request-id"))),
             qPrintable(message));

    // Once the first client has read its answer, its share is free again.
    idle.socket().setReadBufferSize(0);
    QVERIFY(QTest::qWaitFor(
        [&] {
            return idle.readUntil("}]}", 100).size() > 8 * kMiB && idle.received().endsWith("}]}");
        },
        60000));
    QVERIFY2(idle.received().startsWith("HTTP/1.1 200 "), idle.received().left(200).constData());
    QTRY_COMPARE_WITH_TIMEOUT(
        HttpTestClient::fetch(port, "POST", "/v1/chat/completions", auth, body, 60000).status, 200,
        30000);
}

QTEST_GUILESS_MAIN(TestAbuse)
#include "test_abuse.moc"
