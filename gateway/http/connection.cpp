#include "http/connection.h"

#include "http/connectionresponder.h"
#include "http/httpmessages.h"
#include "http/looptail.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>

namespace portico::http {

namespace {

// How long a closing connection keeps reading (and dropping) what the client still sends, so
// that the kernel does not reset the connection before the client has read our last answer.
constexpr int lingerMs = 2000;
constexpr qint64 readChunkBytes = 256 * 1024;

} // namespace

Connection::Connection(std::shared_ptr<ServerState> state, QObject *parent)
    : QObject(parent)
    , m_state(std::move(state))
    , m_parser(m_state->limits.maxHeaderBytes, m_state->limits.maxBodyBytes) {
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &Connection::onTimeout);
    m_lingerTimer.setSingleShot(true);
    connect(&m_lingerTimer, &QTimer::timeout, this, [this] {
        if (m_socket)
            m_socket->abort();
        teardown();
    });
    m_drainTimer.setSingleShot(true);
    connect(&m_drainTimer, &QTimer::timeout, this, &Connection::onDrainTimeout);
}

Connection::~Connection() {
    m_destroying = true;
    teardown();
    releaseSlot();
}

bool Connection::start(qintptr descriptor, bool counted, bool reject) {
    m_counted = counted;
    auto *socket = new RawSocket(this, this);
    if (!socket->adopt(descriptor)) {
        qWarning("portico::http: cannot adopt an accepted connection: %s", strerror(errno));
        delete socket;
        return false;
    }
    m_socket = socket;
    m_peerAddress = socket->peerAddress();
    m_peerPort = socket->peerPort();
    // A bounded read buffer lets a paused connection (requests in progress) push back on the
    // client.
    socket->setReadBufferSize(readChunkBytes);
    connect(socket, &RawSocket::disconnected, this, &Connection::teardown);

    if (reject) {
        answerError(503, "server_busy",
                    QStringLiteral("The gateway already has %1 open connections, its limit. "
                                   "Retry in a moment, reuse connections (keep-alive), or raise "
                                   "the connection limit.")
                        .arg(m_state->limits.maxConnections),
                    {{QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")}});
        return true;
    }
    updateTimer();
    if (socket->bytesAvailable() > 0)
        processInput();
    return true;
}

void Connection::closeNow() {
    m_closing = true;
    teardown();
}

void Connection::writeToSocket(const QByteArray &data) {
    // The drain window starts (or the holds are released) when the socket reports what it sent.
    if (m_socket && !m_gone)
        m_socket->write(data);
}

qint64 Connection::socketPendingBytes() const {
    return m_socket ? m_socket->bytesToWrite() : 0;
}

void Connection::holdUntilFlushed(std::shared_ptr<void> token) {
    // Released the next time nothing is left unsent (the answer it covers is written right
    // after), or when the connection goes.
    if (!m_gone && m_socket)
        m_flushHolds.push_back(std::move(token));
}

bool Connection::outputBlocked() {
    // Pipelined requests whose answers the client leaves unread would otherwise pile their
    // answers up here without bound: past the high-water mark no further request is read (it
    // waits in the socket, pushing back on the client) until the client has taken enough.
    if (!m_outputBlocked && socketPendingBytes() >= m_state->limits.highWaterBytes)
        m_outputBlocked = true;
    return m_outputBlocked;
}

// The window runs only while answer bytes wait unsent. A client that reads now and then keeps
// its connection; one that stops reading (or reads a byte a minute) loses it, with whatever
// its answers held.
void Connection::updateDrainTimer() {
    if (m_gone || !m_socket)
        return;
    const qint64 pending = m_socket->bytesToWrite();
    if (pending == 0) {
        m_drainTimer.stop();
        m_flushHolds.clear();
        return;
    }
    if (!m_drainTimer.isActive()) {
        m_drainTarget = std::min(pending, m_state->limits.minDrainBytes);
        m_drainedInWindow = 0;
        m_drainTimer.start(m_state->limits.writeTimeoutMs);
    }
}

void Connection::onDrainTimeout() {
    if (m_gone || !m_socket)
        return;
    if (m_socket->bytesToWrite() == 0)
        return;
    if (m_drainedInWindow < m_drainTarget) {
        teardown();
        return;
    }
    m_drainTimer.stop();
    updateDrainTimer();
}

void Connection::responderFinished(ConnectionResponder *responder) {
    if (!m_gone && !m_queue.empty() && m_queue.front() == responder)
        advance();
}

void Connection::socketReadable() {
    if (m_gone || !m_socket)
        return;
    if (m_lingering) {
        m_socket->readAll();
        return;
    }
    processInput();
}

void Connection::socketWritten(qint64 bytes) {
    if (m_gone)
        return;
    m_drainedInWindow += bytes;
    updateDrainTimer();
    if (m_closing) {
        shutdownWriteIfFlushed();
        return;
    }
    if (m_outputBlocked && socketPendingBytes() < m_state->limits.lowWaterBytes) {
        m_outputBlocked = false;
        if (!m_inProcess)
            processInput();
        if (m_gone)
            return;
    }
    if (m_queue.empty())
        return;
    // A handler may react to drained() by finishing; work on a copy.
    const std::deque<ConnectionResponder *> queue = m_queue;
    for (ConnectionResponder *responder : queue) {
        if (m_gone)
            return;
        responder->checkDrained();
    }
}

void Connection::onTimeout() {
    if (m_gone || m_closing || m_timerMode == TimerMode::None)
        return;
    // Fired for an earlier deadline (see updateTimer()), or early (a coarse timer may): the
    // rest of the time is waited for.
    if (!m_due.hasExpired()) {
        m_timer.start(int(m_due.remainingTime()));
        return;
    }
    switch (m_timerMode) {
    case TimerMode::Idle:
        m_stopParsing = true;
        beginClose();
        break;
    case TimerMode::Head:
        answerError(408, "request_timeout",
                    QStringLiteral("The request headers did not arrive within %1 ms. Send the "
                                   "whole request without pausing.")
                        .arg(m_state->limits.headerTimeoutMs));
        break;
    case TimerMode::Body:
        answerError(408, "request_timeout",
                    QStringLiteral("The request body did not arrive within %1 ms. Send the "
                                   "whole request without pausing.")
                        .arg(m_state->limits.bodyTimeoutMs));
        break;
    case TimerMode::None:
        break;
    }
}

void Connection::processInput() {
    if (m_gone || m_inProcess || !m_socket)
        return;
    m_inProcess = true;
    const auto inProgress = static_cast<size_t>(std::max(1, m_state->limits.maxRequestsInProgress));
    while (!m_gone && !m_stopParsing && m_queue.size() < inProgress && !outputBlocked()) {
        const RequestParser::Status status = m_parser.parse();
        if (status == RequestParser::Status::NeedMore) {
            if (!m_socket || m_socket->bytesAvailable() <= 0)
                break;
            m_parser.append(m_socket->read(readChunkBytes));
        } else if (status == RequestParser::Status::HeadersReady) {
            if (!admitHead())
                break;
            // Only when no earlier answer is pending: a 100 must not land inside one. And only
            // after the head check: a refused client must not be invited to send its body.
            if (m_parser.expectsContinue() && m_queue.empty())
                writeToSocket(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
        } else if (status == RequestParser::Status::Complete) {
            dispatch(m_parser.takeRequest());
        } else {
            const RequestError error = m_parser.error();
            answerError(error.status, error.code, error.message);
            break;
        }
    }
    m_inProcess = false;
    updateTimer();
}

bool Connection::admitHead() {
    if (!m_state->headCheck)
        return true;
    Request head = m_parser.currentRequest();
    head.peerAddress = m_peerAddress;
    head.peerPort = m_peerPort;
    bool refused = false;
    const auto refuse = [this, &refused, http10 = m_parser.isHttp10(),
                         headRequest = head.method == "HEAD"]() -> Responder * {
        refused = true;
        // The body stays unread: nothing after it on this connection can be parsed.
        m_stopParsing = true;
        auto *responder = new ConnectionResponder(this, false, http10, headRequest);
        enqueue(responder);
        return responder;
    };
    head.keepAlive = false;
    const bool admitted = m_state->headCheck(head, refuse);
    return admitted && !refused;
}

void Connection::dispatch(Request request) {
    request.peerAddress = m_peerAddress;
    request.peerPort = m_peerPort;
    if (!request.keepAlive)
        m_stopParsing = true;
    auto *responder = new ConnectionResponder(this, request.keepAlive, m_parser.isHttp10(),
                                              request.method == "HEAD");
    enqueue(responder);
    if (m_state->handler) {
        m_state->handler(request, responder);
    } else {
        responder->send(500, QByteArrayLiteral("application/json"),
                        errorJson(QStringLiteral("The server has no request handler."),
                                  QByteArrayLiteral("internal_error"),
                                  QByteArrayLiteral("server_error")));
    }
}

void Connection::answerError(int status, const QByteArray &code, const QString &message,
                             const QList<Header> &extraHeaders) {
    m_stopParsing = true;
    auto *responder = new ConnectionResponder(this, false, m_parser.isHttp10(), false);
    enqueue(responder);
    // OpenAI's clients map the type to their error classes: "not implemented" and "version not
    // supported" are the client's to fix, like the 4xx.
    const QByteArray type = status >= 500 && status != 501 && status != 505
                                ? QByteArrayLiteral("server_error")
                                : QByteArrayLiteral("invalid_request_error");
    if (m_state->rejectionHandler) {
        Rejection rejection;
        rejection.status = status;
        rejection.type = type;
        rejection.code = code;
        rejection.message = message;
        rejection.extraHeaders = extraHeaders;
        rejection.headRead = m_parser.isHeadRead();
        Request partial;
        if (rejection.headRead) {
            partial = m_parser.currentRequest();
            partial.body.clear();
        }
        partial.peerAddress = m_peerAddress;
        partial.peerPort = m_peerPort;
        partial.keepAlive = false;
        m_state->rejectionHandler(partial, rejection, responder);
        return;
    }
    responder->send(status, QByteArrayLiteral("application/json"), errorJson(message, code, type),
                    extraHeaders);
}

void Connection::enqueue(ConnectionResponder *responder) {
    m_queue.push_back(responder);
    if (m_queue.size() == 1)
        responder->becomeHead();
    updateTimer();
}

void Connection::advance() {
    while (!m_gone && !m_queue.empty() && m_queue.front()->isFinished()) {
        ConnectionResponder *done = m_queue.front();
        m_queue.pop_front();
        const bool keepAlive = done->keepsAlive();
        done->detach();
        looptail::deleteObject(done);
        if (!keepAlive) {
            beginClose();
            return;
        }
        if (!m_queue.empty())
            m_queue.front()->becomeHead();
    }
    if (!m_gone && !m_inProcess)
        processInput();
}

void Connection::beginClose() {
    if (m_gone || m_closing)
        return;
    m_closing = true;
    m_stopParsing = true;
    m_timer.stop();
    // Requests read after the one that closes the connection are never answered.
    const std::deque<ConnectionResponder *> rest = std::exchange(m_queue, {});
    for (ConnectionResponder *responder : rest) {
        responder->detach();
        looptail::deleteObject(responder);
    }
    shutdownWriteIfFlushed();
}

void Connection::shutdownWriteIfFlushed() {
    if (m_gone || m_lingering || !m_socket || m_socket->bytesToWrite() > 0)
        return;
    m_lingering = true;
    // Half-close: the client sees the end of our answer, and what it still sends is read and
    // dropped instead of making the kernel reset the connection under its feet.
    ::shutdown(m_socket->descriptor(), SHUT_WR);
    m_socket->readAll();
    m_lingerTimer.start(lingerMs);
}

void Connection::updateTimer() {
    if (m_gone || m_closing) {
        m_timer.stop();
        m_timerMode = TimerMode::None;
        return;
    }
    TimerMode mode = TimerMode::Idle;
    // Waiting for the client to read its answers is the drain timer's business: the requests
    // it sent meanwhile wait unread, through no fault of their own.
    if (!m_queue.empty() || m_outputBlocked)
        mode = TimerMode::None;
    else if (m_parser.isReadingBody())
        mode = TimerMode::Body;
    else if (m_parser.isReadingHead())
        mode = TimerMode::Head;

    if (mode != TimerMode::None && mode != m_timerMode) {
        // The head timeout runs from the first byte of the head and the body timeout from the
        // end of the head: a slow drip of bytes must not keep extending either.
        const int timeoutMs = mode == TimerMode::Head   ? m_state->limits.headerTimeoutMs
                              : mode == TimerMode::Body ? m_state->limits.bodyTimeoutMs
                                                        : m_state->limits.idleTimeoutMs;
        m_due.setRemainingTime(timeoutMs);
        // A timer already set to fire no later serves: onTimeout() sets it again for what is
        // left. Stopping and starting it on every request (idle, busy, idle again) cost a
        // timer's unregistration and registration, twice a request.
        if (!m_timer.isActive() || m_timer.remainingTime() > timeoutMs)
            m_timer.start(timeoutMs);
    }
    // Busy (None): the timer may run on; it finds nothing to time when it fires.
    m_timerMode = mode;
}

void Connection::teardown() {
    if (m_gone)
        return;
    m_gone = true;
    m_timer.stop();
    m_lingerTimer.stop();
    m_drainTimer.stop();
    m_flushHolds.clear();
    const std::deque<ConnectionResponder *> pending = std::exchange(m_queue, {});
    for (ConnectionResponder *responder : pending) {
        responder->detach();
        looptail::deleteObject(responder);
    }
    releaseSlot();
    if (m_socket && m_socket->isOpen())
        m_socket->abort();
    Q_EMIT closed(this);
    if (!m_destroying)
        deleteLater();
}

void Connection::releaseSlot() {
    if (m_counted) {
        m_counted = false;
        m_state->openConnections.fetch_sub(1);
    }
}

} // namespace portico::http
