#pragma once

#include "store/records.h"

#include <QDateTime>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace portico::config {
struct GatewayConfig;
}

// How records look on the command line: JSON objects (stable names that tests outside this
// repository read) and short human forms. Never a key: records only carry its hint.
namespace portico::cli::format {

// ISO 8601 UTC ("2026-01-31T12:00:00Z"), or null for a null time.
QJsonValue isoTime(const QDateTime &time, bool withMilliseconds = false);
// "2026-01-31 12:00:00 UTC", or `never` for a null time.
QString humanTime(const QDateTime &time, const QString &never = QStringLiteral("never"));
// Reads an ISO 8601 time or date; a time without a zone is taken as UTC.
std::optional<QDateTime> parseTime(const QString &text);

// A DURATION of the command line: "45s", "90m", "24h", "30d", "2w", or "0". Seconds.
std::optional<qint64> parseDuration(const QString &text);
// A WHEN: an ISO 8601 time, a DURATION from now, or "never" (a null time) when `allowNever`.
std::optional<QDateTime> parseWhen(const QString &text, bool allowNever);
// "5 minutes", "1 hour 30 minutes", "7 days": a duration for people.
QString humanDuration(qint64 seconds);

// "active", "disabled", or "expired" for an active key past its expiry.
QString effectiveState(const store::ApiKeyRecord &key);

// `config` null: the config did not load, so no route can be marked missing.
QJsonObject keyToJson(const store::ApiKeyRecord &key, const config::GatewayConfig *config);
QJsonObject groupToJson(const store::GroupRecord &group, const config::GatewayConfig *config);
QJsonObject usageToJson(const store::UsageRecord &row);
QJsonObject totalsToJson(const store::UsageTotals &totals);

bool isMissingRoute(const QString &route, const config::GatewayConfig *config);
// " (missing from config.yaml)" or empty.
QString missingMark(const QString &route, const config::GatewayConfig *config);

QString costText(double usd);

// "60 requests/min, 100000 tokens/min, 4 in parallel, $5.00 a month", or "none".
QString limitsText(const store::Limits &limits);

} // namespace portico::cli::format
