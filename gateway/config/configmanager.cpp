#include "config/configmanager.h"

#include "config/secretsource.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>

namespace portico::config {

namespace {

// Editors save in bursts (truncate, write, rename): wait for the burst to end.
constexpr int kReloadDebounceMs = 200;

QByteArray fileFingerprint(const QString &path) {
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const QString &file :
         {path, QFileInfo(path).absoluteDir().filePath(QStringLiteral("secrets.yaml"))}) {
        QFile f(file);
        if (f.open(QIODevice::ReadOnly))
            hash.addData(&f);
        hash.addData(QByteArrayView("\0", 1));
    }
    return hash.result();
}

} // namespace

ConfigManager::ConfigManager(QString path, QObject *parent)
    : ConfigManager(std::move(path), nullptr, parent) {}

ConfigManager::ConfigManager(QString path, std::shared_ptr<const SecretSource> secrets,
                             QObject *parent)
    : QObject(parent)
    , m_path(std::move(path))
    , m_secrets(std::move(secrets))
    , m_current(std::make_shared<const GatewayConfig>()) {
    // No receiver can be connected yet, so this only sets the first state.
    reload();
}

std::shared_ptr<const GatewayConfig> ConfigManager::current() const {
    QReadLocker locker(&m_lock);
    return m_current;
}

QList<Problem> ConfigManager::lastProblems() const {
    QReadLocker locker(&m_lock);
    return m_lastProblems;
}

bool ConfigManager::lastLoadFailed() const {
    QReadLocker locker(&m_lock);
    return m_lastLoadFailed;
}

bool ConfigManager::reload() {
    LoadResult result = m_path.isEmpty() ? parseConfig(builtInConfigText(),
                                                       QStringLiteral("config.yaml (built-in)"),
                                                       QString(), m_secrets)
                                         : loadConfigFile(m_path, m_secrets);
    const bool ok = result.ok();
    {
        QWriteLocker locker(&m_lock);
        m_lastProblems = result.problems;
        m_lastLoadFailed = !ok;
        if (ok)
            m_current = std::make_shared<const GatewayConfig>(std::move(*result.config));
    }
    if (ok)
        Q_EMIT configChanged();
    else
        Q_EMIT loadFailed(result.problems);
    return ok;
}

void ConfigManager::setWatchFile(bool watch) {
    if (!watch || m_path.isEmpty()) {
        delete m_watcher;
        m_watcher = nullptr;
        return;
    }
    if (m_watcher)
        return;
    const QFileInfo info(m_path);
    const QString file = info.absoluteFilePath();
    const QString secrets = info.absoluteDir().filePath(QStringLiteral("secrets.yaml"));
    m_watcher = new QFileSystemWatcher(this);
    auto *debounce = new QTimer(m_watcher);
    debounce->setSingleShot(true);
    debounce->setInterval(kReloadDebounceMs);
    auto lastSeen = std::make_shared<QByteArray>(fileFingerprint(file));

    // Editors often replace the file (write a new one, rename it over the old), which drops it
    // from the watcher; watching the folder too catches that and lets us add it back.
    QFileSystemWatcher *watcher = m_watcher;
    const auto rewatch = [watcher, file, secrets] {
        const QStringList watched = watcher->files();
        for (const QString &path : {file, secrets}) {
            if (!watched.contains(path) && QFileInfo::exists(path))
                watcher->addPath(path);
        }
    };
    rewatch();
    if (QFileInfo(info.absolutePath()).isDir())
        watcher->addPath(info.absolutePath());
    connect(watcher, &QFileSystemWatcher::fileChanged, debounce, [rewatch, debounce] {
        rewatch();
        debounce->start();
    });
    connect(watcher, &QFileSystemWatcher::directoryChanged, debounce, [rewatch, debounce] {
        rewatch();
        debounce->start();
    });
    connect(debounce, &QTimer::timeout, this, [this, file, lastSeen] {
        // A change elsewhere in the folder, or a save without changes, is not a new config.
        const QByteArray fingerprint = fileFingerprint(file);
        if (fingerprint == *lastSeen)
            return;
        *lastSeen = fingerprint;
        reload();
    });
}

} // namespace portico::config
