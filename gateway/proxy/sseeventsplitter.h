#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace portico::proxy {

// Cuts a server-sent-events byte stream into whole events (each with its blank-line terminator,
// bytes unchanged), keeping only an unfinished event between calls: the relay forwards events as
// they complete and never holds a whole answer.
class SseEventSplitter {
public:
    struct Event {
        QByteArray raw;  // as received, terminator included
        QByteArray data; // the "data:" lines joined with "\n"
    };
    // An event seen where it lies: valid only during the call that hands it out.
    struct EventView {
        QByteArrayView raw;
        QByteArrayView data;
    };

    // Calls onEvent(const EventView &) for each event `bytes` completes, in order. The relay's
    // path: no copy of an event, and of its data only when it spans several "data:" lines. The
    // events come from `bytes` itself while nothing is held, so only an unfinished tail is kept.
    template <typename OnEvent> void feed(const QByteArray &bytes, OnEvent &&onEvent);
    // The same events, copied out (the tests' and the fuzzers' form).
    QList<Event> feed(const QByteArray &bytes);
    // What is left when the stream ends (an event without its terminator).
    QByteArray takeRest();
    // Bytes of the unfinished event held between calls.
    qsizetype pendingBytes() const { return m_buffer.size(); }

private:
    // Where the events of one text end, found in one pass over it.
    class EventEnds {
    public:
        explicit EventEnds(QByteArrayView text);
        // End of the event that starts at `from` (just past its blank line), or -1 when the
        // text holds no whole event from there. `from` only grows from call to call.
        qsizetype after(qsizetype from);

    private:
        const char *find(char c, qsizetype at) const;
        const char *m_data;
        qsizetype m_size;
        const char *m_cr; // the next CR and LF not yet passed, null when there is none
        const char *m_lf;
    };
    // The event's "data:" lines joined; a view into `raw`, or into m_joined for several lines.
    QByteArrayView dataOf(QByteArrayView raw);
    void keepFrom(const QByteArray &bytes, bool fromBuffer, qsizetype start);

    QByteArray m_buffer;
    QByteArray m_joined;
};

template <typename OnEvent>
void SseEventSplitter::feed(const QByteArray &bytes, OnEvent &&onEvent) {
    const bool fromBuffer = !m_buffer.isEmpty();
    if (fromBuffer)
        m_buffer += bytes;
    const QByteArrayView text = fromBuffer ? QByteArrayView(m_buffer) : QByteArrayView(bytes);
    EventEnds ends(text);
    qsizetype start = 0;
    for (qsizetype end; (end = ends.after(start)) >= 0; start = end) {
        const QByteArrayView raw = text.sliced(start, end - start);
        onEvent(EventView{raw, dataOf(raw)});
    }
    keepFrom(bytes, fromBuffer, start);
}

} // namespace portico::proxy
