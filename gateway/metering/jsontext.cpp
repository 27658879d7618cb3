#include "metering/jsontext.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace portico::metering {

namespace {

// How many of the first units of `text` are printable ASCII other than '"' and '\\' (the
// characters written as they are), counted 8 at a time; the rest is left to the caller. Written
// to `out` as bytes. A log line's strings are mostly such runs: this took the per-character loop's
// 1,500 instructions a line down to a few hundred.
qsizetype copyPlainAscii(const char16_t *text, qsizetype size, char *out) {
    qsizetype done = 0;
#if defined(__SSE2__)
    const __m128i below = _mm_set1_epi16(0x1f);
    const __m128i above = _mm_set1_epi16(0x80);
    const __m128i quote = _mm_set1_epi16('"');
    const __m128i backslash = _mm_set1_epi16('\\');
    for (; size - done >= 8; done += 8) {
        const __m128i units = _mm_loadu_si128(reinterpret_cast<const __m128i *>(text + done));
        // Signed compares: units from 0x8000 up are negative, so not above 0x1f.
        const __m128i printable =
            _mm_and_si128(_mm_cmpgt_epi16(units, below), _mm_cmplt_epi16(units, above));
        const __m128i special =
            _mm_or_si128(_mm_cmpeq_epi16(units, quote), _mm_cmpeq_epi16(units, backslash));
        if (_mm_movemask_epi8(_mm_andnot_si128(special, printable)) != 0xffff)
            break;
        // Every unit is below 0x80: packing to bytes loses nothing.
        _mm_storel_epi64(reinterpret_cast<__m128i *>(out + done), _mm_packus_epi16(units, units));
    }
#else
    Q_UNUSED(text);
    Q_UNUSED(size);
    Q_UNUSED(out);
#endif
    return done;
}

} // namespace

// The fields are nearly always ASCII (ids, key and route names, our own messages): those are
// escaped straight from UTF-16, without a UTF-8 copy first.
void JsonTextWriter::string(const QString &text) {
    char *const start = m_p;
    *m_p++ = '"';
    // constData(), not utf16(): that one copies a string of static data to end it with a 0.
    const auto *const units = reinterpret_cast<const char16_t *>(text.constData());
    const qsizetype plain = copyPlainAscii(units, text.size(), m_p);
    m_p += plain;
    for (qsizetype i = plain; i < text.size(); ++i) {
        const char16_t c = units[i];
        // Printable ASCII, nearly every character of a log line, written here: a call per
        // character to escaped() was a tenth of the line's cost.
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            *m_p++ = char(c);
            continue;
        }
        if (c >= 0x80) {
            m_p = start;
            utf8String(text.toUtf8());
            return;
        }
        escaped(c);
    }
    *m_p++ = '"';
}

void JsonTextWriter::utf8String(const QByteArray &utf8) {
    *m_p++ = '"';
    // Runs of bytes that need no escape are copied whole.
    const char *run = utf8.constData();
    const char *const end = run + utf8.size();
    for (const char *p = run; p != end; ++p) {
        const auto byte = static_cast<unsigned char>(*p);
        if (byte >= 0x20 && *p != '"' && *p != '\\')
            continue;
        bytes(QByteArrayView(run, p - run));
        run = p + 1;
        escaped(byte);
    }
    bytes(QByteArrayView(run, end - run));
    *m_p++ = '"';
}

// One character below 0x80 (or a byte of UTF-8), escaped as JSON needs.
void JsonTextWriter::escaped(char16_t c) {
    if (c >= 0x20 && c != '"' && c != '\\') {
        *m_p++ = char(c);
        return;
    }
    *m_p++ = '\\';
    switch (c) {
    case '"':
        *m_p++ = '"';
        break;
    case '\\':
        *m_p++ = '\\';
        break;
    case '\n':
        *m_p++ = 'n';
        break;
    case '\r':
        *m_p++ = 'r';
        break;
    case '\t':
        *m_p++ = 't';
        break;
    default: {
        static constexpr char hex[] = "0123456789abcdef";
        *m_p++ = 'u';
        *m_p++ = '0';
        *m_p++ = '0';
        *m_p++ = hex[(c >> 4) & 0xf];
        *m_p++ = hex[c & 0xf];
    }
    }
}

void appendJsonString(QByteArray &out, const QString &text) {
    const qsizetype start = out.size();
    out.resize(start + JsonTextWriter::stringBound(text));
    JsonTextWriter writer(out.data() + start);
    writer.string(text);
    out.truncate(writer.end() - out.constData());
}

} // namespace portico::metering
