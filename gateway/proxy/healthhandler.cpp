#include "proxy/healthhandler.h"

#include "config/configmanager.h"
#include "metering/usagerecorder.h"
#include "proxy/accesscache.h"
#include "proxy/gatewayservices.h"
#include "proxy/requestcontext.h"
#include "store/database.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace portico::proxy {

void HealthHandler::handle(RequestContext &context) {
    GatewayServices &services = context.services();
    context.setRecordUsage(false);
    // From what the gateway already knows, without a query: a load balancer's checks must not
    // wait on a store that does not answer. The access cache reads the store every 250 ms (2 s
    // on PostgreSQL) and the usage writer every 200 ms.
    const qint64 heldRows = services.usage ? services.usage->heldRows() : 0;
    const bool storeOk = services.access->storeReachable() && heldRows == 0;
    const auto config = services.config->current();
    const QJsonObject configStatus{
        // The file's name, not its path: the path is for the log and the window.
        {QStringLiteral("file"), config->sourceFile.isEmpty()
                                     ? QStringLiteral("(built-in)")
                                     : QFileInfo(config->sourceFile).fileName()},
        {QStringLiteral("routes"), static_cast<int>(config->routes.size())},
        {QStringLiteral("last_load_failed"), services.config->lastLoadFailed()}};
    const QJsonObject body{
        {QStringLiteral("status"), storeOk ? QStringLiteral("ok") : QStringLiteral("degraded")},
        {QStringLiteral("store"), storeOk ? QStringLiteral("ok") : QStringLiteral("unavailable")},
        // While the store is away, known keys keep the access they had; new ones are refused.
        {QStringLiteral("access"), services.access->storeReachable()
                                       ? QStringLiteral("current")
                                       : QStringLiteral("last known")},
        {QStringLiteral("usage_rows_held"), heldRows},
        {QStringLiteral("config"), configStatus}};
    const int status = storeOk ? 200 : 503;
    context.sendJson(status, QJsonDocument(body).toJson(QJsonDocument::Compact));
    context.finish(status, {});
}

} // namespace portico::proxy
