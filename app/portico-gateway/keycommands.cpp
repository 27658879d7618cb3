// keys create | list | show | rename | disable | enable | delete | add-group | remove-group
#include "clicontext.h"
#include "commands.h"
#include "recordformat.h"
#include "texttable.h"

#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

namespace portico::cli {

namespace {

const QString kListKeysHint = QStringLiteral("Run 'portico-gateway keys list' to see the keys.");
const QString kListGroupsHint =
    QStringLiteral("Run 'portico-gateway groups list' to see the groups, or create it with "
                   "'portico-gateway groups create NAME'.");

// The store's messages already say what to check; add the list command only when they do not.
QString hintFor(const store::Error &error, const QString &listHint) {
    if (error.message.contains(QLatin1String("portico-gateway")))
        return {};
    if (error.code == store::Error::Code::NotFound)
        return listHint;
    if (error.code == store::Error::Code::Ambiguous)
        return QStringLiteral("Use the uuid instead (see the list command).");
    return {};
}

// Looks a key up (so a failure can say which list to check) before anything is changed.
std::optional<store::ApiKeyRecord> findKey(CliContext &context, store::KeyStore &keys,
                                           const QString &keyRef, int *exitCode) {
    auto found = keys.key(keyRef);
    if (!found.ok()) {
        *exitCode = context.fail(found.error(), hintFor(found.error(), kListKeysHint));
        return std::nullopt;
    }
    return found.value();
}

std::optional<store::GroupRecord> findGroup(CliContext &context, store::GroupStore &groups,
                                            const QString &groupRef, int *exitCode) {
    auto found = groups.group(groupRef);
    if (!found.ok()) {
        *exitCode = context.fail(found.error(), hintFor(found.error(), kListGroupsHint));
        return std::nullopt;
    }
    return found.value();
}

QString groupNames(const QList<store::GroupRef> &groups) {
    QStringList names;
    for (const store::GroupRef &group : groups)
        names << group.name;
    return names.join(QStringLiteral(", "));
}

// Shows a changed key: JSON object, or a line for people.
int reportKey(CliContext &context, const store::ApiKeyRecord &key, const QString &humanLine) {
    if (context.json())
        context.printJson(format::keyToJson(key, context.config()));
    else
        CliContext::printOut(humanLine + QLatin1Char('\n'));
    return kExitOk;
}

int createKey(CliContext &context) {
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
    store::KeyStore keys(*db, CliContext::actor());
    store::GroupStore groups(*db, CliContext::actor());
    QStringList groupUuids;
    const QStringList groupRefs = line.values(QStringLiteral("group"));
    for (const QString &groupRef : groupRefs) {
        int exitCode = kExitFailed;
        const auto group = findGroup(context, groups, groupRef, &exitCode);
        if (!group)
            return exitCode;
        if (!groupUuids.contains(group->uuid))
            groupUuids << group->uuid;
    }

    auto created = keys.createKey(line.argument(0), groupUuids, expiresAt);
    if (!created.ok())
        return context.fail(created.error(), hintFor(created.error(), kListKeysHint));
    const store::ApiKeyRecord &record = created->record;

    if (context.json()) {
        QJsonArray groupArray;
        for (const store::GroupRef &group : record.groups)
            groupArray.append(QJsonObject{{QStringLiteral("uuid"), group.uuid},
                                          {QStringLiteral("name"), group.name}});
        context.printJson(QJsonObject{
            {QStringLiteral("uuid"), record.uuid},
            {QStringLiteral("name"), record.name},
            {QStringLiteral("key"), created->key},
            {QStringLiteral("hint"), record.hint},
            {QStringLiteral("state"), store::toString(record.state)},
            {QStringLiteral("groups"), groupArray},
            {QStringLiteral("created_at"), format::isoTime(record.createdAt)},
            {QStringLiteral("expires_at"), format::isoTime(record.expiresAt)},
        });
        return kExitOk;
    }
    // The key alone on stdout, so `KEY=$(portico-gateway keys create NAME)` works.
    CliContext::printOut(created->key + QLatin1Char('\n'));
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

int listKeys(CliContext &context) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    store::KeyStore keys(*db, CliContext::actor());
    auto listed = keys.listKeys();
    if (!listed.ok())
        return context.fail(listed.error(), hintFor(listed.error(), {}));
    if (context.json()) {
        QJsonArray array;
        for (const store::ApiKeyRecord &key : listed.value())
            array.append(format::keyToJson(key, context.config()));
        context.printJson(array);
        return kExitOk;
    }
    if (listed->isEmpty()) {
        CliContext::printOut(QStringLiteral(
            "No API keys yet. Create one with: portico-gateway keys create NAME --group GROUP\n"));
        return kExitOk;
    }
    TextTable table({QStringLiteral("NAME"), QStringLiteral("UUID"), QStringLiteral("KEY"),
                     QStringLiteral("STATE"), QStringLiteral("GROUPS"), QStringLiteral("ROUTES"),
                     QStringLiteral("CREATED")});
    for (const store::ApiKeyRecord &key : listed.value()) {
        table.addRow({key.name, key.uuid, key.hint, format::effectiveState(key),
                      key.groups.isEmpty() ? QStringLiteral("-") : groupNames(key.groups),
                      QString::number(key.accessibleRouteCount()),
                      format::humanTime(key.createdAt)});
    }
    CliContext::printOut(table.toString());
    return kExitOk;
}

int showKey(CliContext &context) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    store::KeyStore keys(*db, CliContext::actor());
    int exitCode = kExitFailed;
    const auto key = findKey(context, keys, context.commandLine().argument(0), &exitCode);
    if (!key)
        return exitCode;
    const config::GatewayConfig *config = context.config();
    if (!config) {
        context.warn(QStringLiteral("%1 does not load, so routes cannot be checked against it "
                                    "(run 'portico-gateway config check').")
                         .arg(context.configLabel()));
    }
    if (context.json()) {
        context.printJson(format::keyToJson(*key, config));
        return kExitOk;
    }
    QString text;
    auto field = [&text](const QString &label, const QString &value) {
        text += QString(label + QLatin1Char(':')).leftJustified(12) + value + QLatin1Char('\n');
    };
    field(QStringLiteral("Name"), key->name);
    field(QStringLiteral("UUID"), key->uuid);
    field(QStringLiteral("API key"),
          key->hint + QStringLiteral(" (masked: shown only at creation)"));
    field(QStringLiteral("State"), format::effectiveState(*key));
    field(QStringLiteral("Created"), format::humanTime(key->createdAt));
    field(QStringLiteral("Updated"), format::humanTime(key->updatedAt));
    field(QStringLiteral("Last used"), format::humanTime(key->lastUsedAt));
    field(QStringLiteral("Expires"), format::humanTime(key->expiresAt));
    text += QStringLiteral("\nGroups (%1):\n").arg(key->groups.size());
    if (key->groups.isEmpty()) {
        text += QStringLiteral("  none: add one with 'portico-gateway keys add-group %1 GROUP'\n")
                    .arg(key->uuid);
    } else {
        TextTable groups({QStringLiteral("NAME"), QStringLiteral("UUID")});
        for (const store::GroupRef &group : key->groups)
            groups.addRow({group.name, group.uuid});
        text += groups.toString(2);
    }
    text += QStringLiteral("\nAccessible routes (%1):\n").arg(key->accessibleRouteCount());
    if (key->routes.isEmpty()) {
        text += QStringLiteral("  none: no group of this key grants a route\n");
    } else {
        TextTable routes({QStringLiteral("ROUTE"), QStringLiteral("GROUP")});
        for (const store::RouteGrant &grant : key->routes)
            routes.addRow(
                {grant.route + format::missingMark(grant.route, config), grant.group.name});
        text += routes.toString(2);
    }
    CliContext::printOut(text);
    return kExitOk;
}

int renameKey(CliContext &context) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    store::KeyStore keys(*db, CliContext::actor());
    int exitCode = kExitFailed;
    const auto key = findKey(context, keys, context.commandLine().argument(0), &exitCode);
    if (!key)
        return exitCode;
    auto renamed = keys.renameKey(key->uuid, context.commandLine().argument(1));
    if (!renamed.ok())
        return context.fail(renamed.error(), hintFor(renamed.error(), kListKeysHint));
    return reportKey(context, renamed.value(),
                     QStringLiteral("Renamed key '%1' to '%2' (%3). The key itself is unchanged.")
                         .arg(key->name, renamed->name, renamed->uuid));
}

int setState(CliContext &context, store::KeyState state) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    store::KeyStore keys(*db, CliContext::actor());
    int exitCode = kExitFailed;
    const auto key = findKey(context, keys, context.commandLine().argument(0), &exitCode);
    if (!key)
        return exitCode;
    auto changed = keys.setKeyState(key->uuid, state);
    if (!changed.ok())
        return context.fail(changed.error(), hintFor(changed.error(), kListKeysHint));
    const QString was = key->state == state ? QStringLiteral(" (it already was)") : QString();
    const QString human =
        state == store::KeyState::Disabled
            ? QStringLiteral("Disabled key '%1' (%2)%3: requests with it are refused until "
                             "'portico-gateway keys enable'.")
                  .arg(changed->name, changed->uuid, was)
            : QStringLiteral("Enabled key '%1' (%2)%3.").arg(changed->name, changed->uuid, was);
    return reportKey(context, changed.value(), human);
}

int disableKey(CliContext &context) {
    return setState(context, store::KeyState::Disabled);
}

int enableKey(CliContext &context) {
    return setState(context, store::KeyState::Active);
}

int deleteKey(CliContext &context) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    store::KeyStore keys(*db, CliContext::actor());
    int exitCode = kExitFailed;
    const auto key = findKey(context, keys, context.commandLine().argument(0), &exitCode);
    if (!key)
        return exitCode;
    auto deleted = keys.deleteKey(key->uuid);
    if (!deleted.ok())
        return context.fail(deleted.error(), hintFor(deleted.error(), kListKeysHint));
    QString human = QStringLiteral("Deleted key '%1' (%2, %3)")
                        .arg(deleted->name, deleted->uuid, deleted->hint);
    if (!deleted->groups.isEmpty())
        human += QStringLiteral(", removed from %1").arg(groupNames(deleted->groups));
    human += QStringLiteral(". Requests with it are refused from now on; its usage history stays.");
    return reportKey(context, deleted.value(), human);
}

int changeMembership(CliContext &context, bool add) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    store::KeyStore keys(*db, CliContext::actor());
    store::GroupStore groups(*db, CliContext::actor());
    int exitCode = kExitFailed;
    const auto key = findKey(context, keys, context.commandLine().argument(0), &exitCode);
    if (!key)
        return exitCode;
    const auto group = findGroup(context, groups, context.commandLine().argument(1), &exitCode);
    if (!group)
        return exitCode;
    auto changed = add ? keys.addKeyToGroup(key->uuid, group->uuid)
                       : keys.removeKeyFromGroup(key->uuid, group->uuid);
    if (!changed.ok())
        return context.fail(changed.error(), hintFor(changed.error(), kListGroupsHint));
    const QString human =
        add ? QStringLiteral("Added key '%1' to group '%2': it can now reach %3 route(s).")
                  .arg(changed->name, group->name)
                  .arg(changed->accessibleRouteCount())
            : QStringLiteral("Removed key '%1' from group '%2': it can now reach %3 route(s).")
                  .arg(changed->name, group->name)
                  .arg(changed->accessibleRouteCount());
    return reportKey(context, changed.value(), human);
}

int addGroup(CliContext &context) {
    return changeMembership(context, true);
}

int removeGroup(CliContext &context) {
    return changeMembership(context, false);
}

OptionSpec option(const char *name, const char *valueName, const char *description) {
    return {QString::fromLatin1(name), QString::fromLatin1(valueName),
            QString::fromLatin1(description)};
}

} // namespace

QList<CommandSpec> keyCommands() {
    const QString key = QStringLiteral("KEY");
    const QString group = QStringLiteral("GROUP");
    return {
        {{QStringLiteral("keys"), QStringLiteral("create")},
         {QStringLiteral("NAME")},
         {option("group", "GROUP", "put the key in this group (repeat for several)"),
          option("expires", "ISO_TIME", "refuse the key after this time")},
         QStringLiteral("Create an API key and print it, once."),
         QStringLiteral("The key is printed alone on stdout (or in the \"key\" field with "
                        "--json). Save it now: only its\nhash is stored, so it cannot be shown "
                        "again. It can reach the routes its groups grant."),
         createKey},
        {{QStringLiteral("keys"), QStringLiteral("list")},
         {},
         {},
         QStringLiteral("List the keys: name, uuid, masked key, state, groups, routes, creation."),
         {},
         listKeys},
        {{QStringLiteral("keys"), QStringLiteral("show")},
         {key},
         {},
         QStringLiteral("Show a key: details, groups and the routes it can reach."),
         QStringLiteral("Routes that the current config no longer has are marked \"(missing "
                        "from config.yaml)\"."),
         showKey},
        {{QStringLiteral("keys"), QStringLiteral("rename")},
         {key, QStringLiteral("NEW_NAME")},
         {},
         QStringLiteral("Rename a key (the key itself never changes)."),
         {},
         renameKey},
        {{QStringLiteral("keys"), QStringLiteral("disable")},
         {key},
         {},
         QStringLiteral("Disable a key: its requests are refused until it is enabled."),
         {},
         disableKey},
        {{QStringLiteral("keys"), QStringLiteral("enable")},
         {key},
         {},
         QStringLiteral("Enable a disabled key."),
         {},
         enableKey},
        {{QStringLiteral("keys"), QStringLiteral("delete")},
         {key},
         {},
         QStringLiteral("Delete a key and its group links (no prompt); its usage history stays."),
         QStringLiteral("Irreversible: requests with the key are refused at once. If a key is "
                        "compromised, create a new\none in the same groups, update your "
                        "applications, then delete the old one."),
         deleteKey},
        {{QStringLiteral("keys"), QStringLiteral("add-group")},
         {key, group},
         {},
         QStringLiteral("Add a key to a group: it gains every route of the group."),
         {},
         addGroup},
        {{QStringLiteral("keys"), QStringLiteral("remove-group")},
         {key, group},
         {},
         QStringLiteral("Remove a key from a group."),
         {},
         removeGroup},
    };
}

} // namespace portico::cli
