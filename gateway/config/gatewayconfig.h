#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace portico::config {

// One problem found in config.yaml or secrets.yaml, with where it is.
struct Problem {
    enum class Severity { Error, Warning };
    Severity severity = Severity::Error;
    QString file;
    int line = 0;   // 1-based; 0 when unknown
    int column = 0; // 1-based; 0 when unknown
    QString message;
    // "config.yaml:12:5: error: routes.demo.chat_models[0]: unknown model id 'x' ..."
    QString toString() const;
};

enum class ModelKind { Chat, Embedding };

// A model entry of chat_models / embedding_models.
struct ModelConfig {
    ModelKind kind = ModelKind::Chat;
    QString modelId;    // model_id: what routes refer to
    QString provider;   // "openai" | "mock"
    QString model;      // the upstream model name (after "provider/")
    QString apiKey;     // credentials.api_key, secrets resolved; empty if none
    QString baseUrl;    // credentials.base_url; for openai defaults to https://api.openai.com/v1
    QJsonObject params; // merged into every request body
    int retryAttempts = 0;
    int timeoutSeconds = 120; // whole upstream call
    double inputCostPerMillionTokens = 0.0;
    double outputCostPerMillionTokens = 0.0;
};

struct RateLimit {
    QString algorithm = QStringLiteral("fixed_window");
    qint64 windowSeconds = 60;
    qint64 maxRequests = 0;
};

struct TokenLimit {
    QString algorithm = QStringLiteral("fixed_window");
    qint64 windowSeconds = 60;
    qint64 maxInputTokens = 0;  // 0: no limit
    qint64 maxOutputTokens = 0; // 0: no limit
};

struct BudgetLimit {
    qint64 windowSeconds = 86400;
    double maxBudgetUsd = 0.0;
};

struct Fallback {
    QString target;        // a model id of the route
    QStringList fallbacks; // tried in order when target fails
};

struct RouteConfig {
    QString name;
    QStringList chatModels; // model ids, in order of preference
    QStringList embeddingModels;
    QList<Fallback> fallbacks;
    std::optional<RateLimit> rateLimit;
    std::optional<TokenLimit> tokenLimit;
    std::optional<BudgetLimit> budgetLimit;
};

// The `usage:` section: what happens to the per-request usage rows.
struct UsageSettings {
    // Raw rows older than this many days are deleted by the gateway (every hour and whenever the
    // config changes); the hourly and daily roll-ups that the dashboard, the usage page and
    // `usage --by` read are kept. 0: raw rows are kept for ever.
    int rawRetentionDays = 0;
};

// The `gateway:` section: who may read /health and /metrics.
struct GatewaySettings {
    // Host names (lower case, as given: with or without a port) that /health and /metrics answer
    // besides localhost, loopback addresses and the listen address: a web page that rebinds its
    // own name to the gateway's address is refused.
    QStringList allowedHosts;
    // When set, /metrics needs "Authorization: Bearer <token>" (usually !secret NAME). Set it
    // when the gateway listens beyond loopback.
    QString metricsToken;
};

struct GatewayConfig {
    QString sourceFile;                    // absolute path, empty for built-in text
    QMap<QString, ModelConfig> chatModels; // by model id
    QMap<QString, ModelConfig> embeddingModels;
    QMap<QString, RouteConfig> routes; // by route name
    UsageSettings usage;
    GatewaySettings gateway;
    QList<Problem> warnings; // problems that did not stop the file from loading

    const RouteConfig *route(const QString &name) const;
    const ModelConfig *chatModel(const QString &modelId) const;
    const ModelConfig *embeddingModel(const QString &modelId) const;
};

// Parsing and validation. A file with errors yields no config, only problems; warnings (for
// example a key Portico does not support yet) are reported and the config still loads.
struct LoadResult {
    std::optional<GatewayConfig> config;
    QList<Problem> problems;       // errors and warnings, in file order
    bool holdsCredentials = false; // an api_key written in the file, not as !secret
    bool ok() const { return config.has_value(); }
};

// Reads `path`; `!secret NAME` is looked up in secrets.yaml beside it, then in the environment.
LoadResult loadConfigFile(const QString &path);
// The same for text in memory; `secretsFile` may be empty.
LoadResult parseConfig(const QByteArray &yaml, const QString &fileName, const QString &secretsFile);

// The config.yaml shipped in resources (demo route on mock/echo), as text.
QByteArray builtInConfigText();

} // namespace portico::config
