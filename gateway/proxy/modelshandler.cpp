#include "proxy/modelshandler.h"

#include "config/configmanager.h"
#include "proxy/gatewayservices.h"
#include "proxy/requestcontext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace portico::proxy {

namespace {

QJsonObject modelObject(const QString &route, qint64 created) {
    return {{QStringLiteral("id"), route},
            {QStringLiteral("object"), QStringLiteral("model")},
            {QStringLiteral("created"), created},
            {QStringLiteral("owned_by"), QStringLiteral("portico")}};
}

} // namespace

void ModelsHandler::list(RequestContext &context, const AccessCache::Key &key) {
    const auto config = context.services().config->current();
    QJsonArray data;
    // Only routes that exist in the current config: a group may still name a removed route.
    for (auto it = config->routes.constBegin(); it != config->routes.constEnd(); ++it) {
        if (key.routes.contains(it.key()))
            data.append(modelObject(it.key(), context.services().startedAtSecs));
    }
    const QJsonObject body{{QStringLiteral("object"), QStringLiteral("list")},
                           {QStringLiteral("data"), data}};
    context.sendJson(200, QJsonDocument(body).toJson(QJsonDocument::Compact));
    context.finish(200, {});
}

void ModelsHandler::retrieve(RequestContext &context, const AccessCache::Key &key,
                             const QString &route) {
    const auto config = context.services().config->current();
    if (config->route(route))
        context.usage().route = route;
    else
        context.setUnknownRoute(route);
    if (!config->route(route) || !key.routes.contains(route)) {
        // The same answer for both: listing what a key cannot reach would leak route names.
        context.sendError(ApiError::notFound(
            QStringLiteral("model_not_found"),
            QStringLiteral("The route '%1' does not exist or this API key cannot reach it. GET "
                           "/v1/models lists the routes it can use.")
                .arg(boundedText(route))));
        return;
    }
    context.sendJson(200, QJsonDocument(modelObject(route, context.services().startedAtSecs))
                              .toJson(QJsonDocument::Compact));
    context.finish(200, {});
}

} // namespace portico::proxy
