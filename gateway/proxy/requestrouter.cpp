#include "proxy/requestrouter.h"

#include "config/configmanager.h"
#include "metering/gatewaylog.h"
#include "metering/metrics.h"
#include "proxy/authenticator.h"
#include "proxy/auththrottle.h"
#include "proxy/completionexchange.h"
#include "proxy/gatewayservices.h"
#include "proxy/healthhandler.h"
#include "proxy/keylimiter.h"
#include "proxy/modelshandler.h"
#include "proxy/ratelimiter.h"
#include "proxy/requestcontext.h"
#include "proxy/requestvalidator.h"

#include <QCryptographicHash>
#include <QJsonArray>

namespace portico::proxy {

namespace {

// Clients configured with base_url ".../v1" and those configured with the bare host both work.
QByteArray apiPath(QByteArray path) {
    while (path.size() > 1 && path.endsWith('/'))
        path.chop(1);
    if (path.startsWith("/v1/"))
        return path.mid(3);
    return path;
}

// Checks the request's key and writes whose request it is on its log entry and usage row (also
// when the key is refused but known: disabled, expired).
Authenticator::Outcome identifyCaller(RequestContext &context, const QByteArray &authorization,
                                      bool mayAskStore = true) {
    const Authenticator authenticator(*context.services().access);
    Authenticator::Outcome outcome =
        authenticator.authenticate(authorization, QDateTime::currentDateTimeUtc(), mayAskStore);
    context.setLogKey(outcome.keyLabel);
    if (outcome.identified) {
        context.usage().keyUuid = outcome.identified->uuid;
        context.usage().keyName = outcome.identified->name;
    }
    return outcome;
}

// The key check without side effects: whether the address is under the failed-authentication
// throttle (then the store is not asked) and what the Authenticator says.
struct KeyCheck {
    bool throttled = false;
    Authenticator::Outcome outcome;
};

KeyCheck checkKey(const GatewayServices &services, const http::Request &request, qint64 now) {
    KeyCheck check;
    AuthThrottle *throttle = services.authThrottle;
    check.throttled = throttle && throttle->isThrottled(request.peerAddress, now);
    const Authenticator authenticator(*services.access);
    check.outcome = authenticator.authenticate(request.header("authorization"),
                                               QDateTime::currentDateTimeUtc(), !check.throttled);
    return check;
}

bool addressAllowed(const AccessCache::Key &key, const http::Request &request) {
    return key.allowedIps.isEmpty() || key.allowedIps.contains(request.peerAddress);
}

// Applies a key check to the request: on refusal sends the error (and feeds the throttle);
// on success notes whose request it is.
bool applyKeyCheck(RequestContext &context, const http::Request &request, KeyCheck check,
                   qint64 now, AccessCache::KeyRef *key) {
    const GatewayServices &services = context.services();
    AuthThrottle *throttle = services.authThrottle;
    const bool throttled = check.throttled;
    Authenticator::Outcome outcome = std::move(check.outcome);
    context.setLogKey(outcome.keyLabel);
    if (outcome.identified) {
        context.usage().keyUuid = outcome.identified->uuid;
        context.usage().keyName = outcome.identified->name;
    }
    if (!outcome.ok()) {
        if (throttled && !outcome.identified) {
            if (services.metrics)
                services.metrics->recordAuthThrottled();
            // No usage row and no log line each: a flood of guesses must cost the store nothing
            // (the throttle's start is logged once, the refusals are counted in /metrics, and
            // RefusalFolder folds them into one row and line per address and minute).
            context.sendError(ApiError::tooManyRequests(
                QStringLiteral("too_many_invalid_keys"),
                QStringLiteral("Too many requests with an invalid API key came from this address "
                               "in the last minute. Check the key your client sends; requests with "
                               "a valid key still pass."),
                (AuthThrottle::windowEndMs(now) - now + 999) / 1000));
            return false;
        }
        context.sendError(outcome.error);
        if (throttle && throttle->noteRefused(request.peerAddress, now)) {
            if (services.metrics)
                services.metrics->recordAuthThrottleStarted();
            context.logEvent(
                QStringLiteral("auth_throttled"), int(metering::LogEntry::Level::Warning),
                QStringLiteral("The address %1 sent %2 invalid API keys within a minute: its "
                               "requests with an invalid key are refused until %3.")
                    .arg(request.peerAddress.toString())
                    .arg(throttle->maxRefusals())
                    .arg(QDateTime::fromMSecsSinceEpoch(AuthThrottle::windowEndMs(now), Qt::UTC)
                             .toString(Qt::ISODate)));
        }
        return false;
    }
    const AccessCache::Key &found = *outcome.key;
    if (!addressAllowed(found, request)) {
        context.sendError(ApiError::forbidden(
            QStringLiteral("address_not_allowed"),
            QStringLiteral("This API key may not be used from the address %1. Use it from an "
                           "allowed address, or ask its admin to allow this one (portico-gateway "
                           "keys set-allowed-ips).")
                .arg(request.peerAddress.toString())));
        return false;
    }
    // The admin sees who has not switched to a rotated key's new secret yet.
    context.usage().oldSecret = found.isOldSecret();
    if (found.isOldSecret() && !context.isFinished())
        context.logEvent(
            QStringLiteral("old_secret_used"), int(metering::LogEntry::Level::Warning),
            QStringLiteral("The key '%1' was used with its previous secret, which "
                           "works until %2 (grace period after a rotation).")
                .arg(found.name, found.secretValidUntil.toUTC().toString(Qt::ISODate)));
    *key = std::move(outcome.key);
    return true;
}

bool authenticate(RequestContext &context, const http::Request &request, AccessCache::KeyRef *key) {
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return applyKeyCheck(context, request, checkKey(context.services(), request, now), now, key);
}

// What a request may use at most, known before it runs: its prompt (about 4 characters a
// token) and the completion it allows (max_tokens or max_completion_tokens; 0 when unbounded),
// priced at the dearest model it may reach.
KeyLimiter::Reservation reservationFor(const RequestValidator::PromptSize &size,
                                       const QList<const config::ModelConfig *> &models,
                                       qint64 *promptEstimate) {
    const qint64 prompt = (size.characters + 3) / 4 + 4 * size.pieces;
    const qint64 completion = size.completionCap;
    double cost = 0;
    for (const config::ModelConfig *model : models)
        cost = std::max(cost, prompt * model->inputCostPerMillionTokens / 1e6 +
                                  completion * model->outputCostPerMillionTokens / 1e6);
    *promptEstimate = prompt;
    return {double(prompt + completion), cost};
}

// The host name of a Host header, lower case, without its port ("[::1]:8000" -> "[::1]").
QString hostName(const QString &host) {
    if (host.startsWith(QLatin1Char('['))) {
        const qsizetype end = host.indexOf(QLatin1Char(']'));
        return end < 0 ? host : host.left(end + 1);
    }
    const qsizetype colon = host.indexOf(QLatin1Char(':'));
    return colon < 0 ? host : host.left(colon);
}

// /health and /metrics need no key, so a web page whose name its DNS points at the gateway
// (DNS rebinding) could read them in the visitor's browser: they answer only a Host that is
// localhost, a loopback address, the listen address (any address when it listens on all) or a
// name of gateway.allowed_hosts. A request without Host (HTTP/1.0 tools) is no browser's.
bool hostAllowed(const GatewayServices &services, const config::GatewayConfig &config,
                 const http::Request &request) {
    const QByteArray raw = request.header("host").trimmed();
    if (raw.isEmpty())
        return true;
    const QString host = QString::fromLatin1(raw).toLower();
    const QString name = hostName(host);
    if (name == QLatin1String("localhost") || name.endsWith(QLatin1String(".localhost")))
        return true;
    for (const QString &allowed : config.gateway.allowedHosts) {
        if (allowed == host || allowed == name)
            return true;
    }
    QString literal = name;
    if (literal.startsWith(QLatin1Char('[')) && literal.endsWith(QLatin1Char(']')))
        literal = literal.mid(1, literal.size() - 2);
    QHostAddress address;
    if (!address.setAddress(literal))
        return false;
    const QHostAddress &listen = services.listenAddress;
    return address.isLoopback() || address.isEqual(listen, QHostAddress::TolerantConversion) ||
           listen == QHostAddress::Any || listen == QHostAddress::AnyIPv4 ||
           listen == QHostAddress::AnyIPv6;
}

bool refuseForeignHost(RequestContext &context, const config::GatewayConfig &config,
                       const http::Request &request) {
    if (hostAllowed(context.services(), config, request))
        return false;
    ApiError error;
    error.status = 421;
    error.type = QStringLiteral("invalid_request_error");
    error.code = QStringLiteral("host_not_allowed");
    error.message =
        QStringLiteral("This gateway does not answer %1 for the host '%2': use localhost or its "
                       "listen address, or ask its admin to add the name to gateway.allowed_hosts "
                       "in config.yaml.")
            .arg(boundedUtf8(request.path), boundedUtf8(request.header("host"), 100));
    context.sendError(error);
    return true;
}

// When gateway.metrics_token is set, /metrics wants it as a bearer token.
bool metricsTokenAccepted(const config::GatewayConfig &config, const http::Request &request) {
    if (config.gateway.metricsToken.isEmpty())
        return true;
    const QByteArray authorization = request.header("authorization").trimmed();
    if (!authorization.startsWith("Bearer ") && !authorization.startsWith("bearer "))
        return false;
    // Compared by hash: no early exit that tells how much of a guess was right.
    const auto digest = [](QByteArrayView text) {
        return QCryptographicHash::hash(text, QCryptographicHash::Sha256);
    };
    const QByteArray given = digest(authorization.mid(7).trimmed());
    const QByteArray wanted = digest(config.gateway.metricsToken.toUtf8());
    unsigned char difference = 0;
    for (qsizetype i = 0; i < wanted.size(); ++i)
        difference |= static_cast<unsigned char>(given.at(i) ^ wanted.at(i));
    return difference == 0;
}

// Like /health, /metrics needs no key: Prometheus scrapers carry none. It names keys, so it is
// served only where the gateway itself listens (loopback unless the operator chose otherwise),
// never on a separate, wider listener.
void serveMetrics(RequestContext &context) {
    context.setRecordUsage(false);
    const QByteArray body =
        context.services().metrics ? context.services().metrics->render() : QByteArray();
    if (http::Responder *responder = context.responder())
        responder->send(200, metering::MetricsRegistry::kContentType, body,
                        context.commonHeaders());
    context.finish(200, {});
}

QString configFileLabel(const config::GatewayConfig &config) {
    return config.sourceFile.isEmpty() ? QStringLiteral("the built-in config") : config.sourceFile;
}

} // namespace

RequestRouter::RequestRouter(GatewayServices &services)
    : m_services(services) {}

void RequestRouter::handle(const http::Request &request, http::Responder *responder) {
    auto context = std::make_shared<RequestContext>(m_services, request, responder);
    const QByteArray path = apiPath(request.path);
    const bool isGet = request.method == "GET" || request.method == "HEAD";
    const bool isPost = request.method == "POST";

    auto wrongMethod = [&](const QByteArray &allowed) {
        context->sendError(ApiError::methodNotAllowed(
            allowed, QStringLiteral("%1 does not accept %2: use %3.")
                         .arg(boundedUtf8(request.path), boundedUtf8(request.method, 16),
                              QString::fromLatin1(allowed))));
    };

    if (path == "/health") {
        if (!isGet)
            return wrongMethod("GET");
        if (refuseForeignHost(*context, *m_services.config->current(), request))
            return;
        HealthHandler::handle(*context);
        return;
    }
    if (path == "/metrics") {
        if (!isGet)
            return wrongMethod("GET");
        const auto config = m_services.config->current();
        if (refuseForeignHost(*context, *config, request))
            return;
        if (!metricsTokenAccepted(*config, request)) {
            context->sendError(ApiError::unauthorized(
                QStringLiteral("invalid_metrics_token"),
                QStringLiteral("/metrics needs the token of gateway.metrics_token in config.yaml: "
                               "send it as \"Authorization: Bearer <token>\" (in Prometheus: "
                               "authorization.credentials of the scrape job).")));
            return;
        }
        serveMetrics(*context);
        return;
    }
    if (path == "/chat/completions" || path == "/embeddings") {
        if (!isPost)
            return wrongMethod("POST");
        handleCompletion(context, request, path == "/embeddings");
        return;
    }
    if (path == "/models" || path.startsWith("/models/")) {
        if (!isGet)
            return wrongMethod("GET");
        const QString route = path == "/models"
                                  ? QString()
                                  : QString::fromUtf8(QByteArray::fromPercentEncoding(path.mid(8)));
        handleModels(context, request, route);
        return;
    }
    context->sendError(ApiError::notFound(
        QStringLiteral("not_found"),
        QStringLiteral("There is no endpoint %1 %2. The gateway serves POST /v1/chat/completions, "
                       "POST /v1/embeddings, GET /v1/models, GET /health and GET /metrics.")
            .arg(boundedUtf8(request.method, 16), boundedUtf8(request.path))));
}

bool RequestRouter::checkHead(const http::Request &head,
                              const std::function<http::Responder *()> &refuse) {
    const QByteArray path = apiPath(head.path);
    const bool completion = path == "/chat/completions" || path == "/embeddings";
    const bool models = path == "/models" || path.startsWith("/models/");
    if (path == "/health" || path == "/metrics")
        return true;
    if (!completion && !models) {
        // No such endpoint: the same 404 as after the body, without reading it.
        handle(head, refuse());
        return false;
    }
    // A wrong method is answered (405) by handle(), in the usual order.
    if (completion ? head.method != "POST" : head.method != "GET" && head.method != "HEAD")
        return true;

    // The key is in the head, the route only in the body: what can be refused now is a missing,
    // invalid, disabled or expired key, an address the key may not use, and (for a model call) a
    // key that no group grants any route. The route and its grant are checked once the body is
    // parsed (handleCompletion), as before.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    KeyCheck check = checkKey(m_services, head, now);
    const auto passes = [&](const KeyCheck &candidate) {
        return candidate.outcome.ok() && addressAllowed(*candidate.outcome.key, head);
    };
    const auto hasRoutes = [&](const KeyCheck &candidate) {
        return !completion || !candidate.outcome.key->routes.isEmpty();
    };
    if (passes(check) && !hasRoutes(check) && m_services.access->refreshIfChangedElsewhere()) {
        // A grant made by another process a moment ago: look again in a fresh snapshot.
        check = checkKey(m_services, head, now);
    }
    if (passes(check) && hasRoutes(check))
        return true;

    auto context = std::make_shared<RequestContext>(m_services, head, refuse());
    AccessCache::KeyRef key;
    if (!applyKeyCheck(*context, head, std::move(check), now, &key))
        return false;
    context->sendError(ApiError::forbidden(
        QStringLiteral("route_not_allowed"),
        QStringLiteral("This API key belongs to no group that grants any route. Add the key to a "
                       "group that has access to the route you want (portico-gateway keys "
                       "add-group KEY GROUP) or grant a route to one of its groups.")));
    return false;
}

void RequestRouter::handleRejection(const http::Request &partial, const http::Rejection &rejection,
                                    http::Responder *responder) {
    auto context = std::make_shared<RequestContext>(m_services, partial, responder);
    // Only to say whose request it was: the refusal stands whatever the key.
    const QByteArray authorization = partial.header("authorization");
    if (!authorization.isEmpty())
        identifyCaller(*context, authorization);
    ApiError error;
    error.status = rejection.status;
    error.type = QString::fromLatin1(rejection.type);
    error.code = QString::fromLatin1(rejection.code);
    error.message = rejection.message;
    error.headers = rejection.extraHeaders;
    context->sendError(error);
}

void RequestRouter::handleModels(const std::shared_ptr<RequestContext> &context,
                                 const http::Request &request, const QString &route) {
    AccessCache::KeyRef key;
    if (!authenticate(*context, request, &key))
        return;
    if (route.isEmpty())
        ModelsHandler::list(*context, *key);
    else
        ModelsHandler::retrieve(*context, *key, route);
}

void RequestRouter::handleCompletion(const std::shared_ptr<RequestContext> &context,
                                     const http::Request &request, bool embeddings) {
    AccessCache::KeyRef key;
    if (!authenticate(*context, request, &key))
        return;

    const auto validated = embeddings ? RequestValidator::embeddings(request.body)
                                      : RequestValidator::chatCompletion(request.body);
    if (!validated.ok()) {
        context->sendError(validated.error);
        return;
    }
    const RequestValidator::Parsed &parsed = *validated.parsed;
    context->usage().stream = parsed.stream;

    const auto config = m_services.config->current();
    const config::RouteConfig *route = config->route(parsed.model);
    if (!route) {
        context->setUnknownRoute(parsed.model);
        // Not the config file's path: that is for the log and the window.
        ApiError error = ApiError::notFound(
            QStringLiteral("route_not_found"),
            QStringLiteral("The route '%1' does not exist in the gateway's config.yaml. Check the "
                           "model name of your request or ask the gateway's admin to add the "
                           "route.")
                .arg(boundedText(parsed.model)));
        error.logDetail = QStringLiteral("config file: %1").arg(configFileLabel(*config));
        context->sendError(error);
        return;
    }
    context->usage().route = route->name;
    // A grant made by another process a moment ago: look the key up again in a fresh snapshot
    // before refusing (the same rule as for keys the cache does not know yet).
    if (!key->routes.contains(route->name) &&
        context->services().access->refreshIfChangedElsewhere() &&
        !authenticate(*context, request, &key))
        return;
    if (!key->routes.contains(route->name)) {
        context->sendError(ApiError::forbidden(
            QStringLiteral("route_not_allowed"),
            QStringLiteral("This API key belongs to no group that grants the route '%1'. Add the "
                           "key to a group that has access to '%1' (portico-gateway keys "
                           "add-group KEY GROUP) or grant the route to one of its groups.")
                .arg(route->name)));
        return;
    }

    const QStringList &modelIds = embeddings ? route->embeddingModels : route->chatModels;
    if (modelIds.isEmpty()) {
        ApiError error = ApiError::badRequest(
            embeddings ? QStringLiteral("route_has_no_embedding_models")
                       : QStringLiteral("route_has_no_chat_models"),
            QStringLiteral("The route '%1' has no %2 in config.yaml: use a route that has, or ask "
                           "the gateway's admin to add %2 to it.")
                .arg(route->name, embeddings ? QStringLiteral("embedding_models")
                                             : QStringLiteral("chat_models")),
            QStringLiteral("model"));
        error.logDetail = QStringLiteral("config file: %1").arg(configFileLabel(*config));
        context->sendError(error);
        return;
    }

    CompletionExchange::Plan plan;
    plan.endpoint = embeddings ? CompletionExchange::Endpoint::Embeddings
                               : CompletionExchange::Endpoint::ChatCompletions;
    plan.config = config;
    plan.route = route;
    plan.rawBody = request.body;
    plan.clientStreamOptions = parsed.streamOptions;
    plan.stream = parsed.stream;
    plan.clientWantsUsage = parsed.includeUsage;
    auto findModel = [&](const QString &id) {
        return embeddings ? config->embeddingModel(id) : config->chatModel(id);
    };
    QStringList chain{modelIds.first()};
    for (const auto &fallback : route->fallbacks) {
        if (fallback.target == modelIds.first())
            chain += fallback.fallbacks;
    }
    for (const auto &id : chain) {
        if (const config::ModelConfig *model = findModel(id))
            plan.models.append(model);
    }
    if (plan.models.isEmpty()) {
        ApiError error = ApiError::internal(
            QStringLiteral("The route '%1' names the model '%2', which the gateway's config.yaml "
                           "does not define.")
                .arg(route->name, modelIds.first()));
        error.logDetail = QStringLiteral("config file: %1").arg(configFileLabel(*config));
        context->sendError(error);
        return;
    }

    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (KeyLimiter *keyLimits = m_services.keyLimits) {
        KeyLimiter::Decision limits =
            keyLimits->admit(*key, route->name,
                             reservationFor(parsed.prompt, plan.models, &plan.promptEstimate), now);
        if (limits.refusal) {
            context->sendError(*limits.refusal);
            return;
        }
        context->addCommonHeaders(limits.headers);
        plan.limits = std::move(limits.ticket);
    }
    const auto decision = m_services.limiter->admit(key->uuid, *route, now);
    if (!decision.allowed) {
        context->sendError(
            ApiError::tooManyRequests(decision.code, decision.message, decision.retryAfterSeconds));
        return;
    }

    auto *exchange = new CompletionExchange(context, std::move(plan));
    exchange->start();
}

} // namespace portico::proxy
