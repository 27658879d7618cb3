// groups create | list | show | rename | set-description | delete | add-route | remove-route:
// what only groups do. The commands themselves are described in objectcommands.cpp.
#include "objectcommands.h"
#include "recordformat.h"
#include "texttable.h"

#include "store/database.h"
#include "store/groupstore.h"

namespace portico::cli::groupcommands {

namespace {

store::GroupStore groupStore(store::Database &db) {
    return store::GroupStore(db, CliContext::actor());
}

} // namespace

int create(CliContext &context, const ObjectFamily<GroupRecord> &family) {
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

QString table(const QList<GroupRecord> &groups, const config::GatewayConfig *config) {
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

QString describe(const GroupRecord &group, const config::GatewayConfig *config) {
    QString routes;
    for (const QString &route : group.routes)
        routes +=
            QStringLiteral("  ") + route + format::missingMark(route, config) + QLatin1Char('\n');
    return fieldLines(14, {{QStringLiteral("Name"), group.name},
                           {QStringLiteral("UUID"), group.uuid},
                           {QStringLiteral("Description"), group.description},
                           {QStringLiteral("Created"), format::humanTime(group.createdAt)},
                           {QStringLiteral("Limits"), format::limitsText(group.limits)}}) +
           section(QStringLiteral("Keys"), group.keys.size(),
                   QStringLiteral("none: add one with 'portico-gateway keys add-group KEY %1'")
                       .arg(group.uuid),
                   nameAndUuidRows(group.keys)) +
           section(QStringLiteral("Routes"), group.routes.size(),
                   QStringLiteral("none: add one with 'portico-gateway groups add-route %1 ROUTE'")
                       .arg(group.uuid),
                   routes);
}

store::Result<GroupRecord> remove(store::Database &db, const GroupRecord &group, QString &said) {
    auto deleted = groupStore(db).deleteGroup(group.uuid);
    if (deleted)
        said = QStringLiteral("Deleted group '%1' (%2): %3 key(s) lost the %4 route(s) it "
                              "granted; the keys themselves stay.")
                   .arg(deleted->name, deleted->uuid)
                   .arg(deleted->keys.size())
                   .arg(deleted->routes.size());
    return deleted;
}

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

} // namespace portico::cli::groupcommands
