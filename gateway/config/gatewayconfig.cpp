#include "config/gatewayconfig.h"

#include "config/configparser.h"
#include "config/secretsource.h"
#include "config/yamlsupport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace portico::config {

QString Problem::toString() const {
    QString where = file;
    if (line > 0) {
        where += QLatin1Char(':') + QString::number(line);
        if (column > 0)
            where += QLatin1Char(':') + QString::number(column);
    }
    const QString kind =
        severity == Severity::Error ? QStringLiteral("error") : QStringLiteral("warning");
    return where + QStringLiteral(": ") + kind + QStringLiteral(": ") + message;
}

const RouteConfig *GatewayConfig::route(const QString &name) const {
    const auto it = routes.constFind(name);
    return it == routes.constEnd() ? nullptr : &it.value();
}

const ModelConfig *GatewayConfig::chatModel(const QString &modelId) const {
    const auto it = chatModels.constFind(modelId);
    return it == chatModels.constEnd() ? nullptr : &it.value();
}

const ModelConfig *GatewayConfig::embeddingModel(const QString &modelId) const {
    const auto it = embeddingModels.constFind(modelId);
    return it == embeddingModels.constEnd() ? nullptr : &it.value();
}

LoadResult loadConfigFile(const QString &path) {
    return loadConfigFile(path, nullptr);
}

LoadResult loadConfigFile(const QString &path, std::shared_ptr<const SecretSource> secrets) {
    const QFileInfo info(path);
    const auto failure = [&](const QString &message) {
        LoadResult result;
        Problem problem;
        problem.file = path;
        problem.message = message;
        result.problems.append(problem);
        return result;
    };
    if (path.isEmpty())
        return failure(QStringLiteral("no config file given"));
    if (!info.exists()) {
        return failure(QStringLiteral("the file does not exist; check the path, or start without "
                                      "--config to use the built-in config"));
    }
    if (info.isDir())
        return failure(QStringLiteral("this is a folder; give the path of config.yaml"));
    if (info.size() > detail::maxYamlFileBytes) {
        return failure(QStringLiteral("the file is %1 bytes; at most %2 bytes are read, check "
                                      "that this is the right file")
                           .arg(info.size())
                           .arg(detail::maxYamlFileBytes));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return failure(QStringLiteral("cannot read the file: %1; check its permissions")
                           .arg(file.errorString()));
    }
    const QByteArray text = file.read(detail::maxYamlFileBytes + 1);
    LoadResult result =
        parseConfig(text, path, info.absoluteDir().filePath(QStringLiteral("secrets.yaml")),
                    std::move(secrets));
    if (result.holdsCredentials && detail::readableByOthers(path)) {
        Problem problem;
        problem.severity = Problem::Severity::Warning;
        problem.file = path;
        problem.message =
            QStringLiteral("this file holds an api_key and can be read by other users of this "
                           "computer; make it private with: chmod 600 %1, or move the key to "
                           "secrets.yaml (api_key: !secret NAME)")
                .arg(info.absoluteFilePath());
        result.problems.prepend(problem);
        if (result.config)
            result.config->warnings.prepend(problem);
    }
    if (result.config)
        result.config->sourceFile = info.absoluteFilePath();
    return result;
}

LoadResult parseConfig(const QByteArray &yaml, const QString &fileName,
                       const QString &secretsFile) {
    return parseConfig(yaml, fileName, secretsFile, nullptr);
}

LoadResult parseConfig(const QByteArray &yaml, const QString &fileName, const QString &secretsFile,
                       std::shared_ptr<const SecretSource> secrets) {
    detail::ConfigParser parser(fileName, secretsFile, std::move(secrets));
    return parser.parse(yaml);
}

QByteArray builtInConfigText() {
    QFile file(QStringLiteral(":/portico/config.yaml"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

} // namespace portico::config
