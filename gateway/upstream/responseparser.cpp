#include "upstream/responseparser.h"

#include "text/asciicase.h"

#include <QScopeGuard>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <span>

namespace portico::upstream::detail {

namespace {

QByteArrayView trimmed(QByteArrayView text) {
    while (!text.isEmpty() && (text.front() == ' ' || text.front() == '\t'))
        text = text.sliced(1);
    while (!text.isEmpty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
        text.chop(1);
    return text;
}

// A header name lower-cased, or a value as sent; the names (and a few values) that nearly
// every upstream answer carries are kept as static text instead of a copy each, which cost an
// allocation and a free per header (docs/PERFORMANCE.md).
QByteArray copyOrKnown(QByteArrayView text, bool lowerCase) {
    static const QByteArray knownNames[] = {
        QByteArrayLiteral("server"),        QByteArrayLiteral("date"),
        QByteArrayLiteral("content-type"),  QByteArrayLiteral("content-length"),
        QByteArrayLiteral("connection"),    QByteArrayLiteral("transfer-encoding"),
        QByteArrayLiteral("cache-control"), QByteArrayLiteral("x-request-id"),
    };
    static const QByteArray knownValues[] = {
        QByteArrayLiteral("application/json"),
        QByteArrayLiteral("keep-alive"),
        QByteArrayLiteral("chunked"),
        QByteArrayLiteral("text/event-stream"),
        QByteArrayLiteral("close"),
    };
    const auto sameText = [lowerCase, text](const QByteArray &candidate) {
        return lowerCase ? text::equalsIgnoringAsciiCase(candidate, text)
                         : QByteArrayView(candidate) == text;
    };
    const std::span<const QByteArray> known = lowerCase ? std::span<const QByteArray>(knownNames)
                                                        : std::span<const QByteArray>(knownValues);
    for (const QByteArray &candidate : known) {
        if (sameText(candidate))
            return candidate;
    }
    return lowerCase ? text.toByteArray().toLower() : text.toByteArray();
}

QByteArrayView lastToken(QByteArrayView value) {
    const qsizetype comma = value.lastIndexOf(',');
    return trimmed(comma < 0 ? value : value.sliced(comma + 1));
}

} // namespace

ResponseParser::ResponseParser(bool headRequest)
    : m_headRequest(headRequest) {}

ResponseParser::State ResponseParser::fail(const QString &why) {
    m_state = State::Failed;
    m_keepAlive = false;
    m_error = why;
    return m_state;
}

ResponseParser::State ResponseParser::feed(const char *data, qsizetype size, ResponseSink &sink) {
    if (size > 0)
        m_sawBytes = true;
    while (size > 0) {
        switch (m_state) {
        case State::Head: {
            // The head's end is searched in the new bytes (and the two before them, for a blank
            // line split between reads); only the head is kept, never the body after it.
            const qsizetype before = m_head.size();
            const qsizetype room = kMaxHeadBytes + 4 - before;
            const qsizetype taken = std::min(size, room);
            m_head.append(data, taken);
            qsizetype end = -1;
            for (qsizetype at = std::max<qsizetype>(0, before - 2); at < m_head.size();) {
                const char *found = static_cast<const char *>(
                    std::memchr(m_head.constData() + at, '\n', size_t(m_head.size() - at)));
                if (!found)
                    break;
                const qsizetype i = found - m_head.constData();
                if (i + 1 < m_head.size() && m_head.at(i + 1) == '\n') {
                    end = i + 2;
                    break;
                }
                if (i + 2 < m_head.size() && m_head.at(i + 1) == '\r' && m_head.at(i + 2) == '\n') {
                    end = i + 3;
                    break;
                }
                at = i + 1;
            }
            if (end < 0) {
                if (m_head.size() > kMaxHeadBytes)
                    return fail(QStringLiteral("its answer's headers exceed %1 KiB")
                                    .arg(kMaxHeadBytes / 1024));
                return m_state; // taken == size: everything is in m_head
            }
            const qsizetype used = end - before;
            data += used;
            size -= used;
            m_head.truncate(end);
            if (!parseHead(sink)) {
                if (m_state == State::Failed)
                    return m_state;
                continue; // an interim answer: the final one follows
            }
            break;
        }
        case State::Body: {
            const qsizetype used = feedBody(data, size, sink);
            if (m_state == State::Failed)
                return m_state;
            data += used;
            size -= used;
            break;
        }
        case State::Done:
            // Bytes nobody asked for: the answer stands, the connection cannot be trusted again.
            m_keepAlive = false;
            return m_state;
        case State::Failed:
            return m_state;
        }
    }
    return m_state;
}

bool ResponseParser::parseHead(ResponseSink &sink) {
    // Read as views into m_head, which is emptied when this returns: the framing headers are
    // judged as they are read, and only the list handed to the sink is copied out.
    const auto emptyHead = qScopeGuard([this] { m_head.clear(); });
    QByteArrayView head(m_head);
    QList<QPair<QByteArray, QByteArray>> headers;
    headers.reserve(12);
    int status = 0;
    bool http10 = false;
    bool first = true;
    bool closeAsked = false;
    bool hasTransferEncoding = false;
    QByteArrayView transferEncoding;
    bool hasLength = false;
    bool lengthConflict = false;
    QByteArrayView contentLength;
    while (!head.isEmpty()) {
        const char *const newlineAt =
            static_cast<const char *>(std::memchr(head.data(), '\n', size_t(head.size())));
        const qsizetype newline = newlineAt ? newlineAt - head.data() : head.size();
        QByteArrayView line = head.first(newline);
        head = head.sliced(std::min(newline + 1, head.size()));
        if (line.endsWith('\r'))
            line.chop(1);
        if (first) {
            first = false;
            // "HTTP/1.1 200 OK": the version, a space, three digits.
            if (!line.startsWith("HTTP/1.") || line.size() < 12 || line.at(8) != ' ' ||
                !std::isdigit(uchar(line.at(9))) || !std::isdigit(uchar(line.at(10))) ||
                !std::isdigit(uchar(line.at(11))) || (line.size() > 12 && line.at(12) != ' ')) {
                fail(QStringLiteral("its answer does not start with an HTTP/1.x status line"));
                return false;
            }
            http10 = line.at(7) == '0';
            status = (line.at(9) - '0') * 100 + (line.at(10) - '0') * 10 + (line.at(11) - '0');
            continue;
        }
        if (line.isEmpty())
            break;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue; // not a header: ignored, as libcurl does
        const QByteArrayView name = trimmed(line.first(colon));
        const QByteArrayView value = trimmed(line.sliced(colon + 1));
        if (text::equalsIgnoringAsciiCase(name, "connection")) {
            closeAsked = closeAsked || text::holdsToken(value, "close");
        } else if (text::equalsIgnoringAsciiCase(name, "transfer-encoding")) {
            hasTransferEncoding = true;
            transferEncoding = value;
        } else if (text::equalsIgnoringAsciiCase(name, "content-length")) {
            if (hasLength && contentLength != value)
                lengthConflict = true;
            hasLength = true;
            contentLength = value;
        }
        headers.append({copyOrKnown(name, true), copyOrKnown(value, false)});
    }
    if (status < 200) {
        if (status == 101) {
            fail(QStringLiteral("it switched protocols, which was not asked for"));
            return false;
        }
        return false; // 1xx: skipped
    }

    m_keepAlive = !http10 && !closeAsked;
    if (m_headRequest || status == 204 || status == 304) {
        m_framing = Framing::None;
    } else if (hasTransferEncoding) {
        if (text::equalsIgnoringAsciiCase(lastToken(transferEncoding), "chunked")) {
            m_framing = Framing::Chunked;
            m_chunkStep = ChunkStep::Size;
        } else {
            m_framing = Framing::UntilClose;
            m_keepAlive = false;
        }
    } else if (hasLength) {
        qint64 length = 0;
        const char *const digitsEnd = contentLength.data() + contentLength.size();
        const bool ok = !contentLength.isEmpty() && !lengthConflict && contentLength.size() <= 18 &&
                        std::all_of(contentLength.begin(), contentLength.end(),
                                    [](char c) { return std::isdigit(uchar(c)); }) &&
                        std::from_chars(contentLength.data(), digitsEnd, length).ptr == digitsEnd;
        if (!ok) {
            fail(QStringLiteral("its answer has an invalid Content-Length"));
            return false;
        }
        m_framing = Framing::Length;
        m_remaining = length;
    } else {
        m_framing = Framing::UntilClose;
        m_keepAlive = false;
    }
    m_state = State::Body;
    m_headDone = true;
    sink.responseHead(status, headers);
    if (m_framing == Framing::None || (m_framing == Framing::Length && m_remaining == 0))
        m_state = State::Done;
    return true;
}

qsizetype ResponseParser::feedBody(const char *data, qsizetype size, ResponseSink &sink) {
    switch (m_framing) {
    case Framing::None:
        m_state = State::Done;
        return 0;
    case Framing::Length: {
        const qsizetype used = qsizetype(std::min<qint64>(size, m_remaining));
        m_remaining -= used;
        if (m_remaining == 0)
            m_state = State::Done;
        sink.responseBody(data, used);
        return used;
    }
    case Framing::UntilClose:
        sink.responseBody(data, size);
        return size;
    case Framing::Chunked:
        return feedChunked(data, size, sink);
    }
    return size;
}

bool ResponseParser::takeLine(const char *data, qsizetype size, qsizetype *used,
                              QByteArrayView *line) {
    const char *newline = static_cast<const char *>(std::memchr(data, '\n', size_t(size)));
    const qsizetype part = newline ? newline - data + 1 : size;
    // Checked on the whole line, however it arrived: a chunk line cannot grow without bound.
    if (m_line.size() + part > kMaxChunkLineBytes) {
        fail(QStringLiteral("its chunked answer has a framing line over %1 bytes")
                 .arg(kMaxChunkLineBytes));
        *used = size;
        return false;
    }
    *used = part;
    if (!newline) {
        m_line.append(data, part);
        return false;
    }
    // A line that arrived whole (the usual case) is read where it is, without a copy.
    if (m_line.isEmpty()) {
        *line = QByteArrayView(data, part);
    } else {
        m_line.append(data, part);
        *line = m_line;
    }
    line->chop(1);
    if (line->endsWith('\r'))
        line->chop(1);
    return true;
}

qsizetype ResponseParser::feedChunked(const char *data, qsizetype size, ResponseSink &sink) {
    qsizetype consumed = 0;
    while (consumed < size && m_state == State::Body) {
        const char *at = data + consumed;
        const qsizetype left = size - consumed;
        if (m_chunkStep == ChunkStep::Data) {
            const qsizetype used = qsizetype(std::min<qint64>(left, m_remaining));
            m_remaining -= used;
            consumed += used;
            if (m_remaining == 0)
                m_chunkStep = ChunkStep::DataEnd;
            sink.responseBody(at, used);
            continue;
        }
        qsizetype used = 0;
        QByteArrayView line;
        const bool complete = takeLine(at, left, &used, &line);
        consumed += used;
        if (m_state == State::Failed)
            return consumed;
        if (!complete)
            continue;
        switch (m_chunkStep) {
        case ChunkStep::Size: {
            if (const qsizetype semicolon = line.indexOf(';'); semicolon >= 0)
                line = line.first(semicolon);
            line = trimmed(line);
            qint64 chunkSize = 0;
            // At most 15 hex digits (60 bits): the size cannot overflow while it is read.
            bool ok = !line.isEmpty() && line.size() <= 15;
            for (char c : ok ? line : QByteArrayView()) {
                const int digit = std::isdigit(uchar(c))   ? c - '0'
                                  : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                  : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                           : -1;
                ok = ok && digit >= 0;
                chunkSize = chunkSize * 16 + std::max(digit, 0);
            }
            if (!ok) {
                fail(QStringLiteral("its chunked answer has an invalid chunk size"));
                return consumed;
            }
            m_remaining = chunkSize;
            m_chunkStep = chunkSize == 0 ? ChunkStep::Trailer : ChunkStep::Data;
            break;
        }
        case ChunkStep::DataEnd:
            if (!line.isEmpty()) {
                fail(QStringLiteral("its chunked answer has a chunk longer than its size"));
                return consumed;
            }
            m_chunkStep = ChunkStep::Size;
            break;
        case ChunkStep::Trailer:
            if (line.isEmpty())
                m_state = State::Done; // trailers, if any, are dropped
            break;
        case ChunkStep::Data:
            break;
        }
        m_line.clear();
    }
    return consumed;
}

ResponseParser::State ResponseParser::closed() {
    m_keepAlive = false;
    if (m_state == State::Body && m_framing == Framing::UntilClose)
        m_state = State::Done;
    else if (m_state == State::Head || m_state == State::Body)
        return fail(QStringLiteral("the connection closed before the answer was complete"));
    return m_state;
}

} // namespace portico::upstream::detail
