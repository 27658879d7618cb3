// audit [--key KEY] [--group GROUP] [--action ACTION] [--since ISO_TIME] [--until ISO_TIME]
//       [--limit N]
#include "clicontext.h"
#include "commands.h"
#include "recordformat.h"
#include "texttable.h"

#include "store/auditlog.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace portico::cli {

namespace {

// Without --limit a terminal gets the newest rows only; JSON gets all, as a script asks.
constexpr int kDefaultTextLimit = 100;

QJsonObject detailsOf(const store::AuditEntry &entry) {
    return QJsonDocument::fromJson(entry.details.toUtf8()).object();
}

QJsonObject entryToJson(const store::AuditEntry &entry) {
    return {
        {QStringLiteral("time"), format::isoTime(entry.time, true)},
        {QStringLiteral("actor"), entry.actor},
        {QStringLiteral("source"), entry.source},
        {QStringLiteral("action"), entry.action},
        {QStringLiteral("object_type"), entry.objectType},
        {QStringLiteral("object_uuid"), entry.objectUuid},
        {QStringLiteral("details"), detailsOf(entry)},
    };
}

// A value of the details on one line: names are history, not validated, and may hold anything.
QString oneLine(const QString &text) {
    QString result = text;
    for (QChar &c : result) {
        if (c.category() == QChar::Other_Control || c == QChar::LineSeparator ||
            c == QChar::ParagraphSeparator)
            c = QLatin1Char(' ');
    }
    return result;
}

// The object as people know it: its name at the time, else its uuid.
QString objectText(const store::AuditEntry &entry, const QJsonObject &details) {
    QString name = details.value(QStringLiteral("name")).toString();
    if (name.isEmpty())
        name = details.value(QStringLiteral("new_name")).toString();
    return entry.objectType + QLatin1Char(' ') +
           (name.isEmpty() ? entry.objectUuid : oneLine(name));
}

// The details but the name (shown as the object), as compact JSON.
QString changesText(QJsonObject details) {
    details.remove(QStringLiteral("name"));
    if (details.isEmpty())
        return QStringLiteral("-");
    return oneLine(QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact)));
}

int showAudit(CliContext &context) {
    const CommandLine &line = context.commandLine();
    store::AuditQuery query;
    for (const char *name : {"since", "until"}) {
        const QString option = QString::fromLatin1(name);
        if (!line.isSet(option))
            continue;
        const auto time = format::parseTime(line.value(option));
        if (!time) {
            return context.fail(QStringLiteral("invalid_input"),
                                QStringLiteral("--%1 '%2' is not an ISO 8601 time (for example "
                                               "2026-01-31T00:00:00Z or 2026-01-31).")
                                    .arg(option, line.value(option)));
        }
        (option == QLatin1String("since") ? query.since : query.until) = *time;
    }
    if (query.since.isValid() && query.until.isValid() && query.since >= query.until) {
        return context.fail(QStringLiteral("invalid_input"),
                            QStringLiteral("--since %1 is not before --until %2: no change can "
                                           "be in that period.")
                                .arg(format::isoTime(query.since).toString(),
                                     format::isoTime(query.until).toString()));
    }
    bool limitGiven = false;
    if (line.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        const int limit = line.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1) {
            return context.fail(QStringLiteral("invalid_input"),
                                QStringLiteral("--limit '%1' is not a positive number.")
                                    .arg(line.value(QStringLiteral("limit"))));
        }
        query.limit = limit;
        limitGiven = true;
    } else if (!context.json()) {
        // One more than shown, to know whether the list was cut.
        query.limit = kDefaultTextLimit + 1;
    }
    for (const char *name : {"key", "group", "action"}) {
        const QString option = QString::fromLatin1(name);
        if (line.isSet(option) && line.value(option).trimmed().isEmpty())
            return context.fail(QStringLiteral("invalid_input"),
                                QStringLiteral("--%1 needs a value.").arg(option));
    }
    query.keyRef = line.value(QStringLiteral("key"));
    query.groupRef = line.value(QStringLiteral("group"));
    query.action = line.value(QStringLiteral("action")).trimmed();

    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    auto rows = store::AuditLog(*db).query(query);
    if (!rows) {
        // The store's message already says where to look up the names.
        QString hint;
        if (rows.error().reason == store::Error::Reason::NotFound)
            hint = rows.error().subject == store::Error::Subject::Group
                       ? QStringLiteral("For a deleted group, give its uuid.")
                       : QStringLiteral("For a deleted key, give its uuid.");
        return context.fail(rows.error(), hint);
    }
    QList<store::AuditEntry> entries = rows.value();

    if (context.json()) {
        QJsonArray array;
        for (const store::AuditEntry &entry : std::as_const(entries))
            array.append(entryToJson(entry));
        context.printJson(QJsonObject{{QStringLiteral("rows"), array}});
        return kExitOk;
    }
    const bool cut = !limitGiven && entries.size() > kDefaultTextLimit;
    if (cut)
        entries.resize(kDefaultTextLimit);
    if (entries.isEmpty()) {
        CliContext::printOut(QStringLiteral("No audit rows match.\n"));
        return kExitOk;
    }
    TextTable table({QStringLiteral("TIME"), QStringLiteral("USER"), QStringLiteral("SOURCE"),
                     QStringLiteral("ACTION"), QStringLiteral("OBJECT"),
                     QStringLiteral("CHANGES")});
    for (const store::AuditEntry &entry : std::as_const(entries)) {
        const QJsonObject details = detailsOf(entry);
        table.addRow({format::humanTime(entry.time), oneLine(entry.actor),
                      entry.source.isEmpty() ? QStringLiteral("-") : entry.source, entry.action,
                      objectText(entry, details), changesText(details)});
    }
    QString text = table.toString();
    if (cut)
        text += QStringLiteral("(showing the newest %1; use --limit N to see more)\n")
                    .arg(kDefaultTextLimit);
    CliContext::printOut(text);
    return kExitOk;
}

} // namespace

QList<CommandSpec> auditCommands() {
    return {
        {{QStringLiteral("audit")},
         {},
         {{QStringLiteral("key"), QStringLiteral("KEY"),
           QStringLiteral("only this key's changes (uuid or name; a deleted key by its uuid)")},
          {QStringLiteral("group"), QStringLiteral("GROUP"),
           QStringLiteral("only this group's changes and its keys joining or leaving it (uuid or "
                          "name; a deleted group by its uuid)")},
          {QStringLiteral("action"), QStringLiteral("ACTION"),
           QStringLiteral("only this action (key.rename) or those starting so (key.)")},
          {QStringLiteral("since"), QStringLiteral("ISO_TIME"),
           QStringLiteral("only changes at or after this time")},
          {QStringLiteral("until"), QStringLiteral("ISO_TIME"),
           QStringLiteral("only changes before this time")},
          {QStringLiteral("limit"), QStringLiteral("N"),
           QStringLiteral("at most N rows, the newest (default: 100, or all with --json)")}},
         QStringLiteral("List the audit trail: who changed which key or group, and how."),
         QStringLiteral(
             "Every change to keys, their secrets, groups, granted routes, limits, expiry and "
             "allowed\naddresses, made from the window or the command line, newest first: the "
             "time, the OS user,\nwhere it came from (cli, desktop), the action, the object and "
             "the old and new values.\nNever a secret. With --json: {\"rows\": [{\"time\", "
             "\"actor\", \"source\", \"action\",\n\"object_type\", \"object_uuid\", \"details\"}, "
             "...]}, every matching row unless --limit is given."),
         showAudit},
    };
}

} // namespace portico::cli
