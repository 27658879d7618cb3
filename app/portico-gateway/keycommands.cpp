// keys create | list | show | rename | disable | enable | delete | add-group | remove-group:
// what only keys do. The commands themselves are described in objectcommands.cpp.
#include "objectcommands.h"
#include "recordformat.h"
#include "texttable.h"

#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"

#include <QDateTime>

#include <optional>

namespace portico::cli::keycommands {

namespace {

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

} // namespace

QString listGroupsHint() {
    return QStringLiteral("Run 'portico-gateway groups list' to see the groups, or create it with "
                          "'portico-gateway groups create NAME'.");
}

// Reads the WHEN of --expires or set-expiry: a future time, or never. Prints why not and
// returns nothing when it is neither.
std::optional<QDateTime> expiryFrom(CliContext &context, const QString &what, const QString &text) {
    const auto parsed = format::parseWhen(text, true);
    if (!parsed) {
        context.fail(QStringLiteral("invalid_input"),
                     QStringLiteral("%1 '%2' is not a time: give an ISO 8601 time (for example "
                                    "2027-01-31T00:00:00Z), a duration from now (45s, 90m, 24h, "
                                    "30d) or 'never'.")
                         .arg(what, text));
        return std::nullopt;
    }
    if (parsed->isValid() && *parsed <= QDateTime::currentDateTimeUtc()) {
        context.fail(QStringLiteral("invalid_input"),
                     QStringLiteral("the expiry time %1 is in the past: give a future time, or "
                                    "'never'.")
                         .arg(format::humanTime(*parsed)));
        return std::nullopt;
    }
    return parsed;
}

int create(CliContext &context, const ObjectFamily<ApiKeyRecord> &family) {
    const CommandLine &line = context.commandLine();
    QDateTime expiresAt;
    if (line.isSet(QStringLiteral("expires"))) {
        const auto expiry =
            expiryFrom(context, QStringLiteral("--expires"), line.value(QStringLiteral("expires")));
        if (!expiry)
            return kExitFailed;
        expiresAt = *expiry;
    }
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    // Each group is looked up first, so a failure can say which list to check.
    QStringList groupUuids;
    for (const QString &groupRef : line.values(QStringLiteral("group"))) {
        const auto group = store::GroupStore(*db, CliContext::actor()).group(groupRef);
        if (!group)
            return family.fail(context, group.error(), listGroupsHint());
        if (!groupUuids.contains(group->uuid))
            groupUuids << group->uuid;
    }
    const auto created = keyStore(*db).createKey(line.argument(0), groupUuids, expiresAt);
    if (!created)
        return family.fail(context, created.error(), family.listHint);
    return printCreated(context, *created);
}

QString table(const QList<ApiKeyRecord> &keys, const config::GatewayConfig *) {
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

QString describe(const ApiKeyRecord &key, const config::GatewayConfig *config) {
    TextTable routes({QStringLiteral("ROUTE"), QStringLiteral("GROUP")});
    for (const store::RouteGrant &grant : key.routes)
        routes.addRow({grant.route + format::missingMark(grant.route, config), grant.group.name});
    QString previous = QStringLiteral("none");
    if (key.previousSecret)
        previous =
            QStringLiteral("%1, works until %2 (grace period after a rotation)")
                .arg(key.previousSecret->hint, format::humanTime(key.previousSecret->validUntil));
    return fieldLines(17,
                      {{QStringLiteral("Name"), key.name},
                       {QStringLiteral("UUID"), key.uuid},
                       {QStringLiteral("API key"),
                        key.hint + QStringLiteral(" (masked: shown only at creation)")},
                       {QStringLiteral("State"), format::effectiveState(key)},
                       {QStringLiteral("Created"), format::humanTime(key.createdAt)},
                       {QStringLiteral("Updated"), format::humanTime(key.updatedAt)},
                       {QStringLiteral("Last used"), format::humanTime(key.lastUsedAt)},
                       {QStringLiteral("Expires"), format::humanTime(key.expiresAt)},
                       {QStringLiteral("Secret created"), format::humanTime(key.secretCreatedAt)},
                       {QStringLiteral("Previous secret"), previous},
                       {QStringLiteral("Limits"), format::limitsText(key.limits)},
                       {QStringLiteral("Allowed from"),
                        key.allowedIps.isEmpty() ? QStringLiteral("any address")
                                                 : key.allowedIps.join(QStringLiteral(", "))}}) +
           section(QStringLiteral("Groups"), key.groups.size(),
                   QStringLiteral("none: add one with 'portico-gateway keys add-group %1 GROUP'")
                       .arg(key.uuid),
                   nameAndUuidRows(key.groups)) +
           section(QStringLiteral("Accessible routes"), key.accessibleRouteCount(),
                   QStringLiteral("none: no group of this key grants a route"), routes.toString(2));
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

int rotate(CliContext &context, const ObjectFamily<ApiKeyRecord> &family) {
    const CommandLine &line = context.commandLine();
    qint64 grace = 0;
    if (line.isSet(QStringLiteral("grace"))) {
        const auto parsed = format::parseDuration(line.value(QStringLiteral("grace")));
        if (!parsed)
            return context.fail(QStringLiteral("invalid_input"),
                                QStringLiteral("--grace '%1' is not a duration: give one such as "
                                               "0, 45s, 90m, 24h or 7d.")
                                    .arg(line.value(QStringLiteral("grace"))));
        grace = *parsed;
    }
    return withFound(context, family, [&](store::Database &db, const ApiKeyRecord &found) {
        const auto rotated = keyStore(db).rotateKey(found.uuid, grace);
        if (!rotated)
            return family.fail(context, rotated.error(), family.listHint);
        if (context.json()) {
            context.printJson(QJsonObject{
                {QStringLiteral("uuid"), rotated->record.uuid},
                {QStringLiteral("name"), rotated->record.name},
                {QStringLiteral("key"), rotated->key},
                {QStringLiteral("hint"), rotated->record.hint},
                {QStringLiteral("previous_valid_until"),
                 format::isoTime(rotated->previousValidUntil)},
            });
            return kExitOk;
        }
        CliContext::printOut(rotated->key + QLatin1Char('\n'));
        QString note = QStringLiteral("Rotated key '%1' (%2): its uuid, name, groups, limits and "
                                      "history stay.")
                           .arg(rotated->record.name, rotated->record.uuid);
        if (found.previousSecret)
            note += QStringLiteral(" The grace period of the secret before (%1) ended now.")
                        .arg(found.previousSecret->hint);
        if (rotated->previousValidUntil.isValid())
            note += QStringLiteral(" The old secret (%1) keeps working for %2, until %3; end "
                                   "that sooner with 'portico-gateway keys end-grace %4'.")
                        .arg(found.hint, format::humanDuration(grace),
                             format::humanTime(rotated->previousValidUntil), rotated->record.uuid);
        else
            note += QStringLiteral(" The old secret (%1) stopped working now (use --grace to "
                                   "keep it working for a while).")
                        .arg(found.hint);
        context.note(note);
        context.note(QStringLiteral("Save the new key now: it is shown only once and cannot be "
                                    "retrieved later."));
        return kExitOk;
    });
}

store::Result<ApiKeyRecord> endGrace(store::Database &db, const ApiKeyRecord &key, QString &said) {
    auto changed = keyStore(db).endGracePeriod(key.uuid);
    if (changed)
        said = key.previousSecret
                   ? QStringLiteral("Ended the grace period of key '%1': its previous secret (%2) "
                                    "is refused from now on.")
                         .arg(key.name, key.previousSecret->hint)
                   : QStringLiteral("Key '%1' has no previous secret in a grace period: nothing "
                                    "to end.")
                         .arg(key.name);
    return changed;
}

int setExpiry(CliContext &context, const ObjectFamily<ApiKeyRecord> &family) {
    const auto expiry =
        expiryFrom(context, QStringLiteral("WHEN"), context.commandLine().argument(1));
    if (!expiry)
        return kExitFailed;
    return withFound(context, family, [&](store::Database &db, const ApiKeyRecord &found) {
        const auto changed = keyStore(db).setKeyExpiry(found.uuid, *expiry);
        if (!changed)
            return family.fail(context, changed.error(), family.listHint);
        return family.report(context, *changed,
                             expiry->isValid()
                                 ? QStringLiteral("Key '%1' expires %2.")
                                       .arg(changed->name, format::humanTime(*expiry))
                                 : QStringLiteral("Key '%1' never expires.").arg(changed->name));
    });
}

int setAllowedIps(CliContext &context, const ObjectFamily<ApiKeyRecord> &family) {
    const QString text = context.commandLine().argument(1).trimmed();
    QStringList ranges;
    if (text.compare(QLatin1String("any"), Qt::CaseInsensitive) != 0) {
        ranges = text.split(u',');
        if (text.isEmpty())
            ranges = {QString()};
    }
    return withFound(context, family, [&](store::Database &db, const ApiKeyRecord &found) {
        const auto changed = keyStore(db).setAllowedIps(found.uuid, ranges);
        if (!changed)
            return family.fail(context, changed.error(), family.listHint);
        return family.report(
            context, *changed,
            changed->allowedIps.isEmpty()
                ? QStringLiteral("Key '%1' may be used from any address.").arg(changed->name)
                : QStringLiteral("Key '%1' may be used only from %2.")
                      .arg(changed->name, changed->allowedIps.join(QStringLiteral(", "))));
    });
}

store::Result<ApiKeyRecord> remove(store::Database &db, const ApiKeyRecord &key, QString &said) {
    auto deleted = keyStore(db).deleteKey(key.uuid);
    if (!deleted)
        return deleted;
    said = QStringLiteral("Deleted key '%1' (%2, %3)")
               .arg(deleted->name, deleted->uuid, deleted->hint);
    if (!deleted->groups.isEmpty())
        said += QStringLiteral(", removed from %1").arg(groupNames(deleted->groups));
    said += QStringLiteral(". Requests with it are refused from now on; its usage history stays.");
    return deleted;
}

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

} // namespace portico::cli::keycommands
