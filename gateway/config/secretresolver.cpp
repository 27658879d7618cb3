#include "config/secretresolver.h"

#include "config/yamlsupport.h"

#include <QFile>
#include <QFileInfo>
#include <QtGlobal>

namespace portico::config::detail {

SecretResolver::SecretResolver(QString secretsFile)
    : m_file(std::move(secretsFile)) {}

std::optional<QString> SecretResolver::lookup(const QString &name, QList<Problem> &problems) {
    if (!m_loaded) {
        m_loaded = true;
        load(problems);
    }
    const auto found = m_values.constFind(name);
    if (found != m_values.constEnd())
        return *found;
    if (qEnvironmentVariableIsSet(name.toLocal8Bit().constData()))
        return qEnvironmentVariable(name.toLocal8Bit().constData());
    return std::nullopt;
}

void SecretResolver::load(QList<Problem> &problems) {
    if (m_file.isEmpty() || !QFileInfo::exists(m_file))
        return;
    const auto error = [&](const YAML::Mark &mark, const QString &message) {
        problems.append(makeProblem(Problem::Severity::Error, m_file, mark, message));
    };
    QFile file(m_file);
    if (QFileInfo(m_file).size() > maxYamlFileBytes) {
        error(YAML::Mark::null_mark(), QStringLiteral("secrets.yaml is too large to be read"));
        return;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        error(YAML::Mark::null_mark(),
              QStringLiteral("cannot read secrets.yaml: %1; check its permissions")
                  .arg(file.errorString()));
        return;
    }
    if (readableByOthers(m_file)) {
        problems.append(makeProblem(
            Problem::Severity::Warning, m_file, YAML::Mark::null_mark(),
            QStringLiteral("secrets.yaml can be read by other users of this computer; make it "
                           "private with: chmod 600 %1")
                .arg(QFileInfo(m_file).absoluteFilePath())));
    }
    YAML::Node root;
    std::optional<YAML::Mark> secondDocument;
    if (!parseYaml(file.readAll(), m_file, root, secondDocument, problems))
        return;
    if (root.IsNull())
        return;
    if (!root.IsMap()) {
        error(root.Mark(), QStringLiteral("secrets.yaml must be a map of NAME: value lines, "
                                          "found %1")
                               .arg(describeType(root)));
        return;
    }
    for (auto it = root.begin(); it != root.end(); ++it) {
        const YAML::Node key = it->first;
        const YAML::Node value = it->second;
        if (!key.IsScalar()) {
            error(key.Mark(), QStringLiteral("a secret name must be a single word"));
            continue;
        }
        const QString name = fromStd(key.Scalar());
        // The value itself is never shown: it is a secret.
        if (!value.IsScalar()) {
            error(value.IsNull() ? key.Mark() : value.Mark(),
                  QStringLiteral("secret %1 must have a single text value, found %2")
                      .arg(quoted(name), describeType(value)));
            continue;
        }
        if (m_values.contains(name)) {
            error(key.Mark(),
                  QStringLiteral("secret %1 is defined twice; keep one").arg(quoted(name)));
            continue;
        }
        m_values.insert(name, fromStd(value.Scalar()));
    }
}

} // namespace portico::config::detail
