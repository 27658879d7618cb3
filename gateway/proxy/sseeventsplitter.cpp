#include "proxy/sseeventsplitter.h"

#include <algorithm>
#include <cstring>

namespace portico::proxy {

SseEventSplitter::EventEnds::EventEnds(QByteArrayView text)
    : m_data(text.data())
    , m_size(text.size())
    , m_cr(find('\r', 0))
    , m_lf(find('\n', 0)) {}

const char *SseEventSplitter::EventEnds::find(char c, qsizetype at) const {
    return at < m_size ? static_cast<const char *>(std::memchr(m_data + at, c, size_t(m_size - at)))
                       : nullptr;
}

qsizetype SseEventSplitter::EventEnds::after(qsizetype from) {
    // Lines end with LF (the usual case) or with CR. The next of each is looked for again only
    // once passed, from event to event too: the scan stays linear in the text, also in a stream
    // without one of them.
    for (qsizetype i = from; i < m_size; ++i) {
        if (m_cr && m_cr < m_data + i)
            m_cr = find('\r', i);
        if (m_lf && m_lf < m_data + i)
            m_lf = find('\n', i);
        const char *const stop = !m_lf ? m_cr : !m_cr ? m_lf : std::min(m_lf, m_cr);
        if (!stop)
            return -1;
        i = stop - m_data;
        // A line ends at i; is the next line empty?
        qsizetype next = i + 1;
        if (m_data[i] == '\r' && next < m_size && m_data[next] == '\n')
            ++next;
        if (next >= m_size)
            return -1;
        if (m_data[next] == '\n')
            return next + 1;
        if (m_data[next] == '\r') {
            if (next + 1 < m_size && m_data[next + 1] == '\n')
                return next + 2;
            if (next + 1 >= m_size)
                return -1;
            return next + 1;
        }
        i = next - 1;
    }
    return -1;
}

QByteArrayView SseEventSplitter::dataOf(QByteArrayView raw) {
    // Lines are cut at LF only, each without one trailing CR: a CR alone does not end a line here
    // (as the relay has always read it; EventEnds accepts it to find the event's end).
    QByteArrayView first;
    int lines = 0;
    for (qsizetype at = 0; at <= raw.size();) {
        const qsizetype newline = raw.indexOf('\n', at);
        const qsizetype stop = newline < 0 ? raw.size() : newline;
        QByteArrayView line = raw.sliced(at, stop - at);
        at = stop + 1;
        if (line.endsWith('\r'))
            line.chop(1);
        if (!line.startsWith("data:"))
            continue;
        QByteArrayView value = line.sliced(5);
        if (value.startsWith(' '))
            value = value.sliced(1);
        if (++lines == 1) {
            first = value;
            continue;
        }
        if (lines == 2)
            m_joined = first.toByteArray();
        m_joined += '\n';
        m_joined += value;
    }
    // An event without any "data:" line has empty data, like one with an empty "data:".
    return lines > 1 ? QByteArrayView(m_joined) : first;
}

void SseEventSplitter::keepFrom(const QByteArray &bytes, bool fromBuffer, qsizetype start) {
    if (fromBuffer) {
        if (start > 0)
            m_buffer.remove(0, start);
    } else if (start < bytes.size()) {
        // The unfinished tail: shared when it is the whole of `bytes`, copied otherwise.
        m_buffer = start == 0 ? bytes : bytes.sliced(start);
    }
}

QList<SseEventSplitter::Event> SseEventSplitter::feed(const QByteArray &bytes) {
    QList<Event> events;
    feed(bytes, [&events](const EventView &event) {
        events.append({event.raw.toByteArray(), event.data.toByteArray()});
    });
    return events;
}

QByteArray SseEventSplitter::takeRest() {
    QByteArray rest;
    rest.swap(m_buffer);
    return rest;
}

} // namespace portico::proxy
