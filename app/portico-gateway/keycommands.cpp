// keys create | list | show | rename | disable | enable | delete | add-group | remove-group
#include "commands.h"
#include "objectcommands.h"
#include "recordformat.h"
#include "texttable.h"

#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"

#include <QDateTime>

namespace portico::cli {

namespace {

using store::ApiKeyRecord;

const QString kListGroupsHint =
    QStringLiteral("Run 'portico-gateway groups list' to see the groups, or create it with "
                   "'portico-gateway groups create NAME'.");

const ObjectFamily<ApiKeyRecord> &keys() {
    static const ObjectFamily<ApiKeyRecord> family{
        QStringLiteral("keys"), QStringLiteral("Run 'portico-gateway keys list' to see the keys."),
        QStringLiteral("Use the uuid instead (see the list command)."),
        [](store::Database &db, const QString &ref) {
            return store::KeyStore(db, CliContext::actor()).key(ref);
        },
        format::keyToJson};
    return family;
}

store::KeyStore keyStore(store::Database &db) {
    return store::KeyStore(db, CliContext::actor());
}

QString groupNames(const QList<store::GroupRef> &groups) {
    QStringList names;
    for (const store::GroupRef &group : groups)
        names << group.name;
    return names.join(QStringLiteral(", "));
}

// The key alone on stdout, so `KEY=$(portico-gateway keys create NAME)` works; or JSON.
int printCreated(CliContext &context, const store::CreatedKey &created) {
    const ApiKeyRecord &record = created.record;
    if (context.json()) {
        QJsonArray groupArray;
        for (const store::GroupRef &group : record.groups)
            groupArray.append(QJsonObject{{QStringLiteral("uuid"), group.uuid},
                                          {QStringLiteral("name"), group.name}});
        context.printJson(QJsonObject{
            {QStringLiteral("uuid"), record.uuid},
            {QStringLiteral("name"), record.name},
            {QStringLiteral("key"), created.key},
            {QStringLiteral("hint"), record.hint},
            {QStringLiteral("state"), store::toString(record.state)},
            {QStringLiteral("groups"), groupArray},
            {QStringLiteral("created_at"), format::isoTime(record.createdAt)},
            {QStringLiteral("expires_at"), format::isoTime(record.expiresAt)},
        });
        return kExitOk;
    }
    CliContext::printOut(created.key + QLatin1Char('\n'));
    QString note = QStringLiteral("Created key '%1' (%2)").arg(record.name, record.uuid);
    if (record.groups.isEmpty()) {
        note += QStringLiteral(". It belongs to no group yet, so it can reach no route: add it "
                               "with 'portico-gateway keys add-group %1 GROUP'.")
                    .arg(record.uuid);
    } else {
        note +=
            QStringLiteral(" in %1: %2.")
                .arg(record.groups.size() == 1 ? QStringLiteral("group") : QStringLiteral("groups"),
                     groupNames(record.groups));
    }
    if (record.expiresAt.isValid())
        note += QStringLiteral(" It expires %1.").arg(format::humanTime(record.expiresAt));
    context.note(note);
    context.note(
        QStringLiteral("Save this key now: it is shown only once and cannot be retrieved later."));
    return kExitOk;
}

int createKey(CliContext &context, const ObjectFamily<ApiKeyRecord> &family) {
    const CommandLine &line = context.commandLine();
    QDateTime expiresAt;
    if (line.isSet(QStringLiteral("expires"))) {
        const auto parsed = format::parseTime(line.value(QStringLiteral("expires")));
        if (!parsed) {
            return context.usageError(
                QStringLiteral("--expires '%1' is not an ISO 8601 time (for example "
                               "2027-01-31T00:00:00Z).")
                    .arg(line.value(QStringLiteral("expires"))));
        }
        if (*parsed <= QDateTime::currentDateTimeUtc()) {
            return context.fail(QStringLiteral("invalid_input"),
                                QStringLiteral("the expiry time %1 is in the past: give a "
                                               "future time, or leave --expires out.")
                                    .arg(format::humanTime(*parsed)));
        }
        expiresAt = *parsed;
    }
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    // Each group is looked up first, so a failure can say which list to check.
    QStringList groupUuids;
    for (const QString &groupRef : line.values(QStringLiteral("group"))) {
        const auto group = store::GroupStore(*db, CliContext::actor()).group(groupRef);
        if (!group)
            return family.fail(context, group.error(), kListGroupsHint);
        if (!groupUuids.contains(group->uuid))
            groupUuids << group->uuid;
    }
    const auto created = keyStore(*db).createKey(line.argument(0), groupUuids, expiresAt);
    if (!created)
        return family.fail(context, created.error(), family.listHint);
    return printCreated(context, *created);
}

QString keyTable(const QList<ApiKeyRecord> &keys, const config::GatewayConfig *) {
    TextTable table({QStringLiteral("NAME"), QStringLiteral("UUID"), QStringLiteral("KEY"),
                     QStringLiteral("STATE"), QStringLiteral("GROUPS"), QStringLiteral("ROUTES"),
                     QStringLiteral("CREATED")});
    for (const ApiKeyRecord &key : keys) {
        table.addRow({key.name, key.uuid, key.hint, format::effectiveState(key),
                      key.groups.isEmpty() ? QStringLiteral("-") : groupNames(key.groups),
                      QString::number(key.accessibleRouteCount()),
                      format::humanTime(key.createdAt)});
    }
    return table.toString();
}

QString describeKey(const ApiKeyRecord &key, const config::GatewayConfig *config) {
    QString text;
    auto field = [&text](const QString &label, const QString &value) {
        text += QString(label + QLatin1Char(':')).leftJustified(12) + value + QLatin1Char('\n');
    };
    field(QStringLiteral("Name"), key.name);
    field(QStringLiteral("UUID"), key.uuid);
    field(QStringLiteral("API key"),
          key.hint + QStringLiteral(" (masked: shown only at creation)"));
    field(QStringLiteral("State"), format::effectiveState(key));
    field(QStringLiteral("Created"), format::humanTime(key.createdAt));
    field(QStringLiteral("Updated"), format::humanTime(key.updatedAt));
    field(QStringLiteral("Last used"), format::humanTime(key.lastUsedAt));
    field(QStringLiteral("Expires"), format::humanTime(key.expiresAt));
    text += QStringLiteral("\nGroups (%1):\n").arg(key.groups.size());
    if (key.groups.isEmpty()) {
        text += QStringLiteral("  none: add one with 'portico-gateway keys add-group %1 GROUP'\n")
                    .arg(key.uuid);
    } else {
        TextTable groups({QStringLiteral("NAME"), QStringLiteral("UUID")});
        for (const store::GroupRef &group : key.groups)
            groups.addRow({group.name, group.uuid});
        text += groups.toString(2);
    }
    text += QStringLiteral("\nAccessible routes (%1):\n").arg(key.accessibleRouteCount());
    if (key.routes.isEmpty()) {
        text += QStringLiteral("  none: no group of this key grants a route\n");
    } else {
        TextTable routes({QStringLiteral("ROUTE"), QStringLiteral("GROUP")});
        for (const store::RouteGrant &grant : key.routes)
            routes.addRow(
                {grant.route + format::missingMark(grant.route, config), grant.group.name});
        text += routes.toString(2);
    }
    return text;
}

store::Result<ApiKeyRecord> setState(store::Database &db, const ApiKeyRecord &key,
                                     store::KeyState state, QString &said) {
    auto changed = keyStore(db).setKeyState(key.uuid, state);
    if (!changed)
        return changed;
    const QString was = key.state == state ? QStringLiteral(" (it already was)") : QString();
    said = state == store::KeyState::Disabled
               ? QStringLiteral("Disabled key '%1' (%2)%3: requests with it are refused until "
                                "'portico-gateway keys enable'.")
                     .arg(changed->name, changed->uuid, was)
               : QStringLiteral("Enabled key '%1' (%2)%3.").arg(changed->name, changed->uuid, was);
    return changed;
}

// Adds the key to, or removes it from, the group the second argument names.
store::Result<ApiKeyRecord> changeMembership(CliContext &context, store::Database &db,
                                             const ApiKeyRecord &key, bool add, QString &said) {
    const auto group =
        store::GroupStore(db, CliContext::actor()).group(context.commandLine().argument(1));
    if (!group)
        return group.error();
    auto changed = add ? keyStore(db).addKeyToGroup(key.uuid, group->uuid)
                       : keyStore(db).removeKeyFromGroup(key.uuid, group->uuid);
    if (changed)
        said = (add ? QStringLiteral("Added key '%1' to group '%2': it can now reach %3 route(s).")
                    : QStringLiteral("Removed key '%1' from group '%2': it can now reach %3 "
                                     "route(s)."))
                   .arg(changed->name, group->name)
                   .arg(changed->accessibleRouteCount());
    return changed;
}

OptionSpec option(const char *name, const char *valueName, const char *description) {
    return {QString::fromLatin1(name), QString::fromLatin1(valueName),
            QString::fromLatin1(description)};
}

} // namespace

QList<CommandSpec> keyCommands() {
    const QString key = QStringLiteral("KEY");
    const QString group = QStringLiteral("GROUP");
    return commandsOf<ApiKeyRecord>(
        keys(),
        {
            {QStringLiteral("create"),
             {QStringLiteral("NAME")},
             {option("group", "GROUP", "put the key in this group (repeat for several)"),
              option("expires", "ISO_TIME", "refuse the key after this time")},
             QStringLiteral("Create an API key and print it, once."),
             QStringLiteral("The key is printed alone on stdout (or in the \"key\" field with "
                            "--json). Save it now: only its\nhash is stored, so it cannot be "
                            "shown again. It can reach the routes its groups grant."),
             createKey},
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
                 keyTable)},
            {QStringLiteral("show"),
             {key},
             {},
             QStringLiteral("Show a key: details, groups and the routes it can reach."),
             QStringLiteral("Routes that the current config no longer has are marked \"(missing "
                            "from config.yaml)\"."),
             showFound<ApiKeyRecord>(describeKey)},
            {QStringLiteral("rename"),
             {key, QStringLiteral("NEW_NAME")},
             {},
             QStringLiteral("Rename a key (the key itself never changes)."),
             {},
             changeFound<ApiKeyRecord>([](CliContext &context, store::Database &db,
                                          const ApiKeyRecord &found, QString &said) {
                 auto renamed =
                     keyStore(db).renameKey(found.uuid, context.commandLine().argument(1));
                 if (renamed)
                     said = QStringLiteral("Renamed key '%1' to '%2' (%3). The key itself is "
                                           "unchanged.")
                                .arg(found.name, renamed->name, renamed->uuid);
                 return renamed;
             })},
            {QStringLiteral("disable"),
             {key},
             {},
             QStringLiteral("Disable a key: its requests are refused until it is enabled."),
             {},
             changeFound<ApiKeyRecord>(
                 [](CliContext &, store::Database &db, const ApiKeyRecord &found, QString &said) {
                     return setState(db, found, store::KeyState::Disabled, said);
                 })},
            {QStringLiteral("enable"),
             {key},
             {},
             QStringLiteral("Enable a disabled key."),
             {},
             changeFound<ApiKeyRecord>(
                 [](CliContext &, store::Database &db, const ApiKeyRecord &found, QString &said) {
                     return setState(db, found, store::KeyState::Active, said);
                 })},
            {QStringLiteral("delete"),
             {key},
             {},
             QStringLiteral("Delete a key and its group links (no prompt); its usage history "
                            "stays."),
             QStringLiteral("Irreversible: requests with the key are refused at once. If a key "
                            "is compromised, create a new\none in the same groups, update your "
                            "applications, then delete the old one."),
             changeFound<ApiKeyRecord>([](CliContext &, store::Database &db,
                                          const ApiKeyRecord &found, QString &said) {
                 auto deleted = keyStore(db).deleteKey(found.uuid);
                 if (!deleted)
                     return deleted;
                 said = QStringLiteral("Deleted key '%1' (%2, %3)")
                            .arg(deleted->name, deleted->uuid, deleted->hint);
                 if (!deleted->groups.isEmpty())
                     said += QStringLiteral(", removed from %1").arg(groupNames(deleted->groups));
                 said += QStringLiteral(". Requests with it are refused from now on; its "
                                        "usage history stays.");
                 return deleted;
             })},
            {QStringLiteral("add-group"),
             {key, group},
             {},
             QStringLiteral("Add a key to a group: it gains every route of the group."),
             {},
             changeFound<ApiKeyRecord>(
                 [](CliContext &context, store::Database &db, const ApiKeyRecord &found,
                    QString &said) { return changeMembership(context, db, found, true, said); },
                 kListGroupsHint)},
            {QStringLiteral("remove-group"),
             {key, group},
             {},
             QStringLiteral("Remove a key from a group."),
             {},
             changeFound<ApiKeyRecord>(
                 [](CliContext &context, store::Database &db, const ApiKeyRecord &found,
                    QString &said) { return changeMembership(context, db, found, false, said); },
                 kListGroupsHint)},
        });
}

} // namespace portico::cli
