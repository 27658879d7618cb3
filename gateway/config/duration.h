#pragma once

#include <QString>

#include <optional>

namespace portico::config::detail {

// "1 minute", "30 seconds", "2 hours", "1 day", "1 week" (also "30s", "5 min"): the window sizes
// of config.yaml's rate_limiting windows. nullopt when the text is not such a duration.
std::optional<qint64> parseDurationSeconds(const QString &text);

// The longest window accepted, so that window arithmetic never overflows.
inline constexpr qint64 maxDurationSeconds = qint64(366) * 24 * 3600 * 10;

} // namespace portico::config::detail
