#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <charconv>
#include <cstring>

namespace portico::metering {

// Writes JSON text straight into a buffer the caller sized for the worst case (stringBound() for
// each string, plus the fixed text): appending piece by piece to a QByteArray cost more than the
// rest of a log line (docs/PERFORMANCE.md, S8). Used for the gateway's log lines and for the few
// strings the gateway writes into an upstream request body.
class JsonTextWriter {
public:
    explicit JsonTextWriter(char *begin)
        : m_p(begin) {}
    char *end() const { return m_p; }

    template <qsizetype N> void literal(const char (&text)[N]) {
        std::memcpy(m_p, text, N - 1);
        m_p += N - 1;
    }
    void bytes(QByteArrayView text) {
        std::memcpy(m_p, text.data(), size_t(text.size()));
        m_p += text.size();
    }
    void character(char c) { *m_p++ = c; }
    void number(qint64 value) { m_p = std::to_chars(m_p, m_p + 20, value).ptr; }

    // A JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    void string(const QString &text);
    // The most bytes string() writes for `text`: 6 per UTF-16 unit (\u00XX; a unit is at most
    // 3 bytes of UTF-8) and the quotes.
    static qsizetype stringBound(const QString &text) { return 2 + 6 * text.size(); }

private:
    void utf8String(const QByteArray &utf8);
    void escaped(char16_t c);

    char *m_p;
};

// Appends `text` to `out` as a JSON string.
void appendJsonString(QByteArray &out, const QString &text);

} // namespace portico::metering
