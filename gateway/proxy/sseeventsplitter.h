#pragma once

#include <QByteArray>
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

    QList<Event> feed(const QByteArray &bytes);
    // What is left when the stream ends (an event without its terminator).
    QByteArray takeRest();
    // Bytes of the unfinished event held between calls.
    qsizetype pendingBytes() const { return m_buffer.size(); }

private:
    QByteArray m_buffer;
};

} // namespace portico::proxy
