// Portico's HTTP/1.1 server, driven over real loopback TCP with raw requests, so that framing,
// ordering and connection handling are checked byte for byte.
#include "http/httpserver.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QPointer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

using namespace portico::http;

namespace {

// Waits while the event loop runs (the server's listener lives in this thread).
bool waitUntil(const std::function<bool()> &condition, int timeoutMs = 30'000) {
    return QTest::qWaitFor(condition, timeoutMs);
}

struct Response {
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QList<QByteArray> chunks;
    bool chunked = false;

    QByteArray header(QByteArrayView name) const {
        for (const auto &[headerName, value] : headers) {
            if (headerName.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    bool hasHeader(QByteArrayView name) const {
        for (const auto &header : headers) {
            if (header.first.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        }
        return false;
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString errorCode() const {
        return json()
            .value(QStringLiteral("error"))
            .toObject()
            .value(QStringLiteral("code"))
            .toString();
    }
    QString errorMessage() const {
        return json()
            .value(QStringLiteral("error"))
            .toObject()
            .value(QStringLiteral("message"))
            .toString();
    }
};

// Takes one complete response from the front of `buffer`. `closed`: the server has closed, so a
// body without a length ends here. `headRequest`: the answer to HEAD has no body.
bool takeResponse(QByteArray &buffer, Response *out, bool closed, bool headRequest = false) {
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    Response response;
    const QList<QByteArray> lines = buffer.left(headEnd).split('\n');
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    if (statusLine.size() < 2 || !statusLine[0].startsWith("HTTP/1."))
        return false;
    response.status = statusLine[1].toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        response.headers.append(
            {lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed()});
    }
    qsizetype pos = headEnd + 4;
    const bool bodyless =
        headRequest || response.status < 200 || response.status == 204 || response.status == 304;
    if (bodyless) {
        // Nothing follows the head.
    } else if (response.header("Transfer-Encoding").toLower() == "chunked") {
        response.chunked = true;
        while (true) {
            const qsizetype lineEnd = buffer.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return false;
            bool ok = false;
            const qsizetype size = buffer.mid(pos, lineEnd - pos).toLongLong(&ok, 16);
            if (!ok)
                return false;
            if (size == 0) {
                if (buffer.size() < lineEnd + 4)
                    return false;
                pos = lineEnd + 4;
                break;
            }
            if (buffer.size() < lineEnd + 2 + size + 2)
                return false;
            const QByteArray chunk = buffer.mid(lineEnd + 2, size);
            response.chunks.append(chunk);
            response.body += chunk;
            pos = lineEnd + 2 + size + 2;
        }
    } else if (response.hasHeader("Content-Length")) {
        const qsizetype length = response.header("Content-Length").toLongLong();
        if (buffer.size() < pos + length)
            return false;
        response.body = buffer.mid(pos, length);
        pos += length;
    } else {
        if (!closed)
            return false;
        response.body = buffer.mid(pos);
        pos = buffer.size();
    }
    buffer.remove(0, pos);
    *out = response;
    return true;
}

// A raw HTTP client on one TCP connection.
class Client {
public:
    explicit Client(quint16 port, qint64 readBufferSize = 0) {
        socket.setReadBufferSize(readBufferSize);
        socket.connectToHost(QHostAddress::LocalHost, port);
    }
    bool waitConnected() {
        return waitUntil([this] {
                   return socket.state() == QAbstractSocket::ConnectedState ||
                          socket.state() == QAbstractSocket::UnconnectedState;
               }) &&
               socket.state() == QAbstractSocket::ConnectedState;
    }
    void send(const QByteArray &data) {
        waitConnected();
        socket.write(data);
        socket.flush();
    }
    void pull() {
        if (socket.isOpen())
            buffer += socket.readAll();
    }
    bool isClosed() const { return socket.state() == QAbstractSocket::UnconnectedState; }
    bool read(Response *response, bool headRequest = false, int timeoutMs = 30'000) {
        return waitUntil(
            [&] {
                pull();
                return takeResponse(buffer, response, isClosed(), headRequest);
            },
            timeoutMs);
    }
    Response get(const QByteArray &path) {
        send("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
        Response response;
        read(&response);
        return response;
    }
    bool waitClosed(int timeoutMs = 30'000) {
        return waitUntil(
            [this] {
                pull();
                return isClosed();
            },
            timeoutMs);
    }

    QTcpSocket socket;
    QByteArray buffer;
};

// What the handlers of the tests record; they run in the server's worker threads.
struct Observed {
    std::atomic<int> handled{0};
    std::atomic<int> inFlight{0};
    std::atomic<int> maxInFlight{0};
    std::atomic<int> disconnectedSignals{0};
    std::atomic<int> listenerDisconnects{0}; // ResponderListener: the same reports as calls
    std::atomic<int> listenerDrains{0};
    std::atomic<bool> responderBecameNull{false};
    std::atomic<bool> lateHandlerRan{false};
    std::atomic<bool> releaseStream{false};
    std::atomic<bool> lastChunkWritten{false};
    std::atomic<qint64> streamedBytes{0};
    std::atomic<qint64> maxPendingBytes{0};
    QMutex mutex;
    QList<QByteArray> finishOrder;
    QList<QThread *> handlerThreads;
};

Observed *observed = nullptr;

QByteArray echoJson(const Request &request) {
    QJsonArray headers;
    for (const auto &[name, value] : request.headers)
        headers.append(QString::fromLatin1(name + ": " + value));
    QJsonObject object{
        {QStringLiteral("headers"), headers},
        {QStringLiteral("method"), QString::fromLatin1(request.method)},
        {QStringLiteral("target"), QString::fromLatin1(request.target)},
        {QStringLiteral("path"), QString::fromLatin1(request.path)},
        {QStringLiteral("query"), QString::fromLatin1(request.query)},
        {QStringLiteral("body"), QString::fromLatin1(request.body)},
        {QStringLiteral("x-test"), QString::fromLatin1(request.header("x-TEST"))},
        {QStringLiteral("keepAlive"), request.keepAlive},
        {QStringLiteral("peerIsLoopback"), request.peerAddress.isLoopback()},
    };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void finishAfter(Responder *responder, const QByteArray &name, int delayMs) {
    QTimer::singleShot(delayMs, responder, [responder, name] {
        {
            QMutexLocker locker(&observed->mutex);
            observed->finishOrder.append(name);
        }
        observed->inFlight.fetch_sub(1);
        responder->send(200, "text/plain", name);
    });
}

void startProgressiveStream(Responder *responder) {
    responder->beginChunked(200, "text/plain");
    responder->writeChunk("first");
    auto *poll = new QTimer(responder);
    QObject::connect(poll, &QTimer::timeout, responder, [responder, poll] {
        if (!observed->releaseStream.load())
            return;
        poll->stop();
        responder->writeChunk("second");
        responder->writeChunk("third");
        observed->lastChunkWritten = true;
        responder->endChunked();
    });
    poll->start(5);
}

// Counts a responder's reports as a ResponderListener; deleted with the responder, which never
// reports while being deleted.
class CountingListener : public QObject, public ResponderListener {
public:
    explicit CountingListener(Responder *responder)
        : QObject(responder) {
        responder->setListener(this);
    }
    void responderDisconnected() override { observed->listenerDisconnects.fetch_add(1); }
    void responderDrained() override { observed->listenerDrains.fetch_add(1); }
};

void startEndlessStream(Responder *responder) {
    new CountingListener(responder);
    responder->beginChunked(200, "text/event-stream");
    QObject::connect(responder, &Responder::disconnected, responder, [responder] {
        observed->disconnectedSignals.fetch_add(1);
        // Writing to a responder whose client is gone is dropped silently.
        responder->writeChunk("data: after\n\n");
        responder->endChunked();
    });
    QPointer<Responder> guarded(responder);
    auto *ticker = new QTimer; // not owned by the responder: it must see the pointer go null
    QObject::connect(ticker, &QTimer::timeout, ticker, [guarded, ticker] {
        if (!guarded) {
            observed->responderBecameNull = true;
            ticker->deleteLater();
            return;
        }
        guarded->writeChunk("data: tick\n\n");
    });
    // If the server stops first, the worker thread ends before the ticker sees the null pointer.
    QObject::connect(QThread::currentThread(), &QThread::finished, ticker, &QObject::deleteLater);
    ticker->start(10);
}

void startBulkStream(Responder *responder, qint64 total, qint64 highWater) {
    new CountingListener(responder);
    responder->beginChunked(200, "application/octet-stream");
    const QByteArray block(64 * 1024, 'z');
    auto pump = std::make_shared<std::function<void()>>();
    *pump = [responder, block, total, highWater] {
        while (observed->streamedBytes.load() < total && responder->pendingBytes() < highWater) {
            responder->writeChunk(block);
            observed->streamedBytes.fetch_add(block.size());
            const qint64 pending = responder->pendingBytes();
            if (pending > observed->maxPendingBytes.load())
                observed->maxPendingBytes = pending;
        }
        if (observed->streamedBytes.load() >= total)
            responder->endChunked();
    };
    QObject::connect(responder, &Responder::drained, responder, [pump] { (*pump)(); });
    (*pump)();
}

constexpr qint64 bulkTotal = 50 * 1024 * 1024;
constexpr qint64 bigAnswerBytes = 64 * 1024;

// A head check that wants an "Authorization" header and refuses the rest with 401.
bool requireAuthorization(const Request &head, const std::function<Responder *()> &refuse) {
    if (!head.header("authorization").isEmpty())
        return true;
    refuse()->send(401, "application/json", R"({"error":{"code":"missing_api_key"}})");
    return false;
}

void testHandler(const Request &request, Responder *responder) {
    observed->handled.fetch_add(1);
    {
        QMutexLocker locker(&observed->mutex);
        observed->handlerThreads.append(QThread::currentThread());
    }
    const int inFlight = observed->inFlight.fetch_add(1) + 1;
    int seen = observed->maxInFlight.load();
    while (inFlight > seen && !observed->maxInFlight.compare_exchange_weak(seen, inFlight)) {
    }
    const QByteArray &path = request.path;
    if (path == "/a") {
        finishAfter(responder, "a", 600);
    } else if (path == "/b") {
        finishAfter(responder, "b", 300);
    } else if (path == "/c") {
        finishAfter(responder, "c", 0);
    } else if (path.startsWith("/seq")) {
        finishAfter(responder, path, 20);
    } else if (path == "/slow") {
        finishAfter(responder, "slow", 100);
    } else if (path == "/big") {
        observed->inFlight.fetch_sub(1);
        responder->send(200, "application/octet-stream", QByteArray(bigAnswerBytes, 'b'));
    } else if (path == "/nocontent") {
        observed->inFlight.fetch_sub(1);
        responder->send(204, "application/json", "must not be sent");
    } else if (path == "/progressive") {
        startProgressiveStream(responder);
    } else if (path == "/endless") {
        startEndlessStream(responder);
    } else if (path == "/bulk") {
        startBulkStream(responder, bulkTotal, Limits{}.highWaterBytes);
    } else if (path == "/late") {
        QPointer<Responder> guarded(responder);
        QTimer::singleShot(200, [guarded] {
            if (guarded)
                guarded->send(200, "text/plain", "late");
            observed->responderBecameNull = guarded.isNull();
            observed->lateHandlerRan = true;
        });
    } else {
        observed->inFlight.fetch_sub(1);
        responder->send(200, "application/json", echoJson(request), {{"X-Handled-By", "test"}});
    }
}

QByteArray getRequest(const QByteArray &path, const QByteArray &extra = {}) {
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\n" + extra + "\r\n";
}

} // namespace

class TestHttpServer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() {
        delete observed;
        observed = new Observed;
    }
    void cleanupTestCase() {
        delete observed;
        observed = nullptr;
    }

    void getAndPost() {
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QVERIFY(server.isListening());
        QCOMPARE(server.address(), QHostAddress(QHostAddress::LocalHost));
        QVERIFY(server.port() != 0);

        Client client(server.port());
        QVERIFY(client.waitConnected());
        Response response = client.get("/echo/path?x=1&y=2");
        QCOMPARE(response.status, 200);
        QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(response.header("X-Handled-By"), QByteArray("test"));
        QVERIFY(!response.header("Date").isEmpty());
        QJsonObject echo = response.json();
        QCOMPARE(echo.value(QStringLiteral("method")).toString(), QStringLiteral("GET"));
        QCOMPARE(echo.value(QStringLiteral("path")).toString(), QStringLiteral("/echo/path"));
        QCOMPARE(echo.value(QStringLiteral("query")).toString(), QStringLiteral("x=1&y=2"));
        QCOMPARE(echo.value(QStringLiteral("target")).toString(),
                 QStringLiteral("/echo/path?x=1&y=2"));
        QVERIFY(echo.value(QStringLiteral("peerIsLoopback")).toBool());

        client.send("POST /v1/chat/completions HTTP/1.1\r\nHost: test\r\nContent-Type: "
                    "application/json\r\nContent-Length: 13\r\n\r\n{\"model\":\"x\"}");
        QVERIFY(client.read(&response));
        QCOMPARE(response.status, 200);
        echo = response.json();
        QCOMPARE(echo.value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
        QCOMPARE(echo.value(QStringLiteral("body")).toString(),
                 QStringLiteral("{\"model\":\"x\"}"));

        // The handler runs in a worker thread, not in the listening thread.
        QMutexLocker locker(&observed->mutex);
        QVERIFY(!observed->handlerThreads.isEmpty());
        for (QThread *thread : std::as_const(observed->handlerThreads))
            QVERIFY(thread != QThread::currentThread());
    }

    void headerIsCaseInsensitive() {
        Request request;
        request.headers = {
            {"Content-Type", "application/json"}, {"X-Twice", "first"}, {"x-twice", "second"}};
        QCOMPARE(request.header("content-type"), QByteArray("application/json"));
        QCOMPARE(request.header("CONTENT-TYPE"), QByteArray("application/json"));
        QCOMPARE(request.header("X-TWICE"), QByteArray("first"));
        QVERIFY(request.header("Authorization").isEmpty());

        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        client.send(getRequest("/echo", "x-tEsT: mixed case\r\n"));
        Response response;
        QVERIFY(client.read(&response));
        QCOMPARE(response.json().value(QStringLiteral("x-test")).toString(),
                 QStringLiteral("mixed case"));

        // Names and values reach the handler as sent, whether or not the parser knows their
        // spelling (common ones are not copied: RequestParser's copyOrKnown).
        client.send(getRequest("/echo", "HOST: a\r\nhost: b\r\ncontent-TYPE: Application/JSON\r\n"
                                        "Accept:*/*\r\nuser-agent:  keep-alive \r\n"
                                        "Content-Typ: application/jso\r\n"));
        QVERIFY(client.read(&response));
        const QJsonArray echoed = response.json().value(QStringLiteral("headers")).toArray();
        QCOMPARE(
            echoed,
            (QJsonArray{QStringLiteral("Host: test"), QStringLiteral("HOST: a"),
                        QStringLiteral("host: b"), QStringLiteral("content-TYPE: Application/JSON"),
                        QStringLiteral("Accept: */*"), QStringLiteral("user-agent: keep-alive"),
                        QStringLiteral("Content-Typ: application/jso")}));
    }

    void keepAliveServesSeveralRequests() {
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        for (int i = 0; i < 3; ++i) {
            const Response response = client.get("/echo");
            QCOMPARE(response.status, 200);
            QVERIFY(!response.hasHeader("Connection"));
            QVERIFY(response.json().value(QStringLiteral("keepAlive")).toBool());
        }
        QVERIFY(!client.isClosed());
        QCOMPARE(observed->handled.load(), 3);
        QCOMPARE(server.openConnections(), 1);
    }

    void connectionCloseIsHonoured_data() {
        QTest::addColumn<QByteArray>("header");
        QTest::newRow("as usual") << QByteArray("Connection: close\r\n");
        QTest::newRow("any case") << QByteArray("CONNECTION: Close\r\n");
        QTest::newRow("in a list") << QByteArray("Connection: keep-alive , CLOSE\r\n");
    }

    void connectionCloseIsHonoured() {
        QFETCH(QByteArray, header);
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        // A second request after the closing one is never answered.
        client.send(getRequest("/echo", header) + getRequest("/echo"));
        Response response;
        QVERIFY(client.read(&response));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.header("Connection"), QByteArray("close"));
        QVERIFY(!response.json().value(QStringLiteral("keepAlive")).toBool());
        QVERIFY(client.waitClosed());
        QVERIFY(client.buffer.isEmpty());
        QCOMPARE(observed->handled.load(), 1);
        QVERIFY(waitUntil([&] { return server.openConnections() == 0; }));
    }

    void http10() {
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));

        Client plain(server.port());
        plain.send("GET /echo HTTP/1.0\r\n\r\n");
        Response response;
        QVERIFY(plain.read(&response));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.header("Connection"), QByteArray("close"));
        QVERIFY(plain.waitClosed());

        Client keepAlive(server.port());
        for (int i = 0; i < 2; ++i) {
            keepAlive.send("GET /echo HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
            QVERIFY(keepAlive.read(&response));
            QCOMPARE(response.status, 200);
            QCOMPARE(response.header("Connection"), QByteArray("keep-alive"));
        }
        QVERIFY(!keepAlive.isClosed());

        // HTTP/1.0 has no chunked coding: a stream is sent as is and ends with the close.
        observed->releaseStream = true;
        Client streaming(server.port());
        streaming.send("GET /progressive HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        QVERIFY(streaming.waitClosed());
        QVERIFY(takeResponse(streaming.buffer, &response, true));
        QCOMPARE(response.status, 200);
        QVERIFY(!response.hasHeader("Transfer-Encoding"));
        QCOMPARE(response.header("Connection"), QByteArray("close"));
        QCOMPARE(response.body, QByteArray("firstsecondthird"));
    }

    void handlerCanAskToClose() {
        Server server([](const Request &, Responder *responder) {
            responder->send(200, "text/plain", "bye", {{"Connection", "close"}});
        });
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        const Response response = client.get("/");
        QCOMPARE(response.status, 200);
        QCOMPARE(response.header("Connection"), QByteArray("close"));
        QVERIFY(client.waitClosed());
    }

    void pipelinedAnswersKeepRequestOrder() {
        // Three at once (the default handles one request of a connection at a time).
        Limits limits;
        limits.maxRequestsInProgress = 3;
        Server server(testHandler, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        // /a finishes last and /c first, but the answers must leave in request order.
        client.send(getRequest("/a") + getRequest("/b") + getRequest("/c"));
        QList<QByteArray> bodies;
        for (int i = 0; i < 3; ++i) {
            Response response;
            QVERIFY(client.read(&response));
            QCOMPARE(response.status, 200);
            bodies.append(response.body);
        }
        QCOMPARE(bodies, (QList<QByteArray>{"a", "b", "c"}));
        QMutexLocker locker(&observed->mutex);
        QCOMPARE(observed->finishOrder, (QList<QByteArray>{"c", "b", "a"}));
    }

    void pipelinedRequestsRunOneAtATime() {
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        QByteArray requests;
        for (int i = 0; i < 8; ++i)
            requests += getRequest("/seq" + QByteArray::number(i));
        client.send(requests);
        for (int i = 0; i < 8; ++i) {
            Response response;
            QVERIFY(client.read(&response));
            QCOMPARE(response.body, "/seq" + QByteArray::number(i));
        }
        // By default a connection's requests are handled one at a time.
        QVERIFY2(observed->maxInFlight.load() == 1,
                 qPrintable(QString::number(observed->maxInFlight.load())));
    }

    void unreadAnswersStopTheReadingAndTimeOut() {
        Limits limits;
        limits.writeTimeoutMs = 1000;
        Server server(testHandler, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        // The client's own buffer is bounded and never emptied: it reads nothing.
        Client client(server.port(), 64 * 1024);
        constexpr int requests = 2000; // 128 MB of answers if all were answered
        QByteArray pipelined;
        for (int i = 0; i < requests; ++i)
            pipelined += getRequest("/big");
        client.send(pipelined);
        // The answers it does not take cannot all pile up: the reading stops past the high-water
        // mark, and a connection that takes nothing within the write timeout is closed.
        QVERIFY(waitUntil([&] { return observed->handled.load() > 0; }));
        QVERIFY(waitUntil([&] { return server.openConnections() == 0; }));
        const int handled = observed->handled.load();
        // Kernel buffers on both sides (a few MB on loopback) and one high-water mark of
        // answers: far fewer than all of them.
        QVERIFY2(handled < requests / 4, qPrintable(QString::number(handled)));
    }

    void pipelinedAnswersAllArriveOnceRead() {
        Limits limits;
        limits.writeTimeoutMs = 1000;
        Server server(testHandler, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port(), 64 * 1024);
        constexpr int requests = 200; // 12.5 MB of answers
        QByteArray pipelined;
        for (int i = 0; i < requests; ++i)
            pipelined += getRequest("/big");
        client.send(pipelined);
        // Reading all of them, whatever the pace, is never cut off.
        for (int i = 0; i < requests; ++i) {
            Response response;
            QVERIFY2(client.read(&response), qPrintable(QString::number(i)));
            QCOMPARE(response.status, 200);
            QCOMPARE(response.body.size(), bigAnswerBytes);
        }
        QCOMPARE(observed->handled.load(), requests);
    }

    void headCheckRefusesBeforeTheBody() {
        Server server(testHandler);
        server.setHeadCheck(requireAuthorization);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        // Only the head is sent: the refusal must come without the body, and without a
        // "100 Continue" inviting it.
        Client refused(server.port());
        refused.send("POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\n"
                     "Content-Length: " +
                     QByteArray::number(5 * 1024 * 1024) + "\r\n\r\n");
        Response response;
        QVERIFY(refused.read(&response));
        QCOMPARE(response.status, 401);
        QCOMPARE(response.header("Connection"), QByteArray("close"));
        QVERIFY(refused.waitClosed());
        QCOMPARE(observed->handled.load(), 0);

        // The same without Expect: answered before the body is sent.
        Client plain(server.port());
        plain.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n");
        QVERIFY(plain.read(&response));
        QCOMPARE(response.status, 401);
        QVERIFY(plain.waitClosed());

        // An admitted request gets its "100 Continue", then its body is read and handled.
        Client admitted(server.port());
        admitted.send("POST /echo HTTP/1.1\r\nHost: test\r\nAuthorization: yes\r\n"
                      "Expect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        QVERIFY(admitted.read(&response));
        QCOMPARE(response.status, 100);
        admitted.send("hello");
        QVERIFY(admitted.read(&response));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json().value(QStringLiteral("body")).toString(), QStringLiteral("hello"));
        QCOMPARE(observed->handled.load(), 1);
    }

    void bodyTimeoutCoversTheWholeBody() {
        Limits limits;
        limits.bodyTimeoutMs = 500;
        Server server(testHandler, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 100\r\n\r\n");
        // Dripping body bytes must not extend the deadline.
        for (int i = 0; i < 50 && !client.isClosed() && client.socket.bytesAvailable() == 0; ++i) {
            // The drip is the point: time passes between the bytes, past the deadline.
            QTest::qWait(100);
            client.send("x");
        }
        Response response;
        QVERIFY(client.read(&response, false, 10'000));
        QCOMPARE(response.status, 408);
        QCOMPARE(response.errorCode(), QStringLiteral("request_timeout"));
        QVERIFY(client.waitClosed());
        QCOMPARE(observed->handled.load(), 0);
    }

    void tooLargeBodyIsRefusedBeforeItIsSent() {
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        // Only the head is sent: the answer must not wait for the 12 MB.
        client.send("POST /v1/chat/completions HTTP/1.1\r\nHost: test\r\nContent-Length: " +
                    QByteArray::number(12 * 1024 * 1024) + "\r\n\r\n");
        Response response;
        QVERIFY(client.read(&response));
        QCOMPARE(response.status, 413);
        QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(response.header("Connection"), QByteArray("close"));
        QCOMPARE(response.errorCode(), QStringLiteral("request_too_large"));
        QCOMPARE(response.errorMessage(),
                 QStringLiteral("Request body is 12 MB; the gateway accepts at most 10 MB. Send "
                                "a smaller request."));
        const QJsonObject error = response.json().value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("type")).toString(),
                 QStringLiteral("invalid_request_error"));
        QVERIFY(error.contains(QStringLiteral("param")) &&
                error.value(QStringLiteral("param")).isNull());
        QVERIFY(client.waitClosed());
        QCOMPARE(observed->handled.load(), 0);
    }

    void tooLargeBodyWhileClientKeepsSending() {
        Limits limits;
        limits.maxBodyBytes = 1024;
        Server server(testHandler, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        const QByteArray body(2 * 1024 * 1024, 'x');
        client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: " +
                    QByteArray::number(body.size()) + "\r\n\r\n" + body);
        Response response;
        QVERIFY(client.read(&response));
        QCOMPARE(response.status, 413);
        QCOMPARE(response.errorCode(), QStringLiteral("request_too_large"));
        QVERIFY(client.waitClosed());
        QCOMPARE(observed->handled.load(), 0);
    }

    void hugeHeadersAre431() {
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        client.send(getRequest("/echo", "X-Big: " + QByteArray(40 * 1024, 'a') + "\r\n"));
        Response response;
        QVERIFY(client.read(&response));
        QCOMPARE(response.status, 431);
        QCOMPARE(response.errorCode(), QStringLiteral("request_header_fields_too_large"));
        QVERIFY(response.errorMessage().contains(QStringLiteral("32 KB")));
        QVERIFY(client.waitClosed());
        QCOMPARE(observed->handled.load(), 0);
    }

    void malformedRequests_data() {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("garbage") << QByteArray("HELLO THERE\r\n\r\n") << 400
                                 << QStringLiteral("invalid_request");
        // A TLS ClientHello (https:// to this plain HTTP port): refused without waiting for more.
        QTest::newRow("tls hello") << QByteArray::fromHex("160301020001000001fc0303") << 400
                                   << QStringLiteral("invalid_request");
        QTest::newRow("no version")
            << QByteArray("GET /\r\n\r\n") << 400 << QStringLiteral("invalid_request");
        QTest::newRow("header without colon") << QByteArray("GET / HTTP/1.1\r\nNoColonHere\r\n\r\n")
                                              << 400 << QStringLiteral("invalid_request");
        QTest::newRow("space before colon") << QByteArray("GET / HTTP/1.1\r\nHost : x\r\n\r\n")
                                            << 400 << QStringLiteral("invalid_request");
        QTest::newRow("bad content-length")
            << QByteArray("POST / HTTP/1.1\r\nContent-Length: 12abc\r\n\r\n") << 400
            << QStringLiteral("invalid_request");
        QTest::newRow("http/2") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505
                                << QStringLiteral("http_version_not_supported");
        QTest::newRow("gzip transfer coding")
            << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") << 501
            << QStringLiteral("unsupported_transfer_encoding");
        QTest::newRow("bad chunk size")
            << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") << 400
            << QStringLiteral("invalid_request");
    }

    void malformedRequests() {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QString, code);
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        client.send(request);
        Response response;
        QVERIFY(client.read(&response));
        QCOMPARE(response.status, status);
        QCOMPARE(response.errorCode(), code);
        QVERIFY(!response.errorMessage().isEmpty());
        QCOMPARE(response.header("Connection"), QByteArray("close"));
        QVERIFY(client.waitClosed());
        QCOMPARE(observed->handled.load(), 0);
    }

    void expectContinue() {
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        client.send("POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\n"
                    "Content-Length: 5\r\n\r\n");
        Response interim;
        QVERIFY(client.read(&interim));
        QCOMPARE(interim.status, 100);
        client.send("hello");
        Response response;
        QVERIFY(client.read(&response));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json().value(QStringLiteral("body")).toString(), QStringLiteral("hello"));
    }

    void chunkedRequestBody() {
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        client.send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "5\r\nhel");
        // A pause, not a condition: it lets the server read the chunk in two pieces.
        QTest::qWait(50);
        client.send("lo\r\n6;name=value\r\n world\r\nA\r\n, chunked!\r\n0\r\nX-Trailer: 1\r\n\r\n");
        Response response;
        QVERIFY(client.read(&response));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json().value(QStringLiteral("body")).toString(),
                 QStringLiteral("hello world, chunked!"));
        // The connection is still in step for the next request.
        QCOMPARE(client.get("/echo").status, 200);
    }

    void chunkedRequestBodyOverLimit() {
        Limits limits;
        limits.maxBodyBytes = 10;
        Server server(testHandler, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        client.send("POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n");
        Response response;
        QVERIFY(client.read(&response));
        QCOMPARE(response.status, 413);
        QCOMPARE(response.errorCode(), QStringLiteral("request_too_large"));
        QVERIFY(client.waitClosed());
    }

    void bodylessAnswers() {
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        Response response = client.get("/nocontent");
        QCOMPARE(response.status, 204);
        QVERIFY(!response.hasHeader("Content-Length"));
        QVERIFY(!response.hasHeader("Content-Type"));
        client.send("HEAD /echo HTTP/1.1\r\nHost: test\r\n\r\n");
        QVERIFY(client.read(&response, true));
        QCOMPARE(response.status, 200);
        QVERIFY(response.header("Content-Length").toInt() > 0);
        // Had a body leaked after either answer, this one would not parse.
        response = client.get("/echo");
        QCOMPARE(response.status, 200);
        QCOMPARE(response.json().value(QStringLiteral("path")).toString(), QStringLiteral("/echo"));
    }

    void idleConnectionIsClosed() {
        Limits limits;
        limits.idleTimeoutMs = 300;
        Server server(testHandler, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        QCOMPARE(client.get("/echo").status, 200);
        QVERIFY(client.waitClosed());
        QVERIFY(waitUntil([&] { return server.openConnections() == 0; }));

        // A connection that never sends anything is closed too.
        Client silent(server.port());
        QVERIFY(silent.waitClosed());
        QVERIFY(silent.buffer.isEmpty());
    }

    // The idle timeout counts from the last answer: a connection busy past the deadline of its
    // first idle spell stays open (its timer, set for that deadline, is set again), and closes
    // once it has been idle for the whole timeout.
    void idleTimeoutCountsFromTheLastAnswer() {
        Limits limits;
        limits.idleTimeoutMs = 500;
        Server server(testHandler, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        QElapsedTimer clock;
        clock.start();
        QCOMPARE(client.get("/echo").status, 200);
        // Requests 100 ms apart, to twice the timeout: each one on the same connection.
        while (clock.elapsed() < 2 * limits.idleTimeoutMs) {
            QTest::qWait(100);
            QVERIFY(!client.isClosed());
            QCOMPARE(client.get("/echo").status, 200);
        }
        QVERIFY(client.waitClosed());
        QVERIFY(waitUntil([&] { return server.openConnections() == 0; }));
    }

    void slowHeadersTimeOut() {
        Limits limits;
        limits.headerTimeoutMs = 300;
        Server server(testHandler, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        client.send("GET /echo HTTP/1.1\r\nHost: test\r\n");
        // Dripping more header bytes must not extend the deadline.
        for (int i = 0; i < 5 && !client.isClosed(); ++i) {
            // The drip is the point: time passes between header lines, past the deadline.
            QTest::qWait(100);
            client.send("X-Drip: " + QByteArray::number(i) + "\r\n");
        }
        Response response;
        QVERIFY(client.read(&response));
        QCOMPARE(response.status, 408);
        QCOMPARE(response.errorCode(), QStringLiteral("request_timeout"));
        QVERIFY(client.waitClosed());
        QCOMPARE(observed->handled.load(), 0);
    }

    void connectionCap() {
        Limits limits;
        limits.maxConnections = 2;
        Server server(testHandler, limits);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client first(server.port());
        Client second(server.port());
        QCOMPARE(first.get("/echo").status, 200);
        QCOMPARE(second.get("/echo").status, 200);
        QCOMPARE(server.openConnections(), 2);

        Client third(server.port());
        Response response;
        QVERIFY(third.read(&response));
        QCOMPARE(response.status, 503);
        QCOMPARE(response.header("Retry-After"), QByteArray("1"));
        QCOMPARE(response.header("Connection"), QByteArray("close"));
        QCOMPARE(response.errorCode(), QStringLiteral("server_busy"));
        QVERIFY(third.waitClosed());
        QCOMPARE(server.openConnections(), 2);

        // The first two are still served, and a slot freed is usable again.
        QCOMPARE(first.get("/echo").status, 200);
        second.socket.abort();
        QVERIFY(waitUntil([&] { return server.openConnections() == 1; }));
        Client fourth(server.port());
        QCOMPARE(fourth.get("/echo").status, 200);
    }

    void chunkedAnswerArrivesProgressively() {
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        Client client(server.port());
        client.send(getRequest("/progressive"));
        // The handler writes the rest only once released: the first chunk must arrive alone.
        QVERIFY(waitUntil([&] {
            client.pull();
            return client.buffer.contains("5\r\nfirst\r\n");
        }));
        QVERIFY(!observed->lastChunkWritten.load());
        QVERIFY(client.buffer.contains("Transfer-Encoding: chunked\r\n"));
        observed->releaseStream = true;
        Response response;
        QVERIFY(client.read(&response));
        QCOMPARE(response.status, 200);
        QVERIFY(response.chunked);
        QCOMPARE(response.chunks, (QList<QByteArray>{"first", "second", "third"}));
        QCOMPARE(client.get("/echo").status, 200);
    }

    void clientDisconnectMidStream() {
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        {
            Client client(server.port());
            client.send(getRequest("/endless"));
            QVERIFY(waitUntil([&] {
                client.pull();
                return client.buffer.contains("data: tick");
            }));
            client.socket.abort();
        }
        QVERIFY(waitUntil([] {
            return observed->disconnectedSignals.load() == 1 &&
                   observed->responderBecameNull.load();
        }));
        // Proving that disconnected() comes only once needs time to pass, not a condition.
        QTest::qWait(100);
        QCOMPARE(observed->disconnectedSignals.load(), 1);
        QCOMPARE(observed->listenerDisconnects.load(), 1);
        QVERIFY(waitUntil([&] { return server.openConnections() == 0; }));
        Client next(server.port());
        QCOMPARE(next.get("/echo").status, 200);
    }

    void lateAnswerAfterClientLeft() {
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        {
            Client client(server.port());
            client.send(getRequest("/late"));
            QVERIFY(waitUntil([] { return observed->handled.load() == 1; }));
            client.socket.abort();
        }
        QVERIFY(waitUntil([] { return observed->lateHandlerRan.load(); }));
        QVERIFY(observed->responderBecameNull.load());

        // A client that leaves right after asking, answered at once: the write goes nowhere.
        {
            Client client(server.port());
            client.send(getRequest("/echo"));
            client.socket.abort();
        }
        QVERIFY(waitUntil([&] { return server.openConnections() == 0; }));
        Client next(server.port());
        QCOMPARE(next.get("/echo").status, 200);
    }

    void backPressureOnSlowReader() {
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        // The client's own buffer is bounded too, so that not reading really stalls the stream.
        Client client(server.port(), 64 * 1024);
        client.send(getRequest("/bulk"));
        QVERIFY(waitUntil([] { return observed->streamedBytes.load() > 0; }));
        // Proving that the stream stalls needs time to pass: unthrottled, the whole body would be
        // sent well within it.
        QTest::qWait(1500);
        const qint64 sentWhileStalled = observed->streamedBytes.load();
        QVERIFY2(sentWhileStalled < bulkTotal, qPrintable(QString::number(sentWhileStalled)));

        const qint64 highWater = Limits{}.highWaterBytes;
        QByteArray received;
        received.reserve(bulkTotal + 4 * 1024 * 1024);
        QDeadlineTimer deadline(120'000);
        while (!received.endsWith("\r\n0\r\n\r\n") && !deadline.hasExpired()) {
            if (client.socket.bytesAvailable() == 0)
                client.socket.waitForReadyRead(100);
            received += client.socket.readAll();
        }
        Response response;
        QVERIFY(takeResponse(received, &response, false));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body.size(), bulkTotal);
        QVERIFY(response.body.count('z') == bulkTotal);
        QVERIFY2(observed->maxPendingBytes.load() <= highWater + 64 * 1024 + 16,
                 qPrintable(QString::number(observed->maxPendingBytes.load())));
        // The stream stalled and went on: drained was reported, to the listener as well.
        QVERIFY(observed->listenerDrains.load() > 0);
        QCOMPARE(observed->listenerDisconnects.load(), 0);
    }

    void manyConcurrentConnections() {
        Server server(testHandler);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        constexpr int count = 200;
        std::vector<std::unique_ptr<Client>> clients;
        for (int i = 0; i < count; ++i) {
            clients.push_back(std::make_unique<Client>(server.port()));
            clients.back()->send(getRequest("/slow"));
        }
        std::vector<bool> answered(count, false);
        int answeredCount = 0;
        int okCount = 0;
        QVERIFY(waitUntil(
            [&] {
                for (int i = 0; i < count; ++i) {
                    if (answered[i])
                        continue;
                    Client &client = *clients[i];
                    client.pull();
                    Response response;
                    if (takeResponse(client.buffer, &response, client.isClosed())) {
                        okCount += response.status == 200 ? 1 : 0;
                        answered[i] = true;
                        ++answeredCount;
                    }
                }
                return answeredCount == count;
            },
            60'000));
        QCOMPARE(okCount, count);
        QCOMPARE(server.openConnections(), count);
        QCOMPARE(observed->handled.load(), count);
    }

    void closeWithOpenConnections() {
        auto server = std::make_unique<Server>(testHandler);
        QVERIFY(server->listen(QHostAddress::LocalHost, 0));
        const quint16 port = server->port();
        Client streaming(port);
        streaming.send(getRequest("/endless"));
        QVERIFY(waitUntil([&] {
            streaming.pull();
            return streaming.buffer.contains("data: tick");
        }));
        Client idle(port);
        QCOMPARE(idle.get("/echo").status, 200);
        Client silent(port);
        QVERIFY(waitUntil([&] { return server->openConnections() == 3; }));

        server->close();
        QVERIFY(!server->isListening());
        QCOMPARE(server->openConnections(), 0);
        QCOMPARE(observed->disconnectedSignals.load(), 1);
        QCOMPARE(observed->listenerDisconnects.load(), 1);
        QVERIFY(streaming.waitClosed());
        QVERIFY(idle.waitClosed());
        QVERIFY(silent.waitClosed());

        Client refused(port);
        QVERIFY(refused.waitClosed());

        // It can listen again, and a destructor with open connections is clean as well.
        QVERIFY(server->listen(QHostAddress::LocalHost, 0));
        Client again(server->port());
        QCOMPARE(again.get("/echo").status, 200);
        server.reset();
        QVERIFY(again.waitClosed());
    }

    void addressInUse() {
        Server first(testHandler);
        QVERIFY(first.listen(QHostAddress::LocalHost, 0));
        Server second(testHandler);
        QVERIFY(!second.listen(QHostAddress::LocalHost, first.port()));
        QVERIFY(!second.isListening());
        QCOMPARE(second.errorString(),
                 QStringLiteral("127.0.0.1:%1 is already in use: stop the program using it or "
                                "choose another address with --listen")
                     .arg(first.port()));
    }

    void parseListenAddress_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("errorPart");
        const QString local = QStringLiteral("127.0.0.1");
        QTest::newRow("host:port")
            << QStringLiteral("127.0.0.1:8000") << true << local << 8000 << QString();
        QTest::newRow("all interfaces") << QStringLiteral("0.0.0.0:9000") << true
                                        << QStringLiteral("0.0.0.0") << 9000 << QString();
        QTest::newRow("ipv6") << QStringLiteral("[::1]:8080") << true << QStringLiteral("::1")
                              << 8080 << QString();
        QTest::newRow(":port") << QStringLiteral(":8001") << true << local << 8001 << QString();
        QTest::newRow("port") << QStringLiteral("8002") << true << local << 8002 << QString();
        QTest::newRow("localhost")
            << QStringLiteral("localhost:8003") << true << local << 8003 << QString();
        QTest::newRow("spaces") << QStringLiteral(" 127.0.0.1:8004 ") << true << local << 8004
                                << QString();
        QTest::newRow("empty") << QString() << false << QString() << 0 << QStringLiteral("empty");
        QTest::newRow("no port") << QStringLiteral("127.0.0.1:") << false << QString() << 0
                                 << QStringLiteral("has no port");
        QTest::newRow("host only")
            << QStringLiteral("myhost") << false << QString() << 0 << QStringLiteral("has no port");
        QTest::newRow("port too big") << QStringLiteral("127.0.0.1:70000") << false << QString()
                                      << 0 << QStringLiteral("not a valid port");
        QTest::newRow("port not a number") << QStringLiteral("127.0.0.1:http") << false << QString()
                                           << 0 << QStringLiteral("not a valid port");
        QTest::newRow("negative port") << QStringLiteral(":-1") << false << QString() << 0
                                       << QStringLiteral("not a valid port");
        QTest::newRow("host name") << QStringLiteral("example.com:80") << false << QString() << 0
                                   << QStringLiteral("not an IP address");
        QTest::newRow("bad ipv4") << QStringLiteral("300.1.1.1:80") << false << QString() << 0
                                  << QStringLiteral("not an IP address");
        QTest::newRow("ipv6 without brackets")
            << QStringLiteral("::1:8000") << false << QString() << 0 << QStringLiteral("brackets");
        QTest::newRow("unclosed bracket")
            << QStringLiteral("[::1:8000") << false << QString() << 0 << QStringLiteral("closing");
        QTest::newRow("bracket without port") << QStringLiteral("[::1]8000") << false << QString()
                                              << 0 << QStringLiteral("has no port");
    }

    void parseListenAddress() {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, errorPart);
        QHostAddress address;
        quint16 parsedPort = 0;
        QString error;
        QCOMPARE(portico::http::parseListenAddress(text, &address, &parsedPort, &error), ok);
        if (ok) {
            QCOMPARE(address, QHostAddress(host));
            QCOMPARE(int(parsedPort), port);
            QVERIFY(error.isEmpty());
        } else {
            QVERIFY2(error.contains(errorPart), qPrintable(error));
        }
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "test_httpserver.moc"
