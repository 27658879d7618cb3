#include "proxy/apierror.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>

namespace portico::proxy {

namespace {

ApiError make(int status, const char *type, const QString &code, const QString &message) {
    ApiError error;
    error.status = status;
    error.type = QString::fromLatin1(type);
    error.code = code;
    error.message = message;
    return error;
}

} // namespace

QString boundedText(const QString &text, qsizetype max) {
    if (text.size() <= max)
        return text;
    qsizetype keep = max;
    if (keep > 0 && text.at(keep - 1).isHighSurrogate())
        --keep;
    return text.left(keep) + QChar(0x2026);
}

QString boundedUtf8(QByteArrayView utf8, qsizetype max) {
    // A character is at most 4 bytes: decoding more than that can only be cut away.
    const qsizetype enough = max * 4 + 4;
    if (utf8.size() <= enough)
        return boundedText(QString::fromUtf8(utf8), max);
    const QString text = QString::fromUtf8(utf8.first(enough));
    return text.size() > max ? boundedText(text, max) : text + QChar(0x2026);
}

QByteArray ApiError::body() const {
    QJsonObject error{
        {QStringLiteral("message"), message},
        {QStringLiteral("type"), type},
        {QStringLiteral("param"), param.isEmpty() ? QJsonValue() : QJsonValue(param)},
        {QStringLiteral("code"), code.isEmpty() ? QJsonValue() : QJsonValue(code)},
    };
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), error}})
        .toJson(QJsonDocument::Compact);
}

ApiError ApiError::unauthorized(const QString &code, const QString &message) {
    ApiError error = make(401, "authentication_error", code, message);
    error.headers.append(http::Header{"WWW-Authenticate", "Bearer realm=\"portico\""});
    return error;
}

ApiError ApiError::forbidden(const QString &code, const QString &message) {
    return make(403, "permission_error", code, message);
}

ApiError ApiError::notFound(const QString &code, const QString &message) {
    return make(404, "not_found_error", code, message);
}

ApiError ApiError::badRequest(const QString &code, const QString &message, const QString &param) {
    ApiError error = make(400, "invalid_request_error", code, message);
    error.param = param;
    return error;
}

ApiError ApiError::methodNotAllowed(const QByteArray &allowed, const QString &message) {
    ApiError error =
        make(405, "invalid_request_error", QStringLiteral("method_not_allowed"), message);
    error.headers.append(http::Header{"Allow", allowed});
    return error;
}

ApiError ApiError::tooManyRequests(const QString &code, const QString &message,
                                   qint64 retryAfterSeconds) {
    ApiError error = make(429, "rate_limit_error", code, message);
    error.headers.append(
        http::Header{"Retry-After", QByteArray::number(std::max<qint64>(1, retryAfterSeconds))});
    return error;
}

ApiError ApiError::badGateway(const QString &code, const QString &message) {
    return make(502, "upstream_error", code, message);
}

ApiError ApiError::gatewayTimeout(const QString &code, const QString &message) {
    return make(504, "timeout_error", code, message);
}

ApiError ApiError::internal(const QString &message) {
    return make(500, "server_error", QStringLiteral("internal_error"), message);
}

} // namespace portico::proxy
