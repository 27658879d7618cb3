// The writer the HTTP server and the upstream client build heads with: what it writes, and that a
// wrong estimate of the room grows the array instead of writing past it.
#include "text/bytewriter.h"

#include <QTest>

using portico::text::ByteWriter;

class TestByteWriter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void writesPiecesWithinRoom() {
        QByteArray out;
        {
            ByteWriter writer(out, 64);
            writer << "HTTP/1.1 ";
            writer.number(200) << ' ' << QByteArray("OK") << "\r\n";
        }
        QCOMPARE(out, QByteArray("HTTP/1.1 200 OK\r\n"));
        QCOMPARE(out.size(), 17);
    }

    void appendsAfterWhatIsThere() {
        QByteArray out("head:");
        {
            ByteWriter writer(out, 4);
            writer << "tail";
        }
        QCOMPARE(out, QByteArray("head:tail"));
    }

    void growsWhenTheRoomIsTooSmall() {
        QByteArray out;
        const QByteArray long1(1000, 'a');
        const QByteArray long2(3000, 'b');
        {
            ByteWriter writer(out, 3);
            writer << "xy" << long1 << 'z' << long2;
            writer.number(-42);
        }
        QCOMPARE(out, QByteArray("xy") + long1 + 'z' + long2 + "-42");
    }

    void noRoomAtAll() {
        QByteArray out;
        {
            ByteWriter writer(out, 0);
            writer << 'a';
            writer << QByteArrayView();
            writer << "bc";
        }
        QCOMPARE(out, QByteArray("abc"));
        {
            ByteWriter writer(out, -5); // nonsense room is no room
        }
        QCOMPARE(out, QByteArray("abc"));
    }

    void hexNumbers() {
        QByteArray out;
        {
            ByteWriter writer(out, 16);
            writer.number(648, 16) << "\r\n";
            writer.number(0, 16);
        }
        QCOMPARE(out, QByteArray("288\r\n0"));
    }

    void nothingWrittenLeavesTheArrayAsItWas() {
        QByteArray out("kept");
        { ByteWriter writer(out, 256); }
        QCOMPARE(out, QByteArray("kept"));
    }

    void sharedArrayIsNotChangedThroughItsCopy() {
        QByteArray out("abc");
        const QByteArray copy = out;
        {
            ByteWriter writer(out, 8);
            writer << "def";
        }
        QCOMPARE(out, QByteArray("abcdef"));
        QCOMPARE(copy, QByteArray("abc"));
    }
};

QTEST_APPLESS_MAIN(TestByteWriter)
#include "test_bytewriter.moc"
