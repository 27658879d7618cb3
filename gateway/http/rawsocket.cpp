#include "http/rawsocket.h"

#include "eventloop/epolldispatcher.h"
#include "http/looptail.h"

#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace portico::http {

namespace {

constexpr qsizetype kReadBytes = 64 * 1024;

} // namespace

RawSocket::RawSocket(Reader *reader, QObject *parent)
    : QObject(parent)
    , m_reader(reader) {}

RawSocket::~RawSocket() {
    abort();
}

bool RawSocket::adopt(qintptr descriptor) {
    const int fd = int(descriptor);
    sockaddr_storage peer{};
    socklen_t length = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &length) != 0)
        return false;
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        return false;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    m_peerAddress.setAddress(reinterpret_cast<const sockaddr *>(&peer));
    m_peerPort = peer.ss_family == AF_INET6
                     ? ntohs(reinterpret_cast<const sockaddr_in6 *>(&peer)->sin6_port)
                     : ntohs(reinterpret_cast<const sockaddr_in *>(&peer)->sin_port);
    m_fd = fd;
    using eventloop::SocketWatch;
    m_readWatch = std::make_unique<SocketWatch>(descriptor, SocketWatch::Type::Read,
                                                &call<&RawSocket::onReadable>, this);
    m_writeWatch = std::make_unique<SocketWatch>(descriptor, SocketWatch::Type::Write,
                                                 &call<&RawSocket::onWritable>, this);
    m_writeWatch->setEnabled(false);
    return true;
}

QByteArray RawSocket::read(qint64 maxBytes) {
    QByteArray taken;
    if (maxBytes >= m_in.size()) {
        taken.swap(m_in);
    } else {
        taken = m_in.first(maxBytes);
        m_in.remove(0, maxBytes);
    }
    // Room again: read what waits in the kernel.
    if (m_readWatch && !m_lost && !m_readWatch->isEnabled() &&
        (m_readLimit <= 0 || m_in.size() < m_readLimit))
        m_readWatch->setEnabled(true);
    return taken;
}

void RawSocket::onReadable() {
    if (m_fd < 0 || m_lost)
        return;
    qsizetype room = kReadBytes;
    if (m_readLimit > 0)
        room = std::min<qsizetype>(room, qsizetype(m_readLimit - m_in.size()));
    if (room <= 0) {
        m_readWatch->setEnabled(false);
        return;
    }
    // Read into a buffer of the thread, and only what arrived is kept: a 64 KiB allocation per
    // read (freed right after the request is parsed) cost more than the read itself.
    static thread_local char buffer[kReadBytes];
    const qsizetype before = m_in.size();
    ssize_t received;
    do {
        received = ::recv(m_fd, buffer, size_t(room), 0);
    } while (received < 0 && errno == EINTR);
    if (received > 0)
        m_in.append(buffer, qsizetype(received));
    if (received < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return;
        lose();
        return;
    }
    if (received == 0) {
        // The client closed its side: what it sent is still handed on, then the connection
        // ends (as QTcpSocket does).
        lose();
        if (m_in.size() > before)
            m_reader->socketReadable();
        return;
    }
    if (m_readLimit > 0 && m_in.size() >= m_readLimit)
        m_readWatch->setEnabled(false);
    m_reader->socketReadable();
}

void RawSocket::write(const QByteArray &data) {
    if (m_fd < 0 || m_lost || data.isEmpty())
        return;
    m_out.push_back(data);
    m_pending += data.size();
    // Sent once the code that wrote it has returned to the event loop, before it polls again
    // (looptail: no posted event, which would cost a wake-up of the loop per answer):
    // whatever that code does after writing (settling a key's limits, counting the request)
    // is done before the client can see the answer and send its next request, possibly to
    // another worker. Writes made meanwhile leave together, in one system call.
    if (!m_flushQueued && !m_writeWatch->isEnabled()) {
        m_flushQueued = true;
        looptail::run(this, [](QObject *owner) {
            auto *socket = static_cast<RawSocket *>(owner);
            socket->m_flushQueued = false;
            if (socket->m_fd >= 0 && !socket->m_lost)
                socket->flushPending();
        });
    }
}

void RawSocket::onWritable() {
    if (m_fd < 0 || m_lost)
        return;
    flushPending();
}

void RawSocket::flushPending() {
    qint64 written = 0;
    while (!m_out.empty()) {
        iovec parts[16];
        int count = 0;
        for (auto it = m_out.begin(); it != m_out.end() && count < 16; ++it, ++count) {
            const qsizetype offset = count == 0 ? m_outOffset : 0;
            parts[count] = {const_cast<char *>(it->constData()) + offset,
                            size_t(it->size() - offset)};
        }
        msghdr message{};
        message.msg_iov = parts;
        message.msg_iovlen = size_t(count);
        const ssize_t sent = ::sendmsg(m_fd, &message, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            lose();
            return;
        }
        written += sent;
        m_pending -= sent;
        qsizetype left = sent;
        while (left > 0 && !m_out.empty()) {
            const qsizetype inFirst = m_out.front().size() - m_outOffset;
            if (left >= inFirst) {
                left -= inFirst;
                m_out.pop_front();
                m_outOffset = 0;
            } else {
                m_outOffset += left;
                left = 0;
            }
        }
    }
    m_writeWatch->setEnabled(!m_out.empty());
    // Also when nothing could be sent: the owner then starts timing the client's reading.
    m_reader->socketWritten(written);
}

void RawSocket::lose() {
    if (m_lost)
        return;
    m_lost = true;
    if (m_readWatch)
        m_readWatch->setEnabled(false);
    if (m_writeWatch)
        m_writeWatch->setEnabled(false);
    // Never from inside write() or a read: the owner may be in the middle of its own work.
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT disconnected(); }, Qt::QueuedConnection);
}

void RawSocket::abort() {
    if (m_fd < 0)
        return;
    // Before the close, so that the descriptor, once closed and reused, is not watched twice.
    // Possibly from inside a watch's own callback, which a SocketWatch allows.
    m_readWatch.reset();
    m_writeWatch.reset();
    ::close(m_fd);
    m_fd = -1;
    m_lost = true;
    m_out.clear();
    m_pending = 0;
    m_in.clear();
}

} // namespace portico::http
