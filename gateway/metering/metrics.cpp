#include "metering/metrics.h"

#include <QLocale>

#include <cmath>
#include <limits>

namespace portico::metering {

namespace {

QByteArray number(double value) {
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    return QString::number(value, 'g', QLocale::FloatingPointShortest).toLatin1();
}

void header(QByteArray &out, const char *name, const char *type, const char *help) {
    out += QByteArrayLiteral("# HELP ") + name + ' ' + help + '\n';
    out += QByteArrayLiteral("# TYPE ") + name + ' ' + type + '\n';
}

QByteArray label(const char *name, const QString &value) {
    return name + QByteArrayLiteral("=\"") + MetricsRegistry::escapeLabelValue(value) + '"';
}

} // namespace

MetricsRegistry::MetricsRegistry(QString version)
    : m_version(std::move(version)) {}

QByteArray MetricsRegistry::escapeLabelValue(const QString &value) {
    const QByteArray utf8 = value.toUtf8();
    QByteArray escaped;
    escaped.reserve(utf8.size());
    for (const char c : utf8) {
        if (c == '\\')
            escaped += "\\\\";
        else if (c == '"')
            escaped += "\\\"";
        else if (c == '\n')
            escaped += "\\n";
        else
            escaped += c;
    }
    return escaped;
}

void MetricsRegistry::Histogram::observe(double value) {
    std::size_t bucket = 0;
    while (bucket < kBucketBounds.size() && value > kBucketBounds[bucket])
        ++bucket;
    ++buckets[bucket];
    sum += value;
    ++count;
}

// One thread's counters. Its mutex is taken by that thread, once a request, and by render().
struct MetricsRegistry::Shard {
    QMutex mutex;
    RequestCounts requests;
    ConsumptionCounts consumption;
    HistogramsByRoute duration;
    HistogramsByRoute ttft;

    // The cells of the last request's route and key: under load most requests repeat them, and
    // find their cells without a look-up by three strings in a map (std::map's iterators stay
    // valid as it grows). end() means "not looked up yet".
    QString lastRoute;
    QString lastKey;
    int lastStatus = 0;
    RequestCounts::iterator requestCell = requests.end();
    ConsumptionCounts::iterator consumptionCell = consumption.end();
    HistogramsByRoute::iterator durationCell = duration.end();
    HistogramsByRoute::iterator ttftCell = ttft.end();
};

MetricsRegistry::~MetricsRegistry() = default;

void MetricsRegistry::recordRequest(const store::UsageRecord &row) {
    Shard &shard = m_shards.local();
    QMutexLocker locker(&shard.mutex);
    if (shard.durationCell == shard.duration.end() || shard.lastRoute != row.route ||
        shard.lastKey != row.keyName) {
        shard.lastRoute = row.route;
        shard.lastKey = row.keyName;
        shard.requestCell = shard.requests.end();
        shard.consumptionCell = shard.consumption.try_emplace({row.keyName, row.route}).first;
        shard.durationCell = shard.duration.try_emplace(row.route).first;
        shard.ttftCell = shard.ttft.end();
    }
    if (shard.requestCell == shard.requests.end() || shard.lastStatus != row.status) {
        shard.requestCell = shard.requests.try_emplace({row.route, row.keyName, row.status}).first;
        shard.lastStatus = row.status;
    }
    ++shard.requestCell->second;
    Consumption &consumption = shard.consumptionCell->second;
    consumption.promptTokens += row.promptTokens;
    consumption.completionTokens += row.completionTokens;
    consumption.costUsd += row.costUsd;
    shard.durationCell->second.observe(static_cast<double>(row.latencyMs) / 1000.0);
    if (row.ttftMs >= 0) {
        if (shard.ttftCell == shard.ttft.end())
            shard.ttftCell = shard.ttft.try_emplace(row.route).first;
        shard.ttftCell->second.observe(static_cast<double>(row.ttftMs) / 1000.0);
    }
}

void MetricsRegistry::streamOpened() {
    ++m_activeStreams;
}

void MetricsRegistry::streamClosed() {
    --m_activeStreams;
}

void MetricsRegistry::recordUpstreamError(const QString &modelId, const QString &kind) {
    QMutexLocker locker(&m_upstreamMutex);
    ++m_upstreamErrors[{modelId, kind}];
}

void MetricsRegistry::renderHistogram(QByteArray &out, const char *name, const char *help,
                                      const HistogramsByRoute &byRoute) {
    header(out, name, "histogram", help);
    for (const auto &[route, histogram] : byRoute) {
        const QByteArray routeLabel = label("route", route);
        quint64 cumulative = 0;
        for (std::size_t i = 0; i < histogram.buckets.size(); ++i) {
            cumulative += histogram.buckets[i];
            const double bound = i < kBucketBounds.size() ? kBucketBounds[i]
                                                          : std::numeric_limits<double>::infinity();
            out += name + QByteArrayLiteral("_bucket{") + routeLabel + QByteArrayLiteral(",le=\"") +
                   number(bound) + QByteArrayLiteral("\"} ") + QByteArray::number(cumulative) +
                   '\n';
        }
        out += name + QByteArrayLiteral("_sum{") + routeLabel + QByteArrayLiteral("} ") +
               number(histogram.sum) + '\n';
        out += name + QByteArrayLiteral("_count{") + routeLabel + QByteArrayLiteral("} ") +
               QByteArray::number(histogram.count) + '\n';
    }
}

QByteArray MetricsRegistry::render() const {
    QByteArray out;
    out.reserve(16 * 1024);

    header(out, "portico_up", "gauge", "Whether the gateway is serving (always 1 when scraped).");
    out += "portico_up 1\n";
    header(out, "portico_build_info", "gauge", "The gateway's version, as a label.");
    out += "portico_build_info{" + label("version", m_version) + "} 1\n";

    // The shards' sums, each shard locked in turn (a request waits for at most one of them).
    RequestCounts requests;
    ConsumptionCounts consumption;
    HistogramsByRoute duration;
    HistogramsByRoute ttft;
    const auto addHistograms = [](HistogramsByRoute &into, const HistogramsByRoute &from) {
        for (const auto &[route, histogram] : from) {
            Histogram &total = into[route];
            for (std::size_t i = 0; i < histogram.buckets.size(); ++i)
                total.buckets[i] += histogram.buckets[i];
            total.sum += histogram.sum;
            total.count += histogram.count;
        }
    };
    {
        m_shards.forEach([&](Shard &shard) {
            QMutexLocker locker(&shard.mutex);
            for (const auto &[labels, count] : shard.requests)
                requests[labels] += count;
            for (const auto &[labels, counts] : shard.consumption) {
                Consumption &total = consumption[labels];
                total.promptTokens += counts.promptTokens;
                total.completionTokens += counts.completionTokens;
                total.costUsd += counts.costUsd;
            }
            addHistograms(duration, shard.duration);
            addHistograms(ttft, shard.ttft);
        });
    }

    header(out, "portico_requests_total", "counter",
           "Requests answered, by route, key name and HTTP status (refused ones too).");
    for (const auto &[labels, count] : requests) {
        const auto &[route, key, status] = labels;
        out += "portico_requests_total{" + label("route", route) + ',' + label("key", key) +
               ",status=\"" + QByteArray::number(status) + "\"} " + QByteArray::number(count) +
               '\n';
    }

    const auto family = [&](const char *name, const char *help, auto value) {
        header(out, name, "counter", help);
        for (const auto &[labels, counts] : consumption) {
            out += name + QByteArrayLiteral("{") + label("key", labels.first) + ',' +
                   label("route", labels.second) + QByteArrayLiteral("} ") + value(counts) + '\n';
        }
    };
    family("portico_prompt_tokens_total", "Prompt tokens consumed, by key name and route.",
           [](const Consumption &c) { return QByteArray::number(c.promptTokens); });
    family("portico_completion_tokens_total", "Completion tokens produced, by key name and route.",
           [](const Consumption &c) { return QByteArray::number(c.completionTokens); });
    family("portico_cost_usd_total", "Cost in US dollars, by key name and route.",
           [](const Consumption &c) { return number(c.costUsd); });

    renderHistogram(out, "portico_request_duration_seconds",
                    "Time from a request's arrival to its last byte, by route.", duration);
    renderHistogram(out, "portico_time_to_first_token_seconds",
                    "Time from a request's arrival to its first token, by route.", ttft);

    header(out, "portico_active_streams", "gauge", "Streamed answers being sent right now.");
    out += "portico_active_streams " + QByteArray::number(m_activeStreams.load()) + '\n';
    header(out, "portico_usage_rows_held", "gauge",
           "Usage rows held in memory because the store does not take them right now.");
    out += "portico_usage_rows_held " + QByteArray::number(m_usageRowsHeld.load()) + '\n';
    header(out, "portico_usage_rows_dropped_total", "counter",
           "Usage rows lost because the store refused them for too long.");
    out +=
        "portico_usage_rows_dropped_total " + QByteArray::number(m_usageRowsDropped.load()) + '\n';
    header(out, "portico_auth_throttled_requests_total", "counter",
           "Requests with an invalid key refused at once because their address had sent too many "
           "invalid keys within a minute.");
    out += "portico_auth_throttled_requests_total " +
           QByteArray::number(m_authThrottledRequests.load()) + '\n';
    header(out, "portico_auth_throttled_addresses_total", "counter",
           "Times a client address was throttled for sending too many invalid keys in a minute.");
    out += "portico_auth_throttled_addresses_total " +
           QByteArray::number(m_authThrottledAddresses.load()) + '\n';

    header(out, "portico_upstream_errors_total", "counter",
           "Failed attempts at upstream models (retries and fallbacks included), by model and "
           "kind of failure.");
    {
        QMutexLocker locker(&m_upstreamMutex);
        for (const auto &[labels, count] : m_upstreamErrors) {
            out += "portico_upstream_errors_total{" + label("model_id", labels.first) + ',' +
                   label("kind", labels.second) + "} " + QByteArray::number(count) + '\n';
        }
    }
    return out;
}

} // namespace portico::metering
