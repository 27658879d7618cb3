#include "metering/jsontext.h"

namespace portico::metering {

// The fields are nearly always ASCII (ids, key and route names, our own messages): those are
// escaped straight from UTF-16, without a UTF-8 copy first.
void JsonTextWriter::string(const QString &text) {
    char *const start = m_p;
    *m_p++ = '"';
    for (const QChar character : text) {
        const char16_t c = character.unicode();
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
