// The Authorization header and the API key format (gateway/proxy/authenticator.h,
// gateway/store/apikeyformat.h) on arbitrary headers, against a real SQLite store holding one
// key. Properties: no crash; only the store's own key authenticates; a refusal is a 401 whose
// message and log label show no key; a key built with the right checksum passes the format check
// and one with a changed character fails it; redacted() leaves nothing that looks like a key.
#include "fuzzsupport.h"

#include "proxy/accesscache.h"
#include "proxy/authenticator.h"
#include "store/apikeyformat.h"
#include "store/database.h"
#include "store/keystore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <cstdlib>
#include <utility>

namespace {

namespace apikey = portico::store::apikey;
using portico::proxy::AccessCache;
using portico::proxy::Authenticator;

constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

struct Fixture {
    QTemporaryDir dir;
    std::shared_ptr<portico::store::Database> database;
    std::unique_ptr<AccessCache> cache;
    QString key; // the one key of the store
};

Fixture *fixture = nullptr;

bool looksLikeKey(const QString &text) {
    static const QRegularExpression keyLike(QStringLiteral("ptc_[0-9A-Za-z]{16,}"));
    return text.contains(keyLike);
}

// A well-formed key whose random part comes from the input.
QString keyFrom(const QByteArray &bytes) {
    QString random;
    for (qsizetype i = 0; i < apikey::kRandomLength; ++i)
        random.append(QLatin1Char(kAlphabet[quint8(i < bytes.size() ? bytes.at(i) : 0) % 62]));
    return QLatin1String(apikey::kPrefix) + random + apikey::checksumFor(random);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) {
    // Kept for the whole run: libFuzzer calls LLVMFuzzerTestOneInput until the process ends.
    static QCoreApplication app(*argc, *argv);
    fixture = new Fixture;
    // Its folder and store go when the run ends (a replay in ctest returns from main(); a
    // fuzzing run exits), before the application does: registered after it, run before it.
    std::atexit([] { delete std::exchange(fixture, nullptr); });
    if (!fixture->dir.isValid())
        std::abort();
    auto opened = portico::store::Database::open(fixture->dir.filePath(QStringLiteral("fuzz.db")));
    if (!opened) {
        std::fprintf(stderr, "cannot open the store: %s\n", qPrintable(opened.error().message));
        std::abort();
    }
    fixture->database = *opened;
    portico::store::KeyStore keys(*fixture->database, QStringLiteral("fuzz"));
    auto created = keys.createKey(QStringLiteral("fuzz-key"));
    if (!created)
        std::abort();
    fixture->key = created->key;
    fixture->cache = std::make_unique<AccessCache>(fixture->database);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    portico::fuzz::InputReader input(data, size);
    const quint8 mode = input.byte();
    const bool mayAskStore = (mode & 0x80) == 0;
    QByteArray header;
    QString candidate; // the key the header carries, when the target built one
    switch (mode % 4) {
    case 0: // the header as it is
        header = input.rest();
        break;
    case 1: { // a well-formed key of no one, maybe with one character changed
        candidate = keyFrom(input.bytes(apikey::kRandomLength));
        const quint8 change = input.byte();
        if (change & 1) {
            const qsizetype at = 4 + (change >> 1) % (apikey::kKeyLength - 4);
            const QChar replacement = QLatin1Char(kAlphabet[input.byte() % 62]);
            if (candidate[at] != replacement) {
                candidate[at] = replacement;
                PORTICO_FUZZ_CHECK(!apikey::hasValidFormat(candidate),
                                   "a key with one character changed fails its checksum");
            }
        } else {
            PORTICO_FUZZ_CHECK(apikey::hasValidFormat(candidate),
                               "a key with the right checksum has a valid format");
        }
        header = input.bytes(8) + "Bearer " + candidate.toLatin1() + input.rest();
        break;
    }
    case 2: // the store's key, with what the input puts around it
        candidate = fixture->key;
        header = input.bytes(input.byte() % 8) + "Bearer" + input.bytes(input.byte() % 4) +
                 candidate.toLatin1() + input.rest();
        break;
    case 3: { // redaction of any text around a well-formed key, and the hint
        // The key is made here from input bytes, so no seed needs to hold key-shaped text.
        const QByteArray before = input.bytes(input.byte() % 64);
        const QString key = keyFrom(input.bytes(apikey::kRandomLength));
        const QString text = QString::fromUtf8(before) + key + QString::fromUtf8(input.rest());
        PORTICO_FUZZ_CHECK(!looksLikeKey(apikey::redacted(text)), "redacted text shows no key");
        PORTICO_FUZZ_CHECK(apikey::hint(text).size() <= 9, "a hint is short");
        PORTICO_FUZZ_CHECK(apikey::hash(text).size() == 64, "a hash is 64 hex digits");
        return 0;
    }
    }

    const Authenticator authenticator(*fixture->cache);
    const Authenticator::Outcome outcome =
        authenticator.authenticate(header, QDateTime::currentDateTimeUtc(), mayAskStore);
    if (outcome.ok()) {
        const QString sent = QString::fromLatin1(header.trimmed().mid(7).trimmed());
        PORTICO_FUZZ_CHECK(sent == fixture->key, "only the store's key authenticates");
        PORTICO_FUZZ_CHECK(outcome.key->name == QLatin1String("fuzz-key"), "it is that key");
        return 0;
    }
    PORTICO_FUZZ_CHECK(outcome.error.status == 401, "a refusal is a 401");
    PORTICO_FUZZ_CHECK(!outcome.error.message.isEmpty(), "a refusal says why");
    for (const QString &shown : {outcome.error.message, outcome.keyLabel}) {
        PORTICO_FUZZ_CHECK(!looksLikeKey(shown), "a refusal shows no key");
        if (!candidate.isEmpty())
            PORTICO_FUZZ_CHECK(!shown.contains(candidate.mid(4, 16)),
                               "a refusal shows no part of the key");
    }
    return 0;
}
