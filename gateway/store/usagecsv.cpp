#include "store/usagecsv.h"

#include <QIODevice>
#include <QLocale>

namespace portico::store {

namespace usagecsv {

QString field(const QString &text) {
    const bool needsQuotes = text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) ||
                             text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r')) ||
                             text.startsWith(QLatin1Char(' ')) || text.endsWith(QLatin1Char(' '));
    if (!needsQuotes)
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QByteArray record(const QStringList &fields) {
    QString line;
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (i > 0)
            line += QLatin1Char(',');
        line += field(fields.at(i));
    }
    line += QLatin1String("\r\n");
    return line.toUtf8();
}

QString number(double value) {
    return QString::number(value, 'f', QLocale::FloatingPointShortest);
}

QString text(const QVariant &value) {
    switch (value.typeId()) {
    case QMetaType::UnknownType:
        return {};
    case QMetaType::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QMetaType::Double:
        return number(value.toDouble());
    default:
        return value.toString();
    }
}

QStringList rowHeader() {
    return {QStringLiteral("time"),          QStringLiteral("request_id"),
            QStringLiteral("key_uuid"),      QStringLiteral("key_name"),
            QStringLiteral("route"),         QStringLiteral("model_id"),
            QStringLiteral("provider"),      QStringLiteral("stream"),
            QStringLiteral("status"),        QStringLiteral("error_code"),
            QStringLiteral("prompt_tokens"), QStringLiteral("completion_tokens"),
            QStringLiteral("cost_usd"),      QStringLiteral("latency_ms"),
            QStringLiteral("ttft_ms")};
}

QStringList rowFields(const UsageRecord &row) {
    return {
        row.time.isValid() ? row.time.toUTC().toString(Qt::ISODateWithMs) : QString(),
        row.requestId,
        row.keyUuid,
        row.keyName,
        row.route,
        row.modelId,
        row.provider,
        text(row.stream),
        QString::number(row.status),
        row.errorCode,
        QString::number(row.promptTokens),
        QString::number(row.completionTokens),
        number(row.costUsd),
        QString::number(row.latencyMs),
        row.ttftMs < 0 ? QString() : QString::number(row.ttftMs),
    };
}

namespace {

QVariant textOrMissing(const QString &text) {
    return text.isEmpty() ? QVariant() : QVariant(text);
}

QVariant timeOrMissing(const QDateTime &time) {
    return time.isValid() ? QVariant(time.toUTC().toString(Qt::ISODateWithMs)) : QVariant();
}

} // namespace

QList<AggregateColumn> aggregateColumns(UsageGrouping grouping) {
    using Line = UsageAggregate;
    QList<AggregateColumn> columns;
    switch (grouping) {
    case UsageGrouping::Key:
        columns << AggregateColumn{QStringLiteral("key_uuid"),
                                   [](const Line &l) { return textOrMissing(l.keyUuid); }}
                << AggregateColumn{QStringLiteral("key_name"),
                                   [](const Line &l) { return textOrMissing(l.keyName); }}
                << AggregateColumn{QStringLiteral("deleted"),
                                   [](const Line &l) { return QVariant(l.deleted); }};
        break;
    case UsageGrouping::Route:
        columns << AggregateColumn{QStringLiteral("route"),
                                   [](const Line &l) { return QVariant(l.route); }};
        break;
    case UsageGrouping::Model:
        columns << AggregateColumn{QStringLiteral("model_id"),
                                   [](const Line &l) { return QVariant(l.modelId); }};
        break;
    case UsageGrouping::Day:
    case UsageGrouping::Hour:
        columns << AggregateColumn{QStringLiteral("day"), [](const Line &l) {
                                       return QVariant(
                                           l.bucketStart.toUTC().date().toString(Qt::ISODate));
                                   }};
        break;
    }
    columns << AggregateColumn{QStringLiteral("requests"),
                               [](const Line &l) { return QVariant(l.requests); }}
            << AggregateColumn{QStringLiteral("errors"),
                               [](const Line &l) { return QVariant(l.errors); }}
            << AggregateColumn{QStringLiteral("stream_requests"),
                               [](const Line &l) { return QVariant(l.streamRequests); }}
            << AggregateColumn{QStringLiteral("prompt_tokens"),
                               [](const Line &l) { return QVariant(l.promptTokens); }}
            << AggregateColumn{QStringLiteral("completion_tokens"),
                               [](const Line &l) { return QVariant(l.completionTokens); }}
            << AggregateColumn{QStringLiteral("total_tokens"),
                               [](const Line &l) {
                                   return QVariant(l.promptTokens + l.completionTokens);
                               }}
            << AggregateColumn{QStringLiteral("cost_usd"),
                               [](const Line &l) { return QVariant(l.costUsd); }}
            << AggregateColumn{QStringLiteral("avg_latency_ms"),
                               [](const Line &l) { return QVariant(l.avgLatencyMs); }}
            << AggregateColumn{QStringLiteral("p95_latency_ms"),
                               [](const Line &l) { return QVariant(l.p95LatencyMs); }}
            << AggregateColumn{QStringLiteral("max_latency_ms"),
                               [](const Line &l) { return QVariant(l.maxLatencyMs); }}
            << AggregateColumn{QStringLiteral("avg_ttft_ms"),
                               [](const Line &l) {
                                   return l.avgTtftMs < 0 ? QVariant() : QVariant(l.avgTtftMs);
                               }}
            << AggregateColumn{QStringLiteral("last_time"),
                               [](const Line &l) { return timeOrMissing(l.lastTime); }};
    return columns;
}

qsizetype labelColumnCount(UsageGrouping grouping) {
    return grouping == UsageGrouping::Key ? 3 : 1;
}

QStringList aggregateHeader(UsageGrouping grouping) {
    QStringList header;
    for (const AggregateColumn &column : aggregateColumns(grouping))
        header << column.name;
    return header;
}

QStringList aggregateFields(const QList<AggregateColumn> &columns, const UsageAggregate &line) {
    QStringList fields;
    for (const AggregateColumn &column : columns)
        fields << text(column.value(line));
    return fields;
}

} // namespace usagecsv

UsageCsvWriter::UsageCsvWriter(QIODevice &device)
    : m_device(device) {}

UsageCsvWriter::~UsageCsvWriter() {
    flush();
}

bool UsageCsvWriter::add(const QStringList &fields) {
    m_buffer += usagecsv::record(fields);
    if (m_buffer.size() >= kBlockBytes)
        return flush();
    return !m_failed;
}

bool UsageCsvWriter::flush() {
    if (!m_buffer.isEmpty()) {
        if (m_device.write(m_buffer) != m_buffer.size())
            m_failed = true;
        m_buffer.clear();
    }
    return !m_failed;
}

} // namespace portico::store
