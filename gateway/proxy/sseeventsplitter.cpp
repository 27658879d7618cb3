#include "proxy/sseeventsplitter.h"

namespace portico::proxy {

namespace {

// End of the first blank line at or after `from`: index just past it, or -1.
qsizetype eventEnd(const QByteArray &buffer, qsizetype from) {
    for (qsizetype i = from; i < buffer.size(); ++i) {
        if (buffer.at(i) != '\n' && buffer.at(i) != '\r')
            continue;
        // A line ends at i; is the next line empty?
        qsizetype next = i + 1;
        if (buffer.at(i) == '\r' && next < buffer.size() && buffer.at(next) == '\n')
            ++next;
        if (next >= buffer.size())
            return -1;
        if (buffer.at(next) == '\n')
            return next + 1;
        if (buffer.at(next) == '\r') {
            if (next + 1 < buffer.size() && buffer.at(next + 1) == '\n')
                return next + 2;
            if (next + 1 >= buffer.size())
                return -1;
            return next + 1;
        }
        i = next - 1;
    }
    return -1;
}

QByteArray dataOf(const QByteArray &raw) {
    QByteArray data;
    bool first = true;
    for (QByteArray line : raw.split('\n')) {
        if (line.endsWith('\r'))
            line.chop(1);
        if (!line.startsWith("data:"))
            continue;
        QByteArray value = line.mid(5);
        if (value.startsWith(' '))
            value.remove(0, 1);
        if (!first)
            data += '\n';
        data += value;
        first = false;
    }
    return data;
}

} // namespace

QList<SseEventSplitter::Event> SseEventSplitter::feed(const QByteArray &bytes) {
    m_buffer += bytes;
    QList<Event> events;
    qsizetype start = 0;
    for (;;) {
        const qsizetype end = eventEnd(m_buffer, start);
        if (end < 0)
            break;
        const QByteArray raw = m_buffer.mid(start, end - start);
        events.append({raw, dataOf(raw)});
        start = end;
    }
    if (start > 0)
        m_buffer.remove(0, start);
    return events;
}

QByteArray SseEventSplitter::takeRest() {
    QByteArray rest;
    rest.swap(m_buffer);
    return rest;
}

} // namespace portico::proxy
