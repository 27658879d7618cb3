#pragma once

#include "config/gatewayconfig.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace portico::config {

// A place where `!secret NAME` is looked up before secrets.yaml and the environment. The desktop
// app gives one backed by the OS keychain (ui/secrets/providerkeys.h); the gateway's command line
// gives none, so it never reaches a keychain. Looked up while config.yaml is parsed, on whatever
// thread reloads it: lookup() must be thread-safe and must answer at once (a keychain's
// asynchronous answers are fetched beforehand, never waited for here).
class SecretSource {
public:
    virtual ~SecretSource() = default;
    virtual std::optional<QString> lookup(const QString &name) const = 0;
    // Where the value would come from, for messages: "the system keychain".
    virtual QString description() const = 0;
};

// loadConfigFile() and parseConfig() (gatewayconfig.h) with `secrets` asked first for every
// `!secret NAME`, before secrets.yaml and the environment.
LoadResult loadConfigFile(const QString &path, std::shared_ptr<const SecretSource> secrets);
LoadResult parseConfig(const QByteArray &yaml, const QString &fileName, const QString &secretsFile,
                       std::shared_ptr<const SecretSource> secrets);

// The NAMEs of every `!secret NAME` in `yaml`, in file order, each once; none when it does not
// parse. The desktop app fetches these from the keychain before loading the file.
QStringList secretNamesIn(const QByteArray &yaml);
// model_id -> NAME for each model whose credentials.api_key is `!secret NAME` in `yaml`.
QHash<QString, QString> apiKeySecretNames(const QByteArray &yaml);

} // namespace portico::config
