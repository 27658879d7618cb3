#include "config/configparser.h"

#include "config/duration.h"
#include "config/yamlsupport.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <exception>
#include <vector>

namespace portico::config::detail {

namespace {

const QString kSecretTag = QStringLiteral("!secret");
constexpr int kMaxParamsDepth = 32;
constexpr int kMaxParamsNodes = 100000;
constexpr qint64 kMaxRetryAttempts = 20;
constexpr qint64 kMaxTimeoutSeconds = 24 * 3600;
constexpr qint64 kMaxCount = qint64(1) << 50;

// The position to report for a value: its own, unless it is empty (`key:` alone), where
// yaml-cpp points past the key, often to the next line.
YAML::Mark markOf(const YAML::Node &value, const YAML::Node &keyNode) {
    if (value.IsDefined() && !value.IsNull() && value.Mark().line >= 0)
        return value.Mark();
    if (keyNode.IsDefined() && keyNode.Mark().line >= 0)
        return keyNode.Mark();
    return value.IsDefined() ? value.Mark() : YAML::Mark::null_mark();
}

QString join(const QString &path, const QString &key) {
    return path.isEmpty() ? key : path + QLatin1Char('.') + key;
}

QString indexed(const QString &path, qsizetype index) {
    return path + QLatin1Char('[') + QString::number(index) + QLatin1Char(']');
}

int editDistance(const QString &a, const QString &b) {
    std::vector<int> previous(size_t(b.size()) + 1);
    std::vector<int> current(size_t(b.size()) + 1);
    for (size_t j = 0; j < previous.size(); ++j)
        previous[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        current[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int substitution = previous[size_t(j - 1)] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[size_t(j)] =
                std::min({previous[size_t(j)] + 1, current[size_t(j - 1)] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous.back();
}

bool isStandardTag(const std::string &tag) {
    return tag.empty() || tag == "?" || tag == "!" || tag.rfind("tag:yaml.org,2002:", 0) == 0;
}

QString knownIds(const QHash<QString, ModelKind> &kinds, ModelKind kind) {
    QStringList ids;
    for (auto it = kinds.constBegin(); it != kinds.constEnd(); ++it) {
        if (it.value() == kind)
            ids.append(it.key());
    }
    if (ids.isEmpty())
        return QStringLiteral("none is defined yet");
    ids.sort();
    constexpr qsizetype maxShown = 10;
    QStringList shown;
    for (qsizetype i = 0; i < std::min(ids.size(), maxShown); ++i)
        shown.append(quoted(ids.at(i)));
    QString text = QStringLiteral("defined: ") + shown.join(QStringLiteral(", "));
    if (ids.size() > maxShown)
        text += QStringLiteral(", ...");
    return text;
}

// localhost, a name under .localhost, 127.0.0.0/8 or ::1: a server on this computer (the host as
// QUrl gives it: lower case, IPv6 without brackets).
bool isLoopbackHost(const QString &host) {
    const QString name = host.toLower();
    if (name == QLatin1String("localhost") || name.endsWith(QLatin1String(".localhost")))
        return true;
    if (name == QLatin1String("::1") || name == QLatin1String("0:0:0:0:0:0:0:1"))
        return true;
    static const QRegularExpression ipv4Loopback(
        QStringLiteral("^127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$"));
    return ipv4Loopback.match(name).hasMatch();
}

QString sectionName(ModelKind kind) {
    return kind == ModelKind::Chat ? QStringLiteral("chat_models")
                                   : QStringLiteral("embedding_models");
}

} // namespace

ConfigParser::ConfigParser(QString fileName, QString secretsFile,
                           std::shared_ptr<const SecretSource> secrets)
    : m_fileName(std::move(fileName))
    , m_secrets(std::move(secretsFile), std::move(secrets)) {}

void ConfigParser::error(const YAML::Mark &at, const QString &path, const QString &message) {
    m_problems.append(
        makeProblem(Problem::Severity::Error, m_fileName, at,
                    path.isEmpty() ? message : path + QStringLiteral(": ") + message));
}

void ConfigParser::warning(const YAML::Mark &at, const QString &path, const QString &message) {
    m_problems.append(
        makeProblem(Problem::Severity::Warning, m_fileName, at,
                    path.isEmpty() ? message : path + QStringLiteral(": ") + message));
}

void ConfigParser::unsupported(const YAML::Node &keyNode, const QString &path, const QString &key,
                               const QStringList &known) {
    QString closest;
    int best = 3;
    for (const QString &candidate : known) {
        const int distance = editDistance(key.toLower(), candidate);
        // Close enough to be a typo, not a different setting that happens to be short.
        if (distance < best && key.size() >= 4 && distance * 2 < key.size()) {
            best = distance;
            closest = candidate;
        }
    }
    if (!closest.isEmpty()) {
        warning(keyNode.Mark(), path,
                QStringLiteral("%1 is not a setting Portico knows and is ignored; did you mean %2?")
                    .arg(quoted(key), quoted(closest)));
        return;
    }
    warning(keyNode.Mark(), path,
            QStringLiteral("%1 is not supported by Portico yet and is ignored").arg(quoted(key)));
}

void ConfigParser::forEachEntry(const YAML::Node &map, const QString &path,
                                const EntryHandler &handler) {
    QHash<QString, int> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const YAML::Node keyNode = it->first;
        const YAML::Node value = it->second;
        if (!keyNode.IsScalar()) {
            error(markOf(keyNode, map), path,
                  QStringLiteral("a key must be a name, found %1").arg(describeType(keyNode)));
            continue;
        }
        const QString key = fromStd(keyNode.Scalar());
        const auto previous = seen.constFind(key);
        if (previous != seen.constEnd()) {
            error(keyNode.Mark(), path,
                  QStringLiteral("%1 appears twice (first on line %2); keep only one")
                      .arg(quoted(key))
                      .arg(*previous));
            continue;
        }
        seen.insert(key, keyNode.Mark().line + 1);
        handler(key, keyNode, value);
    }
}

bool ConfigParser::expectMap(const YAML::Node &node, const YAML::Node &keyNode, const QString &path,
                             const QString &what) {
    if (node.IsMap())
        return true;
    error(markOf(node, keyNode), path,
          QStringLiteral("expected %1, found %2").arg(what, describeType(node)));
    return false;
}

std::optional<ConfigParser::Text> ConfigParser::text(const YAML::Node &node,
                                                     const YAML::Node &keyNode, const QString &path,
                                                     bool allowSecret) {
    const YAML::Mark at = markOf(node, keyNode);
    if (node.IsNull() || !node.IsDefined()) {
        error(at, path, QStringLiteral("is empty; give it a value or remove the line"));
        return std::nullopt;
    }
    if (!node.IsScalar()) {
        error(at, path,
              QStringLiteral("expected a single value, found %1").arg(describeType(node)));
        return std::nullopt;
    }
    const std::string &tag = node.Tag();
    if (fromStd(tag) == kSecretTag) {
        if (!allowSecret) {
            error(at, path,
                  QStringLiteral("!secret is only allowed in credentials, params and "
                                 "gateway.metrics_token; write the "
                                 "value itself here"));
            return std::nullopt;
        }
        const QString name = fromStd(node.Scalar()).trimmed();
        if (name.isEmpty()) {
            error(at, path, QStringLiteral("!secret needs a name, e.g. !secret OPENAI_API_KEY"));
            return std::nullopt;
        }
        std::optional<QString> value = m_secrets.lookup(name, m_problems);
        if (!value) {
            if (const SecretSource *source = m_secrets.source()) {
                const QString where =
                    m_secrets.secretsFile().isEmpty()
                        ? QStringLiteral("nor in the environment")
                        : QStringLiteral("nor in secrets.yaml (%1) nor in the environment")
                              .arg(m_secrets.secretsFile());
                error(at, path,
                      QStringLiteral("secret %1 is not in %2 %3; set it there (in Portico: "
                                     "Routes, Set API Key), or set the environment variable %4")
                          .arg(quoted(name), source->description(), where, name));
            } else if (m_secrets.secretsFile().isEmpty()) {
                error(at, path,
                      QStringLiteral("secret %1 is not in the environment (this config has no "
                                     "secrets.yaml); set the environment variable %2")
                          .arg(quoted(name), name));
            } else {
                error(at, path,
                      QStringLiteral("secret %1 is not in secrets.yaml (%2) nor in the "
                                     "environment; add '%3: <value>' to secrets.yaml or set the "
                                     "environment variable %3")
                          .arg(quoted(name), m_secrets.secretsFile(), name));
            }
            return std::nullopt;
        }
        return Text{*value, true};
    }
    if (!isStandardTag(tag)) {
        error(at, path,
              QStringLiteral("unknown tag %1; Portico knows only !secret NAME")
                  .arg(quoted(fromStd(tag))));
        return std::nullopt;
    }
    return Text{fromStd(node.Scalar()), false};
}

std::optional<qint64> ConfigParser::integer(const YAML::Node &node, const YAML::Node &keyNode,
                                            const QString &path, qint64 min, qint64 max) {
    const std::optional<Text> value = text(node, keyNode, path, false);
    if (!value)
        return std::nullopt;
    const YAML::Mark at = markOf(node, keyNode);
    bool ok = false;
    qint64 result = value->value.trimmed().toLongLong(&ok);
    if (!ok) {
        // 2.0 is a whole number too; 2.5 and "two" are not.
        const double asDouble = value->value.trimmed().toDouble(&ok);
        if (!ok || !std::isfinite(asDouble) || std::floor(asDouble) != asDouble ||
            std::fabs(asDouble) > double(kMaxCount)) {
            error(at, path,
                  QStringLiteral("must be a whole number, found %1").arg(quoted(value->value)));
            return std::nullopt;
        }
        result = qint64(asDouble);
    }
    if (result < min) {
        error(at, path,
              min == 0 ? QStringLiteral("must not be negative, found %1").arg(result)
                       : QStringLiteral("must be at least %1, found %2").arg(min).arg(result));
        return std::nullopt;
    }
    if (result > max) {
        error(at, path, QStringLiteral("must be at most %1, found %2").arg(max).arg(result));
        return std::nullopt;
    }
    return result;
}

std::optional<double> ConfigParser::number(const YAML::Node &node, const YAML::Node &keyNode,
                                           const QString &path, bool zeroAllowed) {
    const std::optional<Text> value = text(node, keyNode, path, false);
    if (!value)
        return std::nullopt;
    const YAML::Mark at = markOf(node, keyNode);
    bool ok = false;
    const double result = value->value.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(result)) {
        error(at, path, QStringLiteral("must be a number, found %1").arg(quoted(value->value)));
        return std::nullopt;
    }
    if (result < 0) {
        error(at, path, QStringLiteral("must not be negative, found %1").arg(value->value));
        return std::nullopt;
    }
    if (!zeroAllowed && result == 0) {
        error(at, path, QStringLiteral("must be greater than 0"));
        return std::nullopt;
    }
    return result;
}

std::optional<qint64> ConfigParser::duration(const YAML::Node &node, const YAML::Node &keyNode,
                                             const QString &path) {
    const std::optional<Text> value = text(node, keyNode, path, false);
    if (!value)
        return std::nullopt;
    const std::optional<qint64> seconds = parseDurationSeconds(value->value);
    if (!seconds) {
        error(markOf(node, keyNode), path,
              QStringLiteral("%1 is not a window size; write a number and a unit, e.g. "
                             "'30 seconds', '1 minute', '2 hours', '1 day' or '1 week' (at most "
                             "10 years)")
                  .arg(quoted(value->value)));
        return std::nullopt;
    }
    return seconds;
}

std::optional<QString> ConfigParser::algorithm(const YAML::Node &node, const YAML::Node &keyNode,
                                               const QString &path) {
    const std::optional<Text> value = text(node, keyNode, path, false);
    if (!value)
        return std::nullopt;
    const QString name = value->value.trimmed();
    if (name == QLatin1String("fixed_window"))
        return name;
    const YAML::Mark at = markOf(node, keyNode);
    if (name == QLatin1String("sliding_window") ||
        name == QLatin1String("sliding_window_counter")) {
        warning(at, path,
                QStringLiteral("algorithm %1 is not supported by Portico yet; fixed_window is used")
                    .arg(quoted(name)));
        return QStringLiteral("fixed_window");
    }
    error(at, path, QStringLiteral("unknown algorithm %1; use fixed_window").arg(quoted(name)));
    return std::nullopt;
}

void ConfigParser::scope(const YAML::Node &node, const YAML::Node &keyNode, const QString &path) {
    const std::optional<Text> value = text(node, keyNode, path, false);
    if (!value)
        return;
    const QString name = value->value.trimmed();
    if (name == QLatin1String("route"))
        return;
    const YAML::Mark at = markOf(node, keyNode);
    if (name == QLatin1String("user") || name == QLatin1String("group")) {
        warning(at, path,
                QStringLiteral("scope %1 is not supported by Portico yet and is ignored: the limit "
                               "is shared by every caller of the route")
                    .arg(quoted(name)));
        return;
    }
    error(at, path, QStringLiteral("unknown scope %1; use route").arg(quoted(name)));
}

QList<QPair<QString, YAML::Node>>
ConfigParser::idList(const YAML::Node &node, const YAML::Node &keyNode, const QString &path) {
    QList<QPair<QString, YAML::Node>> ids;
    if (node.IsNull())
        return ids;
    if (!node.IsSequence()) {
        error(markOf(node, keyNode), path,
              QStringLiteral("expected a list of model ids, e.g. [%1], found %2")
                  .arg(node.IsScalar() ? fromStd(node.Scalar()).left(80) : QStringLiteral("id"),
                       describeType(node)));
        return ids;
    }
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node item = node[i];
        const QString itemPath = indexed(path, qsizetype(i));
        if (item.IsMap()) {
            error(item.Mark(), itemPath,
                  QStringLiteral("expected a model id, found a model definition; define models "
                                 "under the top-level chat_models or embedding_models and list "
                                 "their model_id here"));
            continue;
        }
        const std::optional<Text> id = text(item, keyNode, itemPath, false);
        if (!id)
            continue;
        ids.append({id->value, item});
    }
    return ids;
}

QJsonValue ConfigParser::jsonValue(const YAML::Node &node, const QString &path, int depth) {
    if (--m_jsonBudget == 0)
        error(node.Mark(), path, QStringLiteral("params are too large; keep them short"));
    if (m_jsonBudget <= 0)
        return {};
    if (depth > kMaxParamsDepth) {
        error(node.Mark(), path,
              QStringLiteral("params are nested more than %1 levels deep").arg(kMaxParamsDepth));
        m_jsonBudget = -1;
        return {};
    }
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        QJsonObject object;
        forEachEntry(node, path, [&](const QString &key, const YAML::Node &, const YAML::Node &v) {
            object.insert(key, jsonValue(v, join(path, key), depth + 1));
        });
        return object;
    }
    case YAML::NodeType::Sequence: {
        QJsonArray array;
        for (std::size_t i = 0; i < node.size(); ++i)
            array.append(jsonValue(node[i], indexed(path, qsizetype(i)), depth + 1));
        return array;
    }
    case YAML::NodeType::Scalar:
        break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        return QJsonValue(QJsonValue::Null);
    }
    const std::optional<Text> value = text(node, YAML::Node(), path, true);
    if (!value)
        return {};
    // Only plain scalars are typed; a quoted value or a secret is always text.
    if (value->fromSecret || node.Tag() != "?")
        return value->value;
    const QString &s = value->value;
    static const QRegularExpression nullPattern(QStringLiteral("^(~|null|Null|NULL)$"));
    static const QRegularExpression boolPattern(
        QStringLiteral("^(true|True|TRUE|false|False|FALSE)$"));
    static const QRegularExpression intPattern(QStringLiteral("^[-+]?[0-9]+$"));
    static const QRegularExpression floatPattern(
        QStringLiteral("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$"));
    if (nullPattern.match(s).hasMatch())
        return QJsonValue(QJsonValue::Null);
    if (boolPattern.match(s).hasMatch())
        return s.at(0).toLower() == QLatin1Char('t');
    bool ok = false;
    if (intPattern.match(s).hasMatch()) {
        const qint64 asInt = s.toLongLong(&ok);
        if (ok)
            return asInt;
    }
    if (floatPattern.match(s).hasMatch()) {
        const double asDouble = s.toDouble(&ok);
        if (ok && std::isfinite(asDouble))
            return asDouble;
    }
    return s;
}

LoadResult ConfigParser::parse(const QByteArray &yaml) {
    LoadResult result;
    YAML::Node root;
    std::optional<YAML::Mark> secondDocument;
    if (parseYaml(yaml, m_fileName, root, secondDocument, m_problems)) {
        try {
            const YAML::Mark start; // line 1, column 1
            if (root.IsNull()) {
                error(start, QString(),
                      QStringLiteral("the file has no settings; it needs chat_models (or "
                                     "embedding_models) and routes, as in the bundled "
                                     "config.yaml"));
            } else if (!root.IsMap()) {
                error(root.Mark(), QString(),
                      QStringLiteral("the top level must be a map with chat_models, "
                                     "embedding_models and routes, found %1")
                          .arg(describeType(root)));
            } else {
                if (secondDocument) {
                    warning(*secondDocument, QString(),
                            QStringLiteral("only the first YAML document is read; remove the "
                                           "'---' line and what follows it"));
                }
                YAML::Node routes;
                YAML::Node routesKey;
                bool hasRoutes = false;
                forEachEntry(
                    root, QString(),
                    [&](const QString &key, const YAML::Node &keyNode, const YAML::Node &value) {
                        if (key == QLatin1String("chat_models")) {
                            parseModels(value, keyNode, ModelKind::Chat, key);
                        } else if (key == QLatin1String("embedding_models")) {
                            parseModels(value, keyNode, ModelKind::Embedding, key);
                        } else if (key == QLatin1String("routes")) {
                            routes = value;
                            routesKey = keyNode;
                            hasRoutes = true;
                        } else if (key == QLatin1String("usage")) {
                            parseUsageSettings(value, keyNode);
                        } else if (key == QLatin1String("gateway")) {
                            parseGatewaySettings(value, keyNode);
                        } else {
                            unsupported(keyNode, QString(), key,
                                        {QStringLiteral("chat_models"),
                                         QStringLiteral("embedding_models"),
                                         QStringLiteral("routes"), QStringLiteral("usage"),
                                         QStringLiteral("gateway")});
                        }
                    });
                // Models first, wherever they are in the file: routes refer to them.
                if (hasRoutes)
                    parseRoutes(routes, routesKey);
                if (!hasRoutes) {
                    warning(root.Mark(), QString(),
                            QStringLiteral("there is no routes section, so clients can reach no "
                                           "model; add routes: with at least one route"));
                }
            }
        } catch (const std::exception &e) {
            // yaml-cpp throws on some malformed node graphs; a config must never crash the app.
            error(YAML::Mark::null_mark(), QString(),
                  QStringLiteral("cannot read the file: %1").arg(fromStd(e.what())));
        }
    }

    // Secrets problems belong to another file: after those of the config itself.
    std::stable_sort(m_problems.begin(), m_problems.end(), [&](const Problem &a, const Problem &b) {
        const bool aOther = a.file != m_fileName;
        const bool bOther = b.file != m_fileName;
        if (aOther != bOther)
            return bOther;
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    result.problems = m_problems;
    result.holdsCredentials = m_holdsCredentials;
    const bool hasError = std::any_of(m_problems.cbegin(), m_problems.cend(), [](const Problem &p) {
        return p.severity == Problem::Severity::Error;
    });
    if (!hasError) {
        m_config.warnings = m_problems;
        result.config = std::move(m_config);
    }
    return result;
}

void ConfigParser::parseModels(const YAML::Node &list, const YAML::Node &keyNode, ModelKind kind,
                               const QString &section) {
    if (list.IsNull())
        return;
    if (!list.IsSequence()) {
        error(markOf(list, keyNode), section,
              QStringLiteral("expected a list of models (each item '- model_id: ...' with "
                             "'model: provider/name'), found %1")
                  .arg(describeType(list)));
        return;
    }
    for (std::size_t i = 0; i < list.size(); ++i)
        parseModel(list[i], kind, indexed(section, qsizetype(i)));
}

void ConfigParser::parseModel(const YAML::Node &map, ModelKind kind, const QString &path) {
    if (!map.IsMap()) {
        error(map.Mark(), path,
              QStringLiteral("expected a model (a map with model_id and model), found %1")
                  .arg(describeType(map)));
        return;
    }
    ModelConfig model;
    model.kind = kind;
    bool ok = true;
    bool hasId = false;
    bool hasModel = false;
    YAML::Node idNode;
    const QStringList known = {QStringLiteral("model_id"),
                               QStringLiteral("model"),
                               QStringLiteral("credentials"),
                               QStringLiteral("params"),
                               QStringLiteral("retry_attempts"),
                               QStringLiteral("timeout_seconds"),
                               QStringLiteral("input_cost_per_million_tokens"),
                               QStringLiteral("output_cost_per_million_tokens")};
    forEachEntry(
        map, path, [&](const QString &key, const YAML::Node &keyNode, const YAML::Node &value) {
            const QString fieldPath = join(path, key);
            if (key == QLatin1String("model_id")) {
                hasId = true;
                const std::optional<Text> id = text(value, keyNode, fieldPath, false);
                if (!id) {
                    ok = false;
                } else if (id->value.trimmed().isEmpty()) {
                    error(markOf(value, keyNode), fieldPath,
                          QStringLiteral("is empty; give the model an id that routes refer to"));
                    ok = false;
                } else {
                    model.modelId = id->value.trimmed();
                    idNode = value;
                }
            } else if (key == QLatin1String("model")) {
                hasModel = true;
                parseModelName(value, keyNode, fieldPath, model, ok);
            } else if (key == QLatin1String("credentials")) {
                parseCredentials(value, keyNode, fieldPath, model, ok);
            } else if (key == QLatin1String("params")) {
                if (value.IsNull())
                    return;
                if (!expectMap(
                        value, keyNode, fieldPath,
                        QStringLiteral("a map of request parameters, e.g. temperature: 0.2"))) {
                    ok = false;
                    return;
                }
                m_jsonBudget = kMaxParamsNodes;
                const qsizetype before = m_problems.size();
                model.params = jsonValue(value, fieldPath, 0).toObject();
                if (m_problems.size() != before)
                    ok = false;
            } else if (key == QLatin1String("retry_attempts")) {
                const auto n = integer(value, keyNode, fieldPath, 0, kMaxRetryAttempts);
                ok = ok && n.has_value();
                model.retryAttempts = int(n.value_or(0));
            } else if (key == QLatin1String("timeout_seconds")) {
                const auto n = integer(value, keyNode, fieldPath, 1, kMaxTimeoutSeconds);
                ok = ok && n.has_value();
                model.timeoutSeconds = int(n.value_or(model.timeoutSeconds));
            } else if (key == QLatin1String("input_cost_per_million_tokens")) {
                const auto n = number(value, keyNode, fieldPath, true);
                ok = ok && n.has_value();
                model.inputCostPerMillionTokens = n.value_or(0.0);
            } else if (key == QLatin1String("output_cost_per_million_tokens")) {
                const auto n = number(value, keyNode, fieldPath, true);
                ok = ok && n.has_value();
                model.outputCostPerMillionTokens = n.value_or(0.0);
            } else {
                unsupported(keyNode, path, key, known);
            }
        });
    if (!hasId) {
        error(map.Mark(), path,
              QStringLiteral("missing model_id: give the model an id that routes refer to, e.g. "
                             "'model_id: my-model'"));
        ok = false;
    }
    if (!hasModel) {
        error(map.Mark(), path,
              QStringLiteral("missing model: write provider/name, e.g. 'model: "
                             "openai/gpt-4o-mini' or 'model: mock/echo'"));
        ok = false;
    }
    if (model.modelId.isEmpty())
        return;
    const auto existing = m_modelKinds.constFind(model.modelId);
    if (existing != m_modelKinds.constEnd()) {
        error(idNode.Mark(), join(path, QStringLiteral("model_id")),
              QStringLiteral("duplicate model id %1, already defined on line %2 (in %3); model "
                             "ids must be unique across chat_models and embedding_models")
                  .arg(quoted(model.modelId))
                  .arg(m_modelLines.value(model.modelId))
                  .arg(sectionName(*existing)));
        return;
    }
    m_modelKinds.insert(model.modelId, kind);
    m_modelLines.insert(model.modelId, idNode.Mark().line + 1);
    if (!ok)
        return;
    if (model.provider == QLatin1String("openai") && model.baseUrl.isEmpty())
        model.baseUrl = QStringLiteral("https://api.openai.com/v1");
    (kind == ModelKind::Chat ? m_config.chatModels : m_config.embeddingModels)
        .insert(model.modelId, model);
}

void ConfigParser::parseModelName(const YAML::Node &node, const YAML::Node &keyNode,
                                  const QString &path, ModelConfig &model, bool &ok) {
    const std::optional<Text> value = text(node, keyNode, path, false);
    if (!value) {
        ok = false;
        return;
    }
    const YAML::Mark at = markOf(node, keyNode);
    const QString full = value->value.trimmed();
    const qsizetype slash = full.indexOf(QLatin1Char('/'));
    if (slash < 0) {
        error(at, path,
              QStringLiteral("%1 has no provider; write provider/name, e.g. openai/%2 or "
                             "mock/echo")
                  .arg(quoted(full), full.left(80)));
        ok = false;
        return;
    }
    const QString provider = full.left(slash).trimmed().toLower();
    const QString name = full.mid(slash + 1).trimmed();
    if (provider != QLatin1String("openai") && provider != QLatin1String("mock")) {
        error(at, path,
              QStringLiteral("unknown provider %1; Portico supports openai (OpenAI or any "
                             "OpenAI-compatible server such as Ollama, llama.cpp or vLLM: set "
                             "credentials.base_url) and mock (mock/echo)")
                  .arg(quoted(full.left(slash))));
        ok = false;
        return;
    }
    if (name.isEmpty()) {
        error(at, path,
              QStringLiteral("the model name after '%1/' is missing, e.g. %1/%2")
                  .arg(provider, provider == QLatin1String("mock")
                                     ? QStringLiteral("echo")
                                     : QStringLiteral("gpt-4o-mini")));
        ok = false;
        return;
    }
    if (provider == QLatin1String("mock") && name != QLatin1String("echo")) {
        error(at, path,
              QStringLiteral("the mock provider has only the model 'echo' (mock/echo), not %1")
                  .arg(quoted(name)));
        ok = false;
        return;
    }
    model.provider = provider;
    model.model = name;
}

void ConfigParser::parseCredentials(const YAML::Node &node, const YAML::Node &keyNode,
                                    const QString &path, ModelConfig &model, bool &ok) {
    if (node.IsNull())
        return;
    if (!expectMap(node, keyNode, path, QStringLiteral("a map with api_key and/or base_url"))) {
        ok = false;
        return;
    }
    YAML::Mark baseUrlAt = markOf(node, keyNode);
    bool baseUrlFromSecret = false;
    forEachEntry(
        node, path, [&](const QString &key, const YAML::Node &entryKey, const YAML::Node &value) {
            const QString fieldPath = join(path, key);
            if (key == QLatin1String("api_key")) {
                if (value.IsNull())
                    return;
                const std::optional<Text> apiKey = text(value, entryKey, fieldPath, true);
                if (!apiKey) {
                    ok = false;
                    return;
                }
                model.apiKey = apiKey->value.trimmed();
                if (!apiKey->fromSecret && !model.apiKey.isEmpty())
                    m_holdsCredentials = true;
            } else if (key == QLatin1String("base_url")) {
                const std::optional<Text> url = text(value, entryKey, fieldPath, true);
                if (!url) {
                    ok = false;
                    return;
                }
                QString trimmed = url->value.trimmed();
                while (trimmed.endsWith(QLatin1Char('/')))
                    trimmed.chop(1);
                const QUrl parsed(trimmed, QUrl::StrictMode);
                const QString scheme = parsed.scheme().toLower();
                if (!parsed.isValid() || parsed.host().isEmpty() ||
                    (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
                    // A URL from a secret may carry a token: never show it.
                    const QString shown =
                        url->fromSecret ? QStringLiteral("the secret's value") : quoted(url->value);
                    error(markOf(value, entryKey), fieldPath,
                          QStringLiteral("%1 is not an http(s) URL; write e.g. "
                                         "http://localhost:11434/v1")
                              .arg(shown));
                    ok = false;
                    return;
                }
                model.baseUrl = trimmed;
                baseUrlAt = markOf(value, entryKey);
                baseUrlFromSecret = url->fromSecret;
            } else {
                unsupported(entryKey, path, key,
                            {QStringLiteral("api_key"), QStringLiteral("base_url")});
            }
        });
    // A provider key sent over plain HTTP to another machine can be read on the way. Loopback
    // stays quiet (a local server), and so does a keyless base_url (a LAN Ollama, say): what
    // travels in clear there is the user's own choice, not a credential.
    if (!model.apiKey.isEmpty() && !model.baseUrl.isEmpty()) {
        const QUrl parsed(model.baseUrl);
        if (parsed.scheme().compare(QLatin1String("http"), Qt::CaseInsensitive) == 0 &&
            !isLoopbackHost(parsed.host())) {
            // The host of a base_url from a secret is not shown, like the rest of it.
            const QString where =
                baseUrlFromSecret
                    ? QStringLiteral("a host that is not this computer")
                    : QStringLiteral("%1, which is not this computer").arg(quoted(parsed.host()));
            warning(baseUrlAt, join(path, QStringLiteral("base_url")),
                    QStringLiteral("the provider key (api_key) is sent in clear text over plain "
                                   "http:// to %1: anyone on the network path can read it; use "
                                   "https://, or an address of this computer for a local server")
                        .arg(where));
        }
    }
}

void ConfigParser::parseRoutes(const YAML::Node &map, const YAML::Node &keyNode) {
    const QString path = QStringLiteral("routes");
    if (map.IsNull()) {
        warning(keyNode.Mark(), path,
                QStringLiteral("no route is defined, so clients can reach no model"));
        return;
    }
    if (!expectMap(map, keyNode, path,
                   QStringLiteral("a map of route names, e.g. 'demo:' with 'chat_models: [demo]' "
                                  "under it"))) {
        return;
    }
    forEachEntry(map, path,
                 [&](const QString &name, const YAML::Node &nameNode, const YAML::Node &value) {
                     parseRoute(name, nameNode, value);
                 });
    if (map.size() == 0) {
        warning(keyNode.Mark(), path,
                QStringLiteral("no route is defined, so clients can reach no model"));
    }
}

void ConfigParser::parseRoute(const QString &name, const YAML::Node &keyNode,
                              const YAML::Node &node) {
    const QString path = join(QStringLiteral("routes"), name);
    if (name.trimmed().isEmpty()) {
        error(keyNode.Mark(), QStringLiteral("routes"),
              QStringLiteral("a route needs a name: clients send it as 'model'"));
        return;
    }
    if (node.IsNull()) {
        error(keyNode.Mark(), path,
              QStringLiteral("the route has no models; add chat_models: [model id] or "
                             "embedding_models: [model id]"));
        return;
    }
    if (!expectMap(node, keyNode, path,
                   QStringLiteral("a map with chat_models and/or embedding_models"))) {
        return;
    }
    RouteConfig route;
    route.name = name;
    bool ok = true;
    YAML::Node fallback;
    YAML::Node fallbackKey;
    bool hasFallback = false;
    const qsizetype problemsBefore = m_problems.size();
    forEachEntry(
        node, path, [&](const QString &key, const YAML::Node &entryKey, const YAML::Node &value) {
            const QString fieldPath = join(path, key);
            if (key == QLatin1String("chat_models")) {
                parseRouteModels(value, entryKey, fieldPath, name, ModelKind::Chat,
                                 route.chatModels);
            } else if (key == QLatin1String("embedding_models")) {
                parseRouteModels(value, entryKey, fieldPath, name, ModelKind::Embedding,
                                 route.embeddingModels);
            } else if (key == QLatin1String("fallback")) {
                fallback = value;
                fallbackKey = entryKey;
                hasFallback = true;
            } else if (key == QLatin1String("rate_limiting")) {
                if (!value.IsNull())
                    route.rateLimit = parseRateLimit(value, entryKey, fieldPath);
            } else if (key == QLatin1String("token_limiting")) {
                if (!value.IsNull())
                    route.tokenLimit = parseTokenLimit(value, entryKey, fieldPath);
            } else if (key == QLatin1String("budget_limiting")) {
                if (!value.IsNull())
                    route.budgetLimit = parseBudgetLimit(value, entryKey, fieldPath);
            } else {
                unsupported(entryKey, path, key,
                            {QStringLiteral("chat_models"), QStringLiteral("embedding_models"),
                             QStringLiteral("fallback"), QStringLiteral("rate_limiting"),
                             QStringLiteral("token_limiting"), QStringLiteral("budget_limiting")});
            }
        });
    if (route.chatModels.isEmpty() && route.embeddingModels.isEmpty()) {
        if (m_problems.size() == problemsBefore) {
            error(keyNode.Mark(), path,
                  QStringLiteral("the route has no models; add chat_models: [model id] or "
                                 "embedding_models: [model id]"));
        }
        ok = false;
    }
    // After the model lists, wherever fallback is written in the route.
    if (hasFallback && !fallback.IsNull())
        parseFallbacks(fallback, fallbackKey, join(path, QStringLiteral("fallback")), route);
    if (ok)
        m_config.routes.insert(name, route);
}

void ConfigParser::parseRouteModels(const YAML::Node &node, const YAML::Node &keyNode,
                                    const QString &path, const QString &routeName, ModelKind kind,
                                    QStringList &out) {
    const auto ids = idList(node, keyNode, path);
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const QString &id = ids.at(i).first;
        const YAML::Node &idNode = ids.at(i).second;
        const QString itemPath = indexed(path, i);
        if (out.contains(id)) {
            warning(idNode.Mark(), itemPath,
                    QStringLiteral("%1 is listed twice in route %2; the second is ignored")
                        .arg(quoted(id), quoted(routeName)));
            continue;
        }
        out.append(id);
        const auto found = m_modelKinds.constFind(id);
        if (found == m_modelKinds.constEnd()) {
            error(idNode.Mark(), itemPath,
                  QStringLiteral("unknown model id %1; define it under the top-level %2 (%3)")
                      .arg(quoted(id), sectionName(kind), knownIds(m_modelKinds, kind)));
        } else if (*found != kind) {
            error(idNode.Mark(), itemPath,
                  QStringLiteral("%1 is %2 model; list it under the route's %3")
                      .arg(quoted(id),
                           *found == ModelKind::Chat ? QStringLiteral("a chat")
                                                     : QStringLiteral("an embedding"),
                           sectionName(*found)));
        }
    }
}

void ConfigParser::parseFallbacks(const YAML::Node &node, const YAML::Node &keyNode,
                                  const QString &path, RouteConfig &route) {
    if (!node.IsSequence()) {
        error(markOf(node, keyNode), path,
              QStringLiteral("expected a list of '- target: model id' with 'fallbacks: [model "
                             "ids]', found %1")
                  .arg(describeType(node)));
        return;
    }
    QSet<QString> targets;
    for (std::size_t i = 0; i < node.size(); ++i) {
        const YAML::Node item = node[i];
        const QString itemPath = indexed(path, qsizetype(i));
        if (!expectMap(item, keyNode, itemPath,
                       QStringLiteral("a map with target and fallbacks"))) {
            continue;
        }
        Fallback entry;
        std::optional<ModelKind> kind;
        YAML::Node targetNode;
        bool hasTarget = false;
        QList<QPair<QString, YAML::Node>> fallbacks;
        bool hasFallbacks = false;
        bool ok = true;
        forEachEntry(
            item, itemPath,
            [&](const QString &key, const YAML::Node &entryKey, const YAML::Node &value) {
                const QString fieldPath = join(itemPath, key);
                if (key == QLatin1String("target")) {
                    const std::optional<Text> target = text(value, entryKey, fieldPath, false);
                    if (!target) {
                        ok = false;
                        return;
                    }
                    entry.target = target->value.trimmed();
                    targetNode = value;
                    hasTarget = true;
                } else if (key == QLatin1String("fallbacks")) {
                    hasFallbacks = true;
                    const qsizetype before = m_problems.size();
                    fallbacks = idList(value, entryKey, fieldPath);
                    ok = ok && m_problems.size() == before;
                    if (ok && fallbacks.isEmpty()) {
                        error(markOf(value, entryKey), fieldPath,
                              QStringLiteral("is empty; list the model ids to try when the target "
                                             "fails"));
                        ok = false;
                    }
                } else if (key == QLatin1String("type")) {
                    const std::optional<Text> type = text(value, entryKey, fieldPath, false);
                    if (!type) {
                        ok = false;
                        return;
                    }
                    const QString upper = type->value.trimmed().toUpper();
                    if (upper == QLatin1String("CHAT")) {
                        kind = ModelKind::Chat;
                    } else if (upper == QLatin1String("EMBEDDING")) {
                        kind = ModelKind::Embedding;
                    } else {
                        error(markOf(value, entryKey), fieldPath,
                              QStringLiteral("unknown type %1; use CHAT or EMBEDDING")
                                  .arg(quoted(type->value)));
                        ok = false;
                    }
                } else {
                    unsupported(entryKey, itemPath, key,
                                {QStringLiteral("target"), QStringLiteral("fallbacks"),
                                 QStringLiteral("type")});
                }
            });
        if (!hasTarget && ok) {
            error(item.Mark(), itemPath,
                  QStringLiteral("missing target: the model id whose failure triggers the "
                                 "fallbacks"));
            ok = false;
        }
        if (!hasFallbacks) {
            error(item.Mark(), itemPath,
                  QStringLiteral("missing fallbacks: the list of model ids to try when the "
                                 "target fails"));
            ok = false;
        }
        if (!hasTarget)
            continue;
        if (!kind) {
            kind = route.embeddingModels.contains(entry.target) &&
                           !route.chatModels.contains(entry.target)
                       ? ModelKind::Embedding
                       : ModelKind::Chat;
        }
        const QStringList &members =
            *kind == ModelKind::Chat ? route.chatModels : route.embeddingModels;
        const QString listName = sectionName(*kind);
        QStringList validMembers;
        for (const QString &id : members) {
            if (m_modelKinds.value(id, ModelKind::Chat) == *kind && m_modelKinds.contains(id))
                validMembers.append(id);
        }
        const auto notInRoute = [&](const QString &id) {
            return QStringLiteral("%1 is not in the %2 of route %3; add it there or name one of "
                                  "them (%4)")
                .arg(quoted(id), listName, quoted(route.name),
                     validMembers.isEmpty() ? QStringLiteral("the route has none")
                                            : validMembers.join(QStringLiteral(", ")));
        };
        if (!members.contains(entry.target)) {
            error(targetNode.Mark(), join(itemPath, QStringLiteral("target")),
                  QStringLiteral("fallback target ") + notInRoute(entry.target));
            ok = false;
        }
        if (targets.contains(entry.target)) {
            error(targetNode.Mark(), join(itemPath, QStringLiteral("target")),
                  QStringLiteral("%1 already has fallbacks in this route; merge the two entries")
                      .arg(quoted(entry.target)));
            ok = false;
        }
        targets.insert(entry.target);
        for (qsizetype j = 0; j < fallbacks.size(); ++j) {
            const QString &id = fallbacks.at(j).first;
            const QString fallbackPath = indexed(join(itemPath, QStringLiteral("fallbacks")), j);
            if (id == entry.target) {
                error(fallbacks.at(j).second.Mark(), fallbackPath,
                      QStringLiteral("%1 is the target itself; a fallback must be another model")
                          .arg(quoted(id)));
                ok = false;
            } else if (!members.contains(id)) {
                error(fallbacks.at(j).second.Mark(), fallbackPath,
                      QStringLiteral("fallback ") + notInRoute(id));
                ok = false;
            } else if (!entry.fallbacks.contains(id)) {
                entry.fallbacks.append(id);
            }
        }
        if (ok)
            route.fallbacks.append(entry);
    }
}

std::optional<RateLimit> ConfigParser::parseRateLimit(const YAML::Node &node,
                                                      const YAML::Node &keyNode,
                                                      const QString &path) {
    if (!expectMap(node, keyNode, path,
                   QStringLiteral("a map like { algorithm: fixed_window, window_size: 1 minute, "
                                  "max_requests: 60 }"))) {
        return std::nullopt;
    }
    RateLimit limit;
    bool ok = true;
    bool hasWindow = false;
    bool hasMax = false;
    forEachEntry(node, path,
                 [&](const QString &key, const YAML::Node &entryKey, const YAML::Node &value) {
                     const QString fieldPath = join(path, key);
                     if (key == QLatin1String("algorithm")) {
                         const auto name = algorithm(value, entryKey, fieldPath);
                         ok = ok && name.has_value();
                         limit.algorithm = name.value_or(limit.algorithm);
                     } else if (key == QLatin1String("window_size")) {
                         hasWindow = true;
                         const auto seconds = duration(value, entryKey, fieldPath);
                         ok = ok && seconds.has_value();
                         limit.windowSeconds = seconds.value_or(limit.windowSeconds);
                     } else if (key == QLatin1String("max_requests")) {
                         hasMax = true;
                         const auto n = integer(value, entryKey, fieldPath, 1, kMaxCount);
                         ok = ok && n.has_value();
                         limit.maxRequests = n.value_or(0);
                     } else if (key == QLatin1String("scope")) {
                         scope(value, entryKey, fieldPath);
                     } else {
                         unsupported(entryKey, path, key,
                                     {QStringLiteral("algorithm"), QStringLiteral("window_size"),
                                      QStringLiteral("max_requests"), QStringLiteral("scope")});
                     }
                 });
    if (!hasWindow) {
        error(node.Mark(), path,
              QStringLiteral("missing window_size, e.g. 'window_size: 1 minute'"));
        ok = false;
    }
    if (!hasMax) {
        error(node.Mark(), path,
              QStringLiteral("missing max_requests: how many requests a window allows"));
        ok = false;
    }
    return ok ? std::optional<RateLimit>(limit) : std::nullopt;
}

std::optional<TokenLimit> ConfigParser::parseTokenLimit(const YAML::Node &node,
                                                        const YAML::Node &keyNode,
                                                        const QString &path) {
    if (!expectMap(node, keyNode, path,
                   QStringLiteral("a map with input and/or output, each like { window_size: 1 "
                                  "hour, max_token: 100000 }"))) {
        return std::nullopt;
    }
    TokenLimit limit;
    bool ok = true;
    std::optional<qint64> window;
    QString windowText;
    bool any = false;
    forEachEntry(
        node, path, [&](const QString &key, const YAML::Node &entryKey, const YAML::Node &value) {
            const QString sidePath = join(path, key);
            if (key == QLatin1String("scope")) {
                scope(value, entryKey, sidePath);
                return;
            }
            if (key != QLatin1String("input") && key != QLatin1String("output")) {
                unsupported(
                    entryKey, path, key,
                    {QStringLiteral("input"), QStringLiteral("output"), QStringLiteral("scope")});
                return;
            }
            any = true;
            if (!expectMap(
                    value, entryKey, sidePath,
                    QStringLiteral("a map like { window_size: 1 hour, max_token: 100000 }"))) {
                ok = false;
                return;
            }
            bool hasWindow = false;
            bool hasMax = false;
            forEachEntry(
                value, sidePath,
                [&](const QString &field, const YAML::Node &fieldKey,
                    const YAML::Node &fieldValue) {
                    const QString fieldPath = join(sidePath, field);
                    if (field == QLatin1String("algorithm")) {
                        const auto name = algorithm(fieldValue, fieldKey, fieldPath);
                        ok = ok && name.has_value();
                        limit.algorithm = name.value_or(limit.algorithm);
                    } else if (field == QLatin1String("window_size")) {
                        hasWindow = true;
                        const auto seconds = duration(fieldValue, fieldKey, fieldPath);
                        if (!seconds) {
                            ok = false;
                            return;
                        }
                        // TokenLimit has one window for both directions.
                        if (window && *window != *seconds) {
                            error(markOf(fieldValue, fieldKey), fieldPath,
                                  QStringLiteral("Portico needs the same window_size for input and "
                                                 "output; the other one is %1")
                                      .arg(quoted(windowText)));
                            ok = false;
                            return;
                        }
                        window = seconds;
                        windowText = fromStd(fieldValue.Scalar());
                    } else if (field == QLatin1String("max_token")) {
                        hasMax = true;
                        const auto n = integer(fieldValue, fieldKey, fieldPath, 1, kMaxCount);
                        ok = ok && n.has_value();
                        (key == QLatin1String("input") ? limit.maxInputTokens
                                                       : limit.maxOutputTokens) = n.value_or(0);
                    } else {
                        unsupported(fieldKey, sidePath, field,
                                    {QStringLiteral("algorithm"), QStringLiteral("window_size"),
                                     QStringLiteral("max_token")});
                    }
                });
            if (!hasWindow) {
                error(value.Mark(), sidePath,
                      QStringLiteral("missing window_size, e.g. 'window_size: 1 hour'"));
                ok = false;
            }
            if (!hasMax) {
                error(value.Mark(), sidePath,
                      QStringLiteral("missing max_token: how many tokens a window allows"));
                ok = false;
            }
        });
    if (!any) {
        error(node.Mark(), path,
              QStringLiteral("needs input and/or output, each like { window_size: 1 hour, "
                             "max_token: 100000 }"));
        ok = false;
    }
    if (window)
        limit.windowSeconds = *window;
    return ok ? std::optional<TokenLimit>(limit) : std::nullopt;
}

void ConfigParser::parseUsageSettings(const YAML::Node &node, const YAML::Node &keyNode) {
    const QString path = QStringLiteral("usage");
    if (!expectMap(node, keyNode, path, QStringLiteral("a map like { raw_retention_days: 90 }")))
        return;
    forEachEntry(
        node, path, [&](const QString &key, const YAML::Node &entryKey, const YAML::Node &value) {
            if (key == QLatin1String("raw_retention_days")) {
                // A century: beyond that "for ever" (0) says what is meant.
                constexpr qint64 kMaxRetentionDays = 36500;
                const auto days = integer(value, entryKey, join(path, key), 0, kMaxRetentionDays);
                if (days)
                    m_config.usage.rawRetentionDays = int(*days);
            } else {
                unsupported(entryKey, path, key, {QStringLiteral("raw_retention_days")});
            }
        });
}

void ConfigParser::parseGatewaySettings(const YAML::Node &node, const YAML::Node &keyNode) {
    const QString path = QStringLiteral("gateway");
    if (!expectMap(node, keyNode, path,
                   QStringLiteral("a map like { allowed_hosts: [portico.example.com], "
                                  "metrics_token: !secret PORTICO_METRICS_TOKEN }")))
        return;
    forEachEntry(
        node, path, [&](const QString &key, const YAML::Node &entryKey, const YAML::Node &value) {
            const QString entryPath = join(path, key);
            if (key == QLatin1String("allowed_hosts")) {
                if (value.IsNull())
                    return;
                if (!value.IsSequence()) {
                    error(markOf(value, entryKey), entryPath,
                          QStringLiteral("expected a list of host names, e.g. "
                                         "[portico.example.com], found %1")
                              .arg(describeType(value)));
                    return;
                }
                for (std::size_t i = 0; i < value.size(); ++i) {
                    const QString itemPath = indexed(entryPath, qsizetype(i));
                    const std::optional<Text> host = text(value[i], entryKey, itemPath, false);
                    if (!host)
                        continue;
                    const QString name = host->value.trimmed().toLower();
                    if (name.isEmpty() || name.contains(QLatin1Char('/')) ||
                        name.contains(QLatin1Char(' '))) {
                        error(value[i].Mark(), itemPath,
                              QStringLiteral("expected a host name like portico.example.com "
                                             "(optionally with :port), found '%1'")
                                  .arg(host->value.left(80)));
                        continue;
                    }
                    m_config.gateway.allowedHosts.append(name);
                }
            } else if (key == QLatin1String("metrics_token")) {
                if (const std::optional<Text> token = text(value, entryKey, entryPath, true))
                    m_config.gateway.metricsToken = token->value;
            } else {
                unsupported(entryKey, path, key,
                            {QStringLiteral("allowed_hosts"), QStringLiteral("metrics_token")});
            }
        });
}

std::optional<BudgetLimit> ConfigParser::parseBudgetLimit(const YAML::Node &node,
                                                          const YAML::Node &keyNode,
                                                          const QString &path) {
    if (!expectMap(node, keyNode, path,
                   QStringLiteral("a map like { window_size: 1 day, max_budget: 10.0 }"))) {
        return std::nullopt;
    }
    BudgetLimit limit;
    bool ok = true;
    bool hasWindow = false;
    bool hasMax = false;
    forEachEntry(node, path,
                 [&](const QString &key, const YAML::Node &entryKey, const YAML::Node &value) {
                     const QString fieldPath = join(path, key);
                     if (key == QLatin1String("algorithm")) {
                         ok = algorithm(value, entryKey, fieldPath).has_value() && ok;
                     } else if (key == QLatin1String("window_size")) {
                         hasWindow = true;
                         const auto seconds = duration(value, entryKey, fieldPath);
                         ok = ok && seconds.has_value();
                         limit.windowSeconds = seconds.value_or(limit.windowSeconds);
                     } else if (key == QLatin1String("max_budget")) {
                         hasMax = true;
                         const auto amount = number(value, entryKey, fieldPath, false);
                         ok = ok && amount.has_value();
                         limit.maxBudgetUsd = amount.value_or(0.0);
                     } else if (key == QLatin1String("scope")) {
                         scope(value, entryKey, fieldPath);
                     } else {
                         unsupported(entryKey, path, key,
                                     {QStringLiteral("algorithm"), QStringLiteral("window_size"),
                                      QStringLiteral("max_budget"), QStringLiteral("scope")});
                     }
                 });
    if (!hasWindow) {
        error(node.Mark(), path, QStringLiteral("missing window_size, e.g. 'window_size: 1 day'"));
        ok = false;
    }
    if (!hasMax) {
        error(node.Mark(), path,
              QStringLiteral("missing max_budget: the most a window may cost, in USD"));
        ok = false;
    }
    return ok ? std::optional<BudgetLimit>(limit) : std::nullopt;
}

} // namespace portico::config::detail
