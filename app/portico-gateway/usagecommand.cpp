// usage [--key KEY] [--route ROUTE] [--since ISO_TIME] [--until ISO_TIME] [--limit N]
#include "clicontext.h"
#include "commands.h"
#include "recordformat.h"
#include "texttable.h"

#include "store/database.h"
#include "store/keystore.h"
#include "store/usagestore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QUuid>

namespace portico::cli {

namespace {

int showUsage(CliContext &context) {
    const CommandLine &line = context.commandLine();
    store::UsageFilter filter;
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
        (option == QLatin1String("since") ? filter.since : filter.until) = *time;
    }
    if (line.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        const int limit = line.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1) {
            return context.usageError(QStringLiteral("--limit '%1' is not a positive number.")
                                          .arg(line.value(QStringLiteral("limit"))));
        }
        filter.limit = limit;
    }
    filter.route = line.value(QStringLiteral("route")).trimmed();

    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    if (line.isSet(QStringLiteral("key"))) {
        const QString keyRef = line.value(QStringLiteral("key"));
        store::KeyStore keys(*db, CliContext::actor());
        auto key = keys.key(keyRef);
        if (key.ok()) {
            filter.keyUuid = key->uuid;
        } else if (key.error().code == store::Error::Code::NotFound &&
                   !QUuid::fromString(keyRef).isNull()) {
            // A deleted key: its rows stay, under its uuid.
            filter.keyUuid = QUuid::fromString(keyRef).toString(QUuid::WithoutBraces);
        } else {
            QString hint = QStringLiteral("Run 'portico-gateway keys list' to see the keys; for "
                                          "a deleted key, give its uuid.");
            if (key.error().code == store::Error::Code::Ambiguous)
                hint = QStringLiteral("Use the uuid instead.");
            return context.fail(key.error(), hint);
        }
    }

    store::UsageStore usage(*db);
    auto rows = usage.rows(filter);
    if (!rows.ok())
        return context.fail(rows.error());
    store::UsageFilter totalsFilter = filter;
    totalsFilter.limit = -1;
    auto totals = usage.totalsByKey(totalsFilter);
    if (!totals.ok())
        return context.fail(totals.error());

    if (context.json()) {
        QJsonArray rowArray;
        for (const store::UsageRecord &row : rows.value())
            rowArray.append(format::usageToJson(row));
        QJsonArray totalArray;
        for (const store::UsageTotals &total : totals.value())
            totalArray.append(format::totalsToJson(total));
        context.printJson(QJsonObject{{QStringLiteral("rows"), rowArray},
                                      {QStringLiteral("totals"), totalArray}});
        return kExitOk;
    }
    if (rows->isEmpty()) {
        CliContext::printOut(QStringLiteral("No usage rows match.\n"));
        return kExitOk;
    }
    TextTable table({QStringLiteral("TIME"), QStringLiteral("KEY"), QStringLiteral("ROUTE"),
                     QStringLiteral("MODEL"), QStringLiteral("STATUS"),
                     QStringLiteral("TOKENS IN/OUT"), QStringLiteral("COST"),
                     QStringLiteral("LATENCY")});
    for (const store::UsageRecord &row : rows.value()) {
        QString status = QString::number(row.status);
        if (!row.errorCode.isEmpty())
            status += QLatin1Char(' ') + row.errorCode;
        QString latency = QStringLiteral("%1 ms").arg(row.latencyMs);
        if (row.stream && row.ttftMs >= 0)
            latency += QStringLiteral(" (first token %1 ms)").arg(row.ttftMs);
        table.addRow({format::humanTime(row.time),
                      row.keyName.isEmpty() ? QStringLiteral("-") : row.keyName,
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
    for (const store::UsageTotals &total : totals.value()) {
        totalTable.addRow(
            {total.keyName.isEmpty() ? QStringLiteral("(no key)") : total.keyName,
             total.keyUuid.isEmpty() ? QStringLiteral("-") : total.keyUuid,
             QString::number(total.requests), QString::number(total.errors),
             QStringLiteral("%1/%2").arg(total.promptTokens).arg(total.completionTokens),
             format::costText(total.costUsd)});
    }
    text += totalTable.toString(2);
    CliContext::printOut(text);
    return kExitOk;
}

} // namespace

QList<CommandSpec> usageCommands() {
    return {
        {{QStringLiteral("usage")},
         {},
         {{QStringLiteral("key"), QStringLiteral("KEY"),
           QStringLiteral("only this key (uuid or name; a deleted key by its uuid)")},
          {QStringLiteral("route"), QStringLiteral("ROUTE"), QStringLiteral("only this route")},
          {QStringLiteral("since"), QStringLiteral("ISO_TIME"),
           QStringLiteral("only requests at or after this time")},
          {QStringLiteral("until"), QStringLiteral("ISO_TIME"),
           QStringLiteral("only requests before this time")},
          {QStringLiteral("limit"), QStringLiteral("N"), QStringLiteral("at most N rows")}},
         QStringLiteral("List gateway requests (usage rows) and totals per key."),
         QStringLiteral("Each row: time, key, route, model, status, tokens, cost (USD) and "
                        "latency. Totals cover every\nmatching row, even beyond --limit. With "
                        "--json: {\"rows\": [...], \"totals\": [...]}."),
         showUsage},
    };
}

} // namespace portico::cli
