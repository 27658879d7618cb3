#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

#include <functional>
#include <memory>

// Portico's own HTTP/1.1 server on QTcpServer instead of QtHttpServer behind a thin
// interface; Qt 6.4.2's QtHttpServer parses and buffers whole requests before we see them (no
// header or body limit, no idle timeout, no connection cap), answers pipelined requests out of
// order, ignores "Connection: close" and runs on one thread. Each of those needs control of the
// socket it does not give, so this small server gives it, behind the same kind of thin interface.
namespace portico::http {

struct Request {
    QByteArray method;                            // "GET", "POST", ...
    QByteArray target;                            // as sent: "/v1/models?x=1"
    QByteArray path;                              // "/v1/models"
    QByteArray query;                             // "x=1"
    QList<QPair<QByteArray, QByteArray>> headers; // names as sent
    QByteArray body;
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    bool keepAlive = true; // false for "Connection: close" or HTTP/1.0
    // First value of a header, case-insensitive name; empty if absent.
    QByteArray header(QByteArrayView name) const;
};

struct Header {
    QByteArray name;
    QByteArray value;
};

// The answer to one request. Lives in the worker thread of its connection; use it only there
// (queue work back to it with QMetaObject::invokeMethod(responder, ...)). The server deletes it
// later once it is finished, or once the connection is gone (client left, idle close, server
// stopped): then disconnected() is emitted first (writes from that slot are dropped) and the
// object is deleted when control returns to the event loop. Hold it in a QPointer across async
// work and check it.
// Pipelined requests are answered in order: a responder that is not at the head of its
// connection's queue buffers what it writes.
// What a Responder reports, as plain calls (see Responder::setListener()).
class ResponderListener {
public:
    virtual void responderDisconnected() = 0;
    virtual void responderDrained() = 0;

protected:
    ~ResponderListener() = default;
};

class Responder : public QObject {
    Q_OBJECT
public:
    // The reports of disconnected() and drained() also go to `listener` (null: to nobody but the
    // signals), first. It must stay alive until it is unset or the responder is gone. The
    // gateway listens so to every request: two connect()s a request, and the disconnects when
    // either side is deleted, cost it about 2,000 instructions.
    void setListener(ResponderListener *listener) { m_listener = listener; }

    // A complete answer with Content-Length. Finishes the responder.
    virtual void send(int status, const QByteArray &contentType, const QByteArray &body,
                      const QList<Header> &extraHeaders = {}) = 0;

    // A streamed answer with Transfer-Encoding: chunked.
    virtual void beginChunked(int status, const QByteArray &contentType,
                              const QList<Header> &extraHeaders = {}) = 0;
    // Frames and queues one chunk (empty data is ignored: an empty chunk would end the stream).
    virtual void writeChunk(const QByteArray &data) = 0;
    // Writes the last chunk. Finishes the responder.
    virtual void endChunked() = 0;

    // False once the client has disconnected (or the connection was closed by the server).
    virtual bool isConnected() const = 0;
    // Bytes written but not yet taken by the kernel (for back-pressure on slow readers).
    virtual qint64 pendingBytes() const = 0;
    // Keeps `token` alive until what this responder writes next has left the process (taken by
    // the kernel) or the connection is gone: lets the application count an answer's memory
    // until the client has read it. Call it before writing the answer (once finished, a
    // responder is let go). The default drops it at once.
    virtual void keepUntilSent(std::shared_ptr<void> token) { token.reset(); }

Q_SIGNALS:
    // The client went away before this responder finished. Emitted once.
    void disconnected();
    // pendingBytes() fell below the server's low-water mark after being above the high one.
    void drained();

protected:
    using QObject::QObject;
    // Tell the listener, then emit the signal.
    void reportDisconnected();
    void reportDrained();

private:
    ResponderListener *m_listener = nullptr;
};

// Called in a worker thread for each complete request. Must eventually finish the responder.
using Handler = std::function<void(const Request &request, Responder *responder)>;

// A request the server refused itself, before any handler saw it: body or headers too large,
// malformed HTTP, too slow, or one connection too many. The answer is an OpenAI-style error.
struct Rejection {
    int status = 400;
    QByteArray type;            // "invalid_request_error" or "server_error"
    QByteArray code;            // "request_too_large", "server_busy", ...
    QString message;            // for the client: what to change
    QList<Header> extraHeaders; // e.g. Retry-After
    // The request line and headers were read, so the partial request's method, path and
    // headers are set (a body too large, a body too slow); otherwise they are empty.
    bool headRead = false;
};
// Called in the worker thread instead of the server's own answer to a rejection, so that the
// application can log and count it like any other request. Must send the rejection's status with
// its message (and extra headers) on the responder; the connection closes after it.
using RejectionHandler =
    std::function<void(const Request &partial, const Rejection &rejection, Responder *responder)>;

// Called in the worker thread when a request's line and headers are complete, before its body is
// read and before "100 Continue" is sent: the application checks what it can from the head alone
// (the key, the path) so that a request it will refuse costs neither the body's bytes nor its
// memory. Returns true to read the body and hand the request to the Handler as usual. To refuse,
// it calls `refuse()` once, which gives a Responder for the refusal, answers on it and returns
// false; the body is then never read and the connection closes after the answer.
using HeadCheck =
    std::function<bool(const Request &head, const std::function<Responder *()> &refuse)>;

struct Limits {
    int workerThreads = 2;        // connections are spread over this many event-loop threads
    int maxConnections = 1024;    // more are accepted and closed at once with a 503
    int idleTimeoutMs = 60'000;   // a keep-alive connection with no request in flight
    int headerTimeoutMs = 30'000; // a request whose headers do not arrive in time
    // The whole body must arrive within this time from the end of the head (else 408); not reset
    // by each byte, so a client dripping one byte a minute cannot hold the connection.
    int bodyTimeoutMs = 60'000;
    qint64 maxHeaderBytes = 32 * 1024;      // else 431
    qint64 maxBodyBytes = 10 * 1024 * 1024; // else 413
    // Requests of one connection handled at once. Pipelined requests beyond it wait, unread, in
    // the socket (so a client cannot make one connection cost many requests' memory); their
    // answers always leave in request order.
    int maxRequestsInProgress = 1;
    qint64 highWaterBytes = 1024 * 1024; // back-pressure: see Responder::drained
    qint64 lowWaterBytes = 256 * 1024;
    // Answers a client leaves unread: past highWaterBytes unsent, the connection reads no further
    // request until it drops below lowWaterBytes. While answer bytes wait unsent, the client must
    // take, within each writeTimeoutMs, all that was waiting at the window's start or at least
    // minDrainBytes of it; otherwise the connection is closed (its requests see disconnected()).
    int writeTimeoutMs = 60'000;
    qint64 minDrainBytes = 64 * 1024;
};

class Server : public QObject {
    Q_OBJECT
public:
    explicit Server(Handler handler, Limits limits = {}, QObject *parent = nullptr);
    ~Server() override;

    // Before listen(). Without one, the server answers rejections itself.
    void setRejectionHandler(RejectionHandler handler);
    // Before listen(). Without one, every request's body is read.
    void setHeadCheck(HeadCheck check);

    // Starts listening; on failure returns false and errorString() says why
    // (for example "127.0.0.1:8000 is already in use").
    bool listen(const QHostAddress &address, quint16 port);
    void close(); // stops listening and closes all connections
    bool isListening() const;
    QHostAddress address() const;
    quint16 port() const; // the real port (after listening on port 0)
    QString errorString() const;
    int openConnections() const;

private:
    class Private;
    std::unique_ptr<Private> d;
};

// Parses "HOST:PORT", "[::1]:PORT", ":PORT" or "PORT" (host defaults to 127.0.0.1;
// "localhost" means 127.0.0.1). HOST must be an IP address. Port 0 picks a free port.
bool parseListenAddress(const QString &text, QHostAddress *address, quint16 *port, QString *error);

} // namespace portico::http
