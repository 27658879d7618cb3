#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace portico::text {

// Appends text to a QByteArray through a pointer into room sized up front. On the request path,
// QByteArray's appends and QStringBuilder's concatenations cost more than the copying itself: a
// call, a capacity check and often a temporary per piece (docs/PERFORMANCE.md, round 14).
//
// The room is an estimate, not a promise the caller must keep: a piece that does not fit grows
// the array (the slow path), so a wrong estimate costs time, never memory safety. The array
// holds exactly what was written once the writer is gone.
class ByteWriter {
public:
    ByteWriter(QByteArray &out, qsizetype room)
        : m_out(out) {
        const qsizetype used = out.size();
        out.resize(used + std::max<qsizetype>(room, 0));
        m_at = out.data() + used;
        m_end = out.data() + out.size();
    }
    ~ByteWriter() { m_out.truncate(m_at - m_out.constData()); }
    ByteWriter(const ByteWriter &) = delete;
    ByteWriter &operator=(const ByteWriter &) = delete;

    ByteWriter &operator<<(QByteArrayView text) {
        if (m_end - m_at < text.size())
            grow(text.size());
        if (!text.isEmpty())
            std::memcpy(m_at, text.data(), size_t(text.size()));
        m_at += text.size();
        return *this;
    }
    ByteWriter &operator<<(char c) {
        if (m_at == m_end)
            grow(1);
        *m_at++ = c;
        return *this;
    }
    // `value` in the given base (10 or 16), without a temporary string.
    ByteWriter &number(qint64 value, int base = 10) {
        char digits[24];
        const char *const end = std::to_chars(digits, digits + sizeof digits, value, base).ptr;
        return *this << QByteArrayView(digits, end - digits);
    }

private:
    void grow(qsizetype need) {
        const qsizetype at = m_at - m_out.constData();
        m_out.resize(std::max(at + need, 2 * m_out.size()));
        m_at = m_out.data() + at;
        m_end = m_out.data() + m_out.size();
    }

    QByteArray &m_out;
    char *m_at = nullptr;
    char *m_end = nullptr;
};

} // namespace portico::text
