#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

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

// An API key as it is stored: never the key itself, only the hint.
struct ApiKeyRecord {
    QString uuid;
    QString name;
    QString hint; // "ptc_…AbCd"
    KeyState state = KeyState::Active;
    QDateTime createdAt;      // UTC
    QDateTime updatedAt;      // UTC
    QDateTime lastUsedAt;     // UTC, null if never used
    QDateTime expiresAt;      // UTC, null if it never expires
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

struct GroupRecord {
    QString uuid;
    QString name;
    QString description;
    QDateTime createdAt; // UTC
    QList<KeyRef> keys;  // members, sorted by name
    QStringList routes;  // granted route names, sorted
};

struct AuditEntry {
    qint64 id = 0;
    QDateTime time;     // UTC
    QString actor;      // who made the change ("cli:alice", "desktop:alice", ...)
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
    qint64 ttftMs = -1; // -1 when no token was produced
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
    struct Key {
        QString uuid;
        QString name;
        QByteArray hash; // SHA-256 hex, as stored
        KeyState state = KeyState::Active;
        QDateTime expiresAt;
        QStringList groupUuids;
    };
    struct Group {
        QString uuid;
        QString name;
        QStringList routes;
    };
    QList<Key> keys;
    QList<Group> groups;
    qint64 changeCounter = 0;
};

} // namespace portico::store
