#pragma once

#include "upstream/transferloop.h"
#include "upstream/upstreamclient.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <sys/socket.h>

#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

// Private to portico_upstream: a plain HTTP/1.1 client for http:// upstreams at a literal
// address, run by the event loop of the thread that starts the calls.
//
// Why not libcurl for these: on the gateway's hot path (a local model server, or a fast upstream
// on the same network) libcurl's own work was a third of a proxied request's instructions (its
// easy-handle set-up and reset, header callbacks one line at a time, the liveness poll() before
// each reuse, the timer it asks for to start every transfer). This client sends the request from
// the handler that starts it and reads the answer in the same thread, with kept-alive connections
// of its own. libcurl keeps everything else: TLS, proxies, host names to resolve (a blocking
// lookup would stall the worker thread) and credentials in URLs.
namespace portico::upstream::detail {

class CallState;

// Where a call goes, read once from its URL.
struct PlainTarget {
    sockaddr_storage address{};
    socklen_t addressLength = 0;
    QByteArray hostHeader; // the URL's authority: "127.0.0.1:8000"
    QByteArray path;       // "/v1/chat/completions?x=1"
    // "127.0.0.1:8000", "[::1]:80": for messages, and the key of its kept-alive connections
    QByteArray label;
    bool loopback = false;
};

// The target of `url` when this client can take it: http:// with an IPv4 or IPv6 literal host,
// without user credentials. Anything else (https, names, "user:password@") is libcurl's.
std::optional<PlainTarget> plainTarget(QByteArrayView url);

class PlainHttpLoop : public QObject, public TransferLoop {
    Q_OBJECT
public:
    PlainHttpLoop();
    ~PlainHttpLoop() override; // ends what still runs (shutDown())

    // `target` is plainTarget(request.url). May send at once.
    void add(const std::shared_ptr<CallState> &state, const UpstreamRequest &request,
             const PlainTarget &target);
    void remove(const std::shared_ptr<CallState> &state) override;
    void setPaused(const std::shared_ptr<CallState> &state, bool paused) override;
    bool isWorking() const override { return m_working; }
    // Ends every call (finished(Cancelled)) and closes every connection; later add()s fail the
    // same way.
    void shutDown();

private:
    struct Connection;
    struct Exchange;

    void begin(Exchange *exchange, bool mayReuse);
    Connection *openConnection(Exchange *exchange);
    void sendRequest(Exchange *exchange);
    void onReadable(Connection *connection);
    void onWritable(Connection *connection);
    void connectionLost(Exchange *exchange);
    void complete(Exchange *exchange);
    void fail(Exchange *exchange, FailureKind failure, const QString &message);
    void releaseConnection(Connection *connection, bool keep);
    void closeConnection(Connection *connection);
    void setDeadline(Exchange *exchange, qint64 dueMs);
    void clearDeadline(Exchange *exchange);
    void onTimer();
    bool stillUsable(const Connection *connection) const;
    void sweepIdle();

    bool m_working = false;
    bool m_shutDown = false;
    // Whether idle connections stay watched: where this thread's loop makes that free
    // (releaseConnection()). The loop is made in the thread it serves.
    bool m_idleWatched = false;
    std::unordered_map<CallState *, std::unique_ptr<Exchange>> m_exchanges;
    std::unordered_map<Connection *, std::unique_ptr<Connection>> m_connections;
    QHash<QByteArray, std::vector<Connection *>> m_idle; // by PlainTarget::label, newest last
    int m_idleCount = 0;
    // One timer for every call's deadline: armed for the earliest, and only re-armed when a
    // new deadline is earlier than that (deadlines of calls started later are mostly later).
    std::multimap<qint64, Exchange *> m_deadlines;
    QTimer m_timer;
    QTimer m_sweepTimer; // sweepIdle(), while the pool is not empty
    qint64 m_timerDueMs = 0;
};

} // namespace portico::upstream::detail
