#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

#include <deque>
#include <memory>

namespace portico::eventloop {
class SocketWatch;
}

// Private to portico_http: an accepted TCP connection read and written with plain system calls,
// watched by the thread's event loop. It offers the part of QTcpSocket that Connection uses.
//
// Why not QTcpSocket: on a proxied request it cost an ioctl(FIONREAD) and a read through
// QIODevice's ring buffer per request, and every answer waited for a write notifier to fire
// after the next poll(). This sends an answer as soon as the code that wrote it returns to the
// event loop, with no notifier; only what the kernel does not take then waits for one.
namespace portico::http {

class RawSocket : public QObject {
    Q_OBJECT
public:
    // What the owner hears of the socket twice a request, called directly: a signal cost a
    // QMetaObject::activate() each (docs/PERFORMANCE.md, round 14).
    class Reader {
    public:
        // Bytes arrived (bytesAvailable()).
        virtual void socketReadable() = 0;
        // After each attempt to send what waits (bytesToWrite()): how much left, possibly 0.
        virtual void socketWritten(qint64 bytes) = 0;

    protected:
        ~Reader() = default;
    };

    // `reader` outlives the socket (it owns it).
    explicit RawSocket(Reader *reader, QObject *parent = nullptr);
    ~RawSocket() override; // closes the descriptor

    // Takes an accepted, connected descriptor (made non-blocking here). False if it is not a
    // connected socket.
    bool adopt(qintptr descriptor);

    bool isOpen() const { return m_fd >= 0; }
    int descriptor() const { return m_fd; }
    QHostAddress peerAddress() const { return m_peerAddress; }
    quint16 peerPort() const { return m_peerPort; }

    // Reading stops once this much is buffered unread, until the application reads (the rest
    // waits in the kernel, which pushes back on the client).
    void setReadBufferSize(qint64 bytes) { m_readLimit = bytes; }
    qint64 bytesAvailable() const { return m_in.size(); }
    QByteArray read(qint64 maxBytes);
    QByteArray readAll() { return read(m_in.size()); }

    // Queues `data`; it is sent when control returns to the event loop (what the kernel does
    // not take then, when the socket is writable again).
    void write(const QByteArray &data);
    qint64 bytesToWrite() const { return m_pending; }

    // Closes at once, dropping what is unsent. No signal follows.
    void abort();

Q_SIGNALS:
    // The client closed the connection or it failed. Emitted once, from the event loop.
    void disconnected();

private:
    void onReadable();
    void onWritable();
    // The watches' callback: `handler` of the socket.
    template <void (RawSocket::*handler)()> static void call(void *socket) {
        (static_cast<RawSocket *>(socket)->*handler)();
    }
    void flushPending();
    void lose(); // the connection failed or ended: disconnected() from the event loop

    Reader *m_reader;
    int m_fd = -1;
    std::unique_ptr<eventloop::SocketWatch> m_readWatch;
    std::unique_ptr<eventloop::SocketWatch> m_writeWatch;
    QHostAddress m_peerAddress;
    quint16 m_peerPort = 0;
    qint64 m_readLimit = 0; // 0: no limit
    QByteArray m_in;
    std::deque<QByteArray> m_out; // unsent, the first partly sent (m_outOffset)
    qsizetype m_outOffset = 0;
    qint64 m_pending = 0;
    bool m_lost = false;
    bool m_flushQueued = false;
};

} // namespace portico::http
