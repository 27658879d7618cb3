#pragma once

#include "http/httpserver.h"

#include <QPointer>

#include <memory>
#include <vector>

namespace portico::http {

class Connection;

// The Responder of one request on one connection. While it is not at the head of the
// connection's queue it keeps what it writes, so that pipelined answers leave in request order.
class ConnectionResponder final : public Responder {
    Q_OBJECT
public:
    ConnectionResponder(Connection *connection, bool keepAlive, bool http10, bool headRequest);

    void send(int status, const QByteArray &contentType, const QByteArray &body,
              const QList<Header> &extraHeaders = {}) override;
    void beginChunked(int status, const QByteArray &contentType,
                      const QList<Header> &extraHeaders = {}) override;
    void writeChunk(const QByteArray &data) override;
    void endChunked() override;
    bool isConnected() const override;
    qint64 pendingBytes() const override;
    void keepUntilSent(std::shared_ptr<void> token) override;

    // Used by the connection.
    void becomeHead();
    // Cuts the link to the connection; emits disconnected() if the answer was not finished.
    void detach();
    bool isFinished() const { return m_state == State::Finished; }
    // Whether the connection stays open after this answer.
    bool keepsAlive() const { return m_keepAlive; }
    // Emits drained() if the back-pressure that was signalled has gone.
    void checkDrained();

private:
    enum class State { Fresh, Streaming, Finished };

    // The status line and headers; `bodySize` is room reserved for the body that follows.
    QByteArray head(int status, const QByteArray &contentType, const QList<Header> &extraHeaders,
                    QByteArrayView framing, qsizetype bodySize = 0);
    void write(const QByteArray &data);
    void finish();

    QPointer<Connection> m_connection;
    QByteArray m_buffer;                        // written while not at the head of the queue
    std::vector<std::shared_ptr<void>> m_holds; // keepUntilSent() while not at the head
    State m_state = State::Fresh;
    bool m_atHead = false;
    bool m_keepAlive;
    bool m_http10;
    bool m_headRequest;
    bool m_bodyless = false;  // HEAD request or a status without a body: chunks are dropped
    bool m_rawStream = false; // HTTP/1.0 has no chunked coding: the stream ends at close
    bool m_aboveHighWater = false;
    bool m_disconnectedEmitted = false;
};

} // namespace portico::http
