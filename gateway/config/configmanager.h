#pragma once

#include "config/gatewayconfig.h"

#include <QObject>
#include <QReadWriteLock>

#include <memory>

// Declared here so that the member below names Qt's class, not a new portico::config one.
class QFileSystemWatcher;

namespace portico::config {

class SecretSource;

// Holds the last good config and replaces it only with one that loads. Thread-safe: request
// threads call current() while the owner reloads.
class ConfigManager : public QObject {
    Q_OBJECT
public:
    // `path` empty: the built-in config.
    explicit ConfigManager(QString path, QObject *parent = nullptr);
    // `secrets` is asked for every `!secret NAME` before secrets.yaml and the environment (the
    // desktop app's keychain; see config/secretsource.h).
    ConfigManager(QString path, std::shared_ptr<const SecretSource> secrets,
                  QObject *parent = nullptr);

    QString path() const { return m_path; }
    // Never null: before any good load it is an empty config (no routes), and lastLoadFailed().
    std::shared_ptr<const GatewayConfig> current() const;
    QList<Problem> lastProblems() const; // of the last load attempt
    bool lastLoadFailed() const;

    // Loads the file again; on failure keeps the current config and returns false.
    bool reload();
    // Reload automatically when the file changes on disk.
    void setWatchFile(bool watch);

Q_SIGNALS:
    void configChanged(); // a new config is current
    void loadFailed(const QList<Problem> &problems);

private:
    QString m_path;
    std::shared_ptr<const SecretSource> m_secrets;
    mutable QReadWriteLock m_lock;
    std::shared_ptr<const GatewayConfig> m_current;
    QList<Problem> m_lastProblems;
    bool m_lastLoadFailed = false;
    class QFileSystemWatcher *m_watcher = nullptr;
};

} // namespace portico::config
