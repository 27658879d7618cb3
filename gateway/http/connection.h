#pragma once

#include "http/rawsocket.h"
#include "http/requestparser.h"
#include "http/serverstate.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <deque>
#include <memory>
#include <vector>

namespace portico::http {

class ConnectionResponder;

// One client connection, living in a worker thread: reads requests, hands them to the handler
// and writes the answers in request order. Closes itself (idle, errors, "Connection: close",
// client gone) and then emits closed() and deletes itself later.
class Connection : public QObject, private RawSocket::Reader {
    Q_OBJECT
public:
    Connection(std::shared_ptr<ServerState> state, QObject *parent);
    ~Connection() override;

    // Takes the accepted socket. `counted`: it holds one of the openConnections slots.
    // `reject`: the server is full; answer 503 and close.
    bool start(qintptr descriptor, bool counted, bool reject);
    // The server is stopping: unfinished responders see disconnected(); the socket is aborted.
    void closeNow();

    // For ConnectionResponder.
    void writeToSocket(const QByteArray &data);
    void responderFinished(ConnectionResponder *responder);
    qint64 socketPendingBytes() const;
    // Keeps `token` until the socket next has no unsent bytes left (or the connection is gone).
    void holdUntilFlushed(std::shared_ptr<void> token);
    bool isOpen() const { return !m_gone; }
    bool isClosing() const { return m_closing || m_gone; }
    const Limits &limits() const { return m_state->limits; }

Q_SIGNALS:
    void closed(portico::http::Connection *connection);

private:
    enum class TimerMode { None, Idle, Head, Body };

    void socketReadable() override;
    void socketWritten(qint64 bytes) override;
    void onTimeout();
    void onDrainTimeout();
    void processInput();
    bool admitHead();
    bool outputBlocked();
    void updateDrainTimer();
    void dispatch(Request request);
    void answerError(int status, const QByteArray &code, const QString &message,
                     const QList<Header> &extraHeaders = {});
    void enqueue(ConnectionResponder *responder);
    void advance();
    void beginClose();
    void shutdownWriteIfFlushed();
    void updateTimer();
    void teardown();
    void releaseSlot();

    std::shared_ptr<ServerState> m_state;
    QPointer<RawSocket> m_socket;
    RequestParser m_parser;
    std::deque<ConnectionResponder *> m_queue; // unanswered requests, oldest first
    QTimer m_timer;                            // idle, header or body timeout
    QTimer m_lingerTimer;
    // Answers the client does not take: see Limits::writeTimeoutMs.
    QTimer m_drainTimer;
    qint64 m_drainTarget = 0;     // bytes the client must take within the current window
    qint64 m_drainedInWindow = 0; // bytes it took
    std::vector<std::shared_ptr<void>> m_flushHolds; // Responder::keepUntilSent
    bool m_outputBlocked = false;                    // too much unsent: no further request is read
    TimerMode m_timerMode = TimerMode::None;
    QDeadlineTimer m_due; // when the current mode's timeout ends (m_timer may fire before)
    QHostAddress m_peerAddress;
    quint16 m_peerPort = 0;
    bool m_counted = false;
    bool m_inProcess = false;
    bool m_stopParsing = false; // a request asked to close, or an error was answered
    bool m_closing = false;     // the last answer is queued; close once written
    bool m_lingering = false;   // our side is shut; reading and dropping until the client closes
    bool m_gone = false;
    bool m_destroying = false;
};

} // namespace portico::http
