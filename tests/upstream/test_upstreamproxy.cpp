// The proxy of the environment and NO_PROXY (issue 13, item 6): the gateway used to replace the
// user's NO_PROXY with its own loopback list. Real HTTP over loopback: a fake proxy (a listener
// here that records what reaches it) must be asked for an upstream host outside NO_PROXY, and
// must not be for a host in NO_PROXY nor for a loopback upstream.
#include "upstream/proxyenvironment.h"
#include "upstream/upstreamclient.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace portico::upstream;

namespace {

constexpr int kWaitMs = 30'000;
// Never resolvable (RFC 6761): reaching it directly fails, so only a proxy can answer for it.
const QByteArray kRemoteHost = "upstream.portico-test.invalid";

// A listener that answers every request with 200 "{}" and keeps the first line of each: as a
// proxy it sees "POST http://host/... HTTP/1.1", as a server "POST /... HTTP/1.1".
class Recorder : public QObject {
public:
    Recorder() {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                auto *buffer = new QByteArray;
                connect(socket, &QTcpSocket::disconnected, socket, [socket, buffer] {
                    delete buffer;
                    socket->deleteLater();
                });
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
                    const bool first = !buffer->contains("\r\n\r\n");
                    *buffer += socket->readAll();
                    if (first && buffer->contains("\r\n\r\n")) {
                        lines.append(buffer->left(buffer->indexOf("\r\n")));
                        socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                      "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
                        socket->disconnectFromHost();
                    }
                });
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QByteArray url() const {
        return "http://127.0.0.1:" + QByteArray::number(m_server.serverPort());
    }
    QList<QByteArray> lines;

private:
    QTcpServer m_server;
};

struct Outcome {
    bool finished = false;
    int status = 0;
    FailureKind failure = FailureKind::None;
};

Outcome call(UpstreamClient &client, const QByteArray &url) {
    UpstreamRequest request;
    request.url = url;
    request.body = "{\"model\":\"m\"}";
    request.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    request.connectTimeoutMs = 10'000;
    request.totalTimeoutMs = 20'000;
    QObject context;
    auto outcome = std::make_shared<Outcome>();
    UpstreamCall *upstreamCall = client.start(request, &context);
    QObject::connect(upstreamCall, &UpstreamCall::responseStarted, &context,
                     [outcome](int status, const auto &) { outcome->status = status; });
    QObject::connect(upstreamCall, &UpstreamCall::finished, &context,
                     [outcome](FailureKind failure, const QString &) {
                         outcome->failure = failure;
                         outcome->finished = true;
                     });
    (void)QTest::qWaitFor([&] { return outcome->finished; }, kWaitMs);
    return *outcome;
}

} // namespace

class TestUpstreamProxy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() {
        for (const char *name : {"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                                 "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"})
            qunsetenv(name);
    }
    void cleanup() { init(); }

    void noProxyListKeepsTheUsersHosts() {
        QCOMPARE(noProxyHosts(""), QByteArray(kLoopbackNoProxy));
        QCOMPARE(noProxyHosts(" models.corp.example , .internal,, 10.0.0.0/8 "),
                 QByteArray("models.corp.example,.internal,10.0.0.0/8,") +
                     QByteArray(kLoopbackNoProxy));
        QCOMPARE(noProxyHosts(" * "), QByteArray("*"));
    }

    void noProxyFromTheEnvironment() {
        QCOMPARE(noProxyHostsFromEnvironment(), QByteArray(kLoopbackNoProxy));
        qputenv("NO_PROXY", "upper.example");
        QCOMPARE(noProxyHostsFromEnvironment(),
                 QByteArray("upper.example,") + QByteArray(kLoopbackNoProxy));
        // libcurl's order: the lower-case name first.
        qputenv("no_proxy", "lower.example");
        QCOMPARE(noProxyHostsFromEnvironment(),
                 QByteArray("lower.example,") + QByteArray(kLoopbackNoProxy));
    }

    void proxyUsedOutsideNoProxy() {
        Recorder proxy;
        QVERIFY(proxy.listen());
        qputenv("http_proxy", proxy.url());
        qputenv("NO_PROXY", "elsewhere.example");
        UpstreamClient client;
        const Outcome outcome = call(client, "http://" + kRemoteHost + "/v1/chat/completions");
        QVERIFY(outcome.finished);
        QCOMPARE(outcome.status, 200);
        QCOMPARE(proxy.lines.size(), 1);
        QVERIFY2(proxy.lines.first().contains(
                     QByteArray("http://" + kRemoteHost + "/v1/chat/completions")),
                 proxy.lines.first().constData());
    }

    void noProxyHostReachedDirectly() {
        Recorder proxy;
        QVERIFY(proxy.listen());
        qputenv("http_proxy", proxy.url());
        qputenv("NO_PROXY", "other.example," + kRemoteHost);
        UpstreamClient client;
        const Outcome outcome = call(client, "http://" + kRemoteHost + "/v1/chat/completions");
        QVERIFY(outcome.finished);
        // Directly, the name does not resolve: the call fails without an answer...
        QVERIFY(outcome.failure != FailureKind::None);
        // ... and the proxy was never asked. (Before the fix the proxy answered 200.)
        QTest::qWait(200);
        QCOMPARE(proxy.lines.size(), 0);
    }

    void loopbackAlwaysDirect() {
        Recorder proxy;
        Recorder upstream;
        QVERIFY(proxy.listen());
        QVERIFY(upstream.listen());
        qputenv("http_proxy", proxy.url());
        qputenv("no_proxy", "only.example"); // the user's list does not name loopback
        UpstreamClient client;
        const Outcome outcome = call(client, upstream.url() + "/v1/chat/completions");
        QCOMPARE(outcome.status, 200);
        QCOMPARE(upstream.lines.size(), 1);
        QVERIFY(upstream.lines.first().startsWith("POST /v1/chat/completions "));
        QCOMPARE(proxy.lines.size(), 0);
    }
};

QTEST_MAIN(TestUpstreamProxy)
#include "test_upstreamproxy.moc"
