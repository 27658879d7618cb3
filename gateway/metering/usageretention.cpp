#include "metering/usageretention.h"

#include "config/configmanager.h"
#include "metering/gatewaylog.h"
#include "metering/periodicworker.h"
#include "store/database.h"
#include "store/usagestore.h"

#include <QDateTime>

namespace portico::metering {

UsageRetention::UsageRetention(std::shared_ptr<store::Database> database,
                               std::shared_ptr<config::ConfigManager> config, GatewayLog *log,
                               int fallbackDays)
    : m_database(std::move(database))
    , m_config(std::move(config))
    , m_log(log)
    , m_fallbackDays(fallbackDays) {}

UsageRetention::~UsageRetention() {
    stop();
}

void UsageRetention::start() {
    if (m_worker || !m_config || !m_database)
        return;
    // Pruning is housekeeping: it must not take CPU from requests being served.
    m_worker = std::make_unique<PeriodicWorker>(
        QStringLiteral("portico-usage-retention"), kIntervalMs, [this] { pass(); },
        PeriodicWorker::FirstRun::AtStart, QThread::LowPriority);
    m_worker->start();
}

void UsageRetention::stop() {
    if (!m_worker)
        return;
    // Stop before releasing: a pass in progress asks m_worker whether to go on.
    m_worker->stop();
    m_worker.reset();
}

void UsageRetention::requestPass() {
    if (m_worker)
        m_worker->wake();
}

void UsageRetention::pass() {
    const auto config = m_config->current();
    const bool fromConfig = config->usage.rawRetentionDays > 0;
    const int days = fromConfig ? config->usage.rawRetentionDays : m_fallbackDays;
    if (days <= 0)
        return;
    // Several gateways on one PostgreSQL store: one prunes, the others skip this pass.
    const QString job = QStringLiteral("usage-retention");
    if (!m_database->tryTakeTurn(job))
        return;
    prune(days, fromConfig ? QStringLiteral("usage.raw_retention_days")
                           : QStringLiteral("the desktop app's usage retention setting"));
    m_database->releaseTurn(job);
}

void UsageRetention::prune(int days, const QString &source) {
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addDays(-days);
    store::UsageStore usage(*m_database);
    const auto deleted =
        usage.pruneRawUsage(cutoff, [this](qint64) { return !m_worker->isStopping(); });
    const QString age = days == 1 ? QStringLiteral("1 day") : QStringLiteral("%1 days").arg(days);
    if (!deleted.ok()) {
        logEvent(m_log, LogEntry::Level::Error, QStringLiteral("usage_prune_failed"),
                 QStringLiteral("Could not delete usage rows older than %1 (%2): %3")
                     .arg(age, source, deleted.error().message));
    } else if (*deleted > 0) {
        logEvent(m_log, LogEntry::Level::Info, QStringLiteral("usage_pruned"),
                 QStringLiteral("Deleted %1 usage rows older than %2 (%3); the hourly and daily "
                                "totals are kept.")
                     .arg(*deleted)
                     .arg(age, source));
    }
    // Nothing is said when nothing was deleted: not every hour.
}

} // namespace portico::metering
