#pragma once

// Usage rows for the monitoring page tests, and the sums the pages must show for them.

#include "store/records.h"
#include "usagesums.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace portico::test {

inline store::UsageRecord usageRow(const QString &keyUuid, const QString &keyName,
                                   const QString &route, const QDateTime &time, int status,
                                   qint64 prompt, qint64 completion, double cost,
                                   qint64 latencyMs) {
    static int serial = 0;
    store::UsageRecord row;
    row.time = time.toUTC();
    row.requestId = QStringLiteral("req-%1").arg(++serial);
    row.keyUuid = keyUuid;
    row.keyName = keyName;
    row.route = route;
    row.modelId = QStringLiteral("demo");
    row.provider = QStringLiteral("mock");
    row.stream = serial % 2 == 0;
    row.status = status;
    row.errorCode = status >= 400 ? QStringLiteral("upstream_error") : QString();
    row.promptTokens = prompt;
    row.completionTokens = completion;
    row.costUsd = cost;
    row.latencyMs = latencyMs;
    row.ttftMs = status >= 400 ? -1 : latencyMs / 2;
    return row;
}

template <typename Predicate>
testsupport::UsageSums sumRows(const QList<store::UsageRecord> &rows, Predicate matches) {
    testsupport::UsageSums sums;
    for (const auto &row : rows) {
        if (matches(row))
            sums.add(row);
    }
    return sums;
}

inline bool sameCost(double a, double b) {
    return qAbs(a - b) < 1e-9;
}

} // namespace portico::test
