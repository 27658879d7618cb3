#include "upstream/transfer.h"

#include "upstream/callstate.h"
#include "upstream/proxyenvironment.h"

#include <QUrl>

namespace portico::upstream::detail {

namespace {

QString hostAndPort(const QByteArray &url) {
    const QUrl parsed(QString::fromUtf8(url));
    const int defaultPort = parsed.scheme() == QLatin1String("https") ? 443 : 80;
    QString host = parsed.host();
    if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return host + QLatin1Char(':') + QString::number(parsed.port(defaultPort));
}

} // namespace

Transfer::Transfer(std::shared_ptr<CallState> state, const UpstreamRequest &request, CURL *easy)
    : m_state(std::move(state))
    , m_easy(easy)
    , m_body(request.body)
    , m_url(request.url) {
    curl_easy_setopt(m_easy, CURLOPT_PRIVATE, this);
    curl_easy_setopt(m_easy, CURLOPT_URL, request.url.constData());
    curl_easy_setopt(m_easy, CURLOPT_PROTOCOLS_STR, "http,https");
    // Predictable connection reuse: one answer per connection at a time, kept alive.
    curl_easy_setopt(m_easy, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(m_easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(m_easy, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(m_easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(m_easy, CURLOPT_CONNECTTIMEOUT_MS, long(request.connectTimeoutMs));
    curl_easy_setopt(m_easy, CURLOPT_TIMEOUT_MS, long(request.totalTimeoutMs));
    // A proxy from the environment may apply to remote upstreams, never to a local one, nor to
    // the hosts of the user's NO_PROXY (which this option would otherwise replace). libcurl
    // copies the string.
    const QByteArray noProxy = noProxyHostsFromEnvironment();
    curl_easy_setopt(m_easy, CURLOPT_NOPROXY, noProxy.constData());
    curl_easy_setopt(m_easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    curl_easy_setopt(m_easy, CURLOPT_HEADERFUNCTION, &Transfer::onHeader);
    curl_easy_setopt(m_easy, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(m_easy, CURLOPT_WRITEFUNCTION, &Transfer::onWrite);
    curl_easy_setopt(m_easy, CURLOPT_WRITEDATA, this);

    const QByteArray method = request.method.toUpper();
    if (method == "GET" && m_body.isEmpty()) {
        curl_easy_setopt(m_easy, CURLOPT_HTTPGET, 1L);
    } else if (method == "HEAD") {
        curl_easy_setopt(m_easy, CURLOPT_NOBODY, 1L);
    } else {
        if (method == "POST" || !m_body.isEmpty()) {
            curl_easy_setopt(m_easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(m_body.size()));
            curl_easy_setopt(m_easy, CURLOPT_POSTFIELDS, m_body.constData());
        }
        if (method != "POST")
            curl_easy_setopt(m_easy, CURLOPT_CUSTOMREQUEST, method.constData());
    }

    for (const auto &[name, value] : request.headers) {
        // "Name;" is libcurl's way to send a header with an empty value.
        const QByteArray line =
            value.isEmpty() ? QByteArray(name + ';') : QByteArray(name + ": " + value);
        m_requestHeaders = curl_slist_append(m_requestHeaders, line.constData());
    }
    // The body goes out at once; waiting for "100 Continue" only adds a round trip.
    m_requestHeaders = curl_slist_append(m_requestHeaders, "Expect:");
    curl_easy_setopt(m_easy, CURLOPT_HTTPHEADER, m_requestHeaders);
}

Transfer::~Transfer() {
    curl_slist_free_all(m_requestHeaders);
}

size_t Transfer::onHeader(char *buffer, size_t size, size_t count, void *self) {
    static_cast<Transfer *>(self)->headerLine(QByteArray(buffer, qsizetype(size * count)));
    return size * count;
}

size_t Transfer::onWrite(char *buffer, size_t size, size_t count, void *self) {
    auto *transfer = static_cast<Transfer *>(self);
    transfer->startResponse();
    transfer->m_state->pushData(buffer, size * count);
    return size * count;
}

// Interim answers (1xx) are skipped; the block that ends with a final status is the answer.
// Lines after it are trailers of a chunked body and are ignored.
void Transfer::headerLine(QByteArray line) {
    if (m_started)
        return;
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    if (line.startsWith("HTTP/")) {
        const QList<QByteArray> parts = line.split(' ');
        m_status = parts.size() > 1 ? parts.at(1).toInt() : 0;
        m_headers.clear();
    } else if (line.isEmpty()) {
        if (m_status >= 200)
            startResponse();
        else
            m_headers.clear();
    } else if (const qsizetype colon = line.indexOf(':'); colon > 0) {
        m_headers.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
    }
}

void Transfer::startResponse() {
    if (m_started)
        return;
    m_started = true;
    if (m_status == 0) {
        long code = 0;
        curl_easy_getinfo(m_easy, CURLINFO_RESPONSE_CODE, &code);
        m_status = int(code);
    }
    m_state->pushStarted(m_status, m_headers);
}

void Transfer::complete(CURLcode result) {
    FailureKind failure = FailureKind::None;
    QString message;
    if (result == CURLE_OK) {
        startResponse();
        m_state->pushFinished(failure, message);
        return;
    }
    const QString upstream = hostAndPort(m_url);
    switch (result) {
    case CURLE_OK:
        startResponse();
        break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        failure = FailureKind::Connect;
        message = QStringLiteral("cannot resolve the upstream host of %1").arg(upstream);
        break;
    case CURLE_COULDNT_CONNECT:
        failure = FailureKind::Connect;
        message = QStringLiteral("cannot connect to upstream %1").arg(upstream);
        break;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
        failure = FailureKind::Connect;
        message = QStringLiteral("TLS handshake with upstream %1 failed: %2")
                      .arg(upstream, QString::fromUtf8(curl_easy_strerror(result)));
        break;
    case CURLE_OPERATION_TIMEDOUT:
        failure = FailureKind::Timeout;
        message = m_started ? QStringLiteral("upstream %1 timed out mid-answer").arg(upstream)
                            : QStringLiteral("upstream %1 did not answer in time").arg(upstream);
        break;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
        // Nothing answered yet: like a refused connection, safe to try elsewhere. Part of an
        // answer already went to the caller: the call itself failed.
        if (m_started) {
            failure = FailureKind::Other;
            message = QStringLiteral("upstream %1 closed the connection mid-answer").arg(upstream);
        } else {
            failure = FailureKind::Connect;
            message =
                QStringLiteral("upstream %1 closed the connection without answering").arg(upstream);
        }
        break;
    default:
        failure = FailureKind::Other;
        message = QStringLiteral("call to upstream %1 failed: %2")
                      .arg(upstream, QString::fromUtf8(curl_easy_strerror(result)));
        break;
    }
    m_state->pushFinished(failure, message);
}

} // namespace portico::upstream::detail
