#pragma once

#include "config/gatewayconfig.h"
#include "config/secretsource.h"

#include <QHash>
#include <QString>

#include <memory>
#include <optional>

namespace portico::config::detail {

// Resolves `!secret NAME`: the injected source first (the desktop app's keychain), then
// secrets.yaml (a flat map NAME: value), then the environment. secrets.yaml is read on the first
// lookup that reaches it only, so a config without secrets never needs it.
class SecretResolver {
public:
    explicit SecretResolver(QString secretsFile, std::shared_ptr<const SecretSource> source = {});

    QString secretsFile() const { return m_file; }
    const SecretSource *source() const { return m_source.get(); }
    // Problems of secrets.yaml itself are appended to `problems` once.
    std::optional<QString> lookup(const QString &name, QList<Problem> &problems);

private:
    void load(QList<Problem> &problems);

    QString m_file;
    std::shared_ptr<const SecretSource> m_source;
    bool m_loaded = false;
    QHash<QString, QString> m_values;
};

} // namespace portico::config::detail
