#include "server/usageretention.h"

#include "config/configmanager.h"
#include "server/gatewaylog.h"
#include "store/database.h"
#include "store/usagestore.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QThread>

namespace portico::server {

UsageRetention::UsageRetention(std::shared_ptr<store::Database> database,
                               std::shared_ptr<config::ConfigManager> config, GatewayLog *log)
    : m_database(std::move(database))
    , m_config(std::move(config))
    , m_log(log) {}

UsageRetention::~UsageRetention() {
    stop();
}

void UsageRetention::start() {
    QMutexLocker locker(&m_mutex);
    if (m_thread || !m_config || !m_database)
        return;
    m_stopping = false;
    m_passRequested = true;
    m_thread = QThread::create([this] { run(); });
    m_thread->setObjectName(QStringLiteral("portico-usage-retention"));
    // Pruning is housekeeping: it must not take CPU from requests being served.
    m_thread->start(QThread::LowPriority);
}

void UsageRetention::stop() {
    QThread *thread = nullptr;
    {
        QMutexLocker locker(&m_mutex);
        thread = m_thread;
        if (!thread)
            return;
        m_stopping = true;
        m_wake.wakeAll();
    }
    thread->wait();
    delete thread;
    QMutexLocker locker(&m_mutex);
    m_thread = nullptr;
}

void UsageRetention::requestPass() {
    QMutexLocker locker(&m_mutex);
    m_passRequested = true;
    m_wake.wakeAll();
}

bool UsageRetention::stopping() const {
    QMutexLocker locker(&m_mutex);
    return m_stopping;
}

void UsageRetention::run() {
    for (;;) {
        {
            QMutexLocker locker(&m_mutex);
            if (!m_passRequested && !m_stopping)
                m_wake.wait(&m_mutex, QDeadlineTimer(kIntervalMs));
            if (m_stopping)
                return;
            m_passRequested = false;
        }
        const auto config = m_config->current();
        if (config->usage.rawRetentionDays > 0)
            prune(config->usage.rawRetentionDays);
    }
}

void UsageRetention::prune(int days) {
    const QDateTime cutoff = QDateTime::currentDateTimeUtc().addDays(-days);
    store::UsageStore usage(*m_database);
    const auto deleted = usage.pruneRawUsage(cutoff, [this](qint64) { return !stopping(); });
    if (!m_log)
        return;
    LogEntry entry;
    entry.time = QDateTime::currentDateTimeUtc();
    if (!deleted.ok()) {
        entry.level = LogEntry::Level::Error;
        entry.event = QStringLiteral("usage_prune_failed");
        entry.message = QStringLiteral("Could not delete usage rows older than %1 days "
                                       "(usage.raw_retention_days): %2")
                            .arg(days)
                            .arg(deleted.error().message);
    } else if (*deleted > 0) {
        entry.level = LogEntry::Level::Info;
        entry.event = QStringLiteral("usage_pruned");
        entry.message = QStringLiteral("Deleted %1 usage rows older than %2 days "
                                       "(usage.raw_retention_days); the hourly and daily totals "
                                       "are kept.")
                            .arg(*deleted)
                            .arg(days);
    } else {
        return; // nothing to say every hour
    }
    m_log->append(std::move(entry));
}

} // namespace portico::server
