#include "store/records.h"

#include <QSet>

namespace portico::store {

QString toString(KeyState state) {
    return state == KeyState::Active ? QStringLiteral("active") : QStringLiteral("disabled");
}

QString toString(BudgetPeriod period) {
    return period == BudgetPeriod::Day ? QStringLiteral("day") : QStringLiteral("month");
}

std::optional<BudgetPeriod> budgetPeriodFromString(const QString &text) {
    const QString lower = text.trimmed().toLower();
    if (lower == QLatin1String("day"))
        return BudgetPeriod::Day;
    if (lower == QLatin1String("month"))
        return BudgetPeriod::Month;
    return std::nullopt;
}

QJsonObject toJson(const Limits &limits) {
    const auto orNull = [](const auto &value) {
        return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
    };
    return {{QStringLiteral("rpm"), orNull(limits.requestsPerMinute)},
            {QStringLiteral("tpm"), orNull(limits.tokensPerMinute)},
            {QStringLiteral("max_parallel"), orNull(limits.maxParallel)},
            {QStringLiteral("budget_usd"), orNull(limits.budgetUsd)},
            {QStringLiteral("budget_period"), limits.budgetUsd
                                                  ? QJsonValue(toString(limits.budgetPeriod))
                                                  : QJsonValue(QJsonValue::Null)}};
}

int ApiKeyRecord::accessibleRouteCount() const {
    QSet<QString> names;
    for (const RouteGrant &grant : routes)
        names.insert(grant.route);
    return int(names.size());
}

} // namespace portico::store
