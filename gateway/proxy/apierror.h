#pragma once

#include "http/httpserver.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace portico::proxy {

// An error answer in OpenAI's shape {"error":{"message","type","param","code"}}, with the HTTP
// status the official clients map to their typed errors. Messages say what to check and never
// contain an API key.
struct ApiError {
    int status = 500;
    QString type;
    QString code;
    QString message;
    QString param;               // empty: null
    QList<http::Header> headers; // WWW-Authenticate, Retry-After, Allow, ...

    QByteArray body() const;

    static ApiError unauthorized(const QString &code, const QString &message);
    static ApiError forbidden(const QString &code, const QString &message);
    static ApiError notFound(const QString &code, const QString &message);
    static ApiError badRequest(const QString &code, const QString &message,
                               const QString &param = {});
    static ApiError methodNotAllowed(const QByteArray &allowed, const QString &message);
    static ApiError tooManyRequests(const QString &code, const QString &message,
                                    qint64 retryAfterSeconds);
    static ApiError badGateway(const QString &code, const QString &message);
    static ApiError gatewayTimeout(const QString &code, const QString &message);
    static ApiError internal(const QString &message);
};

} // namespace portico::proxy
