#pragma once

#include "config/gatewayconfig.h"

#include <QHash>
#include <QLatin1String>
#include <QMutex>
#include <QString>

#include <optional>

namespace portico::proxy {

// How much of something (requests, tokens, dollars) each subject used in the current fixed
// window, windows aligned on the epoch. The one window check of every limit: a subject is
// whatever a limit applies to (a key on a route today; a key or a group alone works the same), so
// a new kind of limit is a new Limit value, not new code. In memory: a restart starts new
// windows. Not locked: its owner serialises the calls.
class LimitWindows {
public:
    // At most `max` of `measure` per window of `windowSeconds`. The measure keeps the counts of
    // one subject apart (input and output tokens, say); a changed window length starts a new
    // window instead of reinterpreting the old count.
    struct Limit {
        QLatin1String measure;
        qint64 windowSeconds = 60;
        double max = 0.0; // <= 0: no limit
    };

    // The seconds until the subject's current window ends when it has used up the limit;
    // nothing while there is room, or when the limit is off.
    std::optional<qint64> retryAfter(const QString &subject, const Limit &limit, qint64 nowMs);
    // Counts `amount` (a double: counts of requests and tokens stay exact up to 2^53).
    void add(const QString &subject, const Limit &limit, double amount, qint64 nowMs);

private:
    struct Window {
        qint64 startMs = 0;
        double used = 0.0;
    };
    Window &current(const QString &subject, const Limit &limit, qint64 nowMs);
    static qint64 windowMs(const Limit &limit);

    QHash<QString, Window> m_windows;
};

// The route limits of config.yaml (rate_limiting, token limits, budget), per key and route.
class RateLimiter {
public:
    struct Decision {
        bool allowed = true;
        qint64 retryAfterSeconds = 0;
        QString code;
        QString message;
    };

    // Counts the request when it is allowed.
    Decision admit(const QString &keyUuid, const config::RouteConfig &route, qint64 nowMs);
    // Adds what a finished request consumed, for the token and budget limits.
    void recordConsumption(const QString &keyUuid, const config::RouteConfig &route,
                           qint64 promptTokens, qint64 completionTokens, double costUsd,
                           qint64 nowMs);

private:
    QMutex m_mutex;
    LimitWindows m_windows;
};

} // namespace portico::proxy
