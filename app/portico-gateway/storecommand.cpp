// store copy: moves a whole store between SQLite and PostgreSQL.
#include "clicontext.h"
#include "commandline.h"
#include "commands.h"
#include "texttable.h"

#include "store/database.h"
#include "store/storecopy.h"

#include <QJsonArray>
#include <QJsonObject>

namespace portico::cli {

namespace {

int copyStore(CliContext &context) {
    const CommandLine &line = context.commandLine();
    const QString from = line.value(QStringLiteral("from")).trimmed();
    const QString to = line.value(QStringLiteral("to")).trimmed();
    if (from.isEmpty() || to.isEmpty())
        return context.usageError(
            QStringLiteral("give both stores: --from SOURCE --to TARGET (a file, or "
                           "postgresql://USER@HOST:PORT/DBNAME)."));
    if (from == to)
        return context.fail(QStringLiteral("invalid_input"),
                            QStringLiteral("--from and --to name the same store."));
    auto source = store::Database::open(from);
    if (!source)
        return context.fail(source.error(), QStringLiteral("Check --from."));
    auto target = store::Database::open(to);
    if (!target)
        return context.fail(target.error(), QStringLiteral("Check --to."));
    context.note(QStringLiteral("Copying %1 to %2 ...").arg((*source)->path(), (*target)->path()));
    const auto report =
        store::copyStore(**source, **target, [&context](const QString &table, qint64 rows) {
            context.note(QStringLiteral("  %1: %2 rows").arg(table).arg(rows));
        });
    if (!report)
        return context.fail(report.error());
    if (context.json()) {
        QJsonObject tables;
        for (const auto &table : report->tables)
            tables.insert(table.name, table.rows);
        context.printJson(QJsonObject{
            {QStringLiteral("from"), (*source)->path()},
            {QStringLiteral("to"), (*target)->path()},
            {QStringLiteral("tables"), tables},
            {QStringLiteral("usage"),
             QJsonObject{{QStringLiteral("prompt_tokens"), report->usagePromptTokens},
                         {QStringLiteral("completion_tokens"), report->usageCompletionTokens},
                         {QStringLiteral("cost_usd"), report->usageCostUsd}}}});
        return kExitOk;
    }
    TextTable table({QStringLiteral("TABLE"), QStringLiteral("ROWS")});
    for (const auto &copied : report->tables)
        table.addRow({copied.name, QString::number(copied.rows)});
    CliContext::printOut(table.toString() +
                         QStringLiteral("Copied and checked: the row counts and the usage totals "
                                        "(%1 prompt and %2 completion tokens, %3 USD) match.\n")
                             .arg(report->usagePromptTokens)
                             .arg(report->usageCompletionTokens)
                             .arg(report->usageCostUsd, 0, 'f', 6));
    return kExitOk;
}

} // namespace

QList<CommandSpec> storeCommands() {
    return {
        {{QStringLiteral("store"), QStringLiteral("copy")},
         {},
         {{QStringLiteral("from"), QStringLiteral("SOURCE"),
           QStringLiteral("the store to copy: a file or postgresql://USER@HOST:PORT/DBNAME")},
          {QStringLiteral("to"), QStringLiteral("TARGET"),
           QStringLiteral("an empty store to copy into (created when it is a new file)")}},
         QStringLiteral("Copy a whole store, for example from SQLite to PostgreSQL."),
         QStringLiteral("Keys with their secrets, groups, grants, limits, usage with its roll-ups, "
                        "the audit trail and the\nlimits' counters. The target must be empty; it "
                        "is written in one transaction and checked\n(row counts and usage totals) "
                        "before it is committed, so a failed copy leaves it empty."),
         copyStore},
    };
}

} // namespace portico::cli
