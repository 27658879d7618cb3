#pragma once

#include "config/secretsource.h"

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace portico::config {
class ConfigManager;
}

namespace portico::ui {

// Where the desktop app keeps the API keys of upstream providers: the OS keychain, behind an
// interface so that widget tests put an in-memory one in its place. Every operation answers
// later, through its callback, on the GUI thread (as QtKeychain's jobs do).
class ProviderKeychain {
public:
    using Done = std::function<void(bool ok, const QString &error)>;
    // `value` empty optional: nothing stored under that name (or no keychain: `error` says why).
    using Read = std::function<void(const std::optional<QString> &value, const QString &error)>;

    virtual ~ProviderKeychain() = default;
    virtual void write(const QString &name, const QString &value, Done done) = 0;
    virtual void read(const QString &name, Read done) = 0;
    virtual void remove(const QString &name, Done done) = 0;
};

// The system keychain through QtKeychain (the Secret Service on Linux, the macOS Keychain,
// Windows' Credential Manager), in the service "Portico provider keys", one entry per NAME of
// `!secret NAME`. Never a file: QtKeychain's insecure fallback stays off.
class SystemProviderKeychain : public ProviderKeychain {
public:
    void write(const QString &name, const QString &value, Done done) override;
    void read(const QString &name, Read done) override;
    void remove(const QString &name, Done done) override;
};

// What config.yaml's `!secret NAME` finds first: the keychain's values, held in memory.
//
// QtKeychain answers asynchronously; config.yaml is parsed synchronously (ConfigManager::reload,
// from the file watcher, the Routes page or at start). So the values are fetched *before* a load
// and the parser only reads this cache (config::SecretSource must answer at once):
// - at start, fetchNow() reads the names config.yaml refers to, waiting in a bounded local event
//   loop before the window exists (as StorePasswords::readNow does for the store's password);
// - follow() then watches the config: a name that appears in config.yaml later is fetched in the
//   background and, if the keychain has it, the config is loaded again;
// - store() puts a value in the keychain and, once it is there, in the cache, then reloads the
//   config if config.yaml refers to it.
// A value changed in the keychain by another program is seen at the next start.
class ProviderKeys : public QObject {
    Q_OBJECT
public:
    explicit ProviderKeys(std::unique_ptr<ProviderKeychain> keychain, QObject *parent = nullptr);
    ~ProviderKeys() override;

    // The keychain's service name for these entries.
    static QString service();
    // The NAME proposed for a model whose api_key is not `!secret NAME` yet:
    // PORTICO_<MODEL_ID>_API_KEY, upper case, anything but letters and digits as '_' (a name
    // that also works as an environment variable).
    static QString nameFor(const QString &modelId);
    // The `!secret` names of the config file at `path` (of the built-in config when empty).
    static QStringList secretNamesOf(const QString &path);
    // model_id -> NAME for the models whose api_key is `!secret NAME` in that file.
    static QHash<QString, QString> apiKeySecretsOf(const QString &path);

    std::shared_ptr<const config::SecretSource> source() const;

    // Fetches `names` not fetched yet, waiting at most `limit`. Start-up only (see above).
    void fetchNow(const QStringList &names, std::chrono::milliseconds limit);
    // Keeps fetching the names `config` refers to, and reloads it when one turns up.
    void follow(std::shared_ptr<config::ConfigManager> config);

    // Whether the keychain holds a value for `name` (as far as this process knows).
    bool isStored(const QString &name) const;
    // Why the keychain could not be read, in QtKeychain's words; empty when it answered.
    QString keychainProblem() const { return m_problem; }

    // Saves `value` under `name`; `done` follows. The value is never kept anywhere else than the
    // keychain and this process's memory.
    void store(const QString &name, const QString &value, ProviderKeychain::Done done);
    void forget(const QString &name, ProviderKeychain::Done done);

Q_SIGNALS:
    // A fetch found values: the config was loaded again, if followed.
    void fetched();

private:
    class Cache;
    // Asks the keychain for every name not asked yet; `finished` once all have answered.
    void fetch(const QStringList &names, const std::function<void()> &finished);
    void reloadIfReferenced(const QString &name);

    std::unique_ptr<ProviderKeychain> m_keychain;
    std::shared_ptr<Cache> m_cache;
    std::shared_ptr<config::ConfigManager> m_config;
    QString m_problem;
};

} // namespace portico::ui
