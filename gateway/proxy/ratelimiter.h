#pragma once

#include "config/gatewayconfig.h"

#include <QHash>
#include <QMutex>
#include <QString>

namespace portico::proxy {

// The route limits of config.yaml (rate_limiting, token limits, budget), per key and route, in
// fixed windows aligned on the epoch. In memory: a restart starts new windows.
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
    struct Window {
        qint64 startMs = 0;
        qint64 requests = 0;
        qint64 inputTokens = 0;
        qint64 outputTokens = 0;
        double costUsd = 0.0;
    };
    static Window &current(QHash<QString, Window> &windows, const QString &id, qint64 windowMs,
                           qint64 nowMs);

    QMutex m_mutex;
    QHash<QString, Window> m_requestWindows;
    QHash<QString, Window> m_tokenWindows;
    QHash<QString, Window> m_budgetWindows;
};

} // namespace portico::proxy
