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

// The most tokens one request is billed for, whatever the upstream says: far beyond any model's
// context, and small enough that the sums of usage rows, limits and costs cannot overflow.
inline constexpr qint64 kMaxReportedTokens = 1'000'000'000;

// The usage `answer` reports; none when it has no "usage" object. Each count is between 0 and
// kMaxReportedTokens: an upstream's negative, fractional or huge count is not taken as is.
std::optional<UpstreamUsage> reportedUsage(const QJsonObject &answer);

} // namespace portico::proxy
