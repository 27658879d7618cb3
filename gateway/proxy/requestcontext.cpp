#include "proxy/requestcontext.h"

#include "metering/gatewaylog.h"
#include "metering/metrics.h"
#include "metering/usagerecorder.h"
#include "proxy/gatewayservices.h"
#include "proxy/refusalfolder.h"

#include <QRandomGenerator>

#include <charconv>
#include <iterator>

namespace portico::proxy {

namespace {

// The method and path as the log line shows them. The usual ones are static text: converting
// them cost an allocation each, on every request.
QString methodText(const QByteArray &method) {
    if (method == "POST")
        return QStringLiteral("POST");
    if (method == "GET")
        return QStringLiteral("GET");
    return QString::fromLatin1(method.left(16));
}

QString pathText(const QByteArray &path) {
    if (path == "/v1/chat/completions")
        return QStringLiteral("/v1/chat/completions");
    if (path == "/v1/models")
        return QStringLiteral("/v1/models");
    return boundedUtf8(path);
}

} // namespace

RequestContext::RequestContext(GatewayServices &services, const http::Request &request,
                               http::Responder *responder)
    : m_services(services)
    , m_requestId(newRequestId())
    , m_responder(responder)
    , m_peer(request.peerAddress)
    , m_method(methodText(request.method))
    , m_path(pathText(request.path)) {
    m_clock.start();
    m_usage.time = QDateTime::currentDateTimeUtc();
    m_usage.requestId = m_requestId;
    ++m_services.requestsInFlight;
}

RequestContext::~RequestContext() {
    if (!m_finished)
        finish(499, QStringLiteral("abandoned"));
}

QString RequestContext::newRequestId() {
    // Unique, not secret: a generator per thread, seeded with 256 bits of the global one, spares
    // each request the global generator's lock.
    thread_local QRandomGenerator generator = [] {
        quint32 seed[8];
        QRandomGenerator::global()->fillRange(seed);
        return QRandomGenerator(seed, std::size(seed));
    }();
    quint32 words[4];
    generator.fillRange(words);
    static constexpr char kHex[] = "0123456789abcdef";
    QString id(4 + 2 * sizeof words, Qt::Uninitialized);
    QChar *out = id.data();
    for (const char c : {'r', 'e', 'q', '_'})
        *out++ = QLatin1Char(c);
    for (const auto byte : QByteArrayView(reinterpret_cast<const char *>(words), sizeof words)) {
        *out++ = QLatin1Char(kHex[static_cast<unsigned char>(byte) >> 4]);
        *out++ = QLatin1Char(kHex[static_cast<unsigned char>(byte) & 0xf]);
    }
    return id;
}

void RequestContext::markFirstToken() {
    if (m_usage.ttftMs < 0)
        m_usage.ttftMs = m_clock.elapsed();
}

QList<http::Header> RequestContext::commonHeaders() const {
    QList<http::Header> headers{{QByteArrayLiteral("x-request-id"), m_requestId.toLatin1()}};
    headers += m_extraHeaders;
    return headers;
}

void RequestContext::sendJson(int status, const QByteArray &json,
                              const QList<http::Header> &extra) {
    if (m_responder)
        m_responder->send(status, QByteArrayLiteral("application/json"), json,
                          extra.isEmpty() ? commonHeaders() : commonHeaders() + extra);
}

void RequestContext::setUnknownRoute(const QString &requested) {
    m_unknownRoute = true;
    m_usage.route = boundedText(requested);
}

void RequestContext::noteError(const ApiError &error) {
    m_logMessage = error.message;
    if (!error.logDetail.isEmpty())
        m_logMessage += QStringLiteral(" Details: ") + error.logDetail;
}

void RequestContext::sendError(const ApiError &error) {
    noteError(error);
    sendJson(error.status, error.body(), error.headers);
    finish(error.status, error.code.isEmpty() ? error.type : error.code);
}

void RequestContext::finish(int status, const QString &errorCode) {
    if (m_finished)
        return;
    m_finished = true;
    m_usage.status = status;
    m_usage.errorCode = errorCode;
    m_usage.latencyMs = m_clock.elapsed();
    // Metering off (benchmarks only, GatewayOptions::metering): no row, no metrics, no line.
    const bool meter = m_recordUsage && m_services.metering;
    if (meter) {
        // The metrics count exactly the requests that get a usage row (or a share of a folded
        // one, see below).
        if (m_services.metrics && m_unknownRoute) {
            store::UsageRecord counted = m_usage;
            counted.route = QStringLiteral("(unknown)");
            m_services.metrics->recordRequest(counted);
        } else if (m_services.metrics) {
            m_services.metrics->recordRequest(m_usage);
        }
    }
    // A refusal without a key past the address's share of the minute: counted above, and in the
    // minute's folded row and line instead of a row and a line of its own.
    const bool ownRow =
        !meter || status < 400 || !m_usage.keyUuid.isEmpty() || !m_services.refusals ||
        m_services.refusals->admit(m_peer, status, QDateTime::currentMSecsSinceEpoch());
    if (meter && ownRow)
        m_services.usage->submit(m_usage);
    if (meter && ownRow && m_services.log) {
        metering::LogEntry entry;
        entry.time = QDateTime::currentDateTimeUtc();
        entry.level = status >= 500   ? metering::LogEntry::Level::Error
                      : status >= 400 ? metering::LogEntry::Level::Warning
                                      : metering::LogEntry::Level::Info;
        entry.requestId = m_requestId;
        entry.keyName = m_usage.keyName.isEmpty() ? m_logKey : m_usage.keyName;
        entry.route = m_usage.route;
        entry.status = status;
        entry.event = QStringLiteral("request");
        // The numbers are written on the stack: QString::number() allocated twice per request.
        char statusText[24];
        char latencyText[24];
        const char *const statusEnd = std::to_chars(statusText, statusText + 24, status).ptr;
        const char *const latencyEnd =
            std::to_chars(latencyText, latencyText + 24, m_usage.latencyMs).ptr;
        QString message = m_method + QLatin1Char(' ') + m_path + QLatin1String(" -> ") +
                          QLatin1String(statusText, statusEnd) + QLatin1String(" in ") +
                          QLatin1String(latencyText, latencyEnd) + QLatin1String(" ms");
        if (!errorCode.isEmpty())
            message += QStringLiteral(" (") + errorCode + QLatin1Char(')');
        if (!m_logMessage.isEmpty())
            message += QStringLiteral(": ") + m_logMessage;
        entry.message = message;
        m_services.log->append(std::move(entry));
    }
    --m_services.requestsInFlight;
}

void RequestContext::logEvent(const QString &event, int level, const QString &message) {
    if (!m_services.log)
        return;
    metering::LogEntry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    entry.level = metering::LogEntry::Level(level);
    entry.requestId = m_requestId;
    entry.keyName = m_usage.keyName.isEmpty() ? m_logKey : m_usage.keyName;
    entry.route = m_usage.route;
    entry.event = event;
    entry.message = message;
    m_services.log->append(std::move(entry));
}

} // namespace portico::proxy
