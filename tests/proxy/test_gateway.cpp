// The gateway end to end over loopback: a real store (a temporary SQLite file, or a PostgreSQL
// database in the test's PostgreSQL variant, see teststore.h), a real config file,
// the real Gateway on port 0 and tests/fixtures/fake_upstream.py as the upstream model server.

#include "fakeupstream.h"
#include "gatewaytestlog.h"
#include "httptestclient.h"
#include "serveprocess.h"
#include "teststore.h"

#include "config/configmanager.h"
#include "proxy/gateway.h"
#include "store/apikeyformat.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "store/usagestore.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace portico;
using Headers = QList<QPair<QByteArray, QByteArray>>;

namespace {

constexpr char kUpstreamKey[] = "upstream-secret-1";

QByteArray chatBody(const QByteArray &route, const QByteArray &text = "Hello there",
                    const QByteArray &extra = {}) {
    return "{\"model\":\"" + route + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text +
           "\"}]" + extra + "}";
}

QStringList contentPieces(const QByteArray &sse) {
    QStringList pieces;
    for (const QByteArray &line : sse.split('\n')) {
        if (!line.startsWith("data: {"))
            continue;
        const QJsonObject chunk = QJsonDocument::fromJson(line.mid(6)).object();
        const QJsonArray choices = chunk.value(QStringLiteral("choices")).toArray();
        if (choices.isEmpty())
            continue;
        const QJsonValue content = choices.first()
                                       .toObject()
                                       .value(QStringLiteral("delta"))
                                       .toObject()
                                       .value(QStringLiteral("content"));
        if (content.isString() && !content.toString().isEmpty())
            pieces.append(content.toString());
    }
    return pieces;
}

bool hasUsageChunk(const QByteArray &sse) {
    for (const QByteArray &line : sse.split('\n')) {
        if (!line.startsWith("data: {"))
            continue;
        const QJsonObject chunk = QJsonDocument::fromJson(line.mid(6)).object();
        if (chunk.value(QStringLiteral("usage")).isObject() &&
            chunk.value(QStringLiteral("choices")).toArray().isEmpty())
            return true;
    }
    return false;
}

} // namespace

class TestGateway : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void health();
    void unknownPathAndMethod();
    void unauthorized_data();
    void unauthorized();
    void forbiddenRoute();
    void unknownRoute();
    void badRequests_data();
    void badRequests();
    void bodyTooLarge();
    void routeRateLimit();
    void upstreamClosed();
    void upstreamPortClosed();
    void upstreamTimeout();
    void upstreamErrorsRelayed();
    void mockChat();
    void authorizationSchemeInAnyCase();
    void mockStream();
    void mockEmbeddings();
    void upstreamChat();
    void upstreamEmbeddings();
    void modelsList();
    void streamIsProgressive();
    void streamUsageChunk();
    void streamInterrupted();
    void clientAbortCancelsUpstream();
    void slowReaderGetsTheWholeStream();
    void retriesAndFallback();
    void revocationInProcess();
    void revocationFromOtherConnection();
    void revocationFromAnotherProcess();
    void keyCreatedByAnotherProcessWorksAtOnce();
    void groupJoinedInAnotherProcessWorksAtOnce();
    void concurrentRequests();
    void openFilesLimitIsRaised();
    void noMeteringWritesNoUsage();
    void usageRows();

private:
    HttpTestClient::Response post(const QByteArray &path, const QByteArray &body,
                                  const QString &key, Headers extra = {});
    HttpTestClient::Response get(const QByteArray &path, const QString &key);
    Headers auth(const QString &key) const;
    void writeConfig();

    QTemporaryDir m_dir;
    FakeUpstream m_upstream;
    quint16 m_deadPort = 0;
    std::shared_ptr<store::Database> m_db;
    std::shared_ptr<config::ConfigManager> m_config;
    std::unique_ptr<proxy::Gateway> m_gateway;
    QString m_key;     // group "all": every route but "secret"
    QString m_demoKey; // group "demo-only"
    QString m_keyUuid;
    QStringList m_requestIds; // responses whose usage rows usageRows() checks
    QHash<QString, QString> m_namedIds;
};

Headers TestGateway::auth(const QString &key) const {
    return {{"Authorization", "Bearer " + key.toLatin1()}, {"Content-Type", "application/json"}};
}

HttpTestClient::Response TestGateway::post(const QByteArray &path, const QByteArray &body,
                                           const QString &key, Headers extra) {
    Headers headers = key.isNull() ? Headers{{"Content-Type", "application/json"}} : auth(key);
    headers += extra;
    return HttpTestClient::fetch(m_gateway->port(), "POST", path, headers, body);
}

HttpTestClient::Response TestGateway::get(const QByteArray &path, const QString &key) {
    return HttpTestClient::fetch(m_gateway->port(), "GET", path,
                                 key.isNull() ? Headers{} : auth(key));
}

void TestGateway::writeConfig() {
    const QByteArray creds = "    credentials: { api_key: " + QByteArray(kUpstreamKey) +
                             ", base_url: \"" + m_upstream.baseUrl() + "\" }\n";
    auto openaiModel = [&](const QByteArray &id, const QByteArray &model,
                           const QByteArray &more = {}) -> QByteArray {
        return "  - model_id: " + id + "\n    model: openai/" + model + "\n" + creds + more;
    };
    QByteArray yaml = "chat_models:\n  - model_id: demo\n    model: mock/echo\n";
    yaml += openaiModel("chat", "fake-chat",
                        "    params: { temperature: 0.25, max_tokens: 50 }\n"
                        "    input_cost_per_million_tokens: 1000\n"
                        "    output_cost_per_million_tokens: 2000\n");
    yaml += openaiModel("slow", "fake-slow");
    yaml += openaiModel("hang", "fake-hang", "    timeout_seconds: 1\n");
    yaml += openaiModel("err500", "fake-500", "    retry_attempts: 2\n");
    yaml += openaiModel("err429", "fake-429");
    yaml += openaiModel("err400", "fake-400");
    yaml += openaiModel("close", "fake-close");
    yaml += openaiModel("midclose", "fake-close-mid-stream");
    yaml += openaiModel("huge", "fake-huge-stream");
    yaml += "  - model_id: deadport\n    model: openai/fake-chat\n"
            "    credentials: { base_url: \"http://127.0.0.1:" +
            QByteArray::number(m_deadPort) + "/v1\" }\n";
    yaml += "embedding_models:\n";
    yaml += openaiModel("embed", "fake-embed", "    input_cost_per_million_tokens: 100\n");
    yaml += "  - model_id: mock-embed\n    model: mock/echo\n";
    yaml += "routes:\n"
            "  demo: { chat_models: [demo], embedding_models: [mock-embed] }\n"
            "  chat: { chat_models: [chat], embedding_models: [embed] }\n"
            "  slow: { chat_models: [slow] }\n"
            "  hang: { chat_models: [hang] }\n"
            "  err500: { chat_models: [err500] }\n"
            "  err429: { chat_models: [err429] }\n"
            "  err400: { chat_models: [err400] }\n"
            "  close: { chat_models: [close] }\n"
            "  midclose: { chat_models: [midclose] }\n"
            "  huge: { chat_models: [huge] }\n"
            "  deadport: { chat_models: [deadport] }\n"
            "  fallback:\n"
            "    chat_models: [err500, chat]\n"
            "    fallback: [{ target: err500, fallbacks: [chat] }]\n"
            "  limited:\n"
            "    chat_models: [demo]\n"
            "    rate_limiting: { algorithm: fixed_window, window_size: 1 hour, max_requests: 2 }\n"
            "  secret: { chat_models: [demo] }\n";
    QFile file(m_dir.filePath(QStringLiteral("config.yaml")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(yaml);
}

void TestGateway::initTestCase() {
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_upstream.start(), "tests/fixtures/fake_upstream.py did not start");
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_deadPort = probe.serverPort();
    }
    writeConfig();
    m_config =
        std::make_shared<config::ConfigManager>(m_dir.filePath(QStringLiteral("config.yaml")));
    for (const auto &problem : m_config->lastProblems())
        qWarning().noquote() << problem.toString();
    QVERIFY(!m_config->lastLoadFailed());
    QCOMPARE(m_config->current()->routes.size(), 14);

    auto opened = store::Database::open(test::testStorePath(m_dir.path()));
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    m_db = opened.value();

    store::GroupStore groups(*m_db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("all")).ok());
    for (const char *route : {"demo", "chat", "slow", "hang", "err500", "err429", "err400", "close",
                              "midclose", "huge", "deadport", "fallback", "limited"})
        QVERIFY(groups.addRoute(QStringLiteral("all"), QString::fromLatin1(route)).ok());
    QVERIFY(groups.createGroup(QStringLiteral("demo-only")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("demo-only"), QStringLiteral("demo")).ok());

    store::KeyStore keys(*m_db, QStringLiteral("test"));
    auto created = keys.createKey(QStringLiteral("main key"), {QStringLiteral("all")});
    QVERIFY(created.ok());
    m_key = created->key;
    m_keyUuid = created->record.uuid;
    created = keys.createKey(QStringLiteral("demo key"), {QStringLiteral("demo-only")});
    QVERIFY(created.ok());
    m_demoKey = created->key;

    proxy::GatewayOptions options;
    options.port = 0;
    options.maxBodyBytes = 1024 * 1024;
    // This test sends dozens of refused keys from one address on purpose; the throttle they
    // would trigger is test_keylifecycle's.
    options.failedAuthPerMinute = 0;
    m_gateway = std::make_unique<proxy::Gateway>(m_db, m_config, options);
    QVERIFY2(m_gateway->start(), qPrintable(m_gateway->errorString()));
    QVERIFY(m_gateway->isListening());
    QVERIFY(m_gateway->port() != 0);
}

void TestGateway::cleanupTestCase() {
    if (m_gateway)
        testsupport::saveGatewayLog(QStringLiteral("gateway.jsonl"), *m_gateway->log());
    m_gateway.reset();
}

void TestGateway::health() {
    const auto response = get("/health", QString());
    QCOMPARE(response.status, 200);
    const QJsonObject body = response.json();
    QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QCOMPARE(body.value(QStringLiteral("store")).toString(), QStringLiteral("ok"));
    const QJsonObject config = body.value(QStringLiteral("config")).toObject();
    QCOMPARE(config.value(QStringLiteral("routes")).toInt(), 14);
    QCOMPARE(config.value(QStringLiteral("last_load_failed")).toBool(true), false);
    QVERIFY(config.value(QStringLiteral("file")).toString().endsWith(QLatin1String("config.yaml")));
}

void TestGateway::unknownPathAndMethod() {
    auto response = get("/v1/nothing-here", m_key);
    QCOMPARE(response.status, 404);
    QCOMPARE(response.json()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("type"))
                 .toString(),
             QStringLiteral("not_found_error"));
    response = get("/v1/chat/completions", m_key);
    QCOMPARE(response.status, 405);
    QCOMPARE(response.header("allow"), QByteArray("POST"));
}

void TestGateway::unauthorized_data() {
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("hint");

    store::KeyStore keys(*m_db, QStringLiteral("test"));
    auto disabled = keys.createKey(QStringLiteral("disabled key"), {QStringLiteral("all")});
    QVERIFY(disabled.ok());
    QVERIFY(keys.setKeyState(disabled->record.uuid, store::KeyState::Disabled).ok());
    auto expired = keys.createKey(QStringLiteral("expired key"), {QStringLiteral("all")},
                                  QDateTime::currentDateTimeUtc().addSecs(-60));
    QVERIFY(expired.ok());

    QString badChecksum = m_key;
    badChecksum[badChecksum.size() - 1] = badChecksum.back() == u'A' ? u'B' : u'A';

    QTest::newRow("missing") << QByteArray() << QStringLiteral("missing_api_key")
                             << QStringLiteral("Authorization");
    QTest::newRow("basic") << ("Basic " + m_key.toLatin1())
                           << QStringLiteral("invalid_authorization_header")
                           << QStringLiteral("Bearer");
    QTest::newRow("bearer-alone") << QByteArray("Bearer")
                                  << QStringLiteral("invalid_authorization_header")
                                  << QStringLiteral("Bearer");
    QTest::newRow("truncated") << ("Bearer " + m_key.left(30).toLatin1())
                               << QStringLiteral("invalid_api_key") << QStringLiteral("copied");
    QTest::newRow("checksum") << ("Bearer " + badChecksum.toLatin1())
                              << QStringLiteral("invalid_api_key") << QStringLiteral("checksum");
    QTest::newRow("unknown") << ("Bearer " + store::apikey::generate().toLatin1())
                             << QStringLiteral("invalid_api_key") << QStringLiteral("not known");
    QTest::newRow("disabled") << ("Bearer " + disabled->key.toLatin1())
                              << QStringLiteral("api_key_disabled") << QStringLiteral("disabled");
    QTest::newRow("expired") << ("Bearer " + expired->key.toLatin1())
                             << QStringLiteral("api_key_expired") << QStringLiteral("expired");
}

void TestGateway::unauthorized() {
    QFETCH(QByteArray, header);
    QFETCH(QString, code);
    QFETCH(QString, hint);
    Headers headers{{"Content-Type", "application/json"}};
    if (!header.isEmpty())
        headers.append({"Authorization", header});
    for (const QByteArray &path : {QByteArray("/v1/chat/completions"), QByteArray("/v1/models")}) {
        const auto response =
            path.endsWith("models")
                ? HttpTestClient::fetch(m_gateway->port(), "GET", path, headers)
                : HttpTestClient::fetch(m_gateway->port(), "POST", path, headers, chatBody("demo"));
        QCOMPARE(response.status, 401);
        QCOMPARE(response.header("www-authenticate"), QByteArray("Bearer realm=\"portico\""));
        const QJsonObject error = response.json().value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("type")).toString(),
                 QStringLiteral("authentication_error"));
        QCOMPARE(error.value(QStringLiteral("code")).toString(), code);
        QVERIFY2(error.value(QStringLiteral("message")).toString().contains(hint),
                 qPrintable(error.value(QStringLiteral("message")).toString()));
        // The key, or any 12-character piece of it, never comes back.
        const QByteArray token = header.mid(header.indexOf(' ') + 1);
        QVERIFY(token.size() < 12 || !response.body.contains(token.mid(4, 12)));
        QVERIFY(!response.header("x-request-id").isEmpty());
        m_requestIds.append(QString::fromLatin1(response.header("x-request-id")));
    }
}

void TestGateway::forbiddenRoute() {
    const auto response = post("/v1/chat/completions", chatBody("chat"), m_demoKey);
    QCOMPARE(response.status, 403);
    const QJsonObject error = response.json().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("permission_error"));
    QVERIFY(error.value(QStringLiteral("message")).toString().contains(QLatin1String("'chat'")));
    QVERIFY(error.value(QStringLiteral("message")).toString().contains(QLatin1String("group")));
    QVERIFY(!response.body.contains(m_demoKey.toLatin1()));

    // A route that exists but no group grants.
    QCOMPARE(post("/v1/chat/completions", chatBody("secret"), m_key).status, 403);
}

void TestGateway::unknownRoute() {
    const auto response = post("/v1/chat/completions", chatBody("no-such-route"), m_key);
    QCOMPARE(response.status, 404);
    const QJsonObject error = response.json().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("type")).toString(), QStringLiteral("not_found_error"));
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("route_not_found"));
    QVERIFY(
        error.value(QStringLiteral("message")).toString().contains(QLatin1String("config.yaml")));
    // Without a valid key the answer is 401: route names are not disclosed.
    QCOMPARE(post("/v1/chat/completions", chatBody("no-such-route"), QString()).status, 401);
}

void TestGateway::badRequests_data() {
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("param");
    const QByteArray chat = "/v1/chat/completions";
    QTest::newRow("malformed") << chat << QByteArray("{\"model\": ") << QString();
    QTest::newRow("empty") << chat << QByteArray() << QString();
    QTest::newRow("array") << chat << QByteArray("[1,2]") << QString();
    QTest::newRow("no-model") << chat
                              << QByteArray(
                                     "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                              << QStringLiteral("model");
    QTest::newRow("model-number")
        << chat << QByteArray("{\"model\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
        << QStringLiteral("model");
    QTest::newRow("no-messages") << chat << QByteArray("{\"model\":\"demo\"}")
                                 << QStringLiteral("messages");
    QTest::newRow("empty-messages")
        << chat << QByteArray("{\"model\":\"demo\",\"messages\":[]}") << QStringLiteral("messages");
    QTest::newRow("stream-string")
        << chat << chatBody("demo", "x", ",\"stream\":\"yes\"") << QStringLiteral("stream");
    QTest::newRow("embeddings-no-input")
        << QByteArray("/v1/embeddings") << QByteArray("{\"model\":\"demo\"}")
        << QStringLiteral("input");
}

void TestGateway::badRequests() {
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, body);
    QFETCH(QString, param);
    const auto response = post(path, body, m_key);
    QCOMPARE(response.status, 400);
    const QJsonObject error = response.json().value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("type")).toString(),
             QStringLiteral("invalid_request_error"));
    QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
    if (!param.isEmpty())
        QCOMPARE(error.value(QStringLiteral("param")).toString(), param);
}

void TestGateway::bodyTooLarge() {
    const QByteArray big = chatBody("demo", QByteArray(2 * 1024 * 1024, 'a'));
    const auto response = post("/v1/chat/completions", big, m_key);
    QCOMPARE(response.status, 413);
}

void TestGateway::routeRateLimit() {
    QCOMPARE(post("/v1/chat/completions", chatBody("limited"), m_key).status, 200);
    QCOMPARE(post("/v1/chat/completions", chatBody("limited"), m_key).status, 200);
    const auto response = post("/v1/chat/completions", chatBody("limited"), m_key);
    QCOMPARE(response.status, 429);
    bool ok = false;
    const int retryAfter = response.header("retry-after").toInt(&ok);
    QVERIFY(ok);
    QVERIFY(retryAfter >= 1 && retryAfter <= 3600);
    QCOMPARE(response.json()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("type"))
                 .toString(),
             QStringLiteral("rate_limit_error"));
    // Limits are per key: another key still gets through (it has no access, so 403, not 429).
    QCOMPARE(post("/v1/chat/completions", chatBody("limited"), m_demoKey).status, 403);
}

void TestGateway::upstreamClosed() {
    const auto response = post("/v1/chat/completions", chatBody("close"), m_key);
    QCOMPARE(response.status, 502);
    QCOMPARE(response.json()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("type"))
                 .toString(),
             QStringLiteral("upstream_error"));
}

void TestGateway::upstreamPortClosed() {
    const auto response = post("/v1/chat/completions", chatBody("deadport"), m_key);
    QCOMPARE(response.status, 502);
    const QString message = response.json()
                                .value(QStringLiteral("error"))
                                .toObject()
                                .value(QStringLiteral("message"))
                                .toString();
    // The client hears which route failed and the request id; the upstream's address, libcurl's
    // error and what to check in config.yaml are in the log entry of the request.
    const QByteArray requestId = response.header("x-request-id");
    QVERIFY2(message.contains(QLatin1String("'deadport'")) &&
                 message.contains(QString::fromLatin1(requestId)),
             qPrintable(message));
    const QByteArray address = "127.0.0.1:" + QByteArray::number(m_deadPort);
    QVERIFY2(!response.body.contains(address) && !message.contains(QLatin1String("base_url")),
             qPrintable(message));
    bool logged = false;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const metering::LogEntry &entry : m_gateway->log()->entries()) {
                if (entry.requestId == QString::fromLatin1(requestId) &&
                    entry.event == QLatin1String("request"))
                    logged = entry.message.contains(QString::fromLatin1(address)) &&
                             entry.message.contains(QLatin1String("base_url"));
            }
            return logged;
        }(),
        5000);
}

void TestGateway::upstreamTimeout() {
    const auto response = post("/v1/chat/completions", chatBody("hang"), m_key);
    QCOMPARE(response.status, 504);
    QCOMPARE(response.json()
                 .value(QStringLiteral("error"))
                 .toObject()
                 .value(QStringLiteral("type"))
                 .toString(),
             QStringLiteral("timeout_error"));
}

void TestGateway::upstreamErrorsRelayed() {
    auto response = post("/v1/chat/completions", chatBody("err429"), m_key);
    QCOMPARE(response.status, 429);
    QVERIFY(!response.header("retry-after").isEmpty());
    response = post("/v1/chat/completions", chatBody("err400"), m_key);
    QCOMPARE(response.status, 400);
    QVERIFY(response.json().value(QStringLiteral("error")).isObject());
}

void TestGateway::mockChat() {
    const auto response = post("/v1/chat/completions", chatBody("demo", "Hello!"), m_key);
    QCOMPARE(response.status, 200);
    const QJsonObject body = response.json();
    const QJsonObject message = body.value(QStringLiteral("choices"))
                                    .toArray()
                                    .first()
                                    .toObject()
                                    .value(QStringLiteral("message"))
                                    .toObject();
    QCOMPARE(message.value(QStringLiteral("content")).toString(), QStringLiteral("Echo: Hello!"));
    const QJsonObject usage = body.value(QStringLiteral("usage")).toObject();
    QCOMPARE(usage.value(QStringLiteral("prompt_tokens")).toInt(), 1);
    QCOMPARE(usage.value(QStringLiteral("completion_tokens")).toInt(), 2);
    m_namedIds.insert(QStringLiteral("mock"), QString::fromLatin1(response.header("x-request-id")));
}

void TestGateway::authorizationSchemeInAnyCase() {
    // RFC 9110: the scheme's name is case-insensitive; clients send "bearer" and "BEARER" too.
    for (const QByteArray &scheme :
         {QByteArray("bearer"), QByteArray("BEARER"), QByteArray("bEaReR")}) {
        const Headers headers{{"AUTHORIZATION", scheme + ' ' + m_key.toLatin1()},
                              {"content-TYPE", "application/json"}};
        const auto response = HttpTestClient::fetch(
            m_gateway->port(), "POST", "/v1/chat/completions", headers, chatBody("demo", "Hello!"));
        QVERIFY2(response.status == 200, scheme.constData());
    }
    // A scheme that differs by more than case is still refused.
    const Headers other{{"Authorization", "Bearer_ " + m_key.toLatin1()}};
    QCOMPARE(HttpTestClient::fetch(m_gateway->port(), "POST", "/v1/chat/completions", other,
                                   chatBody("demo"))
                 .status,
             401);
}

void TestGateway::mockStream() {
    const auto response =
        post("/v1/chat/completions", chatBody("demo", "one two three", ",\"stream\":true"), m_key);
    QCOMPARE(response.status, 200);
    QVERIFY(response.header("content-type").startsWith("text/event-stream"));
    const QStringList pieces = contentPieces(response.body);
    QVERIFY(pieces.size() >= 3);
    QCOMPARE(pieces.join(QString()), QStringLiteral("Echo: one two three"));
    QVERIFY(response.body.contains("\"finish_reason\":\"stop\""));
    QVERIFY(response.body.trimmed().endsWith("data: [DONE]"));
    QVERIFY(!hasUsageChunk(response.body));
    const auto withUsage =
        post("/v1/chat/completions",
             chatBody("demo", "x", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"),
             m_key);
    QVERIFY(hasUsageChunk(withUsage.body));
}

void TestGateway::mockEmbeddings() {
    const auto response =
        post("/v1/embeddings", "{\"model\":\"demo\",\"input\":[\"a b\",\"c\"]}", m_key);
    QCOMPARE(response.status, 200);
    const QJsonArray data = response.json().value(QStringLiteral("data")).toArray();
    QCOMPARE(data.size(), 2);
    QCOMPARE(data.first().toObject().value(QStringLiteral("embedding")).toArray().size(), 8);
    const auto again =
        post("/v1/embeddings", "{\"model\":\"demo\",\"input\":[\"a b\",\"c\"]}", m_key);
    QCOMPARE(again.json().value(QStringLiteral("data")),
             response.json().value(QStringLiteral("data")));
}

void TestGateway::upstreamChat() {
    m_upstream.reset();
    const auto response =
        post("/v1/chat/completions", chatBody("chat", "hi upstream", ",\"max_tokens\":10"), m_key);
    QCOMPARE(response.status, 200);
    const QJsonObject message = response.json()
                                    .value(QStringLiteral("choices"))
                                    .toArray()
                                    .first()
                                    .toObject()
                                    .value(QStringLiteral("message"))
                                    .toObject();
    QCOMPARE(message.value(QStringLiteral("content")).toString(),
             QStringLiteral("echo: hi upstream"));
    m_namedIds.insert(QStringLiteral("chat"), QString::fromLatin1(response.header("x-request-id")));

    const QJsonObject stats = m_upstream.stats();
    const QJsonArray authorizations = stats.value(QStringLiteral("authorization")).toArray();
    QCOMPARE(authorizations.size(), 1);
    // The upstream sees its own key, never the client's Portico key.
    QVERIFY(authorizations.first().toString() ==
            QStringLiteral("Bearer ") + QLatin1String(kUpstreamKey));
    QVERIFY(!QJsonDocument(stats).toJson().contains("ptc_"));
    const QJsonObject last = stats.value(QStringLiteral("last_body")).toObject();
    QCOMPARE(last.value(QStringLiteral("model")).toString(), QStringLiteral("fake-chat"));
    QCOMPARE(last.value(QStringLiteral("temperature")).toDouble(), 0.25); // from the route
    QCOMPARE(last.value(QStringLiteral("max_tokens")).toInt(), 10);       // the client's wins
}

void TestGateway::upstreamEmbeddings() {
    const auto response =
        post("/v1/embeddings", "{\"model\":\"chat\",\"input\":[\"a\",\"b\"]}", m_key);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value(QStringLiteral("data")).toArray().size(), 2);
    QCOMPARE(m_upstream.stats()
                 .value(QStringLiteral("last_body"))
                 .toObject()
                 .value(QStringLiteral("model"))
                 .toString(),
             QStringLiteral("fake-embed"));
    m_namedIds.insert(QStringLiteral("embed"),
                      QString::fromLatin1(response.header("x-request-id")));
}

void TestGateway::modelsList() {
    auto response = get("/v1/models", m_demoKey);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.json().value(QStringLiteral("object")).toString(), QStringLiteral("list"));
    const QJsonArray data = response.json().value(QStringLiteral("data")).toArray();
    QCOMPARE(data.size(), 1);
    QCOMPARE(data.first().toObject().value(QStringLiteral("id")).toString(),
             QStringLiteral("demo"));
    QCOMPARE(data.first().toObject().value(QStringLiteral("object")).toString(),
             QStringLiteral("model"));
    response = get("/v1/models", m_key);
    QCOMPARE(response.json().value(QStringLiteral("data")).toArray().size(), 13);
}

void TestGateway::streamIsProgressive() {
    HttpTestClient client;
    client.start(m_gateway->port(), "POST", "/v1/chat/completions", auth(m_key),
                 chatBody("chat", "x", ",\"stream\":true"));
    QTRY_VERIFY_WITH_TIMEOUT(client.isDone(), 15000);
    QVERIFY(!client.failed());
    QCOMPARE(client.response().status, 200);
    QCOMPARE(contentPieces(client.response().body),
             (QStringList{QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three"),
                          QStringLiteral("four"), QStringLiteral("five")}));
    const qint64 first = client.arrivalOf("\"one\"");
    const qint64 fifth = client.arrivalOf("\"five\"");
    QVERIFY(first >= 0 && fifth >= 0);
    // The upstream spaces the five pieces by 100 ms: relayed as they come, the first arrives
    // long before the fifth; buffered, they would arrive together.
    QVERIFY2(fifth - first >= 200,
             qPrintable(QStringLiteral("first %1 ms, fifth %2 ms").arg(first).arg(fifth)));
    QVERIFY(client.response().body.trimmed().endsWith("data: [DONE]"));
}

void TestGateway::streamUsageChunk() {
    m_upstream.reset();
    auto response = post("/v1/chat/completions", chatBody("chat", "x", ",\"stream\":true"), m_key);
    QCOMPARE(response.status, 200);
    QVERIFY(!hasUsageChunk(response.body));
    // The gateway asked the upstream for usage anyway.
    const QJsonObject last = m_upstream.stats().value(QStringLiteral("last_body")).toObject();
    QCOMPARE(last.value(QStringLiteral("stream_options"))
                 .toObject()
                 .value(QStringLiteral("include_usage"))
                 .toBool(),
             true);
    m_namedIds.insert(QStringLiteral("stream"),
                      QString::fromLatin1(response.header("x-request-id")));

    response =
        post("/v1/chat/completions",
             chatBody("chat", "x", ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"),
             m_key);
    QCOMPARE(response.status, 200);
    QVERIFY(hasUsageChunk(response.body));
}

void TestGateway::streamInterrupted() {
    HttpTestClient client;
    client.start(m_gateway->port(), "POST", "/v1/chat/completions", auth(m_key),
                 chatBody("midclose", "x", ",\"stream\":true"));
    QTRY_VERIFY_WITH_TIMEOUT(client.isDone(), 15000);
    QCOMPARE(client.response().status, 200);
    QVERIFY(client.rawBodySoFar().contains("\"one\""));
    QVERIFY(client.rawBodySoFar().contains("\"error\""));
    QVERIFY(!client.rawBodySoFar().contains("[DONE]"));
    QCOMPARE(post("/v1/chat/completions", chatBody("demo"), m_key).status, 200);
}

// A stream whose client hung up is read on for a moment only (for the upstream's usage), then
// the upstream call is cancelled: a slow stream (1.5 s a word) outlasts that moment.
void TestGateway::clientAbortCancelsUpstream() {
    m_upstream.reset();
    HttpTestClient client;
    client.start(m_gateway->port(), "POST", "/v1/chat/completions", auth(m_key),
                 chatBody("chat", "x", ",\"stream\":true,\"fake_delay_ms\":1500"));
    QTRY_VERIFY_WITH_TIMEOUT(client.rawBodySoFar().contains("\"one\""), 15000);
    client.abort();
    QTRY_VERIFY_WITH_TIMEOUT(m_upstream.stats().value(QStringLiteral("cancelled")).toInt() >= 1,
                             10000);
    QCOMPARE(post("/v1/chat/completions", chatBody("chat"), m_key).status, 200);
}

// Back-pressure end to end: a client that stops reading a 20 MB stream makes the gateway pause
// its upstream call (the responder's buffer passes its high-water mark); once the client reads
// again the responder reports it drained and the call resumes. Without that report the stream
// would stall here for good.
void TestGateway::slowReaderGetsTheWholeStream() {
    QTcpSocket socket;
    socket.setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 64 * 1024);
    socket.setReadBufferSize(64 * 1024);
    socket.connectToHost(QHostAddress::LocalHost, m_gateway->port());
    QVERIFY(socket.waitForConnected(5000));
    const QByteArray body = chatBody("huge", "x", ",\"stream\":true");
    QByteArray request = "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                         "Content-Type: application/json\r\nConnection: close\r\n";
    for (const auto &[name, value] : auth(m_key))
        request += name + ": " + value + "\r\n";
    request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    socket.write(request);
    QVERIFY(socket.waitForBytesWritten(5000));
    // Not reading: far less than the stream fits in the socket buffers and the gateway's
    // high-water mark, so the gateway has to pause its upstream call.
    QTest::qWait(1500);
    QByteArray received;
    QDeadlineTimer deadline(120'000);
    while (!received.contains("data: [DONE]") && !deadline.hasExpired()) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(1000) &&
            socket.state() != QAbstractSocket::ConnectedState)
            break;
        received += socket.readAll();
    }
    QVERIFY2(received.startsWith("HTTP/1.1 200"), received.left(200).constData());
    QVERIFY(received.contains("data: [DONE]"));
    // role + 20000 fillers + stop + [DONE]
    QCOMPARE(received.count("data: "), 20'003);
}

void TestGateway::retriesAndFallback() {
    m_upstream.reset();
    auto response = post("/v1/chat/completions", chatBody("err500"), m_key);
    QCOMPARE(response.status, 502);
    QCOMPARE(m_upstream.stats()
                 .value(QStringLiteral("by_model"))
                 .toObject()
                 .value(QStringLiteral("fake-500"))
                 .toInt(),
             3);

    m_upstream.reset();
    response = post("/v1/chat/completions", chatBody("fallback", "via fallback"), m_key);
    QCOMPARE(response.status, 200);
    const QJsonObject message = response.json()
                                    .value(QStringLiteral("choices"))
                                    .toArray()
                                    .first()
                                    .toObject()
                                    .value(QStringLiteral("message"))
                                    .toObject();
    QCOMPARE(message.value(QStringLiteral("content")).toString(),
             QStringLiteral("echo: via fallback"));
    const QJsonObject byModel = m_upstream.stats().value(QStringLiteral("by_model")).toObject();
    QCOMPARE(byModel.value(QStringLiteral("fake-500")).toInt(), 3);
    QCOMPARE(byModel.value(QStringLiteral("fake-chat")).toInt(), 1);
}

void TestGateway::revocationInProcess() {
    store::KeyStore keys(*m_db, QStringLiteral("test"));
    store::GroupStore groups(*m_db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("revocable")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("revocable"), QStringLiteral("demo")).ok());
    auto created = keys.createKey(QStringLiteral("revocable key"), {QStringLiteral("revocable")});
    QVERIFY(created.ok());
    const QString key = created->key;
    const QString uuid = created->record.uuid;
    auto status = [&] { return post("/v1/chat/completions", chatBody("demo"), key).status; };

    QCOMPARE(status(), 200);
    QVERIFY(keys.removeKeyFromGroup(uuid, QStringLiteral("revocable")).ok());
    QCOMPARE(status(), 403);
    QVERIFY(keys.addKeyToGroup(uuid, QStringLiteral("revocable")).ok());
    QCOMPARE(status(), 200);
    QVERIFY(groups.removeRoute(QStringLiteral("revocable"), QStringLiteral("demo")).ok());
    QCOMPARE(status(), 403);
    QVERIFY(groups.addRoute(QStringLiteral("revocable"), QStringLiteral("demo")).ok());
    QCOMPARE(status(), 200);
    QVERIFY(keys.setKeyState(uuid, store::KeyState::Disabled).ok());
    QCOMPARE(status(), 401);
    QVERIFY(keys.setKeyState(uuid, store::KeyState::Active).ok());
    QCOMPARE(status(), 200);
    QVERIFY(keys.deleteKey(uuid).ok());
    QCOMPARE(status(), 401);
}

void TestGateway::revocationFromOtherConnection() {
    store::KeyStore keys(*m_db, QStringLiteral("test"));
    auto created = keys.createKey(QStringLiteral("remote revoked"), {QStringLiteral("all")});
    QVERIFY(created.ok());
    const QString key = created->key;
    const QString uuid = created->record.uuid;
    QCOMPARE(post("/v1/chat/completions", chatBody("demo"), key).status, 200);

    // Another Database object on the same store, in another thread: to this gateway it is just
    // like another process (only the committed change counter, or on PostgreSQL the change's
    // NOTIFY, tells it something changed).
    const QString path = m_db->path();
    bool deleted = false;
    QThread *other = QThread::create([path, uuid, &deleted] {
        auto db = store::Database::open(path);
        if (!db.ok())
            return;
        store::KeyStore otherKeys(*db.value(), QStringLiteral("other-process"));
        deleted = otherKeys.deleteKey(uuid).ok();
    });
    other->start();
    QVERIFY(other->wait(10000));
    delete other;
    QVERIFY(deleted);
    QTRY_VERIFY_WITH_TIMEOUT(post("/v1/chat/completions", chatBody("demo"), key).status == 401,
                             2000);
}

void TestGateway::revocationFromAnotherProcess() {
    store::KeyStore keys(*m_db, QStringLiteral("test"));
    auto created = keys.createKey(QStringLiteral("revoked by the cli"), {QStringLiteral("all")});
    QVERIFY(created.ok());
    const QString key = created->key;
    QCOMPARE(post("/v1/chat/completions", chatBody("demo"), key).status, 200);

    // The real command line, in its own process, on the same store.
    QProcess cli;
    cli.start(QStringLiteral(PORTICO_GATEWAY_BINARY),
              {QStringLiteral("--db"), m_db->path(), QStringLiteral("keys"),
               QStringLiteral("delete"), created->record.uuid});
    QVERIFY(cli.waitForFinished(30000));
    testsupport::saveTestLog(QStringLiteral("cli.stderr.log"), cli.readAllStandardError());
    QCOMPARE(cli.exitCode(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(post("/v1/chat/completions", chatBody("demo"), key).status == 401,
                             2000);
}

// `serve` started with the common soft limit of open files raises it to the hard limit; with a
// hard limit too low for its connection limit, it lowers the connection limit and says so.
// `serve --no-metering` (benchmarks only): requests are answered, and none leaves a usage row.
void TestGateway::noMeteringWritesNoUsage() {
    // A key of its own: the rows of the other tests' requests may still be on their way.
    auto created = store::KeyStore(*m_db, QStringLiteral("test"))
                       .createKey(QStringLiteral("unmetered"), {QStringLiteral("all")});
    QVERIFY(created.ok());
    ServeProcess serve;
    QVERIFY(serve.start(QStringLiteral(PORTICO_GATEWAY_BINARY),
                        {QStringLiteral("--db"), m_db->path(), QStringLiteral("serve"),
                         QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                         QStringLiteral("--no-metering")}));
    for (int i = 0; i < 5; ++i)
        QCOMPARE(HttpTestClient::fetch(serve.port(), "POST", "/v1/chat/completions",
                                       auth(created->key), chatBody("demo"))
                     .status,
                 200);
    serve.stop(); // SIGTERM: a metering gateway would have written its rows by now
    testsupport::saveTestLog(QStringLiteral("serve.stderr.log"), serve.readErrors());
    store::UsageQuery query;
    query.keyUuids = {created->record.uuid};
    QCOMPARE(store::UsageStore(*m_db).count(query).value(), qint64(0));
}

void TestGateway::openFilesLimitIsRaised() {
    const auto serveUnder = [&](const QString &limits, QByteArray *errors) -> QByteArray {
        ServeProcess serve;
        if (!serve.start(QStringLiteral("bash"),
                         {QStringLiteral("-c"),
                          limits + QStringLiteral(" && exec \"$0\" --db \"$1\" serve --listen "
                                                  "127.0.0.1:0"),
                          QStringLiteral(PORTICO_GATEWAY_BINARY), m_db->path()}))
            return {};
        QFile limitsFile(QStringLiteral("/proc/%1/limits").arg(serve.processId()));
        const QByteArray table = limitsFile.open(QIODevice::ReadOnly) ? limitsFile.readAll() : "";
        serve.stop();
        *errors = serve.readErrors();
        testsupport::saveTestLog(QStringLiteral("serve.stderr.log"), *errors);
        for (const QByteArray &line : table.split('\n')) {
            if (line.startsWith("Max open files"))
                return line.simplified();
        }
        return {};
    };
    QByteArray errors;
    // Soft 256, hard 1,000 (below the default 1,024 connections, and allowed everywhere): the
    // soft limit is raised to 1,000, and the connections are capped to what fits in it.
    QCOMPARE(serveUnder(QStringLiteral("ulimit -Sn 256 && ulimit -Hn 1000"), &errors),
             QByteArray("Max open files 1000 1000 files"));
    QVERIFY2(errors.contains("accepting at most 436"), errors.constData());
}

void TestGateway::keyCreatedByAnotherProcessWorksAtOnce() {
    // `keys create` in a terminal, then curl straight away: no wait for the poller.
    QProcess cli;
    cli.start(QStringLiteral(PORTICO_GATEWAY_BINARY),
              {QStringLiteral("--db"), m_db->path(), QStringLiteral("keys"),
               QStringLiteral("create"), QStringLiteral("created by the cli"),
               QStringLiteral("--group"), QStringLiteral("all")});
    QVERIFY(cli.waitForFinished(30000));
    // Its stdout is the new key (the one-time display): not a log.
    testsupport::saveTestLog(QStringLiteral("cli.stderr.log"), cli.readAllStandardError());
    QCOMPARE(cli.exitCode(), 0);
    const QString key = QString::fromLatin1(cli.readAllStandardOutput()).trimmed();
    QVERIFY(store::apikey::hasValidFormat(key));
    QCOMPARE(post("/v1/chat/completions", chatBody("demo"), key).status, 200);
}

void TestGateway::groupJoinedInAnotherProcessWorksAtOnce() {
    store::GroupStore groups(*m_db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("joined late")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("joined late"), QStringLiteral("demo")).ok());
    store::KeyStore keys(*m_db, QStringLiteral("test"));
    auto created = keys.createKey(QStringLiteral("joins late"));
    QVERIFY(created.ok());
    const QString key = created->key;
    QCOMPARE(post("/v1/chat/completions", chatBody("demo"), key).status, 403);

    // `keys add-group` in a terminal, then the request straight away: no wait for the poller.
    QProcess cli;
    cli.start(QStringLiteral(PORTICO_GATEWAY_BINARY),
              {QStringLiteral("--db"), m_db->path(), QStringLiteral("keys"),
               QStringLiteral("add-group"), created->record.uuid, QStringLiteral("joined late")});
    QVERIFY(cli.waitForFinished(30000));
    testsupport::saveTestLog(QStringLiteral("cli.stderr.log"), cli.readAllStandardError());
    QCOMPARE(cli.exitCode(), 0);
    QCOMPARE(post("/v1/chat/completions", chatBody("demo"), key).status, 200);
}

void TestGateway::concurrentRequests() {
    m_upstream.reset();
    constexpr int kRequests = 200;
    std::vector<std::unique_ptr<HttpTestClient>> clients;
    for (int i = 0; i < kRequests; ++i) {
        clients.push_back(std::make_unique<HttpTestClient>());
        clients.back()->start(m_gateway->port(), "POST", "/v1/chat/completions", auth(m_key),
                              chatBody("slow"));
    }
    auto allDone = [&] {
        return std::all_of(clients.begin(), clients.end(),
                           [](const auto &c) { return c->isDone(); });
    };
    QTRY_VERIFY_WITH_TIMEOUT(allDone(), 60000);
    int ok = 0;
    for (const auto &client : clients)
        ok += client->response().status == 200 ? 1 : 0;
    QCOMPARE(ok, kRequests);
    const QJsonObject stats = m_upstream.stats();
    QCOMPARE(stats.value(QStringLiteral("requests")).toInt(), kRequests);
    QVERIFY2(stats.value(QStringLiteral("max_in_flight")).toInt() >= kRequests,
             qPrintable(QString::number(stats.value(QStringLiteral("max_in_flight")).toInt())));
}

void TestGateway::usageRows() {
    // A refused request of a known key, for its row.
    const auto refused = post("/v1/chat/completions", chatBody("secret"), m_key);
    QCOMPARE(refused.status, 403);
    m_requestIds.append(QString::fromLatin1(refused.header("x-request-id")));

    m_gateway->stop(); // flushes
    QVERIFY(!m_gateway->isListening());

    store::UsageStore usage(*m_db);
    const auto rows = usage.rows({});
    QVERIFY(rows.ok());
    QHash<QString, store::UsageRecord> byId;
    for (const auto &row : rows.value())
        byId.insert(row.requestId, row);
    for (const QString &id : std::as_const(m_requestIds))
        QVERIFY2(byId.contains(id), qPrintable(id));
    for (const QString &id : std::as_const(m_namedIds))
        QVERIFY2(byId.contains(id), qPrintable(id));
    // Every request made a row: at least the 200 concurrent ones and the rest.
    QVERIFY(rows->size() >= 250);
    // Request ids: "req_" and 32 hex digits, each its own (the 200 concurrent requests drew
    // theirs on both workers' generators); rows of folded refusals have "folded:N".
    static const QRegularExpression idShape(QStringLiteral("^(req_[0-9a-f]{32}|folded:\\d+)$"));
    QSet<QString> ownIds;
    qsizetype ownRows = 0;
    for (const auto &row : rows.value()) {
        QVERIFY2(idShape.match(row.requestId).hasMatch(), qPrintable(row.requestId));
        if (row.requestId.startsWith(QLatin1String("req_"))) {
            ownIds.insert(row.requestId);
            ++ownRows;
        }
    }
    QCOMPARE(ownIds.size(), ownRows);

    const store::UsageRecord mock =
        byId.value(m_namedIds.value(QStringLiteral("mock"))); // mockChat
    QCOMPARE(mock.status, 200);
    QCOMPARE(mock.route, QStringLiteral("demo"));
    QCOMPARE(mock.modelId, QStringLiteral("demo"));
    QCOMPARE(mock.provider, QStringLiteral("mock"));
    QCOMPARE(mock.keyUuid, m_keyUuid);
    QCOMPARE(mock.keyName, QStringLiteral("main key"));
    QCOMPARE(mock.promptTokens, 1);
    QCOMPARE(mock.completionTokens, 2);
    QVERIFY(!mock.stream);

    const store::UsageRecord chat =
        byId.value(m_namedIds.value(QStringLiteral("chat"))); // upstreamChat
    QCOMPARE(chat.status, 200);
    QCOMPARE(chat.provider, QStringLiteral("openai"));
    QCOMPARE(chat.modelId, QStringLiteral("chat"));
    QCOMPARE(chat.promptTokens, 11);
    QCOMPARE(chat.completionTokens, 7);
    QVERIFY(qAbs(chat.costUsd - (11 * 1000.0 + 7 * 2000.0) / 1e6) < 1e-9);
    QVERIFY(chat.latencyMs >= 0);
    QVERIFY(chat.ttftMs >= 0);

    const store::UsageRecord embed =
        byId.value(m_namedIds.value(QStringLiteral("embed"))); // upstreamEmbeddings
    QCOMPARE(embed.promptTokens, 6);
    QVERIFY(qAbs(embed.costUsd - 6 * 100.0 / 1e6) < 1e-9);

    const store::UsageRecord stream =
        byId.value(m_namedIds.value(QStringLiteral("stream"))); // streamUsageChunk
    QVERIFY(stream.stream);
    QCOMPARE(stream.promptTokens, 11);
    QCOMPARE(stream.completionTokens, 7);
    QVERIFY(stream.ttftMs >= 0);

    const store::UsageRecord forbidden = byId.value(m_requestIds.last());
    QCOMPARE(forbidden.status, 403);
    QCOMPARE(forbidden.errorCode, QStringLiteral("route_not_allowed"));
    QCOMPARE(forbidden.keyName, QStringLiteral("main key"));
    QCOMPARE(forbidden.promptTokens, 0);

    const store::UsageRecord missingKey = byId.value(m_requestIds.first());
    QCOMPARE(missingKey.status, 401);
    QVERIFY(missingKey.keyUuid.isEmpty());
    QCOMPARE(missingKey.errorCode, QStringLiteral("missing_api_key"));

    // The key is marked as used.
    store::KeyStore keys(*m_db, QStringLiteral("test"));
    QVERIFY(keys.key(m_keyUuid)->lastUsedAt.isValid());
}

QTEST_MAIN(TestGateway)
#include "test_gateway.moc"
