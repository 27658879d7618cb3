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
#include "store/usagecsv.h"
#include "store/usagestore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QUuid>

#include <algorithm>
#include <cstdio>
#include <optional>

#include <unistd.h>

namespace portico::cli {

namespace {

// What the options select: every reading, listing, totals, --by and --csv, takes the query.
struct Selection {
    store::UsageQuery query;
    std::optional<store::UsageGrouping> grouping;
    bool csv = false;
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

// A column value as JSON: missing is null.
QJsonValue jsonOf(const QVariant &value) {
    return value.isValid() ? QJsonValue::fromVariant(value) : QJsonValue(QJsonValue::Null);
}

// The CSV goes to stdout through stdio, as all the command's other output.
class StdoutCsv {
public:
    StdoutCsv()
        : m_writer(m_out) {
        m_out.open(stdout, QIODevice::WriteOnly | QIODevice::Unbuffered,
                   QFileDevice::DontCloseHandle);
    }
    bool add(const QStringList &fields) { return m_writer.add(fields); }
    // False when stdout could not take the text (disk full, closed pipe).
    bool flush() { return m_writer.flush() && m_out.flush(); }

private:
    QFile m_out;
    store::UsageCsvWriter m_writer;
};

QJsonObject aggregateToJson(const QList<store::usagecsv::AggregateColumn> &columns,
                            const store::UsageAggregate &line) {
    QJsonObject object;
    for (const store::usagecsv::AggregateColumn &column : columns)
        object.insert(column.name, jsonOf(column.value(line)));
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
        (option == QLatin1String("since") ? selection.query.since : selection.query.until) = *time;
    }
    if (line.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        const int limit = line.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1) {
            return context.usageError(QStringLiteral("--limit '%1' is not a positive number.")
                                          .arg(line.value(QStringLiteral("limit"))));
        }
        selection.limit = limit;
        selection.query.limit = limit;
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
    selection.query.route = line.value(QStringLiteral("route")).trimmed();
    if (line.values(QStringLiteral("group")).size() > 1)
        return context.usageError(QStringLiteral("--group is given once for usage."));
    if (line.isSet(QStringLiteral("group"))) {
        selection.query.group = line.value(QStringLiteral("group")).trimmed();
        if (selection.query.group.isEmpty())
            return context.usageError(QStringLiteral("--group needs a group uuid or name."));
    }
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
        selection.query.keyUuids = {key->uuid};
    } else if (key.error().code == store::Error::Code::NotFound &&
               !QUuid::fromString(keyRef).isNull()) {
        selection.query.keyUuids = {QUuid::fromString(keyRef).toString(QUuid::WithoutBraces)};
    } else {
        QString hint = QStringLiteral("Run 'portico-gateway keys list' to see the keys; for "
                                      "a deleted key, give its uuid.");
        if (key.error().code == store::Error::Code::Ambiguous)
            hint = QStringLiteral("Use the uuid instead.");
        return context.fail(key.error(), hint);
    }
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

    const QList<store::usagecsv::AggregateColumn> columns =
        store::usagecsv::aggregateColumns(grouping);
    if (selection.csv) {
        StdoutCsv csv;
        csv.add(store::usagecsv::aggregateHeader(grouping));
        for (const store::UsageAggregate &line : lines.value())
            csv.add(store::usagecsv::aggregateFields(columns, line));
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
        for (const store::usagecsv::AggregateColumn &column :
             columns.mid(store::usagecsv::labelColumnCount(grouping)))
            total.insert(column.name, jsonOf(column.value(totals.value())));
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
            cells << line.bucketStart.toUTC().date().toString(Qt::ISODate);
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
    StdoutCsv csv;
    // The header goes out with the first row, once the query is known to be valid (an unknown
    // group fails before any row is read): a failed export leaves nothing on stdout.
    bool headerWritten = false;
    const auto visitWithHeader = [&](const store::UsageRecord &row) {
        if (!headerWritten) {
            csv.add(store::usagecsv::rowHeader());
            headerWritten = true;
        }
        if (skip > 0) {
            --skip;
            return true;
        }
        csv.add(store::usagecsv::rowFields(row));
        return true;
    };
    const store::Status status = usage.forEach(selection.query, visitWithHeader);
    if (!status.ok())
        return context.fail(status.error());
    if (!headerWritten)
        csv.add(store::usagecsv::rowHeader());
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

    store::UsageStore usage(*db);
    auto rows = usage.rows(selection.query);
    if (!rows.ok())
        return context.fail(rows.error());
    // The totals cover every matching row, not only the listed ones.
    store::UsageQuery all = selection.query;
    all.limit = -1;
    auto totals = usage.totalsByKey(all);
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
