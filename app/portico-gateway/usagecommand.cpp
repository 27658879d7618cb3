// usage [--key KEY] [--group GROUP] [--route ROUTE] [--since ISO_TIME] [--until ISO_TIME]
//       [--limit N] [--by key|route|model|day] [--csv]
// usage prune [--days N] [--dry-run]
#include "clicontext.h"
#include "commands.h"
#include "recordformat.h"
#include "texttable.h"

#include "store/database.h"
#include "store/keystore.h"
#include "store/usageaggregates.h"
#include "store/usagestore.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <QUuid>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>

#include <unistd.h>

namespace portico::cli {

namespace {

// What the options select. The plain listing without --group keeps reading through the
// UsageFilter it always used; everything else goes through the UsageQuery.
struct Selection {
    store::UsageFilter filter;
    store::UsageQuery query;
    std::optional<store::UsageGrouping> grouping;
    bool csv = false;
    bool byGroup = false;
    int limit = -1;
};

// A name recorded on a usage row may hold a line break (rows are history, not validated
// names); a table cell must stay on one line.
QString oneLine(const QString &text) {
    QString result = text;
    for (QChar &c : result) {
        if (c.category() == QChar::Other_Control)
            c = QLatin1Char(' ');
    }
    return result;
}

// Shortest text that reads back as the same double, without exponent for small costs.
QString numberText(double value) {
    return QString::number(value, 'f', QLocale::FloatingPointShortest);
}

// RFC 4180 fields and records, buffered: a large export is written in blocks, not a flush
// per row.
class CsvWriter {
public:
    CsvWriter() = default;
    CsvWriter(const CsvWriter &) = delete;
    CsvWriter &operator=(const CsvWriter &) = delete;
    ~CsvWriter() { flush(); }

    static QString field(const QString &text) {
        const bool needsQuotes =
            text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"')) ||
            text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r')) ||
            text.startsWith(QLatin1Char(' ')) || text.endsWith(QLatin1Char(' '));
        if (!needsQuotes)
            return text;
        QString quoted = text;
        quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
        return QLatin1Char('"') + quoted + QLatin1Char('"');
    }

    void addRecord(const QStringList &fields) {
        QString record;
        for (qsizetype i = 0; i < fields.size(); ++i) {
            if (i > 0)
                record += QLatin1Char(',');
            record += field(fields.at(i));
        }
        record += QLatin1String("\r\n");
        m_buffer += record.toUtf8();
        if (m_buffer.size() >= kBlockBytes)
            flush();
    }

    // False when stdout could not take the text (disk full, closed pipe).
    bool flush() {
        if (!m_buffer.isEmpty()) {
            if (std::fwrite(m_buffer.constData(), 1, size_t(m_buffer.size()), stdout) !=
                size_t(m_buffer.size()))
                m_failed = true;
            m_buffer.clear();
        }
        if (std::fflush(stdout) != 0)
            m_failed = true;
        return !m_failed;
    }

private:
    static constexpr qsizetype kBlockBytes = 64 * 1024;
    QByteArray m_buffer;
    bool m_failed = false;
};

// The raw row columns of --csv: those of the JSON row, in the same order.
const QStringList &rawCsvColumns() {
    static const QStringList columns{
        QStringLiteral("time"),          QStringLiteral("request_id"),
        QStringLiteral("key_uuid"),      QStringLiteral("key_name"),
        QStringLiteral("route"),         QStringLiteral("model_id"),
        QStringLiteral("provider"),      QStringLiteral("stream"),
        QStringLiteral("status"),        QStringLiteral("error_code"),
        QStringLiteral("prompt_tokens"), QStringLiteral("completion_tokens"),
        QStringLiteral("cost_usd"),      QStringLiteral("latency_ms"),
        QStringLiteral("ttft_ms"),
    };
    return columns;
}

QStringList rawCsvRecord(const store::UsageRecord &row) {
    return {
        format::isoTime(row.time, true).toString(),
        row.requestId,
        row.keyUuid,
        row.keyName,
        row.route,
        row.modelId,
        row.provider,
        row.stream ? QStringLiteral("true") : QStringLiteral("false"),
        QString::number(row.status),
        row.errorCode,
        QString::number(row.promptTokens),
        QString::number(row.completionTokens),
        numberText(row.costUsd),
        QString::number(row.latencyMs),
        row.ttftMs < 0 ? QString() : QString::number(row.ttftMs),
    };
}

QString csvText(const QJsonValue &value) {
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        const QVariant number = value.toVariant();
        if (number.typeId() == QMetaType::LongLong)
            return QString::number(number.toLongLong());
        return numberText(value.toDouble());
    }
    case QJsonValue::String:
        return value.toString();
    default:
        return {};
    }
}

QJsonValue stringOrNull(const QString &text) {
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

// One column of the --by output: its JSON name (also the CSV header) and its value.
struct AggregateColumn {
    QString name;
    std::function<QJsonValue(const store::UsageAggregate &)> value;
};

QString dayText(const QDateTime &bucketStart) {
    return bucketStart.toUTC().date().toString(Qt::ISODate);
}

QList<AggregateColumn> aggregateColumns(store::UsageGrouping grouping) {
    using Line = store::UsageAggregate;
    QList<AggregateColumn> columns;
    switch (grouping) {
    case store::UsageGrouping::Key:
        columns << AggregateColumn{QStringLiteral("key_uuid"),
                                   [](const Line &l) { return stringOrNull(l.keyUuid); }}
                << AggregateColumn{QStringLiteral("key_name"),
                                   [](const Line &l) { return stringOrNull(l.keyName); }}
                << AggregateColumn{QStringLiteral("deleted"),
                                   [](const Line &l) { return QJsonValue(l.deleted); }};
        break;
    case store::UsageGrouping::Route:
        columns << AggregateColumn{QStringLiteral("route"),
                                   [](const Line &l) { return QJsonValue(l.route); }};
        break;
    case store::UsageGrouping::Model:
        columns << AggregateColumn{QStringLiteral("model_id"),
                                   [](const Line &l) { return QJsonValue(l.modelId); }};
        break;
    case store::UsageGrouping::Day:
    case store::UsageGrouping::Hour:
        columns << AggregateColumn{QStringLiteral("day"), [](const Line &l) {
                                       return QJsonValue(dayText(l.bucketStart));
                                   }};
        break;
    }
    columns << AggregateColumn{QStringLiteral("requests"),
                               [](const Line &l) { return QJsonValue(l.requests); }}
            << AggregateColumn{QStringLiteral("errors"),
                               [](const Line &l) { return QJsonValue(l.errors); }}
            << AggregateColumn{QStringLiteral("stream_requests"),
                               [](const Line &l) { return QJsonValue(l.streamRequests); }}
            << AggregateColumn{QStringLiteral("prompt_tokens"),
                               [](const Line &l) { return QJsonValue(l.promptTokens); }}
            << AggregateColumn{QStringLiteral("completion_tokens"),
                               [](const Line &l) { return QJsonValue(l.completionTokens); }}
            << AggregateColumn{QStringLiteral("total_tokens"),
                               [](const Line &l) {
                                   return QJsonValue(l.promptTokens + l.completionTokens);
                               }}
            << AggregateColumn{QStringLiteral("cost_usd"),
                               [](const Line &l) { return QJsonValue(l.costUsd); }}
            << AggregateColumn{QStringLiteral("avg_latency_ms"),
                               [](const Line &l) { return QJsonValue(l.avgLatencyMs); }}
            << AggregateColumn{QStringLiteral("p95_latency_ms"),
                               [](const Line &l) { return QJsonValue(l.p95LatencyMs); }}
            << AggregateColumn{QStringLiteral("max_latency_ms"),
                               [](const Line &l) { return QJsonValue(l.maxLatencyMs); }}
            << AggregateColumn{QStringLiteral("avg_ttft_ms"),
                               [](const Line &l) {
                                   return l.avgTtftMs < 0 ? QJsonValue(QJsonValue::Null)
                                                          : QJsonValue(l.avgTtftMs);
                               }}
            << AggregateColumn{QStringLiteral("last_time"),
                               [](const Line &l) { return format::isoTime(l.lastTime, true); }};
    return columns;
}

QJsonObject aggregateToJson(const QList<AggregateColumn> &columns,
                            const store::UsageAggregate &line) {
    QJsonObject object;
    for (const AggregateColumn &column : columns)
        object.insert(column.name, column.value(line));
    return object;
}

std::optional<store::UsageGrouping> parseGrouping(const QString &text) {
    const QString name = text.trimmed().toLower();
    if (name == QLatin1String("key"))
        return store::UsageGrouping::Key;
    if (name == QLatin1String("route"))
        return store::UsageGrouping::Route;
    if (name == QLatin1String("model"))
        return store::UsageGrouping::Model;
    if (name == QLatin1String("day"))
        return store::UsageGrouping::Day;
    return std::nullopt;
}

// Reads the options that need no store. Returns an exit status when the line is wrong.
std::optional<int> readOptions(CliContext &context, Selection &selection) {
    const CommandLine &line = context.commandLine();
    for (const char *name : {"since", "until"}) {
        const QString option = QString::fromLatin1(name);
        if (!line.isSet(option))
            continue;
        const auto time = format::parseTime(line.value(option));
        if (!time) {
            return context.usageError(QStringLiteral("--%1 '%2' is not an ISO 8601 time (for "
                                                     "example 2026-01-31T00:00:00Z or 2026-01-31).")
                                          .arg(option, line.value(option)));
        }
        (option == QLatin1String("since") ? selection.filter.since : selection.filter.until) =
            *time;
    }
    if (line.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        const int limit = line.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1) {
            return context.usageError(QStringLiteral("--limit '%1' is not a positive number.")
                                          .arg(line.value(QStringLiteral("limit"))));
        }
        selection.limit = limit;
        selection.filter.limit = limit;
    }
    if (line.isSet(QStringLiteral("by"))) {
        selection.grouping = parseGrouping(line.value(QStringLiteral("by")));
        if (!selection.grouping) {
            return context.usageError(
                QStringLiteral("--by '%1' is not one of key, route, model, day.")
                    .arg(line.value(QStringLiteral("by"))));
        }
    }
    selection.csv = line.isSet(QStringLiteral("csv"));
    if (selection.csv && context.json()) {
        return context.usageError(
            QStringLiteral("--csv and --json are two output formats; choose one."));
    }
    selection.filter.route = line.value(QStringLiteral("route")).trimmed();
    if (line.values(QStringLiteral("group")).size() > 1)
        return context.usageError(QStringLiteral("--group is given once for usage."));
    if (line.isSet(QStringLiteral("group"))) {
        selection.query.group = line.value(QStringLiteral("group")).trimmed();
        if (selection.query.group.isEmpty())
            return context.usageError(QStringLiteral("--group needs a group uuid or name."));
        selection.byGroup = true;
    }

    selection.query.since = selection.filter.since;
    selection.query.until = selection.filter.until;
    selection.query.route = selection.filter.route;
    selection.query.limit = selection.limit;
    return std::nullopt;
}

// Resolves --key to a uuid; a deleted key is only known by its uuid (its rows stay).
std::optional<int> resolveKey(CliContext &context, store::Database &db, Selection &selection) {
    const CommandLine &line = context.commandLine();
    if (!line.isSet(QStringLiteral("key")))
        return std::nullopt;
    const QString keyRef = line.value(QStringLiteral("key"));
    store::KeyStore keys(db, CliContext::actor());
    auto key = keys.key(keyRef);
    if (key.ok()) {
        selection.filter.keyUuid = key->uuid;
    } else if (key.error().code == store::Error::Code::NotFound &&
               !QUuid::fromString(keyRef).isNull()) {
        selection.filter.keyUuid = QUuid::fromString(keyRef).toString(QUuid::WithoutBraces);
    } else {
        QString hint = QStringLiteral("Run 'portico-gateway keys list' to see the keys; for "
                                      "a deleted key, give its uuid.");
        if (key.error().code == store::Error::Code::Ambiguous)
            hint = QStringLiteral("Use the uuid instead.");
        return context.fail(key.error(), hint);
    }
    selection.query.keyUuids = {selection.filter.keyUuid};
    return std::nullopt;
}

// --by: from the hourly and daily roll-up, never from the raw rows.
int showAggregates(CliContext &context, store::Database &db, const Selection &selection) {
    const store::UsageGrouping grouping = *selection.grouping;
    store::UsageAggregates aggregates(db);
    auto lines = aggregates.aggregate(grouping, selection.query);
    if (!lines.ok())
        return context.fail(lines.error());
    auto totals = aggregates.totals(selection.query);
    if (!totals.ok())
        return context.fail(totals.error());

    // The roll-up counts whole hours: say so rather than silently widen the period.
    const auto offHour = [](const QDateTime &time) {
        return time.isValid() && time.toMSecsSinceEpoch() % (3600 * 1000) != 0;
    };
    if (offHour(selection.query.since) || offHour(selection.query.until))
        context.note(QStringLiteral("Note: --by counts whole UTC hours; the hours holding --since "
                                    "and --until are counted in full."));

    const QList<AggregateColumn> columns = aggregateColumns(grouping);
    if (selection.csv) {
        CsvWriter csv;
        QStringList header;
        for (const AggregateColumn &column : columns)
            header << column.name;
        csv.addRecord(header);
        for (const store::UsageAggregate &line : lines.value()) {
            QStringList record;
            for (const AggregateColumn &column : columns)
                record << csvText(column.value(line));
            csv.addRecord(record);
        }
        if (!csv.flush())
            return context.fail(QStringLiteral("write_failed"),
                                QStringLiteral("Could not write the CSV to standard output."));
        return kExitOk;
    }
    if (context.json()) {
        QJsonArray rows;
        for (const store::UsageAggregate &line : lines.value())
            rows.append(aggregateToJson(columns, line));
        QJsonObject total;
        for (const AggregateColumn &column :
             columns.mid(grouping == store::UsageGrouping::Key ? 3 : 1))
            total.insert(column.name, column.value(totals.value()));
        context.printJson(
            QJsonObject{{QStringLiteral("rows"), rows}, {QStringLiteral("totals"), total}});
        return kExitOk;
    }
    if (lines->isEmpty()) {
        CliContext::printOut(QStringLiteral("No usage matches.\n"));
        return kExitOk;
    }

    QStringList headers;
    switch (grouping) {
    case store::UsageGrouping::Key:
        headers << QStringLiteral("KEY") << QStringLiteral("UUID");
        break;
    case store::UsageGrouping::Route:
        headers << QStringLiteral("ROUTE");
        break;
    case store::UsageGrouping::Model:
        headers << QStringLiteral("MODEL");
        break;
    case store::UsageGrouping::Day:
    case store::UsageGrouping::Hour:
        headers << QStringLiteral("DAY (UTC)");
        break;
    }
    const qsizetype labelColumns = headers.size();
    headers << QStringLiteral("REQUESTS") << QStringLiteral("ERRORS")
            << QStringLiteral("TOKENS IN/OUT") << QStringLiteral("COST")
            << QStringLiteral("AVG LATENCY") << QStringLiteral("P95 LATENCY")
            << QStringLiteral("LAST REQUEST");
    const auto figures = [](const store::UsageAggregate &line) {
        return QStringList{
            QString::number(line.requests),
            QString::number(line.errors),
            QStringLiteral("%1/%2").arg(line.promptTokens).arg(line.completionTokens),
            format::costText(line.costUsd),
            QStringLiteral("%1 ms").arg(QString::number(line.avgLatencyMs, 'f', 1)),
            QStringLiteral("%1 ms").arg(line.p95LatencyMs),
            format::humanTime(line.lastTime, QStringLiteral("-")),
        };
    };
    const auto orNone = [](const QString &text) {
        return text.isEmpty() ? QStringLiteral("(none)") : oneLine(text);
    };
    TextTable table(headers);
    for (const store::UsageAggregate &line : lines.value()) {
        QStringList cells;
        switch (grouping) {
        case store::UsageGrouping::Key:
            if (line.keyUuid.isEmpty()) {
                cells << QStringLiteral("(no key)") << QStringLiteral("-");
            } else {
                cells << oneLine(line.keyName) +
                             (line.deleted ? QStringLiteral(" (deleted)") : QString())
                      << line.keyUuid;
            }
            break;
        case store::UsageGrouping::Route:
            cells << orNone(line.route);
            break;
        case store::UsageGrouping::Model:
            cells << orNone(line.modelId);
            break;
        case store::UsageGrouping::Day:
        case store::UsageGrouping::Hour:
            cells << dayText(line.bucketStart);
            break;
        }
        table.addRow(cells + figures(line));
    }
    QStringList totalCells{QStringLiteral("Total")};
    while (totalCells.size() < labelColumns)
        totalCells << QString();
    table.addRow(totalCells + figures(totals.value()));
    QString text = table.toString();
    if (selection.limit >= 0 && lines->size() >= selection.limit)
        text +=
            QStringLiteral("(first %1 lines; the total covers all of them)\n").arg(selection.limit);
    CliContext::printOut(text);
    return kExitOk;
}

// --csv without --by: every matching raw row, oldest first, read one at a time.
int exportCsv(CliContext &context, store::Database &db, const Selection &selection) {
    store::UsageStore usage(db);
    // --limit keeps the newest rows, as in the listing: skip the older ones.
    qint64 skip = 0;
    if (selection.limit >= 0) {
        auto count = usage.count(selection.query);
        if (!count.ok())
            return context.fail(count.error());
        skip = std::max<qint64>(0, count.value() - selection.limit);
    }
    CsvWriter csv;
    // The header goes out with the first row, once the query is known to be valid (an unknown
    // group fails before any row is read): a failed export leaves nothing on stdout.
    bool headerWritten = false;
    const auto visitWithHeader = [&](const store::UsageRecord &row) {
        if (!headerWritten) {
            csv.addRecord(rawCsvColumns());
            headerWritten = true;
        }
        if (skip > 0) {
            --skip;
            return true;
        }
        csv.addRecord(rawCsvRecord(row));
        return true;
    };
    const store::Status status = usage.forEach(selection.query, visitWithHeader);
    if (!status.ok())
        return context.fail(status.error());
    if (!headerWritten)
        csv.addRecord(rawCsvColumns());
    if (!csv.flush())
        return context.fail(QStringLiteral("write_failed"),
                            QStringLiteral("Could not write the CSV to standard output."));
    return kExitOk;
}

void printRows(CliContext &context, const QList<store::UsageRecord> &rows,
               const QList<store::UsageTotals> &totals) {
    if (context.json()) {
        QJsonArray rowArray;
        for (const store::UsageRecord &row : rows)
            rowArray.append(format::usageToJson(row));
        QJsonArray totalArray;
        for (const store::UsageTotals &total : totals)
            totalArray.append(format::totalsToJson(total));
        context.printJson(QJsonObject{{QStringLiteral("rows"), rowArray},
                                      {QStringLiteral("totals"), totalArray}});
        return;
    }
    if (rows.isEmpty()) {
        CliContext::printOut(QStringLiteral("No usage rows match.\n"));
        return;
    }
    TextTable table({QStringLiteral("TIME"), QStringLiteral("KEY"), QStringLiteral("ROUTE"),
                     QStringLiteral("MODEL"), QStringLiteral("STATUS"),
                     QStringLiteral("TOKENS IN/OUT"), QStringLiteral("COST"),
                     QStringLiteral("LATENCY")});
    for (const store::UsageRecord &row : rows) {
        QString status = QString::number(row.status);
        if (!row.errorCode.isEmpty())
            status += QLatin1Char(' ') + row.errorCode;
        QString latency = QStringLiteral("%1 ms").arg(row.latencyMs);
        if (row.stream && row.ttftMs >= 0)
            latency += QStringLiteral(" (first token %1 ms)").arg(row.ttftMs);
        table.addRow({format::humanTime(row.time),
                      row.keyName.isEmpty() ? QStringLiteral("-") : oneLine(row.keyName),
                      row.route.isEmpty() ? QStringLiteral("-") : row.route,
                      row.modelId.isEmpty() ? QStringLiteral("-") : row.modelId, status,
                      QStringLiteral("%1/%2").arg(row.promptTokens).arg(row.completionTokens),
                      format::costText(row.costUsd), latency});
    }
    QString text = table.toString();
    text += QStringLiteral("\nTotals per key:\n");
    TextTable totalTable({QStringLiteral("KEY"), QStringLiteral("UUID"), QStringLiteral("REQUESTS"),
                          QStringLiteral("ERRORS"), QStringLiteral("TOKENS IN/OUT"),
                          QStringLiteral("COST")});
    for (const store::UsageTotals &total : totals) {
        totalTable.addRow(
            {total.keyName.isEmpty() ? QStringLiteral("(no key)") : oneLine(total.keyName),
             total.keyUuid.isEmpty() ? QStringLiteral("-") : total.keyUuid,
             QString::number(total.requests), QString::number(total.errors),
             QStringLiteral("%1/%2").arg(total.promptTokens).arg(total.completionTokens),
             format::costText(total.costUsd)});
    }
    text += totalTable.toString(2);
    CliContext::printOut(text);
}

// The listing restricted to a group's current members: the UsageFilter cannot say "these
// keys", so rows come from UsageStore::page and the totals are summed from the same rows.
int showGroupRows(CliContext &context, store::Database &db, const Selection &selection) {
    store::UsageStore usage(db);
    auto page = usage.page(selection.query, 0, selection.limit);
    if (!page.ok())
        return context.fail(page.error());
    QList<store::UsageRecord> rows = std::move(page).value();
    std::reverse(rows.begin(), rows.end()); // page is newest first; the listing oldest first

    QList<store::UsageTotals> totals;
    QHash<QString, qsizetype> totalIndex;
    const store::Status status = usage.forEach(selection.query, [&](const store::UsageRecord &row) {
        auto found = totalIndex.constFind(row.keyUuid);
        if (found == totalIndex.constEnd()) {
            store::UsageTotals total;
            total.keyUuid = row.keyUuid;
            totals.append(total);
            found = totalIndex.insert(row.keyUuid, totals.size() - 1);
        }
        store::UsageTotals &total = totals[*found];
        total.keyName = row.keyName; // oldest first: ends with the latest name
        ++total.requests;
        if (row.status >= 400)
            ++total.errors;
        total.promptTokens += row.promptTokens;
        total.completionTokens += row.completionTokens;
        total.costUsd += row.costUsd;
        return true;
    });
    if (!status.ok())
        return context.fail(status.error());
    std::sort(totals.begin(), totals.end(), [](const auto &a, const auto &b) {
        if (a.requests != b.requests)
            return a.requests > b.requests;
        return a.keyName != b.keyName ? a.keyName < b.keyName : a.keyUuid < b.keyUuid;
    });
    printRows(context, rows, totals);
    return kExitOk;
}

int showUsage(CliContext &context) {
    Selection selection;
    if (const auto exit = readOptions(context, selection))
        return *exit;
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    if (const auto exit = resolveKey(context, *db, selection))
        return *exit;

    if (selection.grouping)
        return showAggregates(context, *db, selection);
    if (selection.csv)
        return exportCsv(context, *db, selection);
    if (selection.byGroup)
        return showGroupRows(context, *db, selection);

    store::UsageStore usage(*db);
    auto rows = usage.rows(selection.filter);
    if (!rows.ok())
        return context.fail(rows.error());
    store::UsageFilter totalsFilter = selection.filter;
    totalsFilter.limit = -1;
    auto totals = usage.totalsByKey(totalsFilter);
    if (!totals.ok())
        return context.fail(totals.error());
    printRows(context, rows.value(), totals.value());
    return kExitOk;
}

// Deletes raw rows as the gateway's retention does, for a store no gateway serves or to catch up
// at once; the roll-ups stay, so `usage --by` and the dashboard still count the pruned rows.
int pruneUsage(CliContext &context) {
    const CommandLine &line = context.commandLine();
    int days = 0;
    QString source;
    if (line.isSet(QStringLiteral("days"))) {
        bool ok = false;
        days = line.value(QStringLiteral("days")).toInt(&ok);
        if (!ok || days < 1) {
            return context.usageError(QStringLiteral("--days '%1' is not a positive number of "
                                                     "days.")
                                          .arg(line.value(QStringLiteral("days"))));
        }
        source = QStringLiteral("--days");
    } else {
        const config::GatewayConfig *config = context.config();
        if (!config) {
            return context.fail(QStringLiteral("config_invalid"),
                                QStringLiteral("%1 does not load (see `portico-gateway config "
                                               "check`); give the age with --days N.")
                                    .arg(context.configLabel()));
        }
        days = config->usage.rawRetentionDays;
        if (days < 1) {
            return context.usageError(
                QStringLiteral("no retention is set in %1: give the age with --days N, or set "
                               "usage: { raw_retention_days: N } there.")
                    .arg(context.configLabel()));
        }
        source = QStringLiteral("usage.raw_retention_days");
    }
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;

    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addDays(-days);
    store::UsageStore usage(*db);
    store::UsageQuery older;
    older.until = cutoff;
    const bool dryRun = line.isSet(QStringLiteral("dry-run"));
    // Millions of rows take a while: on a terminal, show how far it got. The count is a scan of
    // its own, so it is made only for that and for --dry-run.
    const bool showProgress = !dryRun && !context.json() && ::isatty(STDERR_FILENO) == 1;
    qint64 total = 0;
    if (dryRun || showProgress) {
        const auto counted = usage.count(older);
        if (!counted.ok())
            return context.fail(counted.error());
        total = *counted;
    }
    qint64 deleted = 0;
    if (!dryRun) {
        const auto progress = [&](qint64 soFar) {
            if (showProgress && soFar > 0) {
                CliContext::printErr(
                    QStringLiteral("\rDeleting usage rows: %1 of %2").arg(soFar).arg(total));
            }
            return true;
        };
        const auto result = usage.pruneRawUsage(cutoff, progress);
        if (showProgress)
            CliContext::printErr(QStringLiteral("\r\033[K"));
        if (!result.ok())
            return context.fail(result.error());
        deleted = *result;
    }
    if (context.json()) {
        QJsonObject out;
        out.insert(QStringLiteral("days"), days);
        out.insert(QStringLiteral("cutoff"), format::isoTime(cutoff));
        out.insert(QStringLiteral("dry_run"), dryRun);
        out.insert(dryRun ? QStringLiteral("would_delete") : QStringLiteral("deleted"),
                   dryRun ? total : deleted);
        context.printJson(out);
        return kExitOk;
    }
    const QString before = format::humanTime(cutoff);
    const QString age = days == 1 ? QStringLiteral("1 day") : QStringLiteral("%1 days").arg(days);
    if (dryRun) {
        CliContext::printOut(QStringLiteral("%1 usage rows are older than %2 (before %3, %4); "
                                            "nothing was deleted (--dry-run).\n")
                                 .arg(total)
                                 .arg(age, before, source));
    } else {
        CliContext::printOut(QStringLiteral("Deleted %1 usage rows older than %2 (before %3, "
                                            "%4). The hourly and daily totals are kept: `usage "
                                            "--by` and the dashboard still count them.\n")
                                 .arg(deleted)
                                 .arg(age, before, source));
    }
    return kExitOk;
}

} // namespace

QList<CommandSpec> usageCommands() {
    return {
        // Before plain `usage`: the first command whose words match is the one that runs.
        {{QStringLiteral("usage"), QStringLiteral("prune")},
         {},
         {{QStringLiteral("days"), QStringLiteral("N"),
           QStringLiteral("delete rows older than N days (default: usage.raw_retention_days "
                          "of config.yaml)")},
          {QStringLiteral("dry-run"), {}, QStringLiteral("only count the rows that would go")}},
         QStringLiteral("Delete raw usage rows older than the retention; totals are kept."),
         QStringLiteral(
             "Deletes the per-request usage rows older than N days, in small transactions, so a "
             "running\ngateway keeps serving. The hourly and daily roll-ups are kept: `usage "
             "--by`, the dashboard\nand the usage page still count the deleted rows; `usage` "
             "(the rows) and `usage --csv` no\nlonger list them. A gateway with "
             "usage.raw_retention_days set does this by itself every hour.\nWith --json: "
             "{\"days\", \"cutoff\", \"dry_run\", \"deleted\" or \"would_delete\"}."),
         pruneUsage},
        {{QStringLiteral("usage")},
         {},
         {{QStringLiteral("key"), QStringLiteral("KEY"),
           QStringLiteral("only this key (uuid or name; a deleted key by its uuid)")},
          {QStringLiteral("group"), QStringLiteral("GROUP"),
           QStringLiteral("only the keys now in this group (uuid or name)")},
          {QStringLiteral("route"), QStringLiteral("ROUTE"), QStringLiteral("only this route")},
          {QStringLiteral("since"), QStringLiteral("ISO_TIME"),
           QStringLiteral("only requests at or after this time")},
          {QStringLiteral("until"), QStringLiteral("ISO_TIME"),
           QStringLiteral("only requests before this time")},
          {QStringLiteral("limit"), QStringLiteral("N"),
           QStringLiteral("at most N rows (the newest), or N lines with --by")},
          {QStringLiteral("by"), QStringLiteral("key|route|model|day"),
           QStringLiteral("one line per key, route, model or UTC day instead of the rows")},
          {QStringLiteral("csv"),
           {},
           QStringLiteral("print CSV (RFC 4180, header line): every matching row, or the "
                          "--by lines")}},
         QStringLiteral("List gateway requests (usage rows) and totals per key."),
         QStringLiteral(
             "Each row: time, key, route, model, status, tokens, cost (USD) and latency. Totals "
             "cover every\nmatching row, even beyond --limit. With --json: {\"rows\": [...], "
             "\"totals\": [...]}.\n\n"
             "--by key|route|model|day prints one line per key (deleted keys included, marked), "
             "route, model\nor UTC day with requests, errors, tokens, cost, average and p95 "
             "latency, and a total. It reads\nthe hourly roll-up, which outlives pruned rows: "
             "--since and --until count whole UTC hours there.\nWith --json: {\"rows\": [...], "
             "\"totals\": {...}}.\n\n"
             "--csv prints every matching row with all the columns of the JSON row (or the "
             "--by lines),\nstreamed, for a spreadsheet. It cannot be combined with --json."),
         showUsage},
    };
}

} // namespace portico::cli
