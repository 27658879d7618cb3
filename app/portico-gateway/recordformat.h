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

} // namespace portico::cli::format
