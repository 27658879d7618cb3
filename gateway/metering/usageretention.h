#pragma once

#include <QString>

#include <memory>

namespace portico::store {
class Database;
}
namespace portico::config {
class ConfigManager;
}

namespace portico::metering {

class GatewayLog;
class PeriodicWorker;

// Applies the config's usage.raw_retention_days: deletes raw usage rows older than that many
// days, on a thread of its own, once at start, every hour after, and at once when asked (the
// config changed). The hourly and daily roll-ups are never touched, so the monitoring figures
// outlive the rows. With no retention set (0) it uses `fallbackDays` (the desktop app's setting),
// and with neither it does nothing.
class UsageRetention {
public:
    static constexpr int kIntervalMs = 60 * 60 * 1000;

    UsageRetention(std::shared_ptr<store::Database> database,
                   std::shared_ptr<config::ConfigManager> config, GatewayLog *log,
                   int fallbackDays = 0);
    ~UsageRetention(); // stop()
    UsageRetention(const UsageRetention &) = delete;
    UsageRetention &operator=(const UsageRetention &) = delete;

    void start();
    // Ends the thread; a pass in progress stops after its current small batch.
    void stop();
    // Runs a pass as soon as possible (for a new config). Thread-safe.
    void requestPass();

private:
    void pass();
    void prune(int days, const QString &source);

    std::shared_ptr<store::Database> m_database;
    std::shared_ptr<config::ConfigManager> m_config;
    GatewayLog *m_log = nullptr;
    int m_fallbackDays = 0;
    std::unique_ptr<PeriodicWorker> m_worker;
};

} // namespace portico::metering
