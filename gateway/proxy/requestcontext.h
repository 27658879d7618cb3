#pragma once

#include "http/httpserver.h"
#include "proxy/apierror.h"
#include "store/records.h"

#include <QElapsedTimer>
#include <QPointer>

namespace portico::proxy {

struct GatewayServices;

// One request from arrival to its usage row: its id, clock, responder and the usage row being
// filled. Every request ends in exactly one usage row (refused ones too), written when it is
// answered or abandoned.
class RequestContext {
public:
    RequestContext(GatewayServices &services, const http::Request &request,
                   http::Responder *responder);
    ~RequestContext();
    RequestContext(const RequestContext &) = delete;
    RequestContext &operator=(const RequestContext &) = delete;

    GatewayServices &services() const { return m_services; }
    const QString &requestId() const { return m_requestId; }
    http::Responder *responder() const { return m_responder; }
    store::UsageRecord &usage() { return m_usage; }
    qint64 elapsedMs() const { return m_clock.elapsed(); }
    // Marks the first token (content) sent to the client; later calls are ignored.
    void markFirstToken();
    // Headers every answer carries (x-request-id, and those added below).
    QList<http::Header> commonHeaders() const;
    // Adds headers to every answer of this request (the x-ratelimit-* of its limits).
    void addCommonHeaders(const QList<http::Header> &headers) { m_extraHeaders += headers; }

    void sendJson(int status, const QByteArray &json, const QList<http::Header> &extra = {});
    // Sends the error and records the usage row with its status and code.
    void sendError(const ApiError &error);
    // Puts the error's message and its details (ApiError::logDetail) on the request's log entry,
    // for errors sent otherwise (in a stream).
    void noteError(const ApiError &error);
    // Writes the usage row (once); `recordUsage` false skips the row (health checks).
    void finish(int status, const QString &errorCode);
    bool isFinished() const { return m_finished; }
    void setRecordUsage(bool record) { m_recordUsage = record; }
    // The request named a route that does not exist: its usage row and log entry keep the name
    // (bounded), its metrics count it under the one label "(unknown)", so that made-up names
    // cannot grow /metrics.
    void setUnknownRoute(const QString &requested);

    // Who made the request, for the log: the key's name or hint (never the key).
    void setLogKey(const QString &keyLabel) { m_logKey = keyLabel; }
    // Logs an entry about this request that is not the final "request" one.
    void logEvent(const QString &event, int level, const QString &message);

    static QString newRequestId();

private:
    GatewayServices &m_services;
    QString m_requestId;
    QElapsedTimer m_clock;
    QPointer<http::Responder> m_responder;
    store::UsageRecord m_usage;
    bool m_finished = false;
    bool m_recordUsage = true;
    bool m_unknownRoute = false;
    QHostAddress m_peer;
    QString m_method;
    QString m_path;
    QString m_logKey;
    QString m_logMessage;
    QList<http::Header> m_extraHeaders;
};

} // namespace portico::proxy
