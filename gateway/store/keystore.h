#pragma once

#include "store/names.h"
#include "store/records.h"
#include "store/result.h"

#include <QDateTime>
#include <QString>

#include <QStringList>
#include <functional>

namespace portico::store {

class Database;

// API keys, as the Keys page shows them. Names follow validateName() (names.h). Every change writes
// an audit row (without any secret) in the same transaction. `actor` names who makes the changes
// ("cli:alice", "desktop:alice"). Methods taking `keyRef` accept a uuid or a unique name;
// `groupRef` likewise.
class KeyStore {
public:
    KeyStore(Database &db, QString actor);

    // Creates a key named `name` in the given groups. The plaintext key is in the result, once.
    Result<CreatedKey> createKey(const QString &name, const QStringList &groupRefs = {},
                                 const QDateTime &expiresAt = {});

    // All keys with their groups and accessible routes, sorted by creation date then name.
    Result<QList<ApiKeyRecord>> listKeys() const;

    // One key by uuid or unique name.
    Result<ApiKeyRecord> key(const QString &keyRef) const;

    Result<ApiKeyRecord> renameKey(const QString &keyRef, const QString &newName);
    Result<ApiKeyRecord> setKeyState(const QString &keyRef, KeyState state);
    Result<ApiKeyRecord> setKeyExpiry(const QString &keyRef, const QDateTime &expiresAt);

    // Gives the key a new secret; its uuid, name, groups, limits and usage stay. The old secret
    // keeps working for `graceSeconds` (0: it stops at once). Rotating again during a grace
    // period ends that earlier grace at once. The new plaintext secret is in the result, once.
    Result<RotatedKey> rotateKey(const QString &keyRef, qint64 graceSeconds);
    // Ends the grace period of the key's previous secret now; nothing to do when there is none.
    Result<ApiKeyRecord> endGracePeriod(const QString &keyRef);

    // The addresses and CIDR ranges the key may be used from; empty for any (AddressRanges).
    Result<ApiKeyRecord> setAllowedIps(const QString &keyRef, const QStringList &ranges);
    Result<ApiKeyRecord> setLimits(const QString &keyRef, const LimitsChange &limits);
    // Removes the key and its group links; its usage rows stay. Returns what was deleted.
    Result<ApiKeyRecord> deleteKey(const QString &keyRef);

    Result<ApiKeyRecord> addKeyToGroup(const QString &keyRef, const QString &groupRef);
    Result<ApiKeyRecord> removeKeyFromGroup(const QString &keyRef, const QString &groupRef);

    // Marks keys as used now; only writes when the stored value is older than a minute.
    // Not an admin change: does not bump the change counter, emit changed() or touch updatedAt.
    Status touchLastUsed(const QStringList &keyUuids, const QDateTime &when);

    // Everything the gateway needs to authenticate and authorise, read in one transaction.
    Result<AccessSnapshot> accessSnapshot() const;
    // The same for the one key that has the secret `secretHash` (SHA-256 hex): no key when none
    // has it, else that key with only that secret, and its groups. Its change counter is read in
    // the same transaction.
    Result<AccessSnapshot> accessBySecret(const QByteArray &secretHash) const;
    // Calls `found` with the hash (SHA-256 hex) of every secret that may authenticate a key,
    // current or in its grace period, one at a time (a million keys need not be in memory as
    // text at once); the change counter they were read at.
    Result<qint64> forEachSecretHash(const std::function<void(QByteArrayView hash)> &found) const;

private:
    Result<ApiKeyRecord> changeMembership(const QString &keyRef, const QString &groupRef,
                                          bool join);

    Database &m_db;
    QString m_actor;
};

} // namespace portico::store
