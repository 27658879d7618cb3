#pragma once

#include <QByteArray>
#include <QString>

// The API key format (docs/ARCHITECTURE.md): "ptc_" + 30 random base62 characters + 6 base62
// characters of the CRC-32 (zlib/IEEE) of the random part, most significant digit first. Anyone
// can validate a key offline; the gateway rejects garbled keys before any lookup.
namespace portico::store::apikey {

inline constexpr char kPrefix[] = "ptc_";
inline constexpr int kRandomLength = 30;
inline constexpr int kChecksumLength = 6;
inline constexpr int kKeyLength = 4 + kRandomLength + kChecksumLength; // 40

// A new key from OpenSSL's RAND_bytes, without modulo bias. Throws std::runtime_error only if the
// system's random source fails (never silently weak).
QString generate();

// True when `key` has the prefix, the length and only base62 characters (its checksum unchecked:
// the gateway tells a malformed key from a garbled one).
bool hasKeyShape(QStringView key);
bool hasKeyShape(QByteArrayView key);

// True when `key` has the key's shape and a matching checksum.
bool hasValidFormat(QStringView key);

// The checksum part for a 30-character random part (exposed for tests).
QString checksumFor(QStringView randomPart);

// SHA-256 of the whole key as lowercase hex: the only form a key is stored in.
QByteArray hash(QStringView key);

// What may be shown of a key after creation: the prefix plus the last 4 characters.
QString hint(QStringView key);

// `text` with anything that looks like a key, or a long piece of one ("ptc_" and 16 or more
// base62 characters), replaced by "ptc_…(an API key, not shown)". For text that may echo what a
// client or user sent (error messages, log lines): a pasted key must not end up in a log.
QString redacted(const QString &text);

} // namespace portico::store::apikey
