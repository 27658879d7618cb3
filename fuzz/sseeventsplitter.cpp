// The splitter of upstream server-sent events (gateway/proxy/sseeventsplitter.h) on arbitrary
// bytes, cut at points the input chooses. Properties: no crash; the events and the rest put
// together are exactly the bytes fed (nothing lost, duplicated or reordered); each event ends
// with a blank line; and the events do not depend on where the bytes were cut.
#include "fuzzsupport.h"

#include "proxy/sseeventsplitter.h"

namespace {

using portico::proxy::SseEventSplitter;

bool endsWithBlankLine(const QByteArray &raw) {
    // A line ends with CR LF, LF or CR; the blank line after it likewise.
    return raw.endsWith("\n\n") || raw.endsWith("\n\r\n") || raw.endsWith("\n\r") ||
           raw.endsWith("\r\r") || raw.endsWith("\r\r\n");
}

QList<SseEventSplitter::Event> split(const QList<QByteArray> &pieces, QByteArray &rest) {
    SseEventSplitter splitter;
    QList<SseEventSplitter::Event> events;
    for (const QByteArray &piece : pieces)
        events += splitter.feed(piece);
    rest = splitter.takeRest();
    return events;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    portico::fuzz::InputReader input(data, size);
    QByteArray stream;
    const QList<QByteArray> pieces = input.restInPieces(stream);

    QByteArray cutRest;
    const QList<SseEventSplitter::Event> cut = split(pieces, cutRest);
    QByteArray wholeRest;
    const QList<SseEventSplitter::Event> whole = split({stream}, wholeRest);

    QByteArray joined;
    for (const SseEventSplitter::Event &event : cut) {
        PORTICO_FUZZ_CHECK(endsWithBlankLine(event.raw), "an event ends with a blank line");
        PORTICO_FUZZ_CHECK(event.data.size() <= event.raw.size(), "data comes from the event");
        joined += event.raw;
    }
    PORTICO_FUZZ_CHECK(joined + cutRest == stream, "events and rest are the bytes fed");
    PORTICO_FUZZ_CHECK(cut.size() == whole.size() && cutRest == wholeRest,
                       "the same events, however the bytes were cut");
    for (qsizetype i = 0; i < cut.size(); ++i)
        PORTICO_FUZZ_CHECK(cut[i].raw == whole[i].raw && cut[i].data == whole[i].data,
                           "the same events, however the bytes were cut");
    return 0;
}
