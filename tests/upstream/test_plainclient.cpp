// What only the plain HTTP client of http:// upstreams does (gateway/upstream/plainhttploop.h),
// against a scripted upstream on loopback that answers byte for byte as each test says.
#include "servingeventloop.h"
#include "upstream/upstreamclient.h"

#include <QCoreApplication>
#include <QFile>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <functional>

using namespace portico::upstream;

namespace {

constexpr int kWaitMs = 30'000;

// Answers each request of each connection with what `script` returns for (connection number,
// request number on it); an empty answer closes the connection instead.
class ScriptedUpstream : public QObject {
public:
    using Script = std::function<QByteArray(int connection, int request)>;
    explicit ScriptedUpstream(Script script)
        : m_script(std::move(script)) {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                const int connection = ++connections;
                auto buffer = std::make_shared<QByteArray>();
                auto served = std::make_shared<int>(0);
                QObject::connect(
                    socket, &QTcpSocket::readyRead, this,
                    [this, socket, connection, buffer, served] {
                        *buffer += socket->readAll();
                        // Requests without a body end with the blank line; with
                        // one, the test's bodies are small and come whole.
                        for (qsizetype end; (end = buffer->indexOf("\r\n\r\n")) >= 0;) {
                            const QByteArray head = buffer->left(end);
                            qsizetype length = 0;
                            const qsizetype at = head.toLower().indexOf("content-length: ");
                            if (at >= 0)
                                length = head.mid(at + 16).split('\r').first().toInt();
                            if (buffer->size() < end + 4 + length)
                                return;
                            heads.append(buffer->left(end));
                            buffer->remove(0, end + 4 + length);
                            ++requests;
                            const QByteArray answer = m_script(connection, ++*served);
                            if (answer.isEmpty()) {
                                socket->abort();
                                return;
                            }
                            socket->write(answer);
                        }
                    });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost); }
    QByteArray url() const {
        return "http://127.0.0.1:" + QByteArray::number(m_server.serverPort()) + "/v1/x";
    }
    quint16 port() const { return m_server.serverPort(); }
    int connections = 0;
    int requests = 0;
    QList<QByteArray> heads; // of every request, as received

private:
    QTcpServer m_server{this}; // a child: findChildren() reaches its connections
    Script m_script;
};

const QByteArray kOk = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
                       "\r\n{\"ok\":true}";

struct Outcome {
    bool finished = false;
    int status = 0;
    QByteArray body;
    FailureKind failure = FailureKind::None;
    QString message;
};

Outcome call(UpstreamClient &client, const QByteArray &url) {
    Outcome outcome;
    QObject context;
    UpstreamRequest request;
    request.url = url;
    request.body = R"({"model":"m"})";
    request.headers = {{"Content-Type", "application/json"}};
    UpstreamCall *running = client.start(request, &context);
    QObject::connect(running, &UpstreamCall::responseStarted, &context,
                     [&](int status, const auto &) { outcome.status = status; });
    QObject::connect(running, &UpstreamCall::dataReceived, &context,
                     [&](const QByteArray &data) { outcome.body += data; });
    QObject::connect(running, &UpstreamCall::finished, &context,
                     [&](FailureKind failure, const QString &message) {
                         outcome.finished = true;
                         outcome.failure = failure;
                         outcome.message = message;
                     });
    // An unfinished call shows as finished == false in the caller's checks.
    (void)QTest::qWaitFor([&] { return outcome.finished; }, kWaitMs);
    return outcome;
}

// Sockets of this process connected to `port` on 127.0.0.1 in TCP state `state` (as
// /proc/net/tcp writes it), from /proc/net/tcp.
int socketsTo(quint16 port, const QByteArray &state) {
    QFile table(QStringLiteral("/proc/net/tcp"));
    if (!table.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray remote = ":" + QByteArray::number(port, 16).toUpper().rightJustified(4, '0');
    int count = 0;
    for (const QByteArray &line : table.readAll().split('\n')) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        if (fields.size() > 3 && fields.at(2).endsWith(remote) && fields.at(3) == state)
            ++count;
    }
    return count;
}

// Closed by the peer, not yet by this side (CLOSE_WAIT).
int closeWaitSocketsTo(quint16 port) {
    return socketsTo(port, "08");
}

// Open both ways (ESTABLISHED).
int establishedSocketsTo(quint16 port) {
    return socketsTo(port, "01");
}

// One call to a scripted upstream of its own; `requests` says how many requests it received.
Outcome callOnce(ScriptedUpstream::Script script, int *requests = nullptr) {
    ScriptedUpstream upstream(std::move(script));
    if (!upstream.listen())
        return {};
    UpstreamClient client;
    const Outcome outcome = call(client, upstream.url());
    if (requests)
        *requests = upstream.requests;
    return outcome;
}

} // namespace

class TestPlainClient : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // A receiver set on the call gets the three reports as plain calls and no signal is emitted
    // (the gateway's way); with the receiver taken back (null), the signals come again.
    void receiverGetsTheReportsInsteadOfTheSignals() {
        struct Recorder final : UpstreamCall::Receiver {
            int status = 0;
            QByteArray body;
            bool finished = false;
            void upstreamResponseStarted(int answered,
                                         const QList<QPair<QByteArray, QByteArray>> &) override {
                status = answered;
            }
            void upstreamDataReceived(const QByteArray &data) override { body += data; }
            void upstreamFinished(FailureKind, const QString &) override { finished = true; }
        };
        ScriptedUpstream upstream([](int, int) { return kOk; });
        QVERIFY(upstream.listen());
        UpstreamClient client;
        for (const bool withReceiver : {true, false}) {
            QObject context;
            UpstreamRequest request;
            request.url = upstream.url();
            UpstreamCall *running = client.start(request, &context);
            Recorder recorder;
            running->setReceiver(&recorder);
            if (!withReceiver)
                running->setReceiver(nullptr);
            int emitted = 0;
            bool signalledEnd = false;
            QObject::connect(running, &UpstreamCall::responseStarted, &context,
                             [&](int, const auto &) { ++emitted; });
            QObject::connect(running, &UpstreamCall::dataReceived, &context,
                             [&](const QByteArray &) { ++emitted; });
            QObject::connect(running, &UpstreamCall::finished, &context,
                             [&](FailureKind, const QString &) {
                                 ++emitted;
                                 signalledEnd = true;
                             });
            QVERIFY(QTest::qWaitFor([&] { return recorder.finished || signalledEnd; }, kWaitMs));
            if (withReceiver) {
                QCOMPARE(recorder.status, 200);
                QCOMPARE(recorder.body, QByteArray(R"({"ok":true})"));
                QCOMPARE(emitted, 0);
            } else {
                QVERIFY(!recorder.finished && recorder.status == 0);
                QCOMPARE(emitted, 3);
            }
        }
    }

    void keptAliveConnectionIsReused() {
        ScriptedUpstream upstream([](int, int) { return kOk; });
        QVERIFY(upstream.listen());
        UpstreamClient client;
        for (int i = 0; i < 5; ++i) {
            const Outcome outcome = call(client, upstream.url());
            QCOMPARE(outcome.failure, FailureKind::None);
            QCOMPARE(outcome.status, 200);
            QCOMPARE(outcome.body, QByteArray(R"({"ok":true})"));
        }
        QCOMPARE(upstream.requests, 5);
        QCOMPARE(upstream.connections, 1);
    }

    // The upstream drops a kept-alive connection just as the next request reaches it (an idle
    // timeout racing the request): nothing was answered, so the request goes again, once, on a
    // new connection, and the caller never sees the race.
    void staleKeptAliveConnectionIsRetriedOnce() {
        ScriptedUpstream upstream([](int connection, int request) {
            return connection == 1 && request == 2 ? QByteArray() : kOk;
        });
        QVERIFY(upstream.listen());
        UpstreamClient client;
        QCOMPARE(call(client, upstream.url()).status, 200);
        const Outcome second = call(client, upstream.url());
        QCOMPARE(second.failure, FailureKind::None);
        QCOMPARE(second.status, 200);
        QCOMPARE(upstream.connections, 2);
        QCOMPARE(upstream.requests, 3);
    }

    // One the upstream closes is closed here too, and the next call opens a new one. On Qt's
    // own event loop idle connections are not watched (each watched one costs every pass of
    // it), so the periodic sweep of the pool finds it closed; on the gateway workers' epoll loop
    // (test_plainclient_epoll) it is watched, closed as soon as the close arrives, and the sweep
    // does not look: there only the watch can close it within the test's wait (the sweep
    // otherwise closes a connection after 50 s idle).
    void idleConnectionClosedByTheUpstreamIsSwept() {
        ScriptedUpstream upstream([](int, int) { return kOk; });
        QVERIFY(upstream.listen());
        UpstreamClient client;
        QCOMPARE(call(client, upstream.url()).status, 200);
        const QList<QTcpSocket *> served = upstream.findChildren<QTcpSocket *>();
        QCOMPARE(served.size(), 1);
        served.first()->disconnectFromHost();
        QTRY_COMPARE_WITH_TIMEOUT(closeWaitSocketsTo(upstream.port()), 1, kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(closeWaitSocketsTo(upstream.port()), 0, kWaitMs);
        const Outcome second = call(client, upstream.url());
        QCOMPARE(second.failure, FailureKind::None);
        QCOMPARE(second.status, 200);
        QCOMPARE(upstream.connections, 2);
        QCOMPARE(upstream.requests, 2); // no request was sent on the closed connection
    }

    // A burst of concurrent calls leaves a connection each in the pool. The sweep closes those
    // beyond the 64 a thread keeps that were not reused for a whole interval, so that a gateway
    // does not carry a past burst's connections for the next 50 s; the kept ones still serve.
    void connectionsOfABurstBeyondTheKeptOnesAreClosed() {
        ScriptedUpstream upstream([](int, int) { return kOk; });
        QVERIFY(upstream.listen());
        UpstreamClient client;
        constexpr int kBurst = 80;
        QObject context;
        int finished = 0;
        int answered = 0;
        UpstreamRequest request;
        request.url = upstream.url();
        request.body = R"({"model":"m"})";
        request.headers = {{"Content-Type", "application/json"}};
        // All started before the event loop runs: none finds an idle connection to reuse.
        for (int i = 0; i < kBurst; ++i) {
            UpstreamCall *running = client.start(request, &context);
            QObject::connect(running, &UpstreamCall::responseStarted, &context,
                             [&](int status, const auto &) { answered += status == 200; });
            QObject::connect(running, &UpstreamCall::finished, &context,
                             [&](FailureKind, const QString &) { ++finished; });
        }
        QTRY_COMPARE_WITH_TIMEOUT(finished, kBurst, kWaitMs);
        QCOMPARE(answered, kBurst);
        QCOMPARE(upstream.connections, kBurst);
        QCOMPARE(establishedSocketsTo(upstream.port()), kBurst);
        // Within two sweep intervals (5 s each) the pool is down to the kept ones.
        QTRY_COMPARE_WITH_TIMEOUT(establishedSocketsTo(upstream.port()), 64, kWaitMs);
        QCOMPARE(closeWaitSocketsTo(upstream.port()), 0);
        const Outcome next = call(client, upstream.url());
        QCOMPARE(next.status, 200);
        QCOMPARE(upstream.connections, kBurst); // a kept connection served it
    }

    // On a new connection the same close is the upstream's failure: no retry here (the
    // exchange decides about retries and fallbacks).
    void closeOnANewConnectionIsNotRetried() {
        int requests = 0;
        const Outcome outcome = callOnce([](int, int) { return QByteArray(); }, &requests);
        QCOMPARE(outcome.failure, FailureKind::Connect);
        QVERIFY2(outcome.message.contains(QStringLiteral("without answering")),
                 qPrintable(outcome.message));
        QCOMPARE(requests, 1);
    }

    void unreadableAnswerFailsTheCall() {
        const Outcome outcome =
            callOnce([](int, int) { return QByteArray("SSH-2.0-OpenSSH_9\r\n\r\n"); });
        QCOMPARE(outcome.failure, FailureKind::Connect);
        QVERIFY2(outcome.message.contains(QStringLiteral("cannot be read")),
                 qPrintable(outcome.message));
        QVERIFY2(outcome.message.contains(QStringLiteral("127.0.0.1:")),
                 qPrintable(outcome.message));
    }

    // A chunked answer whose framing breaks after its head: the call fails mid-answer.
    void brokenChunkFailsMidAnswer() {
        const Outcome outcome = callOnce([](int, int) {
            return QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              "3\r\nabc\r\nzz\r\n");
        });
        QCOMPARE(outcome.failure, FailureKind::Other);
        QCOMPARE(outcome.status, 200);
        QCOMPARE(outcome.body, QByteArray("abc"));
    }

    // The switch the README names: PORTICO_UPSTREAM_CLIENT=curl sends a loopback call through
    // libcurl, which adds its default "Accept: */*"; the plain client sends only the headers it
    // is given. So the two requests tell which client made them.
    void curlOnlySwitch() {
        ScriptedUpstream upstream([](int, int) { return kOk; });
        QVERIFY(upstream.listen());
        {
            UpstreamClient plain;
            QCOMPARE(call(plain, upstream.url()).status, 200);
        }
        qputenv("PORTICO_UPSTREAM_CLIENT", "curl");
        {
            UpstreamClient curl;
            QCOMPARE(call(curl, upstream.url()).status, 200);
        }
        qunsetenv("PORTICO_UPSTREAM_CLIENT");
        QCOMPARE(upstream.heads.size(), 2);
        QVERIFY2(!upstream.heads.at(0).contains("Accept:"), upstream.heads.at(0).constData());
        QVERIFY2(upstream.heads.at(1).contains("Accept: */*"), upstream.heads.at(1).constData());
    }

    // An answer that ends with the connection (no length, no chunks) is whole at the close, and
    // that connection is not used again.
    void answerUntilCloseIsWhole() {
        ScriptedUpstream upstream(
            [](int, int) { return QByteArray("HTTP/1.0 200 OK\r\n\r\nall of it"); });
        QVERIFY(upstream.listen());
        // The scripted upstream does not close by itself: close after answering.
        UpstreamClient client;
        QObject closer;
        QTimer::singleShot(200, &closer, [&] {
            for (QTcpSocket *socket : upstream.findChildren<QTcpSocket *>())
                socket->disconnectFromHost();
        });
        const Outcome outcome = call(client, upstream.url());
        QCOMPARE(outcome.failure, FailureKind::None);
        QCOMPARE(outcome.body, QByteArray("all of it"));
    }
};

// PORTICO_TEST_EVENT_LOOP=epoll (test_plainclient_epoll): the whole test on the event loop of
// the gateway's workers (gateway/eventloop/epolldispatcher.h), where idle connections stay
// watched; otherwise on Qt's own.
int main(int argc, char **argv) {
    if (qEnvironmentVariable("PORTICO_TEST_EVENT_LOOP") == QLatin1String("epoll") &&
        !portico::testsupport::useServingEventLoop())
        return 1;
    QCoreApplication app(argc, argv);
    TestPlainClient test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_plainclient.moc"
