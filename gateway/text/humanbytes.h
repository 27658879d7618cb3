#pragma once

#include <QString>

namespace portico::text {

// A size as people read it: "3 MB", "12 KB", "100 bytes" (units of 1,024). Used in the HTTP
// server's refusals and in the gateway's log.
inline QString humanBytes(qint64 bytes) {
    constexpr qint64 kib = 1024;
    constexpr qint64 mib = 1024 * kib;
    // Rounded to the nearest unit without adding half a unit first: a client's Content-Length
    // may be as large as a qint64 holds, and the sum would overflow.
    if (bytes >= mib)
        return QString::number(bytes / mib + (bytes % mib >= mib / 2 ? 1 : 0)) +
               QStringLiteral(" MB");
    if (bytes >= kib)
        return QString::number(bytes / kib + (bytes % kib >= kib / 2 ? 1 : 0)) +
               QStringLiteral(" KB");
    return QString::number(bytes) + QStringLiteral(" bytes");
}

} // namespace portico::text
