// groups create | list | show | rename | set-description | delete | add-route | remove-route
#include "clicontext.h"
#include "commands.h"
#include "recordformat.h"
#include "texttable.h"

#include "store/database.h"
#include "store/groupstore.h"

#include <QJsonArray>
#include <QJsonObject>

namespace portico::cli {

namespace {

const QString kListGroupsHint =
    QStringLiteral("Run 'portico-gateway groups list' to see the groups.");

// The store's messages already say what to check; add the list command only when they do not.
QString hintFor(const store::Error &error) {
    if (error.message.contains(QLatin1String("portico-gateway")))
        return {};
    if (error.code == store::Error::Code::NotFound)
        return kListGroupsHint;
    if (error.code == store::Error::Code::Ambiguous)
        return QStringLiteral("Use the uuid instead (see 'portico-gateway groups list').");
    return {};
}

std::optional<store::GroupRecord> findGroup(CliContext &context, store::GroupStore &groups,
                                            const QString &groupRef, int *exitCode) {
    auto found = groups.group(groupRef);
    if (!found.ok()) {
        *exitCode = context.fail(found.error(), hintFor(found.error()));
        return std::nullopt;
    }
    return found.value();
}

int reportGroup(CliContext &context, const store::GroupRecord &group, const QString &humanLine) {
    if (context.json())
        context.printJson(format::groupToJson(group, context.config()));
    else
        CliContext::printOut(humanLine + QLatin1Char('\n'));
    return kExitOk;
}

int createGroup(CliContext &context) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    store::GroupStore groups(*db, CliContext::actor());
    auto created = groups.createGroup(context.commandLine().argument(0),
                                      context.commandLine().value(QStringLiteral("description")));
    if (!created.ok())
        return context.fail(created.error(), hintFor(created.error()));
    return reportGroup(context, created.value(),
                       QStringLiteral("Created group '%1' (%2). Give it routes with "
                                      "'portico-gateway groups add-route %1 ROUTE'.")
                           .arg(created->name, created->uuid));
}

int listGroups(CliContext &context) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    store::GroupStore groups(*db, CliContext::actor());
    auto listed = groups.listGroups();
    if (!listed.ok())
        return context.fail(listed.error(), hintFor(listed.error()));
    const config::GatewayConfig *config = context.config();
    if (context.json()) {
        QJsonArray array;
        for (const store::GroupRecord &group : listed.value())
            array.append(format::groupToJson(group, config));
        context.printJson(array);
        return kExitOk;
    }
    if (listed->isEmpty()) {
        CliContext::printOut(
            QStringLiteral("No groups yet. Create one with: portico-gateway groups create NAME\n"));
        return kExitOk;
    }
    TextTable table({QStringLiteral("NAME"), QStringLiteral("UUID"), QStringLiteral("KEYS"),
                     QStringLiteral("ROUTES"), QStringLiteral("DESCRIPTION")});
    for (const store::GroupRecord &group : listed.value()) {
        QStringList routes;
        for (const QString &route : group.routes)
            routes << (format::isMissingRoute(route, config) ? route + QStringLiteral(" (missing)")
                                                             : route);
        table.addRow({group.name, group.uuid, QString::number(group.keys.size()),
                      routes.isEmpty() ? QStringLiteral("-") : routes.join(QStringLiteral(", ")),
                      group.description});
    }
    CliContext::printOut(table.toString());
    return kExitOk;
}

int showGroup(CliContext &context) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    store::GroupStore groups(*db, CliContext::actor());
    int exitCode = kExitFailed;
    const auto group = findGroup(context, groups, context.commandLine().argument(0), &exitCode);
    if (!group)
        return exitCode;
    const config::GatewayConfig *config = context.config();
    if (!config) {
        context.warn(QStringLiteral("%1 does not load, so routes cannot be checked against it "
                                    "(run 'portico-gateway config check').")
                         .arg(context.configLabel()));
    }
    if (context.json()) {
        context.printJson(format::groupToJson(*group, config));
        return kExitOk;
    }
    QString text;
    auto field = [&text](const QString &label, const QString &value) {
        text += QString(label + QLatin1Char(':')).leftJustified(14) + value + QLatin1Char('\n');
    };
    field(QStringLiteral("Name"), group->name);
    field(QStringLiteral("UUID"), group->uuid);
    field(QStringLiteral("Description"), group->description);
    field(QStringLiteral("Created"), format::humanTime(group->createdAt));
    text += QStringLiteral("\nKeys (%1):\n").arg(group->keys.size());
    if (group->keys.isEmpty()) {
        text += QStringLiteral("  none: add one with 'portico-gateway keys add-group KEY %1'\n")
                    .arg(group->uuid);
    } else {
        TextTable keys({QStringLiteral("NAME"), QStringLiteral("UUID")});
        for (const store::KeyRef &key : group->keys)
            keys.addRow({key.name, key.uuid});
        text += keys.toString(2);
    }
    text += QStringLiteral("\nRoutes (%1):\n").arg(group->routes.size());
    if (group->routes.isEmpty()) {
        text += QStringLiteral("  none: add one with 'portico-gateway groups add-route %1 "
                               "ROUTE'\n")
                    .arg(group->uuid);
    } else {
        for (const QString &route : group->routes)
            text += QStringLiteral("  ") + route + format::missingMark(route, config) +
                    QLatin1Char('\n');
    }
    CliContext::printOut(text);
    return kExitOk;
}

int renameGroup(CliContext &context) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    store::GroupStore groups(*db, CliContext::actor());
    int exitCode = kExitFailed;
    const auto group = findGroup(context, groups, context.commandLine().argument(0), &exitCode);
    if (!group)
        return exitCode;
    auto renamed = groups.renameGroup(group->uuid, context.commandLine().argument(1));
    if (!renamed.ok())
        return context.fail(renamed.error(), hintFor(renamed.error()));
    return reportGroup(context, renamed.value(),
                       QStringLiteral("Renamed group '%1' to '%2' (%3).")
                           .arg(group->name, renamed->name, renamed->uuid));
}

int setDescription(CliContext &context) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    store::GroupStore groups(*db, CliContext::actor());
    int exitCode = kExitFailed;
    const auto group = findGroup(context, groups, context.commandLine().argument(0), &exitCode);
    if (!group)
        return exitCode;
    auto changed = groups.setDescription(group->uuid, context.commandLine().argument(1));
    if (!changed.ok())
        return context.fail(changed.error(), hintFor(changed.error()));
    return reportGroup(context, changed.value(),
                       QStringLiteral("Updated the description of group '%1'.").arg(group->name));
}

int deleteGroup(CliContext &context) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    store::GroupStore groups(*db, CliContext::actor());
    int exitCode = kExitFailed;
    const auto group = findGroup(context, groups, context.commandLine().argument(0), &exitCode);
    if (!group)
        return exitCode;
    auto deleted = groups.deleteGroup(group->uuid);
    if (!deleted.ok())
        return context.fail(deleted.error(), hintFor(deleted.error()));
    return reportGroup(context, deleted.value(),
                       QStringLiteral("Deleted group '%1' (%2): %3 key(s) lost the %4 route(s) "
                                      "it granted; the keys themselves stay.")
                           .arg(deleted->name, deleted->uuid)
                           .arg(deleted->keys.size())
                           .arg(deleted->routes.size()));
}

int changeRoute(CliContext &context, bool add) {
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    store::GroupStore groups(*db, CliContext::actor());
    int exitCode = kExitFailed;
    const auto group = findGroup(context, groups, context.commandLine().argument(0), &exitCode);
    if (!group)
        return exitCode;
    const QString route = context.commandLine().argument(1).trimmed();
    auto changed =
        add ? groups.addRoute(group->uuid, route) : groups.removeRoute(group->uuid, route);
    if (!changed.ok())
        return context.fail(changed.error(), hintFor(changed.error()));
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
    return reportGroup(
        context, changed.value(),
        add ? QStringLiteral("Group '%1' now grants route '%2' to its %3 key(s).")
                  .arg(changed->name, route)
                  .arg(changed->keys.size())
            : QStringLiteral("Group '%1' no longer grants route '%2'.").arg(changed->name, route));
}

int addRoute(CliContext &context) {
    return changeRoute(context, true);
}

int removeRoute(CliContext &context) {
    return changeRoute(context, false);
}

} // namespace

QList<CommandSpec> groupCommands() {
    const QString group = QStringLiteral("GROUP");
    return {
        {{QStringLiteral("groups"), QStringLiteral("create")},
         {QStringLiteral("NAME")},
         {{QStringLiteral("description"), QStringLiteral("TEXT"),
           QStringLiteral("what the group is for")}},
         QStringLiteral("Create a group."),
         {},
         createGroup},
        {{QStringLiteral("groups"), QStringLiteral("list")},
         {},
         {},
         QStringLiteral("List the groups with their keys and routes."),
         {},
         listGroups},
        {{QStringLiteral("groups"), QStringLiteral("show")},
         {group},
         {},
         QStringLiteral("Show a group: its keys and routes."),
         QStringLiteral("Routes that the current config no longer has are marked \"(missing "
                        "from config.yaml)\"."),
         showGroup},
        {{QStringLiteral("groups"), QStringLiteral("rename")},
         {group, QStringLiteral("NEW_NAME")},
         {},
         QStringLiteral("Rename a group."),
         {},
         renameGroup},
        {{QStringLiteral("groups"), QStringLiteral("set-description")},
         {group, QStringLiteral("TEXT")},
         {},
         QStringLiteral("Change the description of a group."),
         {},
         setDescription},
        {{QStringLiteral("groups"), QStringLiteral("delete")},
         {group},
         {},
         QStringLiteral("Delete a group (no prompt): its keys lose the routes it granted."),
         {},
         deleteGroup},
        {{QStringLiteral("groups"), QStringLiteral("add-route")},
         {group, QStringLiteral("ROUTE")},
         {},
         QStringLiteral("Let the keys of a group use a route of config.yaml."),
         QStringLiteral("A route the config does not have is added anyway, with a warning: "
                        "requests get 404 until\nthe config gains it."),
         addRoute},
        {{QStringLiteral("groups"), QStringLiteral("remove-route")},
         {group, QStringLiteral("ROUTE")},
         {},
         QStringLiteral("Stop a group from granting a route."),
         {},
         removeRoute},
    };
}

} // namespace portico::cli
