#include "proxy/authenticator.h"

#include "store/apikeyformat.h"
#include "text/asciicase.h"

namespace portico::proxy {

namespace {

Authenticator::Outcome refuse(const QString &code, const QString &message) {
    Authenticator::Outcome outcome;
    outcome.error = ApiError::unauthorized(code, message);
    return outcome;
}

Authenticator::Outcome refuseWithLabel(const QString &keyLabel, const QString &code,
                                       const QString &message) {
    Authenticator::Outcome outcome = refuse(code, message);
    outcome.keyLabel = keyLabel;
    return outcome;
}

} // namespace

Authenticator::Authenticator(AccessCache &cache)
    : m_cache(cache) {}

Authenticator::Outcome Authenticator::authenticate(const QByteArray &authorizationHeader,
                                                   const QDateTime &now, bool mayAskStore) const {
    // Read as views of the header: a request's key is checked twice, and these copies cost
    // more than the rest of the check.
    const QByteArrayView header = QByteArrayView(authorizationHeader).trimmed();
    if (header.isEmpty()) {
        return refuse(QStringLiteral("missing_api_key"),
                      QStringLiteral("No API key was sent. Send it in the Authorization header as "
                                     "'Authorization: Bearer YOUR_API_KEY'."));
    }
    const qsizetype space = header.indexOf(' ');
    if (space < 0 || !text::equalsIgnoringAsciiCase(header.first(space), "Bearer")) {
        return refuse(QStringLiteral("invalid_authorization_header"),
                      QStringLiteral("The Authorization header is not in the form 'Bearer "
                                     "YOUR_API_KEY'. Check the Authorization header format."));
    }
    const QByteArrayView keyBytes = header.sliced(space + 1).trimmed();
    const auto key = [keyBytes] { return QString::fromLatin1(keyBytes); };

    // A request's key is checked twice: from its head (before the body is read) and again with
    // the body, when the key may have been revoked meanwhile. The second time finds the checksum
    // and the hash of the first one here: the header's bytes are shared with the request, not
    // copied, and the next request on this thread replaces them.
    struct Checked {
        QByteArray header;
        bool checksumOk = false;
        QByteArray hash;
    };
    thread_local Checked lastChecked;
    const bool checkedBefore =
        !lastChecked.header.isNull() && lastChecked.header == authorizationHeader;
    // Only a header of the right shape is remembered: the second check skips the shape too.
    if (!checkedBefore) {
        if (!store::apikey::hasKeyShape(keyBytes)) {
            return refuse(
                QStringLiteral("invalid_api_key"),
                QStringLiteral("The API key is malformed: Portico keys start with 'ptc_' "
                               "and are %1 characters long. Check that the key was copied "
                               "completely and that the header is 'Bearer YOUR_API_KEY'.")
                    .arg(store::apikey::kKeyLength));
        }
        const QString text = key();
        lastChecked.header = authorizationHeader;
        lastChecked.checksumOk = store::apikey::hasValidFormat(text);
        lastChecked.hash = lastChecked.checksumOk ? store::apikey::hash(text) : QByteArray();
    }
    if (!lastChecked.checksumOk) {
        return refuse(QStringLiteral("invalid_api_key"),
                      QStringLiteral("The API key is not valid: its checksum does not match. "
                                     "Check that the key was copied completely."));
    }

    const AccessCache::KeyRef found = m_cache.findByHash(lastChecked.hash, mayAskStore);
    if (!found) {
        return refuseWithLabel(
            store::apikey::hint(key()), QStringLiteral("invalid_api_key"),
            QStringLiteral("The API key is not known to this gateway: it was deleted or "
                           "belongs to another Portico installation. Check that you use "
                           "the right key, or create a new one."));
    }
    if (found->isOldSecret() && found->secretValidUntil <= now) {
        // Says neither which key it was nor anything of the secret: whoever holds an old secret
        // learns only that it was replaced. The usage row still goes to the key, for its admin.
        Outcome outcome = refuseWithLabel(
            store::apikey::hint(key()), QStringLiteral("api_key_rotated"),
            QStringLiteral("The API key was rotated: it was replaced by a new secret, and this "
                           "one stopped working on %1. Use the new key, or ask your admin for it.")
                .arg(found->secretValidUntil.toUTC().toString(Qt::ISODate)));
        outcome.identified = found;
        return outcome;
    }
    if (found->state != store::KeyState::Active) {
        Outcome outcome =
            refuseWithLabel(found->name, QStringLiteral("api_key_disabled"),
                            QStringLiteral("The API key '%1' is disabled. Enable it again or use "
                                           "another key.")
                                .arg(found->name));
        outcome.identified = found;
        return outcome;
    }
    if (found->expiresAt.isValid() && found->expiresAt <= now) {
        Outcome outcome = refuseWithLabel(
            found->name, QStringLiteral("api_key_expired"),
            QStringLiteral("The API key '%1' expired on %2. Give it a new expiry date "
                           "or create a new key.")
                .arg(found->name, found->expiresAt.toUTC().toString(Qt::ISODate)));
        outcome.identified = found;
        return outcome;
    }
    Outcome outcome;
    outcome.key = found;
    outcome.identified = found;
    outcome.keyLabel = found->name;
    return outcome;
}

} // namespace portico::proxy
