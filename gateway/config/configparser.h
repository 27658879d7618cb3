#pragma once

#include "config/gatewayconfig.h"
#include "config/secretresolver.h"

#include <QHash>

#include <yaml-cpp/yaml.h>

#include <functional>

namespace portico::config::detail {

// Turns the YAML of one config.yaml into a GatewayConfig, collecting every problem on the way
// rather than stopping at the first, so a user fixes the whole file in one pass.
class ConfigParser {
public:
    ConfigParser(QString fileName, QString secretsFile,
                 std::shared_ptr<const SecretSource> secrets = nullptr);

    LoadResult parse(const QByteArray &yaml);

private:
    struct Text {
        QString value;
        bool fromSecret = false;
    };
    using EntryHandler =
        std::function<void(const QString &key, const YAML::Node &keyNode, const YAML::Node &value)>;

    void error(const YAML::Mark &at, const QString &path, const QString &message);
    void warning(const YAML::Mark &at, const QString &path, const QString &message);
    void unsupported(const YAML::Node &keyNode, const QString &path, const QString &key,
                     const QStringList &known);
    // Calls `handler` for every entry of a map, refusing non-text and repeated keys.
    void forEachEntry(const YAML::Node &map, const QString &path, const EntryHandler &handler);
    bool expectMap(const YAML::Node &node, const YAML::Node &keyNode, const QString &path,
                   const QString &what);

    std::optional<Text> text(const YAML::Node &node, const YAML::Node &keyNode, const QString &path,
                             bool allowSecret);
    std::optional<qint64> integer(const YAML::Node &node, const YAML::Node &keyNode,
                                  const QString &path, qint64 min, qint64 max);
    std::optional<double> number(const YAML::Node &node, const YAML::Node &keyNode,
                                 const QString &path, bool zeroAllowed);
    std::optional<qint64> duration(const YAML::Node &node, const YAML::Node &keyNode,
                                   const QString &path);
    std::optional<QString> algorithm(const YAML::Node &node, const YAML::Node &keyNode,
                                     const QString &path);
    void scope(const YAML::Node &node, const YAML::Node &keyNode, const QString &path);
    // A list of model ids with the position of each.
    QList<QPair<QString, YAML::Node>> idList(const YAML::Node &node, const YAML::Node &keyNode,
                                             const QString &path);
    QJsonValue jsonValue(const YAML::Node &node, const QString &path, int depth);

    void parseModels(const YAML::Node &list, const YAML::Node &keyNode, ModelKind kind,
                     const QString &section);
    void parseModel(const YAML::Node &map, ModelKind kind, const QString &path);
    void parseModelName(const YAML::Node &node, const YAML::Node &keyNode, const QString &path,
                        ModelConfig &model, bool &ok);
    void parseCredentials(const YAML::Node &node, const YAML::Node &keyNode, const QString &path,
                          ModelConfig &model, bool &ok);
    void parseRoutes(const YAML::Node &map, const YAML::Node &keyNode);
    void parseUsageSettings(const YAML::Node &map, const YAML::Node &keyNode);
    void parseGatewaySettings(const YAML::Node &map, const YAML::Node &keyNode);
    void parseRoute(const QString &name, const YAML::Node &keyNode, const YAML::Node &node);
    void parseRouteModels(const YAML::Node &node, const YAML::Node &keyNode, const QString &path,
                          const QString &routeName, ModelKind kind, QStringList &out);
    void parseFallbacks(const YAML::Node &node, const YAML::Node &keyNode, const QString &path,
                        RouteConfig &route);
    std::optional<RateLimit> parseRateLimit(const YAML::Node &node, const YAML::Node &keyNode,
                                            const QString &path);
    std::optional<TokenLimit> parseTokenLimit(const YAML::Node &node, const YAML::Node &keyNode,
                                              const QString &path);
    std::optional<BudgetLimit> parseBudgetLimit(const YAML::Node &node, const YAML::Node &keyNode,
                                                const QString &path);

    QString m_fileName;
    SecretResolver m_secrets;
    QList<Problem> m_problems;
    GatewayConfig m_config;
    bool m_holdsCredentials = false; // an api_key written in the file itself
    int m_jsonBudget = 0;
    // Every model id written in the file, even of a model with errors, so that routes naming
    // it do not pile further errors on the one already reported.
    QHash<QString, ModelKind> m_modelKinds;
    QHash<QString, int> m_modelLines;
};

} // namespace portico::config::detail
