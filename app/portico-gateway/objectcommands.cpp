// The key and the group commands, in one table: each family, then its commands in the order
// `--help` lists them, with their help and what they run.
#include "objectcommands.h"

#include "commands.h"
#include "recordformat.h"

#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"

#include <cmath>

namespace portico::cli {

namespace {

using store::ApiKeyRecord;
using store::GroupRecord;

const QString kMissingRoutesNote =
    QStringLiteral("Routes that the current config no longer has are marked \"(missing from "
                   "config.yaml)\".");

store::KeyStore keyStore(store::Database &db) {
    return store::KeyStore(db, CliContext::actor());
}

store::GroupStore groupStore(store::Database &db) {
    return store::GroupStore(db, CliContext::actor());
}

OptionSpec option(const char *name, const char *valueName, const char *description) {
    return {QString::fromLatin1(name), QString::fromLatin1(valueName),
            QString::fromLatin1(description)};
}

// `keys disable KEY`, `keys enable KEY`.
ObjectCommand<ApiKeyRecord> stateCommand(const QString &verb, const QString &summary,
                                         store::KeyState state) {
    return {verb,
            {QStringLiteral("KEY")},
            {},
            summary,
            {},
            changeFound<ApiKeyRecord>(
                [state](CliContext &, store::Database &db, const ApiKeyRecord &found,
                        QString &said) { return keycommands::setState(db, found, state, said); })};
}

// `keys add-group KEY GROUP`, `keys remove-group KEY GROUP`.
ObjectCommand<ApiKeyRecord> membershipCommand(const QString &verb, const QString &summary,
                                              bool add) {
    return {verb,
            {QStringLiteral("KEY"), QStringLiteral("GROUP")},
            {},
            summary,
            {},
            changeFound<ApiKeyRecord>(
                [add](CliContext &context, store::Database &db, const ApiKeyRecord &found,
                      QString &said) {
                    return keycommands::changeMembership(context, db, found, add, said);
                },
                keycommands::listGroupsHint())};
}

// `groups add-route GROUP ROUTE`, `groups remove-route GROUP ROUTE`.
ObjectCommand<GroupRecord> routeCommand(const QString &verb, const QString &summary,
                                        const QString &details, bool add) {
    return {verb,
            {QStringLiteral("GROUP"), QStringLiteral("ROUTE")},
            {},
            summary,
            details,
            changeFound<GroupRecord>([add](CliContext &context, store::Database &db,
                                           const GroupRecord &found, QString &said) {
                return groupcommands::changeRoute(context, db, found, add, said);
            })};
}

const QString kLimitsDetails = QStringLiteral(
    "Each value may be 'none' to remove that limit; limits not named stay as they are. Budgets "
    "are per\ncalendar day or month in UTC; a request is refused (429) when it does not fit.");

} // namespace

QList<OptionSpec> limitOptions() {
    return {option("rpm", "N", "requests per minute (or none)"),
            option("tpm", "N", "tokens per minute, prompt + completion (or none)"),
            option("max-parallel", "N", "requests in progress at once (or none)"),
            option("budget", "USD", "spending per budget period (or none)"),
            option("budget-period", "day|month", "the budget's period (default month)")};
}

std::optional<store::LimitsChange> limitsChangeFrom(CliContext &context) {
    const CommandLine &line = context.commandLine();
    store::LimitsChange change;
    bool any = false;
    bool valid = true;
    const auto none = [](const QString &text) {
        return text.trimmed().compare(QLatin1String("none"), Qt::CaseInsensitive) == 0;
    };
    const auto wholeNumber = [&](const char *name, std::optional<std::optional<qint64>> &slot) {
        const QString option = QLatin1String(name);
        if (!valid || !line.isSet(option))
            return;
        any = true;
        const QString text = line.value(option).trimmed();
        if (none(text)) {
            slot = std::optional<qint64>();
            return;
        }
        bool ok = false;
        const qint64 value = text.toLongLong(&ok);
        if (!ok || value < 1) {
            context.fail(QStringLiteral("invalid_input"),
                         QStringLiteral("--%1 '%2' is not valid: give a whole number of at least "
                                        "1, or 'none' to remove the limit.")
                             .arg(option, text));
            valid = false;
            return;
        }
        slot = std::optional<qint64>(value);
    };
    wholeNumber("rpm", change.requestsPerMinute);
    wholeNumber("tpm", change.tokensPerMinute);
    wholeNumber("max-parallel", change.maxParallel);
    if (valid && line.isSet(QStringLiteral("budget"))) {
        any = true;
        const QString text = line.value(QStringLiteral("budget")).trimmed();
        bool ok = false;
        QString amount = text;
        if (amount.startsWith(u'$'))
            amount.remove(0, 1);
        const double value = amount.toDouble(&ok);
        if (none(text)) {
            change.budgetUsd = std::optional<double>();
        } else if (!ok || !(value >= 0) || !std::isfinite(value)) {
            context.fail(QStringLiteral("invalid_input"),
                         QStringLiteral("--budget '%1' is not valid: give an amount in USD of at "
                                        "least 0, or 'none' to remove the budget.")
                             .arg(text));
            valid = false;
        } else {
            change.budgetUsd = std::optional<double>(value);
        }
    }
    if (valid && line.isSet(QStringLiteral("budget-period"))) {
        any = true;
        const QString text = line.value(QStringLiteral("budget-period"));
        change.budgetPeriod = store::budgetPeriodFromString(text);
        if (!change.budgetPeriod) {
            context.fail(QStringLiteral("invalid_input"),
                         QStringLiteral("--budget-period '%1' is not a period: give 'day' or "
                                        "'month'.")
                             .arg(text));
            valid = false;
        }
    }
    if (!valid)
        return std::nullopt;
    if (!any) {
        context.fail(QStringLiteral("invalid_input"),
                     QStringLiteral("no limit given: use --rpm, --tpm, --max-parallel, --budget "
                                    "or --budget-period."));
        return std::nullopt;
    }
    return change;
}

QList<CommandSpec> keyCommands() {
    using namespace keycommands;
    const ObjectFamily<ApiKeyRecord> family{
        QStringLiteral("keys"), QStringLiteral("Run 'portico-gateway keys list' to see the keys."),
        QStringLiteral("Use the uuid instead (see the list command)."),
        [](store::Database &db, const QString &ref) { return keyStore(db).key(ref); },
        format::keyToJson};
    const QString key = QStringLiteral("KEY");
    return commandsOf<ApiKeyRecord>(
        family,
        {
            {QStringLiteral("create"),
             {QStringLiteral("NAME")},
             {option("group", "GROUP", "put the key in this group (repeat for several)"),
              option("expires", "WHEN",
                     "refuse the key after this time: ISO 8601, 45s/90m/24h/30d from now, or "
                     "never")},
             QStringLiteral("Create an API key and print it, once."),
             QStringLiteral("The key is printed alone on stdout (or in the \"key\" field with "
                            "--json). Save it now: only its\nhash is stored, so it cannot be "
                            "shown again. It can reach the routes its groups grant."),
             create},
            {QStringLiteral("list"),
             {},
             {},
             QStringLiteral("List the keys: name, uuid, masked key, state, groups, routes, "
                            "creation."),
             {},
             listAll<ApiKeyRecord>(
                 [](store::Database &db) { return keyStore(db).listKeys(); },
                 QStringLiteral("No API keys yet. Create one with: portico-gateway keys create "
                                "NAME --group GROUP\n"),
                 table)},
            {QStringLiteral("show"),
             {key},
             {},
             QStringLiteral("Show a key: details, groups and the routes it can reach."),
             kMissingRoutesNote,
             showFound<ApiKeyRecord>(describe)},
            renameCommand<ApiKeyRecord>(
                key, QStringLiteral("key"),
                QStringLiteral("Rename a key (the key itself never changes)."),
                [](store::Database &db, const QString &uuid, const QString &name) {
                    return keyStore(db).renameKey(uuid, name);
                },
                QStringLiteral(" The key itself is unchanged.")),
            stateCommand(QStringLiteral("disable"),
                         QStringLiteral("Disable a key: its requests are refused until it is "
                                        "enabled."),
                         store::KeyState::Disabled),
            stateCommand(QStringLiteral("enable"), QStringLiteral("Enable a disabled key."),
                         store::KeyState::Active),
            {QStringLiteral("delete"),
             {key},
             {},
             QStringLiteral("Delete a key and its group links (no prompt); its usage history "
                            "stays."),
             QStringLiteral("Irreversible: requests with the key are refused at once. If a key "
                            "is compromised, create a new\none in the same groups, update your "
                            "applications, then delete the old one."),
             changeFound<ApiKeyRecord>([](CliContext &, store::Database &db,
                                          const ApiKeyRecord &found,
                                          QString &said) { return remove(db, found, said); })},
            membershipCommand(QStringLiteral("add-group"),
                              QStringLiteral("Add a key to a group: it gains every route of the "
                                             "group."),
                              true),
            membershipCommand(QStringLiteral("remove-group"),
                              QStringLiteral("Remove a key from a group."), false),
            {QStringLiteral("rotate"),
             {key},
             {option("grace", "DURATION",
                     "how long the old secret keeps working: 0 (the default: it stops now), "
                     "45s, 90m, 24h, 7d")},
             QStringLiteral("Give a key a new secret and print it, once; its uuid, name, groups, "
                            "limits and history stay."),
             QStringLiteral("During the grace period both secrets work as the same key; requests "
                            "with the old one are marked\nin their usage rows. Rotating again "
                            "during a grace period ends that one at once. --json prints\n"
                            "uuid, name, key and previous_valid_until (null when the old secret "
                            "stopped at once)."),
             rotate},
            {QStringLiteral("end-grace"),
             {key},
             {},
             QStringLiteral("End the grace period of a rotated key's old secret now."),
             {},
             changeFound<ApiKeyRecord>([](CliContext &, store::Database &db,
                                          const ApiKeyRecord &found,
                                          QString &said) { return endGrace(db, found, said); })},
            {QStringLiteral("set-expiry"),
             {key, QStringLiteral("WHEN")},
             {},
             QStringLiteral("Set when a key expires: an ISO 8601 time, 45s/90m/24h/30d from now, "
                            "or never."),
             {},
             setExpiry},
            limitsCommand<ApiKeyRecord>(
                key, QStringLiteral("key"),
                QStringLiteral("Set a key's limits: requests and tokens per minute, requests in "
                               "parallel, a budget."),
                kLimitsDetails,
                [](store::Database &db, const QString &uuid, const store::LimitsChange &change) {
                    return keyStore(db).setLimits(uuid, change);
                }),
            {QStringLiteral("set-allowed-ips"),
             {key, QStringLiteral("CIDR[,CIDR...]|any")},
             {},
             QStringLiteral("Set the addresses a key may be used from (IPv4/IPv6 addresses or "
                            "ranges), or any."),
             QStringLiteral("Requests from other addresses get 403."),
             setAllowedIps},
        });
}

QList<CommandSpec> groupCommands() {
    using namespace groupcommands;
    const ObjectFamily<GroupRecord> family{
        QStringLiteral("groups"),
        QStringLiteral("Run 'portico-gateway groups list' to see the groups."),
        QStringLiteral("Use the uuid instead (see 'portico-gateway groups list')."),
        [](store::Database &db, const QString &ref) { return groupStore(db).group(ref); },
        format::groupToJson};
    const QString group = QStringLiteral("GROUP");
    return commandsOf<GroupRecord>(
        family,
        {
            {QStringLiteral("create"),
             {QStringLiteral("NAME")},
             {option("description", "TEXT", "what the group is for")},
             QStringLiteral("Create a group."),
             {},
             create},
            {QStringLiteral("list"),
             {},
             {},
             QStringLiteral("List the groups with their keys and routes."),
             {},
             listAll<GroupRecord>(
                 [](store::Database &db) { return groupStore(db).listGroups(); },
                 QStringLiteral("No groups yet. Create one with: portico-gateway groups create "
                                "NAME\n"),
                 table)},
            {QStringLiteral("show"),
             {group},
             {},
             QStringLiteral("Show a group: its keys and routes."),
             kMissingRoutesNote,
             showFound<GroupRecord>(describe)},
            renameCommand<GroupRecord>(
                group, QStringLiteral("group"), QStringLiteral("Rename a group."),
                [](store::Database &db, const QString &uuid, const QString &name) {
                    return groupStore(db).renameGroup(uuid, name);
                }),
            {QStringLiteral("set-description"),
             {group, QStringLiteral("TEXT")},
             {},
             QStringLiteral("Change the description of a group."),
             {},
             changeFound<GroupRecord>([](CliContext &context, store::Database &db,
                                         const GroupRecord &found, QString &said) {
                 said = QStringLiteral("Updated the description of group '%1'.").arg(found.name);
                 return groupStore(db).setDescription(found.uuid,
                                                      context.commandLine().argument(1));
             })},
            {QStringLiteral("delete"),
             {group},
             {},
             QStringLiteral("Delete a group (no prompt): its keys lose the routes it granted."),
             {},
             changeFound<GroupRecord>([](CliContext &, store::Database &db,
                                         const GroupRecord &found,
                                         QString &said) { return remove(db, found, said); })},
            routeCommand(QStringLiteral("add-route"),
                         QStringLiteral("Let the keys of a group use a route of config.yaml."),
                         QStringLiteral("A route the config does not have is added anyway, with "
                                        "a warning: requests get 404 until\nthe config gains it."),
                         true),
            routeCommand(QStringLiteral("remove-route"),
                         QStringLiteral("Stop a group from granting a route."), {}, false),
            limitsCommand<GroupRecord>(
                group, QStringLiteral("group"),
                QStringLiteral("Set a group's limits, shared by all its keys on the routes it "
                               "grants."),
                kLimitsDetails,
                [](store::Database &db, const QString &uuid, const store::LimitsChange &change) {
                    return groupStore(db).setLimits(uuid, change);
                }),
        });
}

} // namespace portico::cli
