#include "proxy/ratelimiter.h"

#include <QList>
#include <QStringBuilder>

#include <algorithm>

namespace portico::proxy {

qint64 LimitWindows::windowMs(const Limit &limit) {
    return std::max<qint64>(1, limit.windowSeconds) * 1000;
}

LimitWindows::Window &LimitWindows::current(const QString &subject, const Limit &limit,
                                            qint64 nowMs) {
    const qint64 length = windowMs(limit);
    const qint64 start = nowMs - (nowMs % length);
    Window &window = m_windows[subject % u'\n' % limit.measure % u'\n' % QString::number(length)];
    if (window.startMs != start)
        window = Window{start, 0.0};
    return window;
}

std::optional<qint64> LimitWindows::retryAfter(const QString &subject, const Limit &limit,
                                               qint64 nowMs) {
    if (limit.max <= 0)
        return std::nullopt;
    const Window &window = current(subject, limit, nowMs);
    if (window.used < limit.max)
        return std::nullopt;
    return std::max<qint64>(1, (window.startMs + windowMs(limit) - nowMs + 999) / 1000);
}

void LimitWindows::add(const QString &subject, const Limit &limit, double amount, qint64 nowMs) {
    current(subject, limit, nowMs).used += amount;
}

namespace {

// Most routes have no limit: they cost the request path no lock and no allocation.
bool hasLimits(const config::RouteConfig &route) {
    return route.tokenLimit || route.budgetLimit || route.rateLimit;
}

QString subjectOf(const QString &keyUuid, const config::RouteConfig &route) {
    return keyUuid % u'\n' % route.name;
}

LimitWindows::Limit inputTokens(const config::TokenLimit &limit) {
    return {QLatin1String("input_tokens"), limit.windowSeconds, double(limit.maxInputTokens)};
}

LimitWindows::Limit outputTokens(const config::TokenLimit &limit) {
    return {QLatin1String("output_tokens"), limit.windowSeconds, double(limit.maxOutputTokens)};
}

LimitWindows::Limit budget(const config::BudgetLimit &limit) {
    return {QLatin1String("cost_usd"), limit.windowSeconds, limit.maxBudgetUsd};
}

LimitWindows::Limit requests(const config::RateLimit &limit) {
    return {QLatin1String("requests"), limit.windowSeconds, double(limit.maxRequests)};
}

// A limit of a route and how a refusal by it reads: the message's %1 is `what`, %2 the route,
// %3 the window in seconds and %4 the seconds to wait.
struct RouteCheck {
    LimitWindows::Limit limit;
    QString code;
    QString what;
    QString message;
};

// In the order they are asked: a request refused for tokens or budget does not count against
// the request limit.
QList<RouteCheck> checksOf(const config::RouteConfig &route) {
    QList<RouteCheck> checks;
    if (const auto &tokens = route.tokenLimit) {
        const QString message = QStringLiteral(
            "This API key has used the %1 tokens the route '%2' allows per %3 seconds. Retry in "
            "%4 seconds, or raise the route's token limit in config.yaml.");
        checks << RouteCheck{inputTokens(*tokens), QStringLiteral("token_limit_exceeded"),
                             QStringLiteral("input"), message}
               << RouteCheck{outputTokens(*tokens), QStringLiteral("token_limit_exceeded"),
                             QStringLiteral("output"), message};
    }
    if (const auto &spend = route.budgetLimit) {
        checks << RouteCheck{budget(*spend), QStringLiteral("budget_exceeded"),
                             QString::number(spend->maxBudgetUsd),
                             QStringLiteral("This API key has spent the budget of %1 USD the "
                                            "route '%2' allows per %3 seconds. Retry in %4 "
                                            "seconds, or raise the route's budget in "
                                            "config.yaml.")};
    }
    if (const auto &rate = route.rateLimit) {
        checks << RouteCheck{requests(*rate), QStringLiteral("rate_limit_exceeded"),
                             QString::number(rate->maxRequests),
                             QStringLiteral("This API key has made the %1 requests the route "
                                            "'%2' allows per %3 seconds. Retry in %4 seconds, "
                                            "or raise rate_limiting.max_requests of the route "
                                            "in config.yaml.")};
    }
    return checks;
}

} // namespace

RateLimiter::Decision RateLimiter::admit(const QString &keyUuid, const config::RouteConfig &route,
                                         qint64 nowMs) {
    if (!hasLimits(route))
        return {};
    QMutexLocker locker(&m_mutex);
    const QString subject = subjectOf(keyUuid, route);
    for (const RouteCheck &check : checksOf(route)) {
        if (const auto retry = m_windows.retryAfter(subject, check.limit, nowMs)) {
            return {false, *retry, check.code,
                    check.message.arg(check.what, route.name,
                                      QString::number(check.limit.windowSeconds),
                                      QString::number(*retry))};
        }
    }
    if (route.rateLimit && route.rateLimit->maxRequests > 0)
        m_windows.add(subject, requests(*route.rateLimit), 1, nowMs);
    return {};
}

void RateLimiter::recordConsumption(const QString &keyUuid, const config::RouteConfig &route,
                                    qint64 promptTokens, qint64 completionTokens, double costUsd,
                                    qint64 nowMs) {
    if (!hasLimits(route))
        return;
    QMutexLocker locker(&m_mutex);
    const QString subject = subjectOf(keyUuid, route);
    if (route.tokenLimit) {
        m_windows.add(subject, inputTokens(*route.tokenLimit), double(promptTokens), nowMs);
        m_windows.add(subject, outputTokens(*route.tokenLimit), double(completionTokens), nowMs);
    }
    if (route.budgetLimit)
        m_windows.add(subject, budget(*route.budgetLimit), costUsd, nowMs);
}

} // namespace portico::proxy
