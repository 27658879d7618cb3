#pragma once

// The key and the group commands are described in one table (objectcommands.cpp): per family
// (the first word, how its objects are found and printed as JSON, what to hint when one is not
// found) its commands with their help and what each runs. The steps they share (open the store,
// find the object the first argument names, change or show it, report it as a line or as JSON)
// are written here once, so a command that applies to keys and groups alike is written once
// too; keycommands.cpp and groupcommands.cpp hold only what one family does differently.

#include "clicontext.h"
#include "commandline.h"
#include "recordformat.h"
#include "texttable.h"

#include "store/records.h"
#include "store/result.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QPair>

#include <functional>
#include <optional>

namespace portico::store {
class Database;
}

namespace portico::cli {

template <typename Record> struct ObjectFamily {
    QString word;          // "keys": the first word of its commands
    QString listHint;      // added to a "not found" the store's message does not explain
    QString ambiguousHint; // added to an "ambiguous name"
    store::Result<Record> (*find)(store::Database &db, const QString &ref);
    QJsonObject (*toJson)(const Record &record, const config::GatewayConfig *config);

    // Prints the error with the hint it lacks and returns kExitFailed.
    int fail(CliContext &context, const store::Error &error, const QString &notFoundHint) const {
        // The store's messages that name a command already say what to check: no hint then.
        QString hint;
        if (!error.message.contains(QLatin1String("portico-gateway"))) {
            if (error.code == store::Error::Code::NotFound)
                hint = notFoundHint;
            else if (error.code == store::Error::Code::Ambiguous)
                hint = ambiguousHint;
        }
        return context.fail(error, hint);
    }

    // Shows a record: its JSON object, or a line for people.
    int report(CliContext &context, const Record &record, const QString &humanLine) const {
        if (context.json())
            context.printJson(toJson(record, context.config()));
        else
            CliContext::printOut(humanLine + QLatin1Char('\n'));
        return kExitOk;
    }
};

// What one command of a family runs.
template <typename Record>
using ObjectRun = std::function<int(CliContext &context, const ObjectFamily<Record> &family)>;

template <typename Record> struct ObjectCommand {
    QString verb;              // "rename"
    QStringList arguments;     // {"KEY", "NEW_NAME"}
    QList<OptionSpec> options; // this command's own
    QString summary;
    QString details;
    ObjectRun<Record> run;
};

template <typename Record>
QList<CommandSpec> commandsOf(const ObjectFamily<Record> &family,
                              const QList<ObjectCommand<Record>> &commands) {
    QList<CommandSpec> specs;
    for (const ObjectCommand<Record> &command : commands) {
        const ObjectRun<Record> run = command.run;
        specs.append({{family.word, command.verb},
                      command.arguments,
                      command.options,
                      command.summary,
                      command.details,
                      [family, run](CliContext &context) { return run(context, family); }});
    }
    return specs;
}

// Opens the store, finds the object the first argument names and returns `use(db, found)`; on
// failure prints why and returns kExitFailed.
template <typename Record, typename Use>
int withFound(CliContext &context, const ObjectFamily<Record> &family, Use &&use) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    const store::Result<Record> found = family.find(*db, context.commandLine().argument(0));
    if (!found)
        return family.fail(context, found.error(), family.listHint);
    return use(*db, *found);
}

// The fields `show` starts with, one "Label:   value" a line, values aligned at `width`.
inline QString fieldLines(int width, const QList<QPair<QString, QString>> &fields) {
    QString text;
    for (const auto &[label, value] : fields)
        text += QString(label + QLatin1Char(':')).leftJustified(width) + value + QLatin1Char('\n');
    return text;
}

// The rows of a NAME / UUID table (a key's groups, a group's keys), indented for `show`.
template <typename Ref> QString nameAndUuidRows(const QList<Ref> &refs) {
    TextTable table({QStringLiteral("NAME"), QStringLiteral("UUID")});
    for (const Ref &ref : refs)
        table.addRow({ref.name, ref.uuid});
    return table.toString(2);
}

// A section of `show`: "Title (count):" then `rows`, or `none` when there are none.
inline QString section(const QString &title, qsizetype count, const QString &none,
                       const QString &rows) {
    return QStringLiteral("\n%1 (%2):\n").arg(title).arg(count) +
           (count == 0 ? QStringLiteral("  ") + none + QLatin1Char('\n') : rows);
}

// The config to check routes against; null, with a warning, when it does not load.
inline const config::GatewayConfig *routeCheckingConfig(CliContext &context) {
    const config::GatewayConfig *config = context.config();
    if (!config) {
        context.warn(QStringLiteral("%1 does not load, so routes cannot be checked against it "
                                    "(run 'portico-gateway config check').")
                         .arg(context.configLabel()));
    }
    return config;
}

// A change to the found object: returns the changed record and sets `said`, the line for people.
template <typename Record>
using Change = std::function<store::Result<Record>(CliContext &context, store::Database &db,
                                                   const Record &found, QString &said)>;

// Finds the object the first argument names, changes it, reports it. A failed change is hinted
// with `failureHint` (the family's list when null).
template <typename Record>
ObjectRun<Record> changeFound(Change<Record> change, const QString &failureHint = {}) {
    return [change, failureHint](CliContext &context, const ObjectFamily<Record> &family) {
        return withFound(context, family, [&](store::Database &db, const Record &found) {
            QString said;
            const store::Result<Record> changed = change(context, db, found, said);
            if (!changed)
                return family.fail(context, changed.error(),
                                   failureHint.isNull() ? family.listHint : failureHint);
            return family.report(context, *changed, said);
        });
    };
}

// Finds the object the first argument names and prints it: JSON, or `describe` for people.
template <typename Record>
ObjectRun<Record> showFound(QString (*describe)(const Record &record,
                                                const config::GatewayConfig *config)) {
    return [describe](CliContext &context, const ObjectFamily<Record> &family) {
        return withFound(context, family, [&](store::Database &, const Record &found) {
            const config::GatewayConfig *config = routeCheckingConfig(context);
            if (context.json())
                context.printJson(family.toJson(found, config));
            else
                CliContext::printOut(describe(found, config));
            return kExitOk;
        });
    };
}

// `rename REF NEW_NAME`, the same command for every family: says "Renamed <noun> 'old' to 'new'
// (uuid)." and `afterword`.
template <typename Record>
ObjectCommand<Record>
renameCommand(const QString &refName, const QString &noun, const QString &summary,
              store::Result<Record> (*rename)(store::Database &db, const QString &uuid,
                                              const QString &newName),
              const QString &afterword = {}) {
    return {QStringLiteral("rename"),
            {refName, QStringLiteral("NEW_NAME")},
            {},
            summary,
            {},
            [=](CliContext &context, const ObjectFamily<Record> &family) {
                return withFound(context, family, [&](store::Database &db, const Record &found) {
                    const store::Result<Record> renamed =
                        rename(db, found.uuid, context.commandLine().argument(1));
                    if (!renamed)
                        return family.fail(context, renamed.error(), family.listHint);
                    return family.report(
                        context, *renamed,
                        QStringLiteral("Renamed %1 '%2' to '%3' (%4).")
                                .arg(noun, found.name, renamed->name, renamed->uuid) +
                            afterword);
                });
            }};
}

// Lists every object: a JSON array, `emptyText` when there is none, or `table` for people.
template <typename Record>
ObjectRun<Record>
listAll(store::Result<QList<Record>> (*list)(store::Database &db), const QString &emptyText,
        QString (*table)(const QList<Record> &records, const config::GatewayConfig *config)) {
    return [list, emptyText, table](CliContext &context, const ObjectFamily<Record> &family) {
        store::Database *db = context.database();
        if (!db)
            return kExitFailed;
        const store::Result<QList<Record>> listed = list(*db);
        if (!listed)
            return family.fail(context, listed.error(), family.listHint);
        const config::GatewayConfig *config = context.config();
        if (context.json()) {
            QJsonArray array;
            for (const Record &record : *listed)
                array.append(family.toJson(record, config));
            context.printJson(array);
        } else {
            CliContext::printOut(listed->isEmpty() ? emptyText : table(*listed, config));
        }
        return kExitOk;
    };
}

// `set-limits REF [--rpm N] [--tpm N] [--max-parallel N] [--budget USD] [--budget-period P]`,
// the same for keys and groups: each value may be "none" to clear it. The options it takes.
QList<OptionSpec> limitOptions();
// Reads the options into a change; prints why and returns nothing when a value is wrong.
std::optional<store::LimitsChange> limitsChangeFrom(CliContext &context);

template <typename Record>
ObjectCommand<Record>
limitsCommand(const QString &refName, const QString &noun, const QString &summary,
              const QString &details,
              store::Result<Record> (*setLimits)(store::Database &db, const QString &uuid,
                                                 const store::LimitsChange &change)) {
    return {QStringLiteral("set-limits"),
            {refName},
            limitOptions(),
            summary,
            details,
            [=](CliContext &context, const ObjectFamily<Record> &family) {
                const std::optional<store::LimitsChange> change = limitsChangeFrom(context);
                if (!change)
                    return kExitFailed;
                return withFound(context, family, [&](store::Database &db, const Record &found) {
                    const store::Result<Record> changed = setLimits(db, found.uuid, *change);
                    if (!changed)
                        return family.fail(context, changed.error(), family.listHint);
                    return family.report(
                        context, *changed,
                        QStringLiteral("Limits of %1 '%2': %3.")
                            .arg(noun, changed->name, format::limitsText(changed->limits)));
                });
            }};
}

// What only keys do (keycommands.cpp).
namespace keycommands {
using store::ApiKeyRecord;
// Added to a "group not found" met by a key command.
QString listGroupsHint();
int create(CliContext &context, const ObjectFamily<ApiKeyRecord> &family);
QString table(const QList<ApiKeyRecord> &keys, const config::GatewayConfig *config);
QString describe(const ApiKeyRecord &key, const config::GatewayConfig *config);
store::Result<ApiKeyRecord> setState(store::Database &db, const ApiKeyRecord &key,
                                     store::KeyState state, QString &said);
store::Result<ApiKeyRecord> remove(store::Database &db, const ApiKeyRecord &key, QString &said);
int rotate(CliContext &context, const ObjectFamily<ApiKeyRecord> &family);
store::Result<ApiKeyRecord> endGrace(store::Database &db, const ApiKeyRecord &key, QString &said);
int setExpiry(CliContext &context, const ObjectFamily<ApiKeyRecord> &family);
int setAllowedIps(CliContext &context, const ObjectFamily<ApiKeyRecord> &family);
// Adds the key to, or removes it from, the group the second argument names.
store::Result<ApiKeyRecord> changeMembership(CliContext &context, store::Database &db,
                                             const ApiKeyRecord &key, bool add, QString &said);
} // namespace keycommands

// What only groups do (groupcommands.cpp).
namespace groupcommands {
using store::GroupRecord;
int create(CliContext &context, const ObjectFamily<GroupRecord> &family);
QString table(const QList<GroupRecord> &groups, const config::GatewayConfig *config);
QString describe(const GroupRecord &group, const config::GatewayConfig *config);
store::Result<GroupRecord> remove(store::Database &db, const GroupRecord &group, QString &said);
// Grants or revokes the route the second argument names.
store::Result<GroupRecord> changeRoute(CliContext &context, store::Database &db,
                                       const GroupRecord &group, bool add, QString &said);
} // namespace groupcommands

} // namespace portico::cli
