#pragma once

#include "http/httpserver.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace portico::proxy {

// The most characters of a client-supplied string (a model, a path, a route) that the gateway
// repeats in an answer, a usage row, a metric label or the log: a request whose `model` is
// megabytes long must not get a megabyte answer nor leave a megabyte behind.
inline constexpr qsizetype kMaxEchoedCharacters = 200;

// `text` cut to at most `max` characters, with an ellipsis when it was longer.
QString boundedText(const QString &text, qsizetype max = kMaxEchoedCharacters);
// The same for UTF-8 bytes; decodes no more than needed.
QString boundedUtf8(QByteArrayView utf8, qsizetype max = kMaxEchoedCharacters);

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
    // For the request's log entry only, never sent: what the client must not see (an upstream's
    // URL, libcurl's error, the upstream's own error text).
    QString logDetail;

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
