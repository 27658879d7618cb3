#pragma once

#include "config/gatewayconfig.h"

#include <QHash>
#include <QString>

#include <optional>

namespace portico::config::detail {

// Resolves `!secret NAME`: secrets.yaml (a flat map NAME: value) first, then the environment.
// secrets.yaml is read on the first lookup only, so a config without secrets never needs it.
class SecretResolver {
public:
    explicit SecretResolver(QString secretsFile);

    QString secretsFile() const { return m_file; }
    // Problems of secrets.yaml itself are appended to `problems` once.
    std::optional<QString> lookup(const QString &name, QList<Problem> &problems);

private:
    void load(QList<Problem> &problems);

    QString m_file;
    bool m_loaded = false;
    QHash<QString, QString> m_values;
};

} // namespace portico::config::detail
