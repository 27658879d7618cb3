// The splitter of upstream server-sent events (gateway/proxy/sseeventsplitter.h): whole events,
// bytes unchanged, however the stream is cut; the relay's form (views) and the copied form agree.
#include "proxy/sseeventsplitter.h"

#include <QTest>

using portico::proxy::SseEventSplitter;

namespace {

// Every event of `stream` fed `piece` bytes at a time, as the relay sees them (views, copied here
// inside the call: they are valid only there), and what is left.
QList<SseEventSplitter::Event> relayed(const QByteArray &stream, qsizetype piece,
                                       QByteArray *rest) {
    SseEventSplitter splitter;
    QList<SseEventSplitter::Event> events;
    for (qsizetype at = 0; at < stream.size(); at += piece) {
        splitter.feed(stream.mid(at, piece), [&events](const SseEventSplitter::EventView &event) {
            events.append({event.raw.toByteArray(), event.data.toByteArray()});
        });
    }
    *rest = splitter.takeRest();
    return events;
}

} // namespace

class TestSseEventSplitter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void events_data() {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<QByteArrayList>("raws");
        QTest::addColumn<QByteArrayList>("datas");
        QTest::addColumn<QByteArray>("rest");
        QTest::newRow("one chunk and done")
            << QByteArray("data: {\"a\":1}\n\ndata: [DONE]\n\n")
            << QByteArrayList{"data: {\"a\":1}\n\n", "data: [DONE]\n\n"}
            << QByteArrayList{"{\"a\":1}", "[DONE]"} << QByteArray();
        QTest::newRow("data lines joined, other fields kept in raw")
            << QByteArray("event: x\ndata: one\ndata:two\n: note\n\n")
            << QByteArrayList{"event: x\ndata: one\ndata:two\n: note\n\n"}
            << QByteArrayList{"one\ntwo"} << QByteArray();
        QTest::newRow("CRLF line ends") << QByteArray("data: a\r\ndata: b\r\n\r\ndata: c\r\n")
                                        << QByteArrayList{"data: a\r\ndata: b\r\n\r\n"}
                                        << QByteArrayList{"a\nb"} << QByteArray("data: c\r\n");
        // A CR alone ends a line when events are cut; the data is read by LF lines, as the relay
        // always has: one CR stays with it.
        QTest::newRow("CR line ends end events")
            << QByteArray("data: a\r\rdata: b\n\n") << QByteArrayList{"data: a\r\r", "data: b\n\n"}
            << QByteArrayList{"a\r", "b"} << QByteArray();
        QTest::newRow("an event without data")
            << QByteArray(": ping\n\n") << QByteArrayList{": ping\n\n"} << QByteArrayList{""}
            << QByteArray();
        QTest::newRow("unfinished event kept") << QByteArray("data: par") << QByteArrayList{}
                                               << QByteArrayList{} << QByteArray("data: par");
    }
    void events() {
        QFETCH(QByteArray, stream);
        QFETCH(QByteArrayList, raws);
        QFETCH(QByteArrayList, datas);
        QFETCH(QByteArray, rest);
        // Whole, byte by byte, and in pieces that cut line ends in two.
        for (const qsizetype piece :
             {stream.size() + 1, qsizetype(1), qsizetype(3), qsizetype(7)}) {
            QByteArray left;
            const QList<SseEventSplitter::Event> events = relayed(stream, piece, &left);
            QCOMPARE(events.size(), raws.size());
            for (qsizetype i = 0; i < events.size(); ++i) {
                QCOMPARE(events[i].raw, raws[i]);
                QCOMPARE(events[i].data, datas[i]);
            }
            QCOMPARE(left, rest);
            // The copied form gives the same events.
            SseEventSplitter splitter;
            const QList<SseEventSplitter::Event> copied = splitter.feed(stream);
            QCOMPARE(copied.size(), raws.size());
            for (qsizetype i = 0; i < copied.size(); ++i)
                QCOMPARE(copied[i].raw, raws[i]);
        }
    }
    // Only the unfinished tail is held between calls, whatever came before it.
    void holdsOnlyTheTail() {
        SseEventSplitter splitter;
        int events = 0;
        const auto count = [&events](const SseEventSplitter::EventView &) { ++events; };
        splitter.feed(QByteArray("data: 1\n\ndata: 2\n\ndata: 3"), count);
        QCOMPARE(events, 2);
        QCOMPARE(splitter.pendingBytes(), qsizetype(7));
        splitter.feed(QByteArray("\n\n"), count);
        QCOMPARE(events, 3);
        QCOMPARE(splitter.pendingBytes(), qsizetype(0));
    }
    // A long stream of events in one read, none with a CR: found in one pass (a quadratic scan
    // would take minutes here).
    void manyEventsInOneRead() {
        QByteArray stream;
        for (int i = 0; i < 200'000; ++i)
            stream += "data: {\"n\":" + QByteArray::number(i) + "}\n\n";
        SseEventSplitter splitter;
        int events = 0;
        splitter.feed(stream, [&events](const SseEventSplitter::EventView &) { ++events; });
        QCOMPARE(events, 200'000);
    }
};

QTEST_GUILESS_MAIN(TestSseEventSplitter)
#include "test_sseeventsplitter.moc"
