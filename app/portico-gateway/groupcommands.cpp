// groups create | list | show | rename | set-description | delete | add-route | remove-route
#include "commands.h"
#include "objectcommands.h"
#include "recordformat.h"
#include "texttable.h"

#include "store/database.h"
#include "store/groupstore.h"

namespace portico::cli {

namespace {

using store::GroupRecord;

const ObjectFamily<GroupRecord> &groups() {
    static const ObjectFamily<GroupRecord> family{
        QStringLiteral("groups"),
        QStringLiteral("Run 'portico-gateway groups list' to see the groups."),
        QStringLiteral("Use the uuid instead (see 'portico-gateway groups list')."),
        [](store::Database &db, const QString &ref) {
            return store::GroupStore(db, CliContext::actor()).group(ref);
        },
        format::groupToJson};
    return family;
}

store::GroupStore groupStore(store::Database &db) {
    return store::GroupStore(db, CliContext::actor());
}

int createGroup(CliContext &context, const ObjectFamily<GroupRecord> &family) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    const auto created =
        groupStore(*db).createGroup(context.commandLine().argument(0),
                                    context.commandLine().value(QStringLiteral("description")));
    if (!created)
        return family.fail(context, created.error(), family.listHint);
    return family.report(context, *created,
                         QStringLiteral("Created group '%1' (%2). Give it routes with "
                                        "'portico-gateway groups add-route %1 ROUTE'.")
                             .arg(created->name, created->uuid));
}

QString groupTable(const QList<GroupRecord> &groups, const config::GatewayConfig *config) {
    TextTable table({QStringLiteral("NAME"), QStringLiteral("UUID"), QStringLiteral("KEYS"),
                     QStringLiteral("ROUTES"), QStringLiteral("DESCRIPTION")});
    for (const GroupRecord &group : groups) {
        QStringList routes;
        for (const QString &route : group.routes)
            routes << (format::isMissingRoute(route, config) ? route + QStringLiteral(" (missing)")
                                                             : route);
        table.addRow({group.name, group.uuid, QString::number(group.keys.size()),
                      routes.isEmpty() ? QStringLiteral("-") : routes.join(QStringLiteral(", ")),
                      group.description});
    }
    return table.toString();
}

QString describeGroup(const GroupRecord &group, const config::GatewayConfig *config) {
    QString text;
    auto field = [&text](const QString &label, const QString &value) {
        text += QString(label + QLatin1Char(':')).leftJustified(14) + value + QLatin1Char('\n');
    };
    field(QStringLiteral("Name"), group.name);
    field(QStringLiteral("UUID"), group.uuid);
    field(QStringLiteral("Description"), group.description);
    field(QStringLiteral("Created"), format::humanTime(group.createdAt));
    text += QStringLiteral("\nKeys (%1):\n").arg(group.keys.size());
    if (group.keys.isEmpty()) {
        text += QStringLiteral("  none: add one with 'portico-gateway keys add-group KEY %1'\n")
                    .arg(group.uuid);
    } else {
        TextTable keys({QStringLiteral("NAME"), QStringLiteral("UUID")});
        for (const store::KeyRef &key : group.keys)
            keys.addRow({key.name, key.uuid});
        text += keys.toString(2);
    }
    text += QStringLiteral("\nRoutes (%1):\n").arg(group.routes.size());
    if (group.routes.isEmpty()) {
        text += QStringLiteral("  none: add one with 'portico-gateway groups add-route %1 "
                               "ROUTE'\n")
                    .arg(group.uuid);
    } else {
        for (const QString &route : group.routes)
            text += QStringLiteral("  ") + route + format::missingMark(route, config) +
                    QLatin1Char('\n');
    }
    return text;
}

// Grants or revokes the route the second argument names.
store::Result<GroupRecord> changeRoute(CliContext &context, store::Database &db,
                                       const GroupRecord &group, bool add, QString &said) {
    const QString route = context.commandLine().argument(1).trimmed();
    auto changed = add ? groupStore(db).addRoute(group.uuid, route)
                       : groupStore(db).removeRoute(group.uuid, route);
    if (!changed)
        return changed;
    if (add) {
        // The grant is kept even for a route the config lacks: the config may gain it later.
        const config::GatewayConfig *config = context.config();
        if (!config) {
            context.warn(QStringLiteral("%1 does not load, so route '%2' could not be checked "
                                        "(run 'portico-gateway config check').")
                             .arg(context.configLabel(), route));
        } else if (format::isMissingRoute(route, config)) {
            context.warn(QStringLiteral("route '%1' is not in config.yaml (%2): requests will "
                                        "get 404 until it is added")
                             .arg(route, context.configLabel()));
        }
    }
    said =
        add ? QStringLiteral("Group '%1' now grants route '%2' to its %3 key(s).")
                  .arg(changed->name, route)
                  .arg(changed->keys.size())
            : QStringLiteral("Group '%1' no longer grants route '%2'.").arg(changed->name, route);
    return changed;
}

} // namespace

QList<CommandSpec> groupCommands() {
    const QString group = QStringLiteral("GROUP");
    return commandsOf<GroupRecord>(
        groups(),
        {
            {QStringLiteral("create"),
             {QStringLiteral("NAME")},
             {{QStringLiteral("description"), QStringLiteral("TEXT"),
               QStringLiteral("what the group is for")}},
             QStringLiteral("Create a group."),
             {},
             createGroup},
            {QStringLiteral("list"),
             {},
             {},
             QStringLiteral("List the groups with their keys and routes."),
             {},
             listAll<GroupRecord>(
                 [](store::Database &db) { return groupStore(db).listGroups(); },
                 QStringLiteral("No groups yet. Create one with: portico-gateway groups create "
                                "NAME\n"),
                 groupTable)},
            {QStringLiteral("show"),
             {group},
             {},
             QStringLiteral("Show a group: its keys and routes."),
             QStringLiteral("Routes that the current config no longer has are marked \"(missing "
                            "from config.yaml)\"."),
             showFound<GroupRecord>(describeGroup)},
            {QStringLiteral("rename"),
             {group, QStringLiteral("NEW_NAME")},
             {},
             QStringLiteral("Rename a group."),
             {},
             changeFound<GroupRecord>([](CliContext &context, store::Database &db,
                                         const GroupRecord &found, QString &said) {
                 auto renamed =
                     groupStore(db).renameGroup(found.uuid, context.commandLine().argument(1));
                 if (renamed)
                     said = QStringLiteral("Renamed group '%1' to '%2' (%3).")
                                .arg(found.name, renamed->name, renamed->uuid);
                 return renamed;
             })},
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
             changeFound<GroupRecord>(
                 [](CliContext &, store::Database &db, const GroupRecord &found, QString &said) {
                     auto deleted = groupStore(db).deleteGroup(found.uuid);
                     if (deleted)
                         said = QStringLiteral("Deleted group '%1' (%2): %3 key(s) lost the %4 "
                                               "route(s) it granted; the keys themselves stay.")
                                    .arg(deleted->name, deleted->uuid)
                                    .arg(deleted->keys.size())
                                    .arg(deleted->routes.size());
                     return deleted;
                 })},
            {QStringLiteral("add-route"),
             {group, QStringLiteral("ROUTE")},
             {},
             QStringLiteral("Let the keys of a group use a route of config.yaml."),
             QStringLiteral("A route the config does not have is added anyway, with a warning: "
                            "requests get 404 until\nthe config gains it."),
             changeFound<GroupRecord>(
                 [](CliContext &context, store::Database &db, const GroupRecord &found,
                    QString &said) { return changeRoute(context, db, found, true, said); })},
            {QStringLiteral("remove-route"),
             {group, QStringLiteral("ROUTE")},
             {},
             QStringLiteral("Stop a group from granting a route."),
             {},
             changeFound<GroupRecord>(
                 [](CliContext &context, store::Database &db, const GroupRecord &found,
                    QString &said) { return changeRoute(context, db, found, false, said); })},
        });
}

} // namespace portico::cli
