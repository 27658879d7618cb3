#include "http/connectionresponder.h"

#include "http/connection.h"
#include "http/httpmessages.h"
#include "text/asciicase.h"
#include "text/bytewriter.h"

#include <charconv>
#include <cstring>

namespace portico::http {

ConnectionResponder::ConnectionResponder(Connection *connection, bool keepAlive, bool http10,
                                         bool headRequest)
    : m_connection(connection)
    , m_keepAlive(keepAlive)
    , m_http10(http10)
    , m_headRequest(headRequest) {}

void ConnectionResponder::send(int status, const QByteArray &contentType, const QByteArray &body,
                               const QList<Header> &extraHeaders) {
    if (m_state != State::Fresh) {
        qWarning("portico::http: send() on a responder that has already answered");
        return;
    }
    // "Content-Length: N\r\n", without a temporary string.
    static constexpr char kName[] = "Content-Length: ";
    char framing[48];
    qsizetype framingSize = 0;
    if (status >= 200 && status != 204 && status != 304) {
        std::memcpy(framing, kName, sizeof kName - 1);
        char *end = std::to_chars(framing + sizeof kName - 1, framing + 44, body.size()).ptr;
        *end++ = '\r';
        *end++ = '\n';
        framingSize = end - framing;
    }
    const bool withBody = statusHasBody(status) && !m_headRequest;
    QByteArray out = head(status, contentType, extraHeaders, QByteArrayView(framing, framingSize),
                          withBody ? body.size() : 0);
    if (withBody)
        out += body;
    write(out);
    finish();
}

void ConnectionResponder::beginChunked(int status, const QByteArray &contentType,
                                       const QList<Header> &extraHeaders) {
    if (m_state != State::Fresh) {
        qWarning("portico::http: beginChunked() on a responder that has already answered");
        return;
    }
    m_state = State::Streaming;
    m_bodyless = m_headRequest || !statusHasBody(status);
    QByteArray framing;
    if (!statusHasBody(status)) {
        // No body and no framing header.
    } else if (m_http10) {
        // An HTTP/1.0 client does not know chunked coding: the end of the body is the close.
        m_rawStream = true;
        m_keepAlive = false;
    } else {
        framing = QByteArrayLiteral("Transfer-Encoding: chunked\r\n");
    }
    write(head(status, contentType, extraHeaders, framing));
}

void ConnectionResponder::writeChunk(const QByteArray &data) {
    if (m_state != State::Streaming || data.isEmpty() || m_bodyless)
        return;
    if (m_rawStream) {
        write(data);
        return;
    }
    QByteArray chunk;
    {
        text::ByteWriter out(chunk, data.size() + 24);
        out.number(data.size(), 16) << "\r\n" << data << "\r\n";
    }
    write(chunk);
}

void ConnectionResponder::endChunked() {
    if (m_state != State::Streaming)
        return;
    if (!m_rawStream && !m_bodyless)
        write(QByteArrayLiteral("0\r\n\r\n"));
    finish();
}

bool ConnectionResponder::isConnected() const {
    return m_connection && m_connection->isOpen();
}

qint64 ConnectionResponder::pendingBytes() const {
    if (!m_connection)
        return 0;
    return m_connection->socketPendingBytes() + m_buffer.size();
}

void ConnectionResponder::keepUntilSent(std::shared_ptr<void> token) {
    if (!m_connection)
        return;
    if (m_atHead)
        m_connection->holdUntilFlushed(std::move(token));
    else
        m_holds.push_back(std::move(token));
}

void ConnectionResponder::becomeHead() {
    m_atHead = true;
    if (!m_buffer.isEmpty() && m_connection)
        m_connection->writeToSocket(std::exchange(m_buffer, {}));
    for (std::shared_ptr<void> &hold : std::exchange(m_holds, {})) {
        if (m_connection)
            m_connection->holdUntilFlushed(std::move(hold));
    }
}

void ConnectionResponder::detach() {
    m_connection = nullptr;
    m_buffer.clear();
    m_holds.clear();
    if (m_state != State::Finished && !m_disconnectedEmitted) {
        m_disconnectedEmitted = true;
        reportDisconnected();
    }
}

void ConnectionResponder::checkDrained() {
    if (m_aboveHighWater && m_connection && pendingBytes() < m_connection->limits().lowWaterBytes) {
        m_aboveHighWater = false;
        reportDrained();
    }
}

QByteArray ConnectionResponder::head(int status, const QByteArray &contentType,
                                     const QList<Header> &extraHeaders, QByteArrayView framing,
                                     qsizetype bodySize) {
    for (const Header &header : extraHeaders) {
        if (text::equalsIgnoringAsciiCase(header.name, "Connection") &&
            text::holdsToken(header.value, "close"))
            m_keepAlive = false;
    }
    if (m_connection && m_connection->isClosing())
        m_keepAlive = false;

    const QByteArray reason = reasonPhrase(status);
    const QByteArray date = httpDateNow();
    qsizetype room = 96 + reason.size() + date.size() + contentType.size() + framing.size();
    for (const Header &header : extraHeaders)
        room += header.name.size() + header.value.size() + 4;
    QByteArray out;
    out.reserve(room + bodySize);
    {
        text::ByteWriter head(out, room);
        head << "HTTP/1.1 ";
        head.number(status) << ' ' << reason << "\r\nDate: " << date << "\r\n";
        if (!contentType.isEmpty() && statusHasBody(status))
            head << "Content-Type: " << contentType << "\r\n";
        head << framing;
        if (!m_keepAlive)
            head << "Connection: close\r\n";
        else if (m_http10)
            head << "Connection: keep-alive\r\n";
        for (const Header &header : extraHeaders) {
            if (text::equalsIgnoringAsciiCase(header.name, "Connection"))
                continue;
            head << header.name << ": " << header.value << "\r\n";
        }
        head << "\r\n";
    }
    return out;
}

void ConnectionResponder::write(const QByteArray &data) {
    if (!m_connection || data.isEmpty())
        return;
    if (m_atHead)
        m_connection->writeToSocket(data);
    else
        m_buffer += data;
    if (pendingBytes() >= m_connection->limits().highWaterBytes)
        m_aboveHighWater = true;
}

void ConnectionResponder::finish() {
    m_state = State::Finished;
    if (m_connection)
        m_connection->responderFinished(this);
}

} // namespace portico::http
