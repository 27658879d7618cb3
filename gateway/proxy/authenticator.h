#pragma once

#include "proxy/accesscache.h"
#include "proxy/apierror.h"

#include <QByteArray>
#include <QDateTime>

namespace portico::proxy {

// Checks "Authorization: Bearer <key>" in the refusal order of docs/ARCHITECTURE.md: header
// present and well-formed, key format and checksum (before any lookup), key known, enabled, not
// expired, the secret not rotated out. Refusals are 401 answers whose messages never contain the
// key.
class Authenticator {
public:
    struct Outcome {
        AccessCache::KeyRef key; // set when authenticated
        ApiError error;          // set otherwise
        // The key the request named, also when it was refused for being disabled or expired:
        // its usage row belongs to that key, so the admin sees a stale client still trying.
        AccessCache::KeyRef identified;
        // For the log: the key's name when it was found, its hint when well-formed but unknown,
        // empty when missing or malformed. Never the key.
        QString keyLabel;
        bool ok() const { return key != nullptr; }
    };

    explicit Authenticator(AccessCache &cache);

    // `mayAskStore`: see AccessCache::findByHash.
    Outcome authenticate(const QByteArray &authorizationHeader, const QDateTime &now,
                         bool mayAskStore = true) const;

private:
    AccessCache &m_cache;
};

} // namespace portico::proxy
