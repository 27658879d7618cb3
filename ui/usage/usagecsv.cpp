#include "ui/usage/usagecsv.h"

#include "store/records.h"

namespace portico::ui {

QString UsageCsv::field(const QString &value) {
    const bool needsQuotes = value.contains(QLatin1Char(',')) || value.contains(QLatin1Char('"')) ||
                             value.contains(QLatin1Char('\n')) || value.contains(QLatin1Char('\r'));
    if (!needsQuotes)
        return value;
    QString quoted = value;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString UsageCsv::line(const QStringList &fields) {
    QStringList quoted;
    quoted.reserve(fields.size());
    for (const QString &value : fields)
        quoted << field(value);
    return quoted.join(QLatin1Char(',')) + QLatin1String("\r\n");
}

// Machine-readable column names: not translated, so exports from any locale read alike.
QStringList UsageCsv::recordHeader() {
    return {QStringLiteral("time"),          QStringLiteral("request_id"),
            QStringLiteral("key_uuid"),      QStringLiteral("key_name"),
            QStringLiteral("route"),         QStringLiteral("model_id"),
            QStringLiteral("provider"),      QStringLiteral("stream"),
            QStringLiteral("status"),        QStringLiteral("error_code"),
            QStringLiteral("prompt_tokens"), QStringLiteral("completion_tokens"),
            QStringLiteral("cost_usd"),      QStringLiteral("latency_ms"),
            QStringLiteral("ttft_ms")};
}

QStringList UsageCsv::recordFields(const store::UsageRecord &record) {
    return {record.time.toUTC().toString(Qt::ISODateWithMs),
            record.requestId,
            record.keyUuid,
            record.keyName,
            record.route,
            record.modelId,
            record.provider,
            record.stream ? QStringLiteral("true") : QStringLiteral("false"),
            QString::number(record.status),
            record.errorCode,
            QString::number(record.promptTokens),
            QString::number(record.completionTokens),
            QString::number(record.costUsd, 'f', 10),
            QString::number(record.latencyMs),
            QString::number(record.ttftMs)};
}

} // namespace portico::ui
