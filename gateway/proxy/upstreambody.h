#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace portico::proxy {

// The body sent upstream for a client's request: the client's own bytes, with the value of every
// top-level "model" replaced by the upstream's model name, the route's `params` added for the
// names the client did not send, and, when `askForUsage`, "stream_options" given
// "include_usage": true (the client's other stream options, `clientStreamOptions`, kept: the
// value of its "stream_options", undefined when it sent none). Its parse equals the object the
// gateway used to build and serialize again (the client's, with those changes), without re-writing
// what passes through unchanged: serializing the whole body again cost more than the rest of
// starting an upstream call.
//
// `clientBody` must be a valid JSON object (RequestValidator has checked it).
QByteArray upstreamRequestBody(const QByteArray &clientBody, const QJsonValue &clientStreamOptions,
                               const QString &upstreamModel, const QJsonObject &params,
                               bool askForUsage);

} // namespace portico::proxy
