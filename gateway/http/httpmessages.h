#pragma once

#include <QByteArray>
#include <QString>

#include "text/humanbytes.h"

// Small pieces of HTTP text shared by the parser, the connection and the responder.
namespace portico::http {

// "OK", "Not Found", ...; "Unknown" for a status without a common phrase.
QByteArray reasonPhrase(int status);
// 1xx, 204 and 304 answers carry no body (RFC 9112 section 6.3).
bool statusHasBody(int status);
// An OpenAI-shaped error document: {"error":{"message","type","param","code"}}.
QByteArray errorJson(const QString &message, const QByteArray &code,
                     const QByteArray &type = QByteArrayLiteral("invalid_request_error"));
// "12 MB", "32 KB", "500 bytes": sizes as a person reads them in an error message.
using text::humanBytes;
// The current time as an HTTP Date header value (IMF-fixdate).
QByteArray httpDateNow();

} // namespace portico::http
