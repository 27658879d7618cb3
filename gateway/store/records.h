#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace portico::store {

enum class KeyState { Active, Disabled };
QString toString(KeyState state); // "active" | "disabled"

struct GroupRef {
    QString uuid;
    QString name;
};

struct KeyRef {
    QString uuid;
    QString name;
};

// A route a key can reach, and the group that grants it (a route granted by two groups appears
// twice, once per group, as the Keys page's "Accessible Routes" table shows).
struct RouteGrant {
    QString route;
    GroupRef group;
};

// The calendar period a budget covers, in UTC.
enum class BudgetPeriod { Day, Month };
QString toString(BudgetPeriod period); // "day" | "month"
std::optional<BudgetPeriod> budgetPeriodFromString(const QString &text);

// What a key or a group may use; every limit is optional. A group's limits are shared by all its
// keys. Whole numbers are at least 1; a budget is at least 0 (0 allows nothing).
struct Limits {
    std::optional<qint64> requestsPerMinute;
    std::optional<qint64> tokensPerMinute; // prompt + completion
    std::optional<qint64> maxParallel;
    std::optional<double> budgetUsd;
    BudgetPeriod budgetPeriod = BudgetPeriod::Month;

    bool isEmpty() const {
        return !requestsPerMinute && !tokensPerMinute && !maxParallel && !budgetUsd;
    }
    bool operator==(const Limits &other) const = default;
};

// {"rpm", "tpm", "max_parallel", "budget_usd", "budget_period"}: null where there is no limit;
// the form the audit trail and `keys show --json` use.
QJsonObject toJson(const Limits &limits);

// A change to Limits: a field left unset stays as it is; set to an empty optional clears it.
struct LimitsChange {
    std::optional<std::optional<qint64>> requestsPerMinute;
    std::optional<std::optional<qint64>> tokensPerMinute;
    std::optional<std::optional<qint64>> maxParallel;
    std::optional<std::optional<double>> budgetUsd;
    std::optional<BudgetPeriod> budgetPeriod;
};

// A secret a key had before it was rotated: it keeps working until `validUntil` (the grace
// period), then is refused as rotated. Never the secret itself.
struct PreviousSecret {
    QString hint;
    QDateTime createdAt;  // UTC, when it became the key's secret
    QDateTime validUntil; // UTC
};

// An API key as it is stored: never the key itself, only the hint.
struct ApiKeyRecord {
    QString uuid;
    QString name;
    QString hint; // "ptc_…AbCd"
    KeyState state = KeyState::Active;
    QDateTime createdAt;       // UTC
    QDateTime updatedAt;       // UTC
    QDateTime lastUsedAt;      // UTC, null if never used
    QDateTime expiresAt;       // UTC, null if it never expires
    QDateTime secretCreatedAt; // UTC, when the current secret was made (creation or rotation)
    // The secret before the last rotation, while it is still accepted (in its grace period).
    std::optional<PreviousSecret> previousSecret;
    Limits limits;
    // Addresses or CIDR ranges (IPv4, IPv6) the key may be used from; empty for any.
    QStringList allowedIps;
    QList<GroupRef> groups;   // sorted by name
    QList<RouteGrant> routes; // sorted by route then group name
    // Number of distinct route names the key can reach through its groups.
    int accessibleRouteCount() const;
};

// The answer to "create a key": the record and the plaintext key, returned this once.
struct CreatedKey {
    ApiKeyRecord record;
    QString key;
};

// The answer to "rotate a key": the record, the new plaintext secret (returned this once), and
// until when the old secret keeps working (null when it stopped at once).
struct RotatedKey {
    ApiKeyRecord record;
    QString key;
    QDateTime previousValidUntil;
};

struct GroupRecord {
    QString uuid;
    QString name;
    QString description;
    QDateTime createdAt; // UTC
    QList<KeyRef> keys;  // members, sorted by name
    QStringList routes;  // granted route names, sorted
    Limits limits;
};

struct AuditEntry {
    qint64 id = 0;
    QDateTime time;     // UTC
    QString actor;      // the OS user who made the change ("alice"), without the source
    QString source;     // where it was made: "cli", "desktop", "gateway"...; empty if unknown
    QString action;     // "key.create", "key.rename", "group.add_route", ...
    QString objectType; // "key" | "group"
    QString objectUuid;
    QString details; // JSON text; never a secret
};

// One request through the gateway. key_uuid/key_name are copies, so the history of a deleted key
// stays readable.
struct UsageRecord {
    QDateTime time; // UTC, when the request arrived
    QString requestId;
    QString keyUuid; // empty when the request had no valid key
    QString keyName;
    QString route;
    QString modelId;
    QString provider;
    bool stream = false;
    int status = 0;
    QString errorCode; // empty on success
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    double costUsd = 0.0;
    qint64 latencyMs = 0;
    qint64 ttftMs = -1;           // -1 when no token was produced
    bool oldSecret = false;       // made with a rotated key's previous secret (grace period)
    bool tokensEstimated = false; // counted from the relayed text: the upstream sent no usage
};

struct UsageTotals {
    QString keyUuid;
    QString keyName;
    qint64 requests = 0;
    qint64 errors = 0; // status >= 400
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    double costUsd = 0.0;
};

// Everything the gateway needs to authenticate and authorise requests without touching the
// database: loaded at once, consistent, and tagged with the change counter it was read at.
struct AccessSnapshot {
    struct Secret {
        QByteArray hash;      // SHA-256 hex, as stored
        QDateTime validUntil; // null for the current secret
    };
    struct Key {
        QString uuid;
        QString name;
        QList<Secret> secrets; // the current one first
        KeyState state = KeyState::Active;
        QDateTime expiresAt;
        QStringList groupUuids;
        Limits limits;
        QStringList allowedIps;
    };
    struct Group {
        QString uuid;
        QString name;
        QStringList routes;
        Limits limits;
    };
    QList<Key> keys;
    QList<Group> groups;
    qint64 changeCounter = 0;
};

} // namespace portico::store
