#include "proxy/gateway.h"

#include "config/configmanager.h"
#include "http/httpserver.h"
#include "metering/gatewaylog.h"
#include "metering/heaptrimmer.h"
#include "metering/metrics.h"
#include "metering/usagerecorder.h"
#include "metering/usageretention.h"
#include "proxy/accesscache.h"
#include "proxy/answerbudget.h"
#include "proxy/auththrottle.h"
#include "proxy/gatewayservices.h"
#include "proxy/keylimiter.h"
#include "proxy/ratelimiter.h"
#include "proxy/refusalfolder.h"
#include "proxy/requestrouter.h"
#include "store/database.h"
#include "upstream/upstreamclient.h"

#include <QDeadlineTimer>
#include <QThread>
#include <QTimer>

namespace portico::proxy {

namespace {
using metering::logEvent;

constexpr int kStopGraceMs = 3000;

// The folded refusals' rows and lines (RefusalFolder).
void writeFolded(metering::UsageRecorder *usage, metering::GatewayLog *log, bool metering,
                 const QList<RefusalFolder::Folded> &folded) {
    if (!metering)
        return;
    for (const RefusalFolder::Folded &one : folded) {
        usage->submit(one.row);
        metering::LogEntry entry;
        entry.time = QDateTime::currentDateTimeUtc();
        entry.level = metering::LogEntry::Level::Warning;
        entry.status = one.row.status;
        entry.event = QStringLiteral("refusals_folded");
        entry.message = one.logMessage;
        log->append(std::move(entry));
    }
}

// The config's warnings (an http:// base_url with a provider key, a config readable by others,
// ...) in the log, so that the window's Logs page and a --log-file show them too.
void logConfigWarnings(metering::GatewayLog *log, const config::GatewayConfig &config) {
    for (const config::Problem &problem : config.warnings)
        logEvent(log, metering::LogEntry::Level::Warning, QStringLiteral("config_warning"),
                 problem.toString());
}
} // namespace

class Gateway::Private {
public:
    std::shared_ptr<store::Database> database;
    std::shared_ptr<config::ConfigManager> config;
    GatewayOptions options;
    std::unique_ptr<upstream::UpstreamClient> upstream;
    std::unique_ptr<AccessCache> access;
    std::unique_ptr<metering::UsageRecorder> usage;
    std::unique_ptr<metering::UsageRetention> retention;
    std::unique_ptr<metering::HeapTrimmer> heapTrimmer;
    std::unique_ptr<RateLimiter> limiter;
    std::unique_ptr<KeyLimiter> keyLimits;
    std::unique_ptr<AuthThrottle> authThrottle;
    std::unique_ptr<AnswerBudget> answerBudget;
    std::unique_ptr<RefusalFolder> refusals;
    QTimer *refusalTimer = nullptr; // writes the folded refusals of each minute that ended
    // Outlives restarts: the counters cover the gateway object's whole life.
    std::unique_ptr<metering::MetricsRegistry> metrics;
    std::unique_ptr<GatewayServices> services;
    std::unique_ptr<RequestRouter> router;
    std::unique_ptr<http::Server> server;
    QString error;
};

Gateway::Gateway(std::shared_ptr<store::Database> database,
                 std::shared_ptr<config::ConfigManager> config, GatewayOptions options,
                 QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>()) {
    d->database = std::move(database);
    d->config = std::move(config);
    d->options = options;
    d->metrics = std::make_unique<metering::MetricsRegistry>(QStringLiteral(PORTICO_VERSION));
    if (!d->options.log)
        d->options.log = std::make_shared<metering::GatewayLog>();
    if (d->config) {
        metering::GatewayLog *log = d->options.log.get();
        config::ConfigManager *manager = d->config.get();
        connect(manager, &config::ConfigManager::configChanged, this, [this, log, manager]() {
            // A shorter retention applies at once, not at the next hourly pass.
            if (d->retention)
                d->retention->requestPass();
            const auto current = manager->current();
            logEvent(log, metering::LogEntry::Level::Info, QStringLiteral("config_reloaded"),
                     QStringLiteral("The config was reloaded: %1 route(s).")
                         .arg(current ? current->routes.size() : 0));
            if (current)
                logConfigWarnings(log, *current);
        });
        connect(manager, &config::ConfigManager::loadFailed, this,
                [log](const QList<config::Problem> &problems) {
                    QStringList lines;
                    for (const config::Problem &problem : problems)
                        lines += problem.toString();
                    logEvent(log, metering::LogEntry::Level::Error,
                             QStringLiteral("config_rejected"),
                             QStringLiteral("The config does not load, the last good one keeps "
                                            "serving: ") +
                                 lines.join(QStringLiteral("; ")));
                });
    }
}

Gateway::~Gateway() {
    stop();
}

bool Gateway::start() {
    if (d->server)
        return true;
    d->error.clear();

    http::Limits limits;
    limits.workerThreads = std::max(1, d->options.workerThreads);
    limits.idleTimeoutMs = d->options.idleTimeoutMs;
    limits.maxConnections = d->options.maxConnections;
    limits.maxBodyBytes = d->options.maxBodyBytes;

    d->upstream = std::make_unique<upstream::UpstreamClient>();
    d->access = std::make_unique<AccessCache>(d->database);
    d->usage = std::make_unique<metering::UsageRecorder>(d->database);
    d->usage->setReporting(d->options.log.get(), d->metrics.get());
    d->limiter = std::make_unique<RateLimiter>();
    d->keyLimits = std::make_unique<KeyLimiter>(
        d->database, [access = d->access.get()] { return access->storeReachable(); });
    d->services = std::make_unique<GatewayServices>();
    d->services->database = d->database;
    d->services->config = d->config;
    d->services->upstream = d->upstream.get();
    d->services->access = d->access.get();
    d->services->usage = d->usage.get();
    d->services->limiter = d->limiter.get();
    d->services->keyLimits = d->keyLimits.get();
    d->authThrottle = std::make_unique<AuthThrottle>(d->options.failedAuthPerMinute);
    d->services->authThrottle = d->authThrottle.get();
    d->refusals = std::make_unique<RefusalFolder>(d->options.refusalsPerMinute);
    d->services->refusals = d->refusals.get();
    d->services->metrics = d->metrics.get();
    d->services->log = d->options.log.get();
    d->services->limits = limits;
    d->answerBudget = std::make_unique<AnswerBudget>(d->options.upstreamAnswerBudgetBytes);
    d->services->answerBudget = d->answerBudget.get();
    d->services->maxUpstreamAnswerBytes = d->options.maxUpstreamAnswerBytes;
    d->services->metering = d->options.metering;
    d->services->listenAddress = d->options.address;
    d->router = std::make_unique<RequestRouter>(*d->services);

    d->access->start();
    d->usage->start();
    d->keyLimits->start();

    RequestRouter *router = d->router.get();
    d->server = std::make_unique<http::Server>(
        [router](const http::Request &request, http::Responder *responder) {
            router->handle(request, responder);
        },
        limits);
    d->server->setRejectionHandler([router](const http::Request &partial,
                                            const http::Rejection &rejection,
                                            http::Responder *responder) {
        router->handleRejection(partial, rejection, responder);
    });
    d->server->setHeadCheck(
        [router](const http::Request &head, const std::function<http::Responder *()> &refuse) {
            return router->checkHead(head, refuse);
        });
    if (!d->server->listen(d->options.address, d->options.port)) {
        d->error = d->server->errorString() +
                   QStringLiteral(": stop the other program or choose another port");
        if (!d->error.contains(QLatin1String("in use")))
            d->error = d->server->errorString();
        d->server.reset();
        d->router.reset();
        d->access->stop();
        d->usage->stop();
        d->keyLimits->stop();
        logEvent(d->options.log.get(), metering::LogEntry::Level::Error,
                 QStringLiteral("start_failed"),
                 QStringLiteral("The gateway cannot start: ") + d->error);
        return false;
    }
    if (!d->refusalTimer) {
        d->refusalTimer = new QTimer(this);
        d->refusalTimer->setInterval(1000);
        connect(d->refusalTimer, &QTimer::timeout, this, [this] {
            if (d->refusals)
                writeFolded(d->usage.get(), d->options.log.get(), d->options.metering,
                            d->refusals->takeEnded(QDateTime::currentMSecsSinceEpoch()));
        });
    }
    d->refusalTimer->start();
    // Only a gateway that serves prunes: one that failed to start leaves the store alone.
    if (d->config) {
        d->retention = std::make_unique<metering::UsageRetention>(
            d->database, d->config, d->options.log.get(), d->options.fallbackRawRetentionDays);
        d->retention->start();
    }
    d->heapTrimmer = std::make_unique<metering::HeapTrimmer>(d->options.log.get());
    d->heapTrimmer->start();
    logEvent(d->options.log.get(), metering::LogEntry::Level::Info, QStringLiteral("started"),
             QStringLiteral("The gateway listens on %1.").arg(listenAddress()));
    if (d->config && d->config->current())
        logConfigWarnings(d->options.log.get(), *d->config->current());
    if (!d->options.address.isLoopback() && d->config &&
        d->config->current()->gateway.metricsToken.isEmpty())
        logEvent(
            d->options.log.get(), metering::LogEntry::Level::Warning,
            QStringLiteral("metrics_open"),
            QStringLiteral("The gateway listens beyond loopback and /metrics (key names, "
                           "costs) needs no token: set gateway.metrics_token in config.yaml."));
    Q_EMIT listeningChanged(true);
    return true;
}

void Gateway::stop() {
    if (!d->server)
        return;
    d->server->close();
    // Requests in flight see their clients go and write their usage rows; give them a moment.
    const QDeadlineTimer deadline(kStopGraceMs);
    while (d->services->requestsInFlight.load() > 0 && !deadline.hasExpired())
        QThread::msleep(5);
    d->server.reset();
    d->upstream.reset();
    d->access->stop();
    // The current minute's folded refusals too: nothing counted is lost on a clean stop.
    d->refusalTimer->stop();
    writeFolded(d->usage.get(), d->options.log.get(), d->options.metering, d->refusals->takeAll());
    d->usage->stop();
    // After the server: requests that ended with it have given back what they held.
    d->keyLimits->stop();
    d->retention.reset();
    d->heapTrimmer.reset();
    d->router.reset();
    logEvent(d->options.log.get(), metering::LogEntry::Level::Info, QStringLiteral("stopped"),
             QStringLiteral("The gateway stopped."));
    Q_EMIT listeningChanged(false);
}

bool Gateway::isListening() const {
    return d->server && d->server->isListening();
}

QString Gateway::listenAddress() const {
    const QHostAddress address = d->server ? d->server->address() : d->options.address;
    const quint16 port = d->server ? d->server->port() : d->options.port;
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
                             : address.toString();
    return host + QLatin1Char(':') + QString::number(port);
}

quint16 Gateway::port() const {
    return d->server ? d->server->port() : 0;
}

QString Gateway::errorString() const {
    return d->error;
}

metering::GatewayLog *Gateway::log() const {
    return d->options.log.get();
}

} // namespace portico::proxy
