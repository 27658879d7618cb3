#pragma once

// What a set of usage rows adds up to: the figures a monitoring surface (a page, the CLI, the
// roll-up aggregates, the metrics) must show for them, summed here from the raw rows a test wrote.
// Header-only: only tests that link portico_store include it.

#include "store/records.h"

#include <QDateTime>
#include <QString>

#include <algorithm>
#include <limits>

namespace portico::testsupport {

struct UsageSums {
    qint64 requests = 0;
    qint64 errors = 0; // status >= 400
    qint64 streamRequests = 0;
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    double costUsd = 0.0;
    qint64 latencySumMs = 0;
    qint64 minLatencyMs = std::numeric_limits<qint64>::max();
    qint64 maxLatencyMs = 0;
    qint64 ttftSumMs = 0;
    qint64 ttftCount = 0; // requests that produced a token
    QDateTime lastTime;   // null until a row is added
    QString keyName;      // as the latest row has it; of rows at the same time, the last added

    void add(const store::UsageRecord &row) {
        ++requests;
        errors += row.status >= 400 ? 1 : 0;
        streamRequests += row.stream ? 1 : 0;
        promptTokens += row.promptTokens;
        completionTokens += row.completionTokens;
        costUsd += row.costUsd;
        latencySumMs += row.latencyMs;
        minLatencyMs = std::min(minLatencyMs, row.latencyMs);
        maxLatencyMs = std::max(maxLatencyMs, row.latencyMs);
        if (row.ttftMs >= 0) {
            ttftSumMs += row.ttftMs;
            ++ttftCount;
        }
        if (!lastTime.isValid() || row.time >= lastTime) {
            lastTime = row.time;
            keyName = row.keyName;
        }
    }

    // NaN without rows, so that an empty expectation matches no figure.
    double averageLatencyMs() const { return double(latencySumMs) / double(requests); }
    // -1 when no request produced a token, as the aggregates say it.
    double averageTtftMs() const {
        return ttftCount > 0 ? double(ttftSumMs) / double(ttftCount) : -1.0;
    }
};

} // namespace portico::testsupport
