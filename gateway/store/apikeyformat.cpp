#include "store/apikeyformat.h"

#include <QRegularExpression>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <zlib.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace portico::store::apikey {

namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr int kBase = 62;
// The largest multiple of 62 that fits in a byte: bytes at or above it are thrown away, so every
// base62 digit is equally likely (a plain `byte % 62` would favour the first 8 digits).
constexpr int kUnbiasedLimit = 256 - (256 % kBase); // 248
constexpr qsizetype kPrefixLength = sizeof(kPrefix) - 1;

bool isBase62(QChar c) {
    const char16_t u = c.unicode();
    return (u >= u'0' && u <= u'9') || (u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z');
}

} // namespace

QString generate() {
    QString random;
    random.reserve(kRandomLength);
    std::array<unsigned char, 64> buffer{};
    while (random.size() < kRandomLength) {
        if (RAND_bytes(buffer.data(), int(buffer.size())) != 1)
            throw std::runtime_error("the system's random number generator failed");
        for (unsigned char byte : buffer) {
            if (byte >= kUnbiasedLimit)
                continue;
            random.append(QLatin1Char(kAlphabet[byte % kBase]));
            if (random.size() == kRandomLength)
                break;
        }
    }
    OPENSSL_cleanse(buffer.data(), buffer.size());
    return QLatin1String(kPrefix) + random + checksumFor(random);
}

QString checksumFor(QStringView randomPart) {
    const QByteArray bytes = randomPart.toLatin1();
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, reinterpret_cast<const Bytef *>(bytes.constData()), uInt(bytes.size()));
    quint64 value = crc & 0xffffffffu;
    QString digits(kChecksumLength, QLatin1Char('0'));
    for (qsizetype i = kChecksumLength - 1; i >= 0; --i) {
        digits[i] = QLatin1Char(kAlphabet[value % kBase]);
        value /= kBase;
    }
    return digits;
}

namespace {

char16_t unit(QChar c) {
    return c.unicode();
}

char16_t unit(char c) {
    return static_cast<unsigned char>(c);
}

// For a key as UTF-16 (typed, stored) or as the bytes of a header.
template <typename View> bool shapeOf(View key) {
    if (key.size() != kKeyLength)
        return false;
    for (qsizetype i = 0; i < key.size(); ++i) {
        const char16_t c = unit(key[i]);
        if (i < kPrefixLength ? c != char16_t(kPrefix[i]) : !isBase62(QChar(c)))
            return false;
    }
    return true;
}

} // namespace

bool hasKeyShape(QStringView key) {
    return shapeOf(key);
}

bool hasKeyShape(QByteArrayView key) {
    return shapeOf(key);
}

bool hasValidFormat(QStringView key) {
    if (!hasKeyShape(key))
        return false;
    const QStringView body = key.mid(kPrefixLength);
    return body.mid(kRandomLength) == checksumFor(body.left(kRandomLength));
}

QByteArray hash(QStringView key) {
    // The gateway hashes the key of every request: the digest is fetched once (OpenSSL 3 looks
    // it up by name on each call otherwise) and each thread reuses one context.
    static EVP_MD *const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    struct ContextFree {
        void operator()(EVP_MD_CTX *context) const { EVP_MD_CTX_free(context); }
    };
    thread_local const std::unique_ptr<EVP_MD_CTX, ContextFree> context(EVP_MD_CTX_new());
    // A key is ASCII; anything else is hashed as UTF-8 all the same (and matches no key).
    std::array<char, 128> ascii{};
    QByteArray wide;
    const char *bytes = ascii.data();
    qsizetype size = key.size();
    bool isAscii = size <= qsizetype(ascii.size());
    for (qsizetype i = 0; isAscii && i < size; ++i) {
        isAscii = key[i].unicode() < 0x80;
        ascii[size_t(i)] = char(key[i].unicode());
    }
    if (!isAscii) {
        wide = key.toUtf8();
        bytes = wide.constData();
        size = wide.size();
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (!sha256 || !context || EVP_DigestInit_ex2(context.get(), sha256, nullptr) != 1 ||
        EVP_DigestUpdate(context.get(), bytes, size_t(size)) != 1 ||
        EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1)
        throw std::runtime_error("OpenSSL could not compute SHA-256");
    static constexpr char kHex[] = "0123456789abcdef";
    QByteArray hex(qsizetype(length) * 2, Qt::Uninitialized);
    for (unsigned int i = 0; i < length; ++i) {
        hex[2 * i] = kHex[digest[i] >> 4];
        hex[2 * i + 1] = kHex[digest[i] & 0xf];
    }
    return hex;
}

QString hint(QStringView key) {
    return QLatin1String(kPrefix) + QChar(0x2026) + key.right(4).toString();
}

QString redacted(const QString &text) {
    // The common case, without a regular expression: this runs on three fields of every log line,
    // where QString::contains() cost more than building the rest of the line.
    const QChar *const c = text.constData();
    bool mayHoldKey = false;
    for (qsizetype i = 3; i < text.size() && !mayHoldKey; ++i)
        mayHoldKey = c[i] == u'_' && c[i - 3] == u'p' && c[i - 2] == u't' && c[i - 1] == u'c';
    if (!mayHoldKey)
        return text;
    static const QRegularExpression keyLike(QStringLiteral("ptc_[0-9A-Za-z]{16,}"));
    QString result = text;
    return result.replace(keyLike, QLatin1String(kPrefix) + QChar(0x2026) +
                                       QStringLiteral("(an API key, not shown)"));
}

} // namespace portico::store::apikey
