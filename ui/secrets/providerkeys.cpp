#include "ui/secrets/providerkeys.h"

#include "config/configmanager.h"
#include "config/gatewayconfig.h"
#include "config/secretsource.h"

#include <qt6keychain/keychain.h>

#include <QEventLoop>
#include <QFile>
#include <QPointer>
#include <QTimer>

namespace portico::ui {

namespace {

// As ui/store/storepasswords.cpp: jobs have no parent and delete themselves once finished (the
// Secret Service backend calls back into a job after it is done with the bus); the insecure
// fallback, which would write the value to a settings file, stays off.
template <typename Job> Job *newJob(const QString &name) {
    auto *job = new Job(ProviderKeys::service());
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(name);
    return job;
}

} // namespace

void SystemProviderKeychain::write(const QString &name, const QString &value, Done done) {
    auto *job = newJob<QKeychain::WritePasswordJob>(name);
    job->setTextData(value);
    QObject::connect(job, &QKeychain::Job::finished, job, [done](QKeychain::Job *finished) {
        const bool ok = finished->error() == QKeychain::NoError;
        done(ok, ok ? QString() : finished->errorString());
    });
    job->start();
}

void SystemProviderKeychain::read(const QString &name, Read done) {
    auto *job = newJob<QKeychain::ReadPasswordJob>(name);
    QObject::connect(job, &QKeychain::Job::finished, job, [done, job](QKeychain::Job *finished) {
        switch (finished->error()) {
        case QKeychain::NoError:
            done(job->textData(), {});
            break;
        case QKeychain::EntryNotFound:
            done(std::nullopt, {});
            break;
        default:
            done(std::nullopt, finished->errorString());
            break;
        }
    });
    job->start();
}

void SystemProviderKeychain::remove(const QString &name, Done done) {
    auto *job = newJob<QKeychain::DeletePasswordJob>(name);
    QObject::connect(job, &QKeychain::Job::finished, job, [done](QKeychain::Job *finished) {
        const bool ok = finished->error() == QKeychain::NoError ||
                        finished->error() == QKeychain::EntryNotFound;
        done(ok, ok ? QString() : finished->errorString());
    });
    job->start();
}

// The values the keychain gave, read by the config parser on whatever thread loads the config.
class ProviderKeys::Cache : public config::SecretSource {
public:
    std::optional<QString> lookup(const QString &name) const override {
        QMutexLocker locker(&m_mutex);
        const auto it = m_values.constFind(name);
        return it == m_values.constEnd() ? std::nullopt : std::optional<QString>(*it);
    }
    QString description() const override {
        return QStringLiteral("the system keychain (service '%1')").arg(ProviderKeys::service());
    }

    void set(const QString &name, const std::optional<QString> &value) {
        QMutexLocker locker(&m_mutex);
        m_asked.insert(name);
        if (value)
            m_values.insert(name, *value);
        else
            m_values.remove(name);
    }
    bool contains(const QString &name) const {
        QMutexLocker locker(&m_mutex);
        return m_values.contains(name);
    }
    // The names not asked yet, now marked as asked.
    QStringList claim(const QStringList &names) {
        QMutexLocker locker(&m_mutex);
        QStringList fresh;
        for (const QString &name : names) {
            if (!m_asked.contains(name)) {
                m_asked.insert(name);
                fresh.append(name);
            }
        }
        return fresh;
    }

private:
    mutable QMutex m_mutex;
    QHash<QString, QString> m_values;
    QSet<QString> m_asked;
};

ProviderKeys::ProviderKeys(std::unique_ptr<ProviderKeychain> keychain, QObject *parent)
    : QObject(parent)
    , m_keychain(std::move(keychain))
    , m_cache(std::make_shared<Cache>()) {}

ProviderKeys::~ProviderKeys() = default;

QString ProviderKeys::service() {
    return QStringLiteral("Portico provider keys");
}

QString ProviderKeys::nameFor(const QString &modelId) {
    QString name = QStringLiteral("PORTICO_");
    for (const QChar c : modelId.toUpper()) {
        const bool plain = (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9');
        name += plain ? c : QChar(u'_');
    }
    return name + QStringLiteral("_API_KEY");
}

namespace {
QByteArray configText(const QString &path) {
    if (path.isEmpty())
        return config::builtInConfigText();
    QFile file(path);
    // Larger files are refused by the parser anyway.
    return file.open(QIODevice::ReadOnly) ? file.read(4 * 1024 * 1024) : QByteArray();
}
} // namespace

QStringList ProviderKeys::secretNamesOf(const QString &path) {
    return config::secretNamesIn(configText(path));
}

QHash<QString, QString> ProviderKeys::apiKeySecretsOf(const QString &path) {
    return config::apiKeySecretNames(configText(path));
}

std::shared_ptr<const config::SecretSource> ProviderKeys::source() const {
    return m_cache;
}

bool ProviderKeys::isStored(const QString &name) const {
    return m_cache->contains(name);
}

void ProviderKeys::fetch(const QStringList &names, const std::function<void()> &finished) {
    const QStringList fresh = m_cache->claim(names);
    if (fresh.isEmpty()) {
        if (finished)
            finished();
        return;
    }
    auto pending = std::make_shared<int>(int(fresh.size()));
    auto found = std::make_shared<bool>(false);
    QPointer<ProviderKeys> self(this);
    for (const QString &name : fresh) {
        m_keychain->read(name, [self, name, pending, found, finished](
                                   const std::optional<QString> &value, const QString &error) {
            if (!self)
                return;
            self->m_cache->set(name, value);
            if (value)
                *found = true;
            if (!error.isEmpty())
                self->m_problem = error;
            if (--*pending > 0)
                return;
            if (finished)
                finished();
            if (*found) {
                if (self->m_config)
                    self->m_config->reload();
                Q_EMIT self->fetched();
            }
        });
    }
}

void ProviderKeys::fetchNow(const QStringList &names, std::chrono::milliseconds limit) {
    // Before the window exists, so no user event can re-enter; bounded, so a keychain that never
    // answers (an unlock prompt nobody sees) does not stop the app: a late answer still fills
    // the cache and, once follow() was called, reloads the config.
    QEventLoop loop;
    bool done = false;
    QPointer<QEventLoop> guard(&loop);
    fetch(names, [&done, guard] {
        if (guard) {
            done = true;
            guard->quit();
        }
    });
    if (done)
        return;
    QTimer::singleShot(limit, &loop, &QEventLoop::quit);
    loop.exec(QEventLoop::ExcludeUserInputEvents);
}

void ProviderKeys::follow(std::shared_ptr<config::ConfigManager> config) {
    m_config = std::move(config);
    if (!m_config)
        return;
    const auto look = [this] { fetch(secretNamesOf(m_config->path()), {}); };
    // A config that failed for a missing secret is reloaded once the keychain gives it.
    connect(m_config.get(), &config::ConfigManager::configChanged, this, look);
    connect(m_config.get(), &config::ConfigManager::loadFailed, this, look);
    look();
}

void ProviderKeys::reloadIfReferenced(const QString &name) {
    if (m_config && secretNamesOf(m_config->path()).contains(name))
        m_config->reload();
}

void ProviderKeys::store(const QString &name, const QString &value, ProviderKeychain::Done done) {
    QPointer<ProviderKeys> self(this);
    m_keychain->write(name, value, [self, name, value, done](bool ok, const QString &error) {
        if (self && ok) {
            self->m_cache->set(name, value);
            self->m_problem.clear();
            self->reloadIfReferenced(name);
        } else if (self) {
            self->m_problem = error;
        }
        if (done)
            done(ok, error);
    });
}

void ProviderKeys::forget(const QString &name, ProviderKeychain::Done done) {
    QPointer<ProviderKeys> self(this);
    m_keychain->remove(name, [self, name, done](bool ok, const QString &error) {
        if (self && ok) {
            self->m_cache->set(name, std::nullopt);
            self->reloadIfReferenced(name);
        }
        if (done)
            done(ok, error);
    });
}

} // namespace portico::ui
