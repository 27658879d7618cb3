#include "recordformat.h"

#include "config/gatewayconfig.h"

#include <QJsonArray>
#include <QTimeZone>

namespace portico::cli::format {

QJsonValue isoTime(const QDateTime &time, bool withMilliseconds) {
    if (!time.isValid())
        return QJsonValue::Null;
    return time.toUTC().toString(withMilliseconds ? Qt::ISODateWithMs : Qt::ISODate);
}

std::optional<qint64> parseDuration(const QString &text) {
    const QString trimmed = text.trimmed().toLower();
    if (trimmed == QLatin1String("0"))
        return 0;
    if (trimmed.size() < 2)
        return std::nullopt;
    static const QList<QPair<QChar, qint64>> units{
        {u's', 1}, {u'm', 60}, {u'h', 3600}, {u'd', 86400}, {u'w', 7 * 86400}};
    const QChar unit = trimmed.back();
    bool ok = false;
    const qint64 count = trimmed.chopped(1).toLongLong(&ok);
    if (!ok || count < 0)
        return std::nullopt;
    for (const auto &[letter, seconds] : units) {
        // Ten years at most: longer is a typo, and keeps the arithmetic in range.
        if (letter == unit && count <= qint64(3660) * 86400 / seconds)
            return count * seconds;
    }
    return std::nullopt;
}

std::optional<QDateTime> parseWhen(const QString &text, bool allowNever) {
    if (allowNever && text.trimmed().compare(QLatin1String("never"), Qt::CaseInsensitive) == 0)
        return QDateTime();
    if (const auto seconds = parseDuration(text); seconds && *seconds > 0)
        return QDateTime::currentDateTimeUtc().addSecs(*seconds);
    return parseTime(text);
}

QString humanDuration(qint64 seconds) {
    // Returns a QString, not the QStringBuilder of its temporaries.
    const auto plural = [](qint64 n, const char *one, const char *many) -> QString {
        return QString::number(n) + u' ' + QLatin1String(n == 1 ? one : many);
    };
    if (seconds % 86400 == 0 && seconds >= 86400)
        return plural(seconds / 86400, "day", "days");
    if (seconds % 3600 == 0 && seconds >= 3600)
        return plural(seconds / 3600, "hour", "hours");
    if (seconds % 60 == 0 && seconds >= 60)
        return plural(seconds / 60, "minute", "minutes");
    return plural(seconds, "second", "seconds");
}

QString limitsText(const store::Limits &limits) {
    QStringList parts;
    if (limits.requestsPerMinute)
        parts << QStringLiteral("%1 requests/min").arg(*limits.requestsPerMinute);
    if (limits.tokensPerMinute)
        parts << QStringLiteral("%1 tokens/min").arg(*limits.tokensPerMinute);
    if (limits.maxParallel)
        parts << QStringLiteral("%1 in parallel").arg(*limits.maxParallel);
    if (limits.budgetUsd)
        parts << QStringLiteral("$%1 a %2")
                     .arg(QString::number(*limits.budgetUsd, 'f', 2),
                          store::toString(limits.budgetPeriod));
    return parts.isEmpty() ? QStringLiteral("none") : parts.join(QStringLiteral(", "));
}

QString humanTime(const QDateTime &time, const QString &never) {
    if (!time.isValid())
        return never;
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral(" UTC");
}

std::optional<QDateTime> parseTime(const QString &text) {
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return std::nullopt;
    // A zone is 'Z' or ±hh[:mm] after the time part.
    const qsizetype timeStart = trimmed.indexOf(QLatin1Char('T'));
    const bool hasZone =
        timeStart > 0 && (trimmed.endsWith(QLatin1Char('Z'), Qt::CaseInsensitive) ||
                          trimmed.indexOf(QLatin1Char('+'), timeStart) > 0 ||
                          trimmed.indexOf(QLatin1Char('-'), timeStart) > 0);
    QDateTime time = QDateTime::fromString(trimmed, Qt::ISODateWithMs);
    if (!time.isValid()) {
        const QDate date = QDate::fromString(trimmed, Qt::ISODate);
        if (!date.isValid())
            return std::nullopt;
        return QDateTime(date, QTime(0, 0), QTimeZone::utc());
    }
    if (!hasZone)
        time = QDateTime(time.date(), time.time(), QTimeZone::utc());
    return time.toUTC();
}

QString effectiveState(const store::ApiKeyRecord &key) {
    if (key.state == store::KeyState::Active && key.expiresAt.isValid() &&
        key.expiresAt <= QDateTime::currentDateTimeUtc())
        return QStringLiteral("expired");
    return store::toString(key.state);
}

bool isMissingRoute(const QString &route, const config::GatewayConfig *config) {
    return config && !config->routes.contains(route);
}

QString missingMark(const QString &route, const config::GatewayConfig *config) {
    return isMissingRoute(route, config) ? QStringLiteral(" (missing from config.yaml)")
                                         : QString();
}

namespace {

QJsonObject groupRefToJson(const store::GroupRef &group) {
    return {{QStringLiteral("uuid"), group.uuid}, {QStringLiteral("name"), group.name}};
}

QJsonValue stringOrNull(const QString &text) {
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

} // namespace

QJsonObject keyToJson(const store::ApiKeyRecord &key, const config::GatewayConfig *config) {
    QJsonArray groups;
    for (const store::GroupRef &group : key.groups)
        groups.append(groupRefToJson(group));
    QJsonArray routes;
    for (const store::RouteGrant &grant : key.routes) {
        QJsonObject route{{QStringLiteral("route"), grant.route},
                          {QStringLiteral("group"), groupRefToJson(grant.group)}};
        if (config)
            route.insert(QStringLiteral("missing"), isMissingRoute(grant.route, config));
        routes.append(route);
    }
    return {
        {QStringLiteral("uuid"), key.uuid},
        {QStringLiteral("name"), key.name},
        {QStringLiteral("hint"), key.hint},
        {QStringLiteral("state"), store::toString(key.state)},
        {QStringLiteral("expired"), effectiveState(key) == QLatin1String("expired")},
        {QStringLiteral("created_at"), isoTime(key.createdAt)},
        {QStringLiteral("updated_at"), isoTime(key.updatedAt)},
        {QStringLiteral("last_used_at"), isoTime(key.lastUsedAt)},
        {QStringLiteral("expires_at"), isoTime(key.expiresAt)},
        {QStringLiteral("secret_created_at"), isoTime(key.secretCreatedAt)},
        // The secret before the last rotation while it still works (its grace period).
        {QStringLiteral("previous_secret"),
         key.previousSecret
             ? QJsonValue(QJsonObject{
                   {QStringLiteral("hint"), key.previousSecret->hint},
                   {QStringLiteral("valid_until"), isoTime(key.previousSecret->validUntil)}})
             : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("previous_secret_valid_until"),
         key.previousSecret ? isoTime(key.previousSecret->validUntil)
                            : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("limits"), store::toJson(key.limits)},
        {QStringLiteral("allowed_ips"), QJsonArray::fromStringList(key.allowedIps)},
        {QStringLiteral("groups"), groups},
        {QStringLiteral("routes"), routes},
        {QStringLiteral("accessible_routes"), key.accessibleRouteCount()},
    };
}

QJsonObject groupToJson(const store::GroupRecord &group, const config::GatewayConfig *config) {
    QJsonArray keys;
    for (const store::KeyRef &key : group.keys)
        keys.append(
            QJsonObject{{QStringLiteral("uuid"), key.uuid}, {QStringLiteral("name"), key.name}});
    QJsonArray routes;
    for (const QString &route : group.routes) {
        QJsonObject entry{{QStringLiteral("route"), route}};
        if (config)
            entry.insert(QStringLiteral("missing"), isMissingRoute(route, config));
        routes.append(entry);
    }
    return {
        {QStringLiteral("uuid"), group.uuid},
        {QStringLiteral("name"), group.name},
        {QStringLiteral("description"), group.description},
        {QStringLiteral("created_at"), isoTime(group.createdAt)},
        {QStringLiteral("keys"), keys},
        {QStringLiteral("routes"), routes},
        {QStringLiteral("limits"), store::toJson(group.limits)},
    };
}

QJsonObject usageToJson(const store::UsageRecord &row) {
    return {
        {QStringLiteral("time"), isoTime(row.time, true)},
        {QStringLiteral("request_id"), row.requestId},
        {QStringLiteral("key_uuid"), stringOrNull(row.keyUuid)},
        {QStringLiteral("key_name"), stringOrNull(row.keyName)},
        {QStringLiteral("route"), row.route},
        {QStringLiteral("model_id"), row.modelId},
        {QStringLiteral("provider"), row.provider},
        {QStringLiteral("stream"), row.stream},
        {QStringLiteral("status"), row.status},
        {QStringLiteral("error_code"), stringOrNull(row.errorCode)},
        {QStringLiteral("prompt_tokens"), row.promptTokens},
        {QStringLiteral("completion_tokens"), row.completionTokens},
        {QStringLiteral("total_tokens"), row.promptTokens + row.completionTokens},
        {QStringLiteral("cost_usd"), row.costUsd},
        {QStringLiteral("latency_ms"), row.latencyMs},
        {QStringLiteral("ttft_ms"),
         row.ttftMs < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(row.ttftMs)},
    };
}

QJsonObject totalsToJson(const store::UsageTotals &totals) {
    return {
        {QStringLiteral("key_uuid"), stringOrNull(totals.keyUuid)},
        {QStringLiteral("key_name"), stringOrNull(totals.keyName)},
        {QStringLiteral("requests"), totals.requests},
        {QStringLiteral("errors"), totals.errors},
        {QStringLiteral("prompt_tokens"), totals.promptTokens},
        {QStringLiteral("completion_tokens"), totals.completionTokens},
        {QStringLiteral("total_tokens"), totals.promptTokens + totals.completionTokens},
        {QStringLiteral("cost_usd"), totals.costUsd},
    };
}

QString costText(double usd) {
    return QLatin1Char('$') + QString::number(usd, 'f', 6);
}

} // namespace portico::cli::format
