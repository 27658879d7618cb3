#include "server/requestcontext.h"

#include "server/gatewayservices.h"
#include "server/metrics.h"
#include "server/usagerecorder.h"

#include <QRandomGenerator>

namespace portico::server {

RequestContext::RequestContext(GatewayServices &services, const http::Request &request,
                               http::Responder *responder)
    : m_services(services)
    , m_requestId(newRequestId())
    , m_responder(responder) {
    Q_UNUSED(request);
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
    quint32 words[4];
    QRandomGenerator::global()->fillRange(words);
    return QStringLiteral("req_") +
           QString::fromLatin1(
               QByteArray(reinterpret_cast<const char *>(words), sizeof words).toHex());
}

void RequestContext::markFirstToken() {
    if (m_usage.ttftMs < 0)
        m_usage.ttftMs = m_clock.elapsed();
}

QList<http::Header> RequestContext::commonHeaders() const {
    return {{"x-request-id", m_requestId.toLatin1()}};
}

void RequestContext::sendJson(int status, const QByteArray &json,
                              const QList<http::Header> &extra) {
    if (m_responder)
        m_responder->send(status, "application/json", json, commonHeaders() + extra);
}

void RequestContext::sendError(const ApiError &error) {
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
    if (m_recordUsage) {
        // The metrics count exactly the requests that get a usage row.
        if (m_services.metrics)
            m_services.metrics->recordRequest(m_usage);
        m_services.usage->submit(m_usage);
    }
    --m_services.requestsInFlight;
}

} // namespace portico::server
