#include "config/secretresolver.h"

#include "config/yamlsupport.h"

#include <QFile>
#include <QFileInfo>
#include <QtGlobal>

namespace portico::config::detail {

SecretResolver::SecretResolver(QString secretsFile, std::shared_ptr<const SecretSource> source)
    : m_file(std::move(secretsFile))
    , m_source(std::move(source)) {}

std::optional<QString> SecretResolver::lookup(const QString &name, QList<Problem> &problems) {
    if (m_source) {
        if (std::optional<QString> value = m_source->lookup(name))
            return value;
    }
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

namespace portico::config {

namespace {
void collectSecretNames(const YAML::Node &node, QStringList &names, int depth) {
    // As deep as the parser itself goes; a deeper file is refused there anyway.
    if (depth > 64 || !node.IsDefined())
        return;
    if (node.IsScalar()) {
        if (node.Tag() == "!secret") {
            const QString name = detail::fromStd(node.Scalar()).trimmed();
            if (!name.isEmpty() && !names.contains(name))
                names.append(name);
        }
        return;
    }
    if (node.IsSequence()) {
        for (const YAML::Node &item : node)
            collectSecretNames(item, names, depth + 1);
    } else if (node.IsMap()) {
        for (auto it = node.begin(); it != node.end(); ++it)
            collectSecretNames(it->second, names, depth + 1);
    }
}
YAML::Node loadFirst(const QByteArray &yaml) {
    if (yaml.size() > detail::maxYamlFileBytes)
        return {};
    try {
        return YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception &) {
        return {};
    }
}
} // namespace

QHash<QString, QString> apiKeySecretNames(const QByteArray &yaml) {
    QHash<QString, QString> names;
    const YAML::Node root = loadFirst(yaml);
    // A key that is missing yields yaml-cpp's "zombie" node, which throws when asked its type:
    // every look-up checks IsDefined() first, and the catch covers what the checks miss.
    const auto child = [](const YAML::Node &map, const char *key) {
        return map.IsDefined() && map.IsMap() ? map[key] : YAML::Node();
    };
    try {
        for (const char *section : {"chat_models", "embedding_models"}) {
            const YAML::Node models = child(root, section);
            if (!models.IsDefined() || !models.IsSequence())
                continue;
            for (const YAML::Node &model : models) {
                const YAML::Node id = child(model, "model_id");
                const YAML::Node apiKey = child(child(model, "credentials"), "api_key");
                if (id.IsDefined() && id.IsScalar() && apiKey.IsDefined() && apiKey.IsScalar() &&
                    apiKey.Tag() == "!secret") {
                    names.insert(detail::fromStd(id.Scalar()).trimmed(),
                                 detail::fromStd(apiKey.Scalar()).trimmed());
                }
            }
        }
    } catch (const YAML::Exception &) {
        // An odd file names fewer secrets; loading it reports what is wrong.
    }
    return names;
}

QStringList secretNamesIn(const QByteArray &yaml) {
    QStringList names;
    if (yaml.size() > detail::maxYamlFileBytes)
        return names;
    try {
        for (const YAML::Node &document : YAML::LoadAll(yaml.toStdString()))
            collectSecretNames(document, names, 0);
    } catch (const YAML::Exception &) {
        // A file that does not parse names nothing; loading it reports why.
    }
    return names;
}

} // namespace portico::config
