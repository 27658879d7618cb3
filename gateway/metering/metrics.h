#pragma once

#include "metering/threadshards.h"
#include "store/records.h"

#include <QByteArray>
#include <QMutex>
#include <QString>

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

namespace portico::metering {

// The gateway's Prometheus metrics, kept in memory since the gateway started and rendered in the
// text exposition format 0.0.4. Thread-safe.
//
// Every request adds to the counters of the thread that answered it (its shard): one lock a
// request, which only render() ever contends for. Four process-wide locks a request, taken by
// every worker in turn, were a cost that grew with the workers. render() sums the shards.
class MetricsRegistry {
public:
    // Upper bounds in seconds, without +Inf.
    static constexpr std::array<double, 13> kBucketBounds = {
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    static constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

    explicit MetricsRegistry(QString version);
    ~MetricsRegistry();
    MetricsRegistry(const MetricsRegistry &) = delete;
    MetricsRegistry &operator=(const MetricsRegistry &) = delete;

    // Counts a finished request from its usage row (refused requests too).
    void recordRequest(const store::UsageRecord &row);
    // A request refused by the failed-authentication throttle (AuthThrottle), and an address
    // that started being throttled.
    void recordAuthThrottled() { ++m_authThrottledRequests; }
    void recordAuthThrottleStarted() { ++m_authThrottledAddresses; }
    // Usage rows held while the store refuses them, and rows dropped past the bound.
    void setUsageRowsHeld(qint64 rows) { m_usageRowsHeld = rows; }
    void recordUsageDropped(qint64 rows) { m_usageRowsDropped += quint64(rows); }
    void streamOpened();
    void streamClosed();
    // One failed attempt at an upstream model; `kind` is short ("timeout", "http_500", ...).
    void recordUpstreamError(const QString &modelId, const QString &kind);

    QByteArray render() const;

    // Escapes a label value as the exposition format requires (backslash, quote, newline).
    static QByteArray escapeLabelValue(const QString &value);

private:
    struct Histogram {
        std::array<quint64, kBucketBounds.size() + 1> buckets{}; // not cumulative; last is +Inf
        double sum = 0;
        quint64 count = 0;
        void observe(double value);
    };
    struct Consumption {
        qint64 promptTokens = 0;
        qint64 completionTokens = 0;
        double costUsd = 0;
    };

    using RequestCounts =
        std::map<std::tuple<QString, QString, int>, quint64>; // route, key, status
    using ConsumptionCounts = std::map<std::pair<QString, QString>, Consumption>; // key, route
    using HistogramsByRoute = std::map<QString, Histogram>;
    struct Shard;

    static void renderHistogram(QByteArray &out, const char *name, const char *help,
                                const HistogramsByRoute &byRoute);

    const QString m_version;
    ThreadShards<Shard> m_shards; // one per thread that recorded a request

    mutable QMutex m_upstreamMutex;
    std::map<std::pair<QString, QString>, quint64> m_upstreamErrors; // model_id, kind

    std::atomic<qint64> m_activeStreams{0};
    std::atomic<quint64> m_authThrottledRequests{0};
    std::atomic<qint64> m_usageRowsHeld{0};
    std::atomic<quint64> m_usageRowsDropped{0};
    std::atomic<quint64> m_authThrottledAddresses{0};
};

} // namespace portico::metering
