#include "http/requestparser.h"

#include "http/httpmessages.h"
#include "text/asciicase.h"

#include <array>
#include <cctype>
#include <cstring>
#include <limits>
#include <string_view>

namespace portico::http {

namespace {

constexpr qsizetype maxChunkSizeLine = 1024;

// RFC 9110's tchar: letters, digits and !#$%&'*+-.^_`|~. A table, not a switch: it runs for
// every byte of every header name.
constexpr std::array<bool, 256> kTokenChars = [] {
    std::array<bool, 256> table{};
    for (int c = '0'; c <= '9'; ++c)
        table[size_t(c)] = true;
    for (int c = 'a'; c <= 'z'; ++c)
        table[size_t(c)] = table[size_t(c - 'a' + 'A')] = true;
    for (const char c : std::string_view("!#$%&'*+-.^_`|~"))
        table[static_cast<unsigned char>(c)] = true;
    return table;
}();

bool isTokenChar(char c) {
    return kTokenChars[static_cast<unsigned char>(c)];
}

bool isToken(QByteArrayView text) {
    if (text.isEmpty())
        return false;
    for (char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// The header names clients nearly always send, in the spellings they send them (curl and wrk
// capitalize, Node's fetch writes lower case), and a few common values: kept as static text
// instead of a copy each, which cost an allocation and a free per header (docs/PERFORMANCE.md).
QByteArray copyOrKnown(QByteArrayView text) {
    static const QByteArray known[] = {
        QByteArrayLiteral("Host"),
        QByteArrayLiteral("host"),
        QByteArrayLiteral("User-Agent"),
        QByteArrayLiteral("user-agent"),
        QByteArrayLiteral("Accept"),
        QByteArrayLiteral("accept"),
        QByteArrayLiteral("Content-Type"),
        QByteArrayLiteral("content-type"),
        QByteArrayLiteral("Content-Length"),
        QByteArrayLiteral("content-length"),
        QByteArrayLiteral("Authorization"),
        QByteArrayLiteral("authorization"),
        QByteArrayLiteral("Connection"),
        QByteArrayLiteral("connection"),
        QByteArrayLiteral("application/json"),
        QByteArrayLiteral("keep-alive"),
        QByteArrayLiteral("*/*"),
    };
    for (const QByteArray &candidate : known) {
        if (candidate.size() == text.size() &&
            std::memcmp(candidate.constData(), text.data(), size_t(text.size())) == 0)
            return candidate;
    }
    return text.toByteArray();
}

QByteArrayView trimmedSpaces(QByteArrayView text) {
    qsizetype begin = 0;
    qsizetype end = text.size();
    while (begin < end && (text[begin] == ' ' || text[begin] == '\t'))
        ++begin;
    while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t'))
        --end;
    return text.sliced(begin, end - begin);
}

// The comma-separated tokens of every header called `name`, lower-cased.
QList<QByteArray> headerTokens(const Request &request, QByteArrayView name) {
    QList<QByteArray> tokens;
    for (const auto &[headerName, value] : request.headers) {
        if (!text::equalsIgnoringAsciiCase(headerName, name))
            continue;
        for (const QByteArray &part : value.split(',')) {
            const QByteArray token = trimmedSpaces(part).toByteArray().toLower();
            if (!token.isEmpty())
                tokens.append(token);
        }
    }
    return tokens;
}

// A Request{} allocates (its QHostAddress does); a copy of this one shares it instead. Per thread,
// so the count it shares is not one that both workers write.
const Request &emptyRequest() {
    thread_local const Request empty;
    return empty;
}

QString latin1(QByteArrayView text) {
    return QString::fromLatin1(text.first(std::min<qsizetype>(text.size(), 64)));
}

} // namespace

QByteArray Request::header(QByteArrayView name) const {
    for (const auto &[headerName, value] : headers) {
        if (text::equalsIgnoringAsciiCase(headerName, name))
            return value;
    }
    return {};
}

RequestParser::RequestParser(qint64 maxHeaderBytes, qint64 maxBodyBytes)
    : m_maxHeaderBytes(maxHeaderBytes)
    , m_maxBodyBytes(maxBodyBytes) {}

void RequestParser::append(const QByteArray &data) {
    m_buffer.append(data);
}

bool RequestParser::expectsContinue() const {
    return m_expectContinue && isReadingBody();
}

bool RequestParser::isReadingHead() const {
    return m_state == State::Head && hasBufferedBytes();
}

bool RequestParser::isReadingBody() const {
    switch (m_state) {
    case State::Body:
    case State::ChunkSize:
    case State::ChunkData:
    case State::ChunkDataEnd:
    case State::Trailers:
        return true;
    default:
        return false;
    }
}

RequestParser::Status RequestParser::parse() {
    switch (m_state) {
    case State::Head:
        return parseHead();
    case State::Body:
        return parseBody();
    case State::ChunkSize:
    case State::ChunkData:
    case State::ChunkDataEnd:
    case State::Trailers:
        return parseChunked();
    case State::Done:
        return Status::Complete;
    case State::Failed:
        return Status::Error;
    }
    return Status::Error;
}

Request RequestParser::takeRequest() {
    Request request = std::move(m_request);
    m_request = emptyRequest();
    m_headRead = false;
    m_state = State::Head;
    m_expectContinue = false;
    m_bodyRemaining = 0;
    m_trailerBytes = 0;
    compact();
    return request;
}

RequestParser::Status RequestParser::fail(int status, const char *code, const QString &message) {
    m_state = State::Failed;
    m_error = RequestError{status, QByteArray(code), message};
    return Status::Error;
}

qsizetype RequestParser::findLineEnd(qsizetype from) const {
    return m_buffer.indexOf('\n', from);
}

void RequestParser::compact() {
    if (m_pos == 0)
        return;
    if (m_pos >= m_buffer.size()) {
        m_buffer.clear();
        m_pos = 0;
    } else if (m_pos > 64 * 1024) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
}

RequestParser::Status RequestParser::parseHead() {
    // Robustness (RFC 9112 section 2.2): empty lines before a request line are ignored.
    while (m_pos < m_buffer.size() && (m_buffer[m_pos] == '\r' || m_buffer[m_pos] == '\n'))
        ++m_pos;
    compact();

    // The head ends at the first empty line; bare LF line ends are accepted too.
    qsizetype headEnd = -1;
    qsizetype lineStart = m_pos + m_headScanned;
    while (true) {
        const qsizetype lineEnd = findLineEnd(lineStart);
        if (lineEnd < 0)
            break;
        const qsizetype length = lineEnd - lineStart;
        if (length == 0 || (length == 1 && m_buffer[lineStart] == '\r')) {
            headEnd = lineEnd + 1;
            break;
        }
        lineStart = lineEnd + 1;
        if (lineStart - m_pos > m_maxHeaderBytes)
            break;
    }
    // Bytes that arrive one at a time must not make each call rescan the whole head.
    m_headScanned = lineStart - m_pos;

    const qint64 headBytes = (headEnd < 0 ? m_buffer.size() : headEnd) - m_pos;
    if (headBytes > m_maxHeaderBytes) {
        return fail(431, "request_header_fields_too_large",
                    QStringLiteral("The request headers are larger than %1, the most the gateway "
                                   "accepts. Send fewer or shorter headers (cookies, long "
                                   "custom headers).")
                        .arg(humanBytes(m_maxHeaderBytes)));
    }
    if (headEnd < 0) {
        // Refuse at once what cannot become a request line, such as a TLS handshake sent by
        // an https:// client, instead of waiting for a head that never ends.
        for (qsizetype i = m_pos; i < m_buffer.size() && m_buffer[i] != ' '; ++i) {
            if (!isTokenChar(m_buffer[i]))
                return fail(400, "invalid_request",
                            QStringLiteral("The request does not start with an HTTP method. The "
                                           "gateway speaks plain HTTP: use http://, not "
                                           "https://."));
        }
        return Status::NeedMore;
    }

    // Read in place: the buffer does not change while its head is parsed.
    const QByteArrayView head(m_buffer.constData() + m_pos, headEnd - m_pos);
    m_pos = headEnd;
    m_headScanned = 0;
    return parseHeadLines(head);
}

RequestParser::Status RequestParser::parseHeadLines(QByteArrayView head) {
    // Read as views into `head`: only the request's own fields are copied out (this runs for
    // every request the gateway serves).
    QByteArrayView rest(head);
    const auto nextLine = [&rest] {
        const qsizetype newline = rest.indexOf('\n');
        QByteArrayView line = newline < 0 ? rest : rest.first(newline);
        rest = newline < 0 ? QByteArrayView() : rest.sliced(newline + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        return line;
    };
    bool onlyLineEnds = rest.isEmpty() || rest.front() == '\r' || rest.front() == '\n';
    for (char c : onlyLineEnds ? rest : QByteArrayView())
        onlyLineEnds = onlyLineEnds && (c == '\r' || c == '\n');
    if (onlyLineEnds)
        return fail(400, "invalid_request", QStringLiteral("The request is empty."));
    const QByteArrayView requestLine = nextLine();

    const qsizetype firstSpace = requestLine.indexOf(' ');
    const qsizetype secondSpace = firstSpace < 0 ? -1 : requestLine.indexOf(' ', firstSpace + 1);
    const bool threeParts = secondSpace > 0 && requestLine.indexOf(' ', secondSpace + 1) < 0;
    const QByteArrayView method = threeParts ? requestLine.first(firstSpace) : QByteArrayView();
    const QByteArrayView target =
        threeParts ? requestLine.sliced(firstSpace + 1, secondSpace - firstSpace - 1)
                   : QByteArrayView();
    if (!threeParts || !isToken(method) || target.isEmpty()) {
        return fail(400, "invalid_request",
                    QStringLiteral("The request line \"%1\" is not valid HTTP: expected "
                                   "\"METHOD /path HTTP/1.1\".")
                        .arg(latin1(requestLine)));
    }
    for (char c : target) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return fail(400, "invalid_request",
                        QStringLiteral("The request target contains a space or control "
                                       "character; encode it (percent-encoding)."));
    }
    const QByteArrayView version = requestLine.sliced(secondSpace + 1);
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.' ||
        !std::isdigit(static_cast<unsigned char>(version[5])) ||
        !std::isdigit(static_cast<unsigned char>(version[7]))) {
        return fail(400, "invalid_request",
                    QStringLiteral("\"%1\" is not an HTTP version; expected HTTP/1.1.")
                        .arg(latin1(version)));
    }
    if (version[5] != '1') {
        return fail(505, "http_version_not_supported",
                    QStringLiteral("%1 is not supported: the gateway speaks HTTP/1.1 (and "
                                   "HTTP/1.0). Send the request over HTTP/1.1.")
                        .arg(latin1(version)));
    }
    m_http10 = version[7] == '0';

    m_request = emptyRequest();
    m_headRead = false;
    m_request.method = method.toByteArray();
    m_request.target = target.toByteArray();
    QByteArrayView pathAndQuery = target;
    // Absolute form ("http://host/path"), as proxies send it: keep only the path.
    if (pathAndQuery.startsWith("http://") || pathAndQuery.startsWith("https://")) {
        const qsizetype slash = pathAndQuery.indexOf('/', pathAndQuery.indexOf("//") + 2);
        pathAndQuery = slash < 0 ? QByteArrayView("/") : pathAndQuery.sliced(slash);
    }
    const qsizetype question = pathAndQuery.indexOf('?');
    if (question < 0 && pathAndQuery.size() == target.size()) {
        m_request.path = m_request.target; // shared, not copied
    } else {
        m_request.path = (question < 0 ? pathAndQuery : pathAndQuery.first(question)).toByteArray();
        if (question >= 0)
            m_request.query = pathAndQuery.sliced(question + 1).toByteArray();
    }

    bool connectionClose = false;
    bool connectionKeepAlive = false;
    m_request.headers.reserve(16);
    while (!rest.isEmpty()) {
        const QByteArrayView line = nextLine();
        if (line.isEmpty())
            continue; // the blank line that ends the head (and any after it)
        if (line.startsWith(' ') || line.startsWith('\t')) {
            return fail(400, "invalid_request",
                        QStringLiteral("A header line starts with white space (obsolete line "
                                       "folding); put each header on one line."));
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.first(colon))) {
            return fail(400, "invalid_request",
                        QStringLiteral("The header line \"%1\" is not valid: expected "
                                       "\"Name: value\".")
                            .arg(latin1(line)));
        }
        const QByteArrayView valueText = trimmedSpaces(line.sliced(colon + 1));
        if (!valueText.isEmpty() &&
            (std::memchr(valueText.data(), '\0', size_t(valueText.size())) ||
             std::memchr(valueText.data(), '\r', size_t(valueText.size())))) {
            return fail(400, "invalid_request",
                        QStringLiteral("The value of header \"%1\" contains a control "
                                       "character.")
                            .arg(latin1(line.first(colon))));
        }
        const QByteArray value = copyOrKnown(valueText);
        const QByteArrayView name = line.first(colon);
        if (text::equalsIgnoringAsciiCase(name, "Connection")) {
            connectionClose |= text::holdsToken(value, "close");
            connectionKeepAlive |= text::holdsToken(value, "keep-alive");
        }
        m_request.headers.append({copyOrKnown(name), value});
    }
    m_headRead = true;
    m_request.keepAlive = m_http10 ? connectionKeepAlive : !connectionClose;

    const QList<QByteArray> transferCodings = headerTokens(m_request, "Transfer-Encoding");
    bool hasContentLength = false;
    qint64 contentLength = 0;
    for (const auto &[name, value] : std::as_const(m_request.headers)) {
        if (!text::equalsIgnoringAsciiCase(name, "Content-Length"))
            continue;
        bool digits = !value.isEmpty();
        for (char c : value)
            digits = digits && c >= '0' && c <= '9';
        if (!digits) {
            return fail(400, "invalid_request",
                        QStringLiteral("Content-Length \"%1\" is not a number of bytes.")
                            .arg(latin1(value)));
        }
        // More than 18 digits cannot fit a qint64 and is far beyond any body limit anyway.
        const qint64 length =
            value.size() > 18 ? std::numeric_limits<qint64>::max() : value.toLongLong();
        if (hasContentLength && length != contentLength) {
            return fail(400, "invalid_request",
                        QStringLiteral("The request has several different Content-Length "
                                       "headers; send one."));
        }
        hasContentLength = true;
        contentLength = length;
    }

    if (!transferCodings.isEmpty()) {
        if (hasContentLength) {
            return fail(400, "invalid_request",
                        QStringLiteral("The request has both Transfer-Encoding and "
                                       "Content-Length; send only one of them."));
        }
        if (transferCodings != QList<QByteArray>{QByteArrayLiteral("chunked")}) {
            return fail(501, "unsupported_transfer_encoding",
                        QStringLiteral("Transfer-Encoding \"%1\" is not supported; send the "
                                       "body with Content-Length or "
                                       "\"Transfer-Encoding: chunked\" only.")
                            .arg(QString::fromLatin1(transferCodings.join(", "))));
        }
        m_state = State::ChunkSize;
    } else if (contentLength > m_maxBodyBytes) {
        return fail(413, "request_too_large",
                    QStringLiteral("Request body is %1; the gateway accepts at most %2. Send "
                                   "a smaller request.")
                        .arg(humanBytes(contentLength), humanBytes(m_maxBodyBytes)));
    } else if (contentLength > 0) {
        m_bodyRemaining = contentLength;
        m_request.body.reserve(contentLength);
        m_state = State::Body;
    } else {
        m_state = State::Done;
    }

    m_expectContinue = false;
    for (const QByteArray &expectation : headerTokens(m_request, "Expect"))
        m_expectContinue = m_expectContinue || expectation == "100-continue";
    return Status::HeadersReady;
}

RequestParser::Status RequestParser::parseBody() {
    const qint64 available = m_buffer.size() - m_pos;
    const qint64 take = std::min(available, m_bodyRemaining);
    if (take > 0) {
        m_request.body.append(m_buffer.constData() + m_pos, take);
        m_pos += take;
        m_bodyRemaining -= take;
        compact();
    }
    if (m_bodyRemaining > 0)
        return Status::NeedMore;
    m_state = State::Done;
    return Status::Complete;
}

RequestParser::Status RequestParser::parseChunked() {
    while (true) {
        switch (m_state) {
        case State::ChunkSize: {
            const qsizetype lineEnd = findLineEnd(m_pos);
            if (lineEnd < 0) {
                if (m_buffer.size() - m_pos > maxChunkSizeLine)
                    return fail(400, "invalid_request",
                                QStringLiteral("A chunk-size line of the chunked request body "
                                               "is too long."));
                return Status::NeedMore;
            }
            // The same limit when the line's end has arrived: whether a request is accepted
            // must not depend on where TCP cut its bytes.
            if (lineEnd - m_pos > maxChunkSizeLine)
                return fail(400, "invalid_request",
                            QStringLiteral("A chunk-size line of the chunked request body "
                                           "is too long."));
            QByteArrayView line(m_buffer.constData() + m_pos, lineEnd - m_pos);
            m_pos = lineEnd + 1;
            if (line.endsWith('\r'))
                line.chop(1);
            const qsizetype semicolon = line.indexOf(';');
            if (semicolon >= 0)
                line.truncate(semicolon);
            const QByteArray sizeText = trimmedSpaces(line).toByteArray();
            bool ok = !sizeText.isEmpty() && sizeText.size() <= 15;
            const qint64 size = ok ? sizeText.toLongLong(&ok, 16) : 0;
            if (!ok || size < 0) {
                if (sizeText.size() > 15)
                    return fail(413, "request_too_large",
                                QStringLiteral("A chunk of the request body is larger than "
                                               "%1, the most the gateway accepts. Send a "
                                               "smaller request.")
                                    .arg(humanBytes(m_maxBodyBytes)));
                return fail(400, "invalid_request",
                            QStringLiteral("The chunked request body has an invalid chunk "
                                           "size \"%1\".")
                                .arg(latin1(sizeText)));
            }
            if (size == 0) {
                m_state = State::Trailers;
                break;
            }
            if (m_request.body.size() + size > m_maxBodyBytes) {
                return fail(413, "request_too_large",
                            QStringLiteral("Request body is more than %1; the gateway accepts "
                                           "at most %1. Send a smaller request.")
                                .arg(humanBytes(m_maxBodyBytes)));
            }
            m_bodyRemaining = size;
            m_state = State::ChunkData;
            break;
        }
        case State::ChunkData: {
            const qint64 take = std::min<qint64>(m_buffer.size() - m_pos, m_bodyRemaining);
            m_request.body.append(m_buffer.constData() + m_pos, take);
            m_pos += take;
            m_bodyRemaining -= take;
            compact();
            if (m_bodyRemaining > 0)
                return Status::NeedMore;
            m_state = State::ChunkDataEnd;
            break;
        }
        case State::ChunkDataEnd: {
            const qsizetype available = m_buffer.size() - m_pos;
            if (available >= 1 && m_buffer[m_pos] == '\n') {
                m_pos += 1;
            } else if (available >= 2 && m_buffer[m_pos] == '\r' && m_buffer[m_pos + 1] == '\n') {
                m_pos += 2;
            } else if (available == 0 || (available == 1 && m_buffer[m_pos] == '\r')) {
                return Status::NeedMore;
            } else {
                return fail(400, "invalid_request",
                            QStringLiteral("A chunk of the chunked request body is longer "
                                           "than its announced size."));
            }
            m_state = State::ChunkSize;
            break;
        }
        case State::Trailers: {
            const qsizetype lineEnd = findLineEnd(m_pos);
            if (lineEnd < 0) {
                if (m_trailerBytes + (m_buffer.size() - m_pos) > m_maxHeaderBytes)
                    return fail(431, "request_header_fields_too_large",
                                QStringLiteral("The trailers of the chunked request body are "
                                               "larger than %1.")
                                    .arg(humanBytes(m_maxHeaderBytes)));
                return Status::NeedMore;
            }
            const qsizetype length = lineEnd - m_pos;
            const bool empty = length == 0 || (length == 1 && m_buffer[m_pos] == '\r');
            m_trailerBytes += length + 1;
            m_pos = lineEnd + 1;
            // Trailer fields are read past, not kept: nothing in the gateway uses them.
            if (empty) {
                m_state = State::Done;
                compact();
                return Status::Complete;
            }
            if (m_trailerBytes > m_maxHeaderBytes)
                return fail(431, "request_header_fields_too_large",
                            QStringLiteral("The trailers of the chunked request body are "
                                           "larger than %1.")
                                .arg(humanBytes(m_maxHeaderBytes)));
            break;
        }
        default:
            return parse();
        }
    }
}

} // namespace portico::http
