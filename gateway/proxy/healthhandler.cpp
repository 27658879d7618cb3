#include "proxy/healthhandler.h"

#include "config/configmanager.h"
#include "proxy/accesscache.h"
#include "proxy/gatewayservices.h"
#include "proxy/requestcontext.h"
#include "store/database.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace portico::proxy {

void HealthHandler::handle(RequestContext &context) {
    GatewayServices &services = context.services();
    context.setRecordUsage(false);
    const bool storeOk =
        services.access->storeReachable() && services.database->changeCounter() >= 0;
    const auto config = services.config->current();
    const QJsonObject configStatus{
        {QStringLiteral("file"),
         config->sourceFile.isEmpty() ? QStringLiteral("(built-in)") : config->sourceFile},
        {QStringLiteral("routes"), static_cast<int>(config->routes.size())},
        {QStringLiteral("last_load_failed"), services.config->lastLoadFailed()}};
    const QJsonObject body{
        {QStringLiteral("status"), storeOk ? QStringLiteral("ok") : QStringLiteral("degraded")},
        {QStringLiteral("store"), storeOk ? QStringLiteral("ok") : QStringLiteral("unavailable")},
        {QStringLiteral("config"), configStatus}};
    const int status = storeOk ? 200 : 503;
    context.sendJson(status, QJsonDocument(body).toJson(QJsonDocument::Compact));
    context.finish(status, {});
}

} // namespace portico::proxy
