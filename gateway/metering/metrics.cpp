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

void MetricsRegistry::recordRequest(const store::UsageRecord &row) {
    {
        QMutexLocker locker(&m_requestsMutex);
        ++m_requests[{row.route, row.keyName, row.status}];
    }
    {
        QMutexLocker locker(&m_consumptionMutex);
        Consumption &consumption = m_consumption[{row.keyName, row.route}];
        consumption.promptTokens += row.promptTokens;
        consumption.completionTokens += row.completionTokens;
        consumption.costUsd += row.costUsd;
    }
    {
        QMutexLocker locker(&m_durationMutex);
        m_duration[row.route].observe(static_cast<double>(row.latencyMs) / 1000.0);
    }
    if (row.ttftMs >= 0) {
        QMutexLocker locker(&m_ttftMutex);
        m_ttft[row.route].observe(static_cast<double>(row.ttftMs) / 1000.0);
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
                                      const std::map<QString, Histogram> &byRoute) {
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

    header(out, "portico_requests_total", "counter",
           "Requests answered, by route, key name and HTTP status (refused ones too).");
    {
        QMutexLocker locker(&m_requestsMutex);
        for (const auto &[labels, count] : m_requests) {
            const auto &[route, key, status] = labels;
            out += "portico_requests_total{" + label("route", route) + ',' + label("key", key) +
                   ",status=\"" + QByteArray::number(status) + "\"} " + QByteArray::number(count) +
                   '\n';
        }
    }

    {
        std::map<std::pair<QString, QString>, Consumption> consumption;
        {
            QMutexLocker locker(&m_consumptionMutex);
            consumption = m_consumption;
        }
        auto family = [&](const char *name, const char *help, auto value) {
            header(out, name, "counter", help);
            for (const auto &[labels, counts] : consumption) {
                out += name + QByteArrayLiteral("{") + label("key", labels.first) + ',' +
                       label("route", labels.second) + QByteArrayLiteral("} ") + value(counts) +
                       '\n';
            }
        };
        family("portico_prompt_tokens_total", "Prompt tokens consumed, by key name and route.",
               [](const Consumption &c) { return QByteArray::number(c.promptTokens); });
        family("portico_completion_tokens_total",
               "Completion tokens produced, by key name and route.",
               [](const Consumption &c) { return QByteArray::number(c.completionTokens); });
        family("portico_cost_usd_total", "Cost in US dollars, by key name and route.",
               [](const Consumption &c) { return number(c.costUsd); });
    }

    {
        std::map<QString, Histogram> duration;
        {
            QMutexLocker locker(&m_durationMutex);
            duration = m_duration;
        }
        renderHistogram(out, "portico_request_duration_seconds",
                        "Time from a request's arrival to its last byte, by route.", duration);
    }
    {
        std::map<QString, Histogram> ttft;
        {
            QMutexLocker locker(&m_ttftMutex);
            ttft = m_ttft;
        }
        renderHistogram(out, "portico_time_to_first_token_seconds",
                        "Time from a request's arrival to its first token, by route.", ttft);
    }

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
