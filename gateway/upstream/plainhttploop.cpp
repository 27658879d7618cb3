#include "upstream/plainhttploop.h"

#include "eventloop/epolldispatcher.h"
#include "text/asciicase.h"
#include "text/bytewriter.h"
#include "upstream/callstate.h"
#include "upstream/responseparser.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/uio.h>
#include <unistd.h>

namespace portico::upstream::detail {

namespace {

// A kept-alive connection unused for longer than this is closed rather than reused: upstreams
// close idle connections after a while (nginx after 75 s), and a request sent just as the
// upstream closes is lost to the race.
constexpr qint64 kMaxIdleMs = 50'000;
// Idle connections kept per thread, over all upstreams: enough that a burst of hundreds of
// concurrent calls to one upstream can all reuse theirs next time.
constexpr int kMaxIdleConnections = 1024;
// How often idle connections are checked for having been closed by the upstream, or for being
// older than kMaxIdleMs (the timer runs only while some are idle).
constexpr int kSweepIntervalMs = 5'000;
// Idle connections a thread keeps past a burst. Those beyond it that a whole sweep interval
// did not reuse are closed, the longest idle first: after S4's 500 streams (bench/run.sh) the
// gateway held 500 idle connections for 50 s, each a descriptor and buffers here and a
// connection at the upstream, and its requests cost more CPU time meanwhile (docs/PERFORMANCE.md,
// round 12). A burst that comes again within the interval still finds its connections.
constexpr qsizetype kKeptIdleConnections = 64;
constexpr qsizetype kReadBytes = 64 * 1024;

qint64 nowMs() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    return qint64(now.tv_sec) * 1000 + now.tv_nsec / 1'000'000;
}

bool endsAuthority(char c) {
    return c == '/' || c == '?' || c == '#';
}

} // namespace

std::optional<PlainTarget> plainTarget(QByteArrayView url) {
    if (url.size() < 8 || QByteArrayView(url.first(7)).compare("http://", Qt::CaseInsensitive) != 0)
        return std::nullopt;
    const QByteArrayView rest = url.sliced(7);
    qsizetype authorityEnd = 0;
    while (authorityEnd < rest.size() && !endsAuthority(rest.at(authorityEnd)))
        ++authorityEnd;
    const QByteArrayView authority = rest.first(authorityEnd);
    if (authority.isEmpty() || authority.contains('@') || authority.contains('%'))
        return std::nullopt; // credentials and scoped addresses are left to libcurl

    QByteArrayView host;
    QByteArrayView portText;
    if (authority.startsWith('[')) {
        const qsizetype close = authority.indexOf(']');
        if (close < 0)
            return std::nullopt;
        host = authority.sliced(1, close - 1);
        const QByteArrayView after = authority.sliced(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(':'))
                return std::nullopt;
            portText = after.sliced(1);
        }
    } else {
        const qsizetype colon = authority.indexOf(':');
        host = colon < 0 ? authority : authority.first(colon);
        if (colon >= 0)
            portText = authority.sliced(colon + 1);
    }
    int port = 80;
    if (!portText.isNull()) {
        if (portText.isEmpty() || portText.size() > 5)
            return std::nullopt;
        port = 0;
        for (char c : portText) {
            if (c < '0' || c > '9')
                return std::nullopt;
            port = port * 10 + (c - '0');
        }
        if (port < 1 || port > 65535)
            return std::nullopt;
    }
    if (host.isEmpty() || host.size() > 45)
        return std::nullopt;
    char hostText[64] = {};
    std::memcpy(hostText, host.data(), size_t(host.size()));

    PlainTarget target;
    if (auto *v4 = reinterpret_cast<sockaddr_in *>(&target.address);
        inet_pton(AF_INET, hostText, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(quint16(port));
        target.addressLength = sizeof(sockaddr_in);
        target.loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
        target.label = host.toByteArray() + ':' + QByteArray::number(port);
    } else if (auto *v6 = reinterpret_cast<sockaddr_in6 *>(&target.address);
               inet_pton(AF_INET6, hostText, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(quint16(port));
        target.addressLength = sizeof(sockaddr_in6);
        target.loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
        target.label = '[' + host.toByteArray() + "]:" + QByteArray::number(port);
    } else {
        return std::nullopt; // a name: resolved by libcurl
    }
    target.hostHeader = authority.toByteArray();
    QByteArrayView path = rest.sliced(authorityEnd);
    if (const qsizetype hash = path.indexOf('#'); hash >= 0)
        path = path.first(hash);
    target.path = path.startsWith('/') ? path.toByteArray() : '/' + path.toByteArray();
    return target;
}

struct PlainHttpLoop::Connection {
    int fd = -1;
    QByteArray poolKey;
    PlainHttpLoop *loop = nullptr;
    std::unique_ptr<eventloop::SocketWatch> read;
    std::unique_ptr<eventloop::SocketWatch> write;
    Exchange *exchange = nullptr; // none while idle in the pool
    qint64 idleSinceMs = 0;
    bool connected = false;
    bool carriedAnswer = false; // reused: an upstream may have closed it meanwhile

    // The watches' callback: `handler` of the loop, for this connection.
    template <void (PlainHttpLoop::*handler)(Connection *)> static void call(void *context) {
        auto *connection = static_cast<Connection *>(context);
        (connection->loop->*handler)(connection);
    }
};

struct PlainHttpLoop::Exchange final : ResponseSink {
    Exchange(std::shared_ptr<CallState> s, bool headRequest)
        : state(std::move(s))
        , parser(headRequest) {}

    void responseHead(int status, const QList<QPair<QByteArray, QByteArray>> &headers) override {
        state->pushStarted(status, headers);
    }
    void responseBody(const char *data, qsizetype size) override {
        if (size > 0)
            state->pushData(data, size_t(size));
    }

    std::shared_ptr<CallState> state;
    ResponseParser parser;
    PlainTarget target;
    QByteArray head; // request line and headers
    QByteArray body; // shared with the caller's request: never copied
    qsizetype written = 0;
    Connection *connection = nullptr;
    bool retried = false;
    bool paused = false;
    int connectTimeoutMs = 0;
    qint64 totalDueMs = 0; // 0: none
    bool hasDeadline = false;
    std::multimap<qint64, Exchange *>::iterator deadline;
};

PlainHttpLoop::PlainHttpLoop()
    : m_idleWatched(eventloop::watchingIdleIsFree()) {
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &PlainHttpLoop::onTimer);
    m_sweepTimer.setInterval(kSweepIntervalMs);
    connect(&m_sweepTimer, &QTimer::timeout, this, &PlainHttpLoop::sweepIdle);
}

PlainHttpLoop::~PlainHttpLoop() {
    shutDown();
}

void PlainHttpLoop::add(const std::shared_ptr<CallState> &state, const UpstreamRequest &request,
                        const PlainTarget &target) {
    if (m_shutDown) {
        state->pushFinished(FailureKind::Cancelled,
                            QStringLiteral("the upstream client has shut down"));
        return;
    }
    const QByteArray method = request.method.toUpper();
    auto owned = std::make_unique<Exchange>(state, method == "HEAD");
    Exchange *exchange = owned.get();
    exchange->target = target;
    exchange->body = request.body;
    exchange->connectTimeoutMs = request.connectTimeoutMs;

    qsizetype room = 128 + method.size() + target.path.size() + target.hostHeader.size();
    for (const auto &[name, value] : request.headers)
        room += name.size() + value.size() + 4;
    {
        text::ByteWriter head(exchange->head, room);
        head << method << ' ' << target.path << " HTTP/1.1\r\nHost: " << target.hostHeader
             << "\r\n";
        for (const auto &[name, value] : request.headers) {
            // The framing is this client's to write.
            if (text::equalsIgnoringAsciiCase(name, "host") ||
                text::equalsIgnoringAsciiCase(name, "content-length") ||
                text::equalsIgnoringAsciiCase(name, "transfer-encoding"))
                continue;
            head << name << ": " << value << "\r\n";
        }
        if (!request.body.isEmpty() || method == "POST" || method == "PUT" || method == "PATCH") {
            head << "Content-Length: ";
            head.number(request.body.size()) << "\r\n";
        }
        head << "\r\n";
    }

    m_exchanges.emplace(state.get(), std::move(owned));
    if (request.totalTimeoutMs > 0) {
        exchange->totalDueMs = nowMs() + request.totalTimeoutMs;
        setDeadline(exchange, exchange->totalDueMs);
    }
    begin(exchange, true);
    deliverPending();
}

void PlainHttpLoop::begin(Exchange *exchange, bool mayReuse) {
    exchange->written = 0;
    Connection *connection = nullptr;
    if (mayReuse) {
        const auto found = m_idle.find(exchange->target.label);
        if (found != m_idle.end()) {
            std::vector<Connection *> &idle = found.value();
            const qint64 now = nowMs();
            while (!idle.empty() && !connection) {
                Connection *candidate = idle.back();
                idle.pop_back();
                --m_idleCount;
                if (now - candidate->idleSinceMs <= kMaxIdleMs)
                    connection = candidate;
                else
                    closeConnection(candidate);
            }
        }
    }
    if (connection) {
        connection->exchange = exchange;
        exchange->connection = connection;
        connection->read->setEnabled(!exchange->paused);
        sendRequest(exchange);
        return;
    }
    connection = openConnection(exchange);
    if (!connection)
        return;
    exchange->connection = connection;
    if (connection->connected)
        sendRequest(exchange);
}

PlainHttpLoop::Connection *PlainHttpLoop::openConnection(Exchange *exchange) {
    const PlainTarget &target = exchange->target;
    const int fd =
        ::socket(target.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const QString cannotConnect =
        QStringLiteral("cannot connect to upstream %1").arg(QString::fromLatin1(target.label));
    if (fd < 0) {
        fail(exchange, FailureKind::Connect,
             cannotConnect + QStringLiteral(": ") + QString::fromLocal8Bit(strerror(errno)));
        return nullptr;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
    bool connected = true;
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&target.address), target.addressLength) !=
        0) {
        if (errno != EINPROGRESS) {
            ::close(fd);
            fail(exchange, FailureKind::Connect, cannotConnect);
            return nullptr;
        }
        connected = false;
    }
    auto owned = std::make_unique<Connection>();
    Connection *connection = owned.get();
    connection->fd = fd;
    connection->poolKey = target.label;
    connection->connected = connected;
    connection->exchange = exchange;
    connection->loop = this;
    using eventloop::SocketWatch;
    connection->read = std::make_unique<SocketWatch>(
        fd, SocketWatch::Type::Read, &Connection::call<&PlainHttpLoop::onReadable>, connection);
    connection->read->setEnabled(!exchange->paused);
    connection->write = std::make_unique<SocketWatch>(
        fd, SocketWatch::Type::Write, &Connection::call<&PlainHttpLoop::onWritable>, connection);
    connection->write->setEnabled(!connected);
    m_connections.emplace(connection, std::move(owned));
    if (!connected) {
        const qint64 connectDue = nowMs() + exchange->connectTimeoutMs;
        setDeadline(exchange, exchange->totalDueMs > 0 ? std::min(exchange->totalDueMs, connectDue)
                                                       : connectDue);
    }
    return connection;
}

void PlainHttpLoop::sendRequest(Exchange *exchange) {
    Connection *connection = exchange->connection;
    const qsizetype total = exchange->head.size() + exchange->body.size();
    while (exchange->written < total) {
        iovec parts[2];
        int count = 0;
        const qsizetype inHead = exchange->head.size() - exchange->written;
        if (inHead > 0) {
            parts[count++] = {const_cast<char *>(exchange->head.constData()) + exchange->written,
                              size_t(inHead)};
        }
        if (!exchange->body.isEmpty()) {
            const qsizetype bodyOffset = inHead > 0 ? 0 : -inHead;
            parts[count++] = {const_cast<char *>(exchange->body.constData()) + bodyOffset,
                              size_t(exchange->body.size() - bodyOffset)};
        }
        msghdr message{};
        message.msg_iov = parts;
        message.msg_iovlen = size_t(count);
        const ssize_t sent = ::sendmsg(connection->fd, &message, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                connection->write->setEnabled(true);
                return;
            }
            connectionLost(exchange);
            return;
        }
        exchange->written += sent;
    }
    connection->write->setEnabled(false);
}

void PlainHttpLoop::onWritable(Connection *connection) {
    Exchange *exchange = connection->exchange;
    if (!exchange) {
        connection->write->setEnabled(false);
        return;
    }
    if (!connection->connected) {
        int error = 0;
        socklen_t length = sizeof error;
        ::getsockopt(connection->fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0) {
            fail(exchange, FailureKind::Connect,
                 QStringLiteral("cannot connect to upstream %1")
                     .arg(QString::fromLatin1(exchange->target.label)));
            deliverPending();
            return;
        }
        connection->connected = true;
        if (exchange->totalDueMs > 0)
            setDeadline(exchange, exchange->totalDueMs);
        else
            clearDeadline(exchange);
    }
    sendRequest(exchange);
    deliverPending();
}

void PlainHttpLoop::onReadable(Connection *connection) {
    static thread_local char buffer[kReadBytes];
    Exchange *exchange = connection->exchange;
    if (exchange && !connection->connected) {
        onWritable(connection); // a refused connect shows as readable too: SO_ERROR says which
        return;
    }
    if (!exchange) {
        // An idle connection (releaseConnection()) that became readable: the upstream closed it
        // or sent what nobody asked for. Either way it is done.
        closeConnection(connection);
        return;
    }
    const ssize_t received = ::recv(connection->fd, buffer, sizeof buffer, 0);
    if (received < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return;
        connectionLost(exchange);
        deliverPending();
        return;
    }
    if (received == 0) {
        connectionLost(exchange);
        deliverPending();
        return;
    }
    m_working = true;
    const ResponseParser::State state = exchange->parser.feed(buffer, received, *exchange);
    m_working = false;
    if (state == ResponseParser::State::Done) {
        complete(exchange);
    } else if (state == ResponseParser::State::Failed) {
        const QString why = exchange->parser.error();
        fail(exchange, exchange->parser.headDone() ? FailureKind::Other : FailureKind::Connect,
             QStringLiteral("upstream %1 sent an answer that cannot be read: %2")
                 .arg(QString::fromLatin1(exchange->target.label), why));
    }
    deliverPending();
}

// The connection ended (closed, reset, or a write failed) with the answer unfinished.
void PlainHttpLoop::connectionLost(Exchange *exchange) {
    Connection *connection = exchange->connection;
    ResponseParser &parser = exchange->parser;
    if (parser.state() == ResponseParser::State::Body) {
        m_working = true;
        const ResponseParser::State state = parser.closed();
        m_working = false;
        if (state == ResponseParser::State::Done) {
            complete(exchange);
            return;
        }
    }
    // A kept-alive connection the upstream closed just before our request reached it: nothing
    // was answered, so the request was not taken. Sent again once, on a new connection.
    if (connection && connection->carriedAnswer && !parser.sawBytes() && !exchange->retried) {
        exchange->retried = true;
        exchange->connection = nullptr;
        closeConnection(connection);
        begin(exchange, false);
        return;
    }
    const QString label = QString::fromLatin1(exchange->target.label);
    if (parser.headDone())
        fail(exchange, FailureKind::Other,
             QStringLiteral("upstream %1 closed the connection mid-answer").arg(label));
    else
        fail(exchange, FailureKind::Connect,
             QStringLiteral("upstream %1 closed the connection without answering").arg(label));
}

void PlainHttpLoop::complete(Exchange *exchange) {
    Connection *connection = exchange->connection;
    exchange->connection = nullptr;
    if (connection) {
        const bool whole = exchange->written == exchange->head.size() + exchange->body.size();
        releaseConnection(connection, whole && exchange->parser.reusable());
    }
    clearDeadline(exchange);
    const std::shared_ptr<CallState> state = exchange->state;
    m_exchanges.erase(state.get()); // deletes `exchange`
    m_working = true;
    state->pushFinished(FailureKind::None, {});
    m_working = false;
}

void PlainHttpLoop::fail(Exchange *exchange, FailureKind failure, const QString &message) {
    if (Connection *connection = exchange->connection) {
        exchange->connection = nullptr;
        closeConnection(connection);
    }
    clearDeadline(exchange);
    const std::shared_ptr<CallState> state = exchange->state;
    m_exchanges.erase(state.get());
    m_working = true;
    state->pushFinished(failure, message);
    m_working = false;
}

void PlainHttpLoop::releaseConnection(Connection *connection, bool keep) {
    connection->exchange = nullptr;
    if (!keep || m_shutDown || m_idleCount >= kMaxIdleConnections) {
        closeConnection(connection);
        return;
    }
    connection->carriedAnswer = true;
    connection->idleSinceMs = nowMs();
    connection->write->setEnabled(false);
    // Watched while idle only where that is free: on epoll (the gateway's workers), an
    // upstream that closes an idle connection is then noticed at once (onReadable()), and the
    // notifier is not switched off and on again for every request. Qt's own event loop polls
    // every enabled notifier on each pass, so there, after a burst of hundreds of concurrent
    // calls, each pass cost as much as the idle pool was large (S8 after S3 and S4 in
    // bench/run.sh: a third of the throughput); an upstream that closes an idle connection is
    // then noticed by the sweep, or on reuse, where the request is retried on a fresh
    // connection (see connectionLost()).
    if (!m_idleWatched)
        connection->read->setEnabled(false);
    m_idle[connection->poolKey].push_back(connection);
    ++m_idleCount;
    if (!m_sweepTimer.isActive())
        m_sweepTimer.start();
}

bool PlainHttpLoop::stillUsable(const Connection *connection) const {
    // A watched idle connection that became readable was closed at once (onReadable()): the
    // ones in the pool are usable, and asking the kernel again would be a system call for
    // nothing.
    if (m_idleWatched)
        return true;
    char byte = 0;
    const ssize_t peeked = ::recv(connection->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    // Closed by the upstream (0), broken (an error), or holding bytes nobody asked for: none of
    // them can carry a request.
    return peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

void PlainHttpLoop::sweepIdle() {
    const qint64 now = nowMs();
    std::vector<Connection *> done;
    std::vector<Connection *> unused; // usable, but idle for a whole sweep interval
    for (const std::vector<Connection *> &idle : std::as_const(m_idle)) {
        for (Connection *connection : idle) {
            if (now - connection->idleSinceMs > kMaxIdleMs || !stillUsable(connection))
                done.push_back(connection);
            else if (now - connection->idleSinceMs >= kSweepIntervalMs)
                unused.push_back(connection);
        }
    }
    const qsizetype surplus = m_idleCount - qsizetype(done.size()) - kKeptIdleConnections;
    if (surplus > 0 && !unused.empty()) {
        const auto end = unused.begin() + std::min(surplus, qsizetype(unused.size()));
        std::partial_sort(unused.begin(), end, unused.end(),
                          [](const Connection *a, const Connection *b) {
                              return a->idleSinceMs < b->idleSinceMs;
                          });
        done.insert(done.end(), unused.begin(), end);
    }
    for (Connection *connection : done)
        closeConnection(connection);
    if (m_idleCount == 0)
        m_sweepTimer.stop();
}

void PlainHttpLoop::closeConnection(Connection *connection) {
    if (!connection->exchange) {
        // Possibly in the pool: drop it from there.
        const auto found = m_idle.find(connection->poolKey);
        if (found != m_idle.end()) {
            std::vector<Connection *> &idle = found.value();
            const auto at = std::find(idle.begin(), idle.end(), connection);
            if (at != idle.end()) {
                idle.erase(at);
                --m_idleCount;
            }
        }
    }
    // Before the close, so that the descriptor, once closed and reused, is not watched twice.
    // Possibly from inside a watch's own callback, which a SocketWatch allows.
    connection->read.reset();
    connection->write.reset();
    ::close(connection->fd);
    m_connections.erase(connection);
}

void PlainHttpLoop::remove(const std::shared_ptr<CallState> &state) {
    const auto found = m_exchanges.find(state.get());
    if (found == m_exchanges.end())
        return;
    Exchange *exchange = found->second.get();
    // Unfinished: closing its connection is what tells the upstream to stop.
    if (Connection *connection = exchange->connection)
        closeConnection(connection);
    clearDeadline(exchange);
    m_exchanges.erase(found);
}

void PlainHttpLoop::setPaused(const std::shared_ptr<CallState> &state, bool paused) {
    const auto found = m_exchanges.find(state.get());
    if (found == m_exchanges.end())
        return;
    Exchange *exchange = found->second.get();
    exchange->paused = paused;
    // Not reading is the back-pressure: the upstream's sends block once the socket's buffers
    // are full.
    if (exchange->connection)
        exchange->connection->read->setEnabled(!paused);
}

void PlainHttpLoop::setDeadline(Exchange *exchange, qint64 dueMs) {
    clearDeadline(exchange);
    exchange->deadline = m_deadlines.emplace(dueMs, exchange);
    exchange->hasDeadline = true;
    if (!m_timer.isActive() || dueMs < m_timerDueMs) {
        m_timerDueMs = dueMs;
        m_timer.start(int(std::clamp<qint64>(dueMs - nowMs(), 0, 24LL * 3600 * 1000)));
    }
}

void PlainHttpLoop::clearDeadline(Exchange *exchange) {
    if (exchange->hasDeadline) {
        m_deadlines.erase(exchange->deadline);
        exchange->hasDeadline = false;
    }
}

void PlainHttpLoop::onTimer() {
    const qint64 now = nowMs();
    std::vector<Exchange *> expired;
    while (!m_deadlines.empty() && m_deadlines.begin()->first <= now) {
        Exchange *exchange = m_deadlines.begin()->second;
        m_deadlines.erase(m_deadlines.begin());
        exchange->hasDeadline = false;
        expired.push_back(exchange);
    }
    for (Exchange *exchange : expired) {
        const QString label = QString::fromLatin1(exchange->target.label);
        fail(exchange, FailureKind::Timeout,
             exchange->parser.headDone()
                 ? QStringLiteral("upstream %1 timed out mid-answer").arg(label)
                 : QStringLiteral("upstream %1 did not answer in time").arg(label));
    }
    if (!m_deadlines.empty()) {
        m_timerDueMs = m_deadlines.begin()->first;
        m_timer.start(int(std::clamp<qint64>(m_timerDueMs - now, 0, 24LL * 3600 * 1000)));
    }
    deliverPending();
}

void PlainHttpLoop::shutDown() {
    m_shutDown = true;
    m_timer.stop();
    m_sweepTimer.stop();
    m_deadlines.clear();
    auto exchanges = std::move(m_exchanges);
    m_exchanges.clear();
    const QString message = QStringLiteral("the upstream client has shut down");
    for (auto &[key, exchange] : exchanges) {
        if (Connection *connection = exchange->connection) {
            exchange->connection = nullptr;
            closeConnection(connection);
        }
        exchange->state->pushFinished(FailureKind::Cancelled, message);
    }
    std::vector<Connection *> idle;
    for (const auto &[connection, owned] : m_connections)
        idle.push_back(connection);
    for (Connection *connection : idle)
        closeConnection(connection);
    m_idle.clear();
    m_idleCount = 0;
}

} // namespace portico::upstream::detail
