#pragma once

#include <QByteArrayView>

namespace portico::text {

// Whether two texts are equal when the case of ASCII letters is ignored: how HTTP compares header
// names and tokens ("Content-Length", "keep-alive", "chunked", "Bearer"), which are ASCII.
// QByteArrayView::compare(…, Qt::CaseInsensitive) folds every byte through Latin-1 tables before
// it looks at the sizes; header look-ups spent 3.7k instructions a request in it
// (docs/PERFORMANCE.md, round 6).
constexpr bool equalsIgnoringAsciiCase(QByteArrayView a, QByteArrayView b) noexcept {
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        const auto x = static_cast<unsigned char>(a[i]);
        const auto y = static_cast<unsigned char>(b[i]);
        if (x == y)
            continue;
        // Only a letter and its other case differ in exactly the 0x20 bit and fold to a..z.
        const auto folded = static_cast<unsigned char>(x | 0x20);
        if ((x ^ y) != 0x20 || folded < 'a' || folded > 'z')
            return false;
    }
    return true;
}

// Whether a comma-separated header value holds `token`, ignoring ASCII case and the white
// space around each element, as "Connection: keep-alive, close" or "Transfer-Encoding: gzip,
// chunked" carry them.
inline bool holdsToken(QByteArrayView value, QByteArrayView token) noexcept {
    for (qsizetype start = 0; start <= value.size();) {
        qsizetype comma = value.indexOf(',', start);
        if (comma < 0)
            comma = value.size();
        if (equalsIgnoringAsciiCase(value.sliced(start, comma - start).trimmed(), token))
            return true;
        start = comma + 1;
    }
    return false;
}

} // namespace portico::text
