#pragma once

#include <QJsonObject>

#include <optional>

namespace portico::proxy {

// What an upstream answer says the request used: the "usage" object of a non-streamed answer,
// or of the last chunk of a stream. The request is billed and its limits settled with it.
struct UpstreamUsage {
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
};

// The usage `answer` reports; none when it has no "usage" object.
std::optional<UpstreamUsage> reportedUsage(const QJsonObject &answer);

} // namespace portico::proxy
