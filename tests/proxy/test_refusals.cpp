// Requests the HTTP layer refuses before the gateway's handler sees them (a body or headers too
// large, malformed HTTP, one connection too many) are still requests to an admin: each gets an
// x-request-id, a log entry saying why, a usage row and a metrics count, with its key when the
// headers named a valid one, and never the key itself in the log.

#include "gatewayfixture.h"
#include "httptestclient.h"
#include "testlogs.h"

#include "metering/gatewaylog.h"
#include "proxy/gateway.h"
#include "store/database.h"
#include "store/keystore.h"
#include "store/usagestore.h"

#include <QFile>
#include <QTcpSocket>
#include <QTest>

#include <functional>

using namespace portico;

namespace {

constexpr qint64 kMaxBody = 1024;
constexpr int kMaxConnections = 3;

// What the server answered on a raw connection, read until it closes.
struct RawAnswer {
    int status = 0;
    QByteArray head;
    QByteArray body;
    QByteArray header(const QByteArray &name) const {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
};

// The gateway accepts connections on this thread's event loop: wait by running it, never with
// the blocking waitFor* calls.
bool waitUntil(const std::function<bool()> &done, int timeoutMs = 15000) {
    return QTest::qWaitFor(done, timeoutMs);
}

RawAnswer sendRaw(quint16 port, const QByteArray &bytes) {
    QTcpSocket socket;
    RawAnswer answer;
    QByteArray raw;
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { raw += socket.readAll(); });
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!waitUntil([&] { return socket.state() == QAbstractSocket::ConnectedState; }))
        return answer;
    socket.write(bytes);
    // Every refusal closes the connection after its answer.
    waitUntil([&] { return socket.state() == QAbstractSocket::UnconnectedState; });
    raw += socket.readAll();
    const qsizetype end = raw.indexOf("\r\n\r\n");
    if (end < 0)
        return answer;
    answer.head = raw.left(end);
    answer.body = raw.mid(end + 4);
    const QList<QByteArray> statusLine = answer.head.left(answer.head.indexOf('\r')).split(' ');
    answer.status = statusLine.size() >= 2 ? statusLine.at(1).toInt() : 0;
    return answer;
}

QByteArray readFile(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestRefusals : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void bodyTooLargeIsRecordedWithItsKey();
    void headersTooLargeIsRecorded();
    void malformedRequestIsRecordedWithoutTheKey();
    void connectionOverTheCapIsRecorded();
    void disabledAndExpiredKeysOwnTheirRefusals();

private:
    const metering::LogEntry *logEntryFor(const QByteArray &requestId);
    std::optional<store::UsageRecord> usageRowFor(const QByteArray &requestId);
    void verifyNoKeyLogged();

    test::GatewayFixture m_fixture;
    std::shared_ptr<metering::GatewayLog> m_log;
    std::unique_ptr<proxy::Gateway> m_gateway;
    QString m_logPath;
    QString m_key;
    QString m_keyUuid;
    QList<metering::LogEntry> m_entries;
};

void TestRefusals::initTestCase() {
    QString error;
    QVERIFY2(m_fixture.open("chat_models:\n  - model_id: demo\n    model: mock/echo\n"
                            "routes:\n  demo: { chat_models: [demo] }\n",
                            {QStringLiteral("demo")}, &error),
             qPrintable(error));
    m_key = m_fixture.createKey(QStringLiteral("refused key"), &m_keyUuid);
    QVERIFY(!m_key.isEmpty());

    m_logPath = m_fixture.dir.filePath(QStringLiteral("gateway.log"));
    m_log = std::make_shared<metering::GatewayLog>(1000);
    QVERIFY2(m_log->setJsonOutput(m_logPath, &error), qPrintable(error));
    connect(m_log.get(), &metering::GatewayLog::entryLogged, this,
            [this](const metering::LogEntry &entry) { m_entries.append(entry); });

    proxy::GatewayOptions options;
    options.maxBodyBytes = kMaxBody;
    options.maxConnections = kMaxConnections;
    options.log = m_log;
    m_gateway = m_fixture.startGateway(options, &error);
    QVERIFY2(m_gateway, qPrintable(error));
}

void TestRefusals::cleanupTestCase() {
    m_gateway.reset();
    // Every line the gateway wrote (the ring keeps 1000), for test_logscan after the suite.
    testsupport::saveTestLog(QStringLiteral("gateway.log"), readFile(m_logPath));
    verifyNoKeyLogged();
}

const metering::LogEntry *TestRefusals::logEntryFor(const QByteArray &requestId) {
    for (const metering::LogEntry &entry : std::as_const(m_entries)) {
        if (entry.requestId == QString::fromLatin1(requestId))
            return &entry;
    }
    return nullptr;
}

std::optional<store::UsageRecord> TestRefusals::usageRowFor(const QByteArray &requestId) {
    store::UsageStore usage(*m_fixture.database);
    const auto rows = usage.rows(store::UsageQuery{});
    if (!rows.ok())
        return std::nullopt;
    for (const store::UsageRecord &row : *rows) {
        if (row.requestId == QString::fromLatin1(requestId))
            return row;
    }
    return std::nullopt;
}

void TestRefusals::verifyNoKeyLogged() {
    const QByteArray text = readFile(m_logPath);
    QVERIFY(!text.isEmpty());
    QVERIFY2(!text.contains(m_key.toLatin1()), "the log file contains the API key");
    QVERIFY2(!text.contains(m_key.mid(4, 20).toLatin1()), "the log file contains part of a key");
    for (const metering::LogEntry &entry : m_log->entries())
        QVERIFY2(!entry.message.contains(m_key.mid(4, 20)), "a log entry contains part of a key");
}

void TestRefusals::bodyTooLargeIsRecordedWithItsKey() {
    // Refused from its Content-Length, before any of the body is read.
    const RawAnswer answer =
        sendRaw(m_gateway->port(),
                "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                "Authorization: Bearer " +
                    m_key.toLatin1() +
                    "\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n");
    QCOMPARE(answer.status, 413);
    QVERIFY(answer.body.contains("\"code\":\"request_too_large\""));
    // The client's mistake: OpenAI's clients raise their "bad request" class for this type.
    QVERIFY(answer.body.contains("\"type\":\"invalid_request_error\""));
    const QByteArray requestId = answer.header("x-request-id");
    QVERIFY2(!requestId.isEmpty(), answer.head.constData());

    QTRY_VERIFY_WITH_TIMEOUT(logEntryFor(requestId), 10000);
    const metering::LogEntry *entry = logEntryFor(requestId);
    QCOMPARE(entry->status, 413);
    QCOMPARE(entry->keyName, QStringLiteral("refused key"));
    QVERIFY2(entry->message.contains(QLatin1String("at most")), qPrintable(entry->message));

    QTRY_VERIFY_WITH_TIMEOUT(usageRowFor(requestId).has_value(), 10000);
    const store::UsageRecord row = *usageRowFor(requestId);
    QCOMPARE(row.status, 413);
    QCOMPARE(row.errorCode, QStringLiteral("request_too_large"));
    QCOMPARE(row.keyUuid, m_keyUuid);
    QCOMPARE(row.keyName, QStringLiteral("refused key"));

    const auto metrics = HttpTestClient::fetch(m_gateway->port(), "GET", "/metrics");
    QCOMPARE(metrics.status, 200);
    QVERIFY2(metrics.body.contains("portico_requests_total{route=\"\",key=\"refused key\","
                                   "status=\"413\"} 1"),
             metrics.body.constData());
}

void TestRefusals::headersTooLargeIsRecorded() {
    const QByteArray huge(64 * 1024, 'x');
    const RawAnswer answer =
        sendRaw(m_gateway->port(),
                "GET /v1/models HTTP/1.1\r\nHost: localhost\r\nX-Big: " + huge + "\r\n\r\n");
    QCOMPARE(answer.status, 431);
    const QByteArray requestId = answer.header("x-request-id");
    QVERIFY(!requestId.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(logEntryFor(requestId), 10000);
    QCOMPARE(logEntryFor(requestId)->status, 431);
    QVERIFY(logEntryFor(requestId)->keyName.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(usageRowFor(requestId).has_value(), 10000);
    QCOMPARE(usageRowFor(requestId)->status, 431);
    QVERIFY(usageRowFor(requestId)->keyUuid.isEmpty());
}

void TestRefusals::malformedRequestIsRecordedWithoutTheKey() {
    // The server's message quotes the bad header line, which here holds the key: the client gets
    // its own line back, the log must not keep it.
    const RawAnswer answer =
        sendRaw(m_gateway->port(), "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                                   "Authorization Bearer " +
                                       m_key.toLatin1() + "\r\n\r\n");
    QCOMPARE(answer.status, 400);
    const QByteArray requestId = answer.header("x-request-id");
    QVERIFY(!requestId.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(logEntryFor(requestId), 10000);
    const metering::LogEntry *entry = logEntryFor(requestId);
    QCOMPARE(entry->status, 400);
    QVERIFY2(entry->message.contains(QLatin1String("not shown")), "the key was not redacted");
    QVERIFY2(!entry->message.contains(m_key.mid(4, 20)), "the log entry holds the key");
    QTRY_VERIFY_WITH_TIMEOUT(usageRowFor(requestId).has_value(), 10000);
    QCOMPARE(usageRowFor(requestId)->status, 400);
}

void TestRefusals::connectionOverTheCapIsRecorded() {
    // Fill the cap with idle connections, then one more.
    std::vector<std::unique_ptr<QTcpSocket>> held;
    for (int i = 0; i < kMaxConnections; ++i) {
        held.push_back(std::make_unique<QTcpSocket>());
        QTcpSocket *socket = held.back().get();
        socket->connectToHost(QStringLiteral("127.0.0.1"), m_gateway->port());
        QVERIFY(waitUntil([&] { return socket->state() == QAbstractSocket::ConnectedState; }));
        // The server counts a connection once its worker adopted it: an answer proves that.
        socket->write("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QVERIFY(waitUntil([&] { return socket->bytesAvailable() > 0; }));
        socket->readAll();
    }
    const RawAnswer answer =
        sendRaw(m_gateway->port(), "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
    QCOMPARE(answer.status, 503);
    QCOMPARE(answer.header("retry-after"), QByteArray("1"));
    QVERIFY2(answer.body.contains("\"type\":\"server_error\""), answer.body.constData());
    const QByteArray requestId = answer.header("x-request-id");
    QVERIFY(!requestId.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(logEntryFor(requestId), 10000);
    QCOMPARE(logEntryFor(requestId)->status, 503);
    QVERIFY(logEntryFor(requestId)->message.contains(QLatin1String("open connections")));
    QTRY_VERIFY_WITH_TIMEOUT(usageRowFor(requestId).has_value(), 10000);
    QCOMPARE(usageRowFor(requestId)->errorCode, QStringLiteral("server_busy"));
    held.clear();
}

// A client still using a disabled or expired key shows up under that key, not as "(no key)".
void TestRefusals::disabledAndExpiredKeysOwnTheirRefusals() {
    store::KeyStore keys(*m_fixture.database, QStringLiteral("test"));
    auto disabled = keys.createKey(QStringLiteral("switched off"), {QStringLiteral("users")});
    QVERIFY(disabled.ok());
    QVERIFY(keys.setKeyState(QStringLiteral("switched off"), store::KeyState::Disabled).ok());
    auto expired = keys.createKey(QStringLiteral("run out"), {QStringLiteral("users")});
    QVERIFY(expired.ok());
    QVERIFY(
        keys.setKeyExpiry(QStringLiteral("run out"), QDateTime::currentDateTimeUtc().addSecs(-60))
            .ok());

    const QByteArray body = R"({"model":"demo","messages":[{"role":"user","content":"hi"}]})";
    const struct {
        QString key;
        QString uuid;
        QString name;
        QString code;
    } cases[] = {{disabled->key, disabled->record.uuid, QStringLiteral("switched off"),
                  QStringLiteral("api_key_disabled")},
                 {expired->key, expired->record.uuid, QStringLiteral("run out"),
                  QStringLiteral("api_key_expired")}};
    for (const auto &c : cases) {
        // The key store's own change signal reaches the gateway's cache; wait until it refuses.
        HttpTestClient::Response response;
        QTRY_VERIFY_WITH_TIMEOUT(
            (response = HttpTestClient::fetch(m_gateway->port(), "POST", "/v1/chat/completions",
                                              {{"Content-Type", "application/json"},
                                               {"Authorization", "Bearer " + c.key.toLatin1()}},
                                              body))
                    .status == 401,
            10000);
        const QByteArray requestId = response.header("x-request-id");
        QTRY_VERIFY_WITH_TIMEOUT(usageRowFor(requestId).has_value(), 10000);
        const store::UsageRecord row = *usageRowFor(requestId);
        QCOMPARE(row.errorCode, c.code);
        QCOMPARE(row.keyUuid, c.uuid);
        QCOMPARE(row.keyName, c.name);
        QTRY_VERIFY_WITH_TIMEOUT(logEntryFor(requestId), 10000);
        QCOMPARE(logEntryFor(requestId)->keyName, c.name);
    }
    // A refused request does not count as the key being used.
    const auto record = keys.key(QStringLiteral("switched off"));
    QVERIFY(record.ok());
    QVERIFY(!record->lastUsedAt.isValid());
}

QTEST_GUILESS_MAIN(TestRefusals)
#include "test_refusals.moc"
