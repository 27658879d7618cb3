#include "config/duration.h"

#include <QRegularExpression>

namespace portico::config::detail {

namespace {

qint64 unitSeconds(const QString &unit) {
    static const struct {
        const char *names[5];
        qint64 seconds;
    } units[] = {
        {{"s", "sec", "secs", "second", "seconds"}, 1},
        {{"m", "min", "mins", "minute", "minutes"}, 60},
        {{"h", "hr", "hrs", "hour", "hours"}, 3600},
        {{"d", "day", "days", nullptr, nullptr}, 86400},
        {{"w", "week", "weeks", nullptr, nullptr}, 7 * 86400},
    };
    const QString lower = unit.toLower();
    for (const auto &u : units) {
        for (const char *name : u.names) {
            if (name && lower == QLatin1String(name))
                return u.seconds;
        }
    }
    return 0;
}

} // namespace

std::optional<qint64> parseDurationSeconds(const QString &text) {
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*([0-9]{1,9})\\s*([A-Za-z]+)\\s*$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    const qint64 count = match.captured(1).toLongLong();
    const qint64 unit = unitSeconds(match.captured(2));
    if (count <= 0 || unit == 0)
        return std::nullopt;
    if (count > maxDurationSeconds / unit)
        return std::nullopt;
    return count * unit;
}

} // namespace portico::config::detail
