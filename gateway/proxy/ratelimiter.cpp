#include "proxy/ratelimiter.h"

#include <algorithm>

namespace portico::proxy {

namespace {

QString windowId(const QString &keyUuid, const QString &route, qint64 windowMs) {
    return keyUuid % u'\n' % route % u'\n' % QString::number(windowMs);
}

qint64 secondsUntil(qint64 endMs, qint64 nowMs) {
    return std::max<qint64>(1, (endMs - nowMs + 999) / 1000);
}

} // namespace

RateLimiter::Window &RateLimiter::current(QHash<QString, Window> &windows, const QString &id,
                                          qint64 windowMs, qint64 nowMs) {
    const qint64 start = nowMs - (nowMs % windowMs);
    Window &window = windows[id];
    if (window.startMs != start)
        window = Window{start, 0, 0, 0, 0.0};
    return window;
}

RateLimiter::Decision RateLimiter::admit(const QString &keyUuid, const config::RouteConfig &route,
                                         qint64 nowMs) {
    Decision decision;
    QMutexLocker locker(&m_mutex);

    if (route.tokenLimit &&
        (route.tokenLimit->maxInputTokens > 0 || route.tokenLimit->maxOutputTokens > 0)) {
        const qint64 windowMs = std::max<qint64>(1, route.tokenLimit->windowSeconds) * 1000;
        Window &window =
            current(m_tokenWindows, windowId(keyUuid, route.name, windowMs), windowMs, nowMs);
        const bool inputSpent = route.tokenLimit->maxInputTokens > 0 &&
                                window.inputTokens >= route.tokenLimit->maxInputTokens;
        const bool outputSpent = route.tokenLimit->maxOutputTokens > 0 &&
                                 window.outputTokens >= route.tokenLimit->maxOutputTokens;
        if (inputSpent || outputSpent) {
            decision.allowed = false;
            decision.retryAfterSeconds = secondsUntil(window.startMs + windowMs, nowMs);
            decision.code = QStringLiteral("token_limit_exceeded");
            decision.message =
                QStringLiteral("This API key has used the %1 tokens the route '%2' allows per "
                               "%3 seconds. Retry in %4 seconds, or raise the route's token "
                               "limit in config.yaml.")
                    .arg(inputSpent ? QStringLiteral("input") : QStringLiteral("output"),
                         route.name, QString::number(route.tokenLimit->windowSeconds),
                         QString::number(decision.retryAfterSeconds));
            return decision;
        }
    }

    if (route.budgetLimit && route.budgetLimit->maxBudgetUsd > 0) {
        const qint64 windowMs = std::max<qint64>(1, route.budgetLimit->windowSeconds) * 1000;
        Window &window =
            current(m_budgetWindows, windowId(keyUuid, route.name, windowMs), windowMs, nowMs);
        if (window.costUsd >= route.budgetLimit->maxBudgetUsd) {
            decision.allowed = false;
            decision.retryAfterSeconds = secondsUntil(window.startMs + windowMs, nowMs);
            decision.code = QStringLiteral("budget_exceeded");
            decision.message =
                QStringLiteral("This API key has spent the budget of %1 USD the route '%2' "
                               "allows per %3 seconds. Retry in %4 seconds, or raise the route's "
                               "budget in config.yaml.")
                    .arg(QString::number(route.budgetLimit->maxBudgetUsd), route.name,
                         QString::number(route.budgetLimit->windowSeconds),
                         QString::number(decision.retryAfterSeconds));
            return decision;
        }
    }

    if (route.rateLimit && route.rateLimit->maxRequests > 0) {
        const qint64 windowMs = std::max<qint64>(1, route.rateLimit->windowSeconds) * 1000;
        Window &window =
            current(m_requestWindows, windowId(keyUuid, route.name, windowMs), windowMs, nowMs);
        if (window.requests >= route.rateLimit->maxRequests) {
            decision.allowed = false;
            decision.retryAfterSeconds = secondsUntil(window.startMs + windowMs, nowMs);
            decision.code = QStringLiteral("rate_limit_exceeded");
            decision.message =
                QStringLiteral("This API key has made the %1 requests the route '%2' allows per "
                               "%3 seconds. Retry in %4 seconds, or raise rate_limiting."
                               "max_requests of the route in config.yaml.")
                    .arg(QString::number(route.rateLimit->maxRequests), route.name,
                         QString::number(route.rateLimit->windowSeconds),
                         QString::number(decision.retryAfterSeconds));
            return decision;
        }
        ++window.requests;
    }
    return decision;
}

void RateLimiter::recordConsumption(const QString &keyUuid, const config::RouteConfig &route,
                                    qint64 promptTokens, qint64 completionTokens, double costUsd,
                                    qint64 nowMs) {
    QMutexLocker locker(&m_mutex);
    if (route.tokenLimit) {
        const qint64 windowMs = std::max<qint64>(1, route.tokenLimit->windowSeconds) * 1000;
        Window &window =
            current(m_tokenWindows, windowId(keyUuid, route.name, windowMs), windowMs, nowMs);
        window.inputTokens += promptTokens;
        window.outputTokens += completionTokens;
    }
    if (route.budgetLimit) {
        const qint64 windowMs = std::max<qint64>(1, route.budgetLimit->windowSeconds) * 1000;
        Window &window =
            current(m_budgetWindows, windowId(keyUuid, route.name, windowMs), windowMs, nowMs);
        window.costUsd += costUsd;
    }
}

} // namespace portico::proxy
