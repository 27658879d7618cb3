// The comparison the HTTP server and the upstream client use for header names and tokens.
#include "text/asciicase.h"

#include <QTest>

using portico::text::equalsIgnoringAsciiCase;
using portico::text::holdsToken;

class TestAsciiCase : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void compares_data() {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("equal");
        QTest::newRow("same") << QByteArray("Content-Length") << QByteArray("Content-Length")
                              << true;
        QTest::newRow("other case")
            << QByteArray("Content-Length") << QByteArray("cONTENT-lENGTH") << true;
        QTest::newRow("both empty") << QByteArray() << QByteArray("") << true;
        QTest::newRow("shorter") << QByteArray("Content-Lengt") << QByteArray("Content-Length")
                                 << false;
        QTest::newRow("empty and not") << QByteArray() << QByteArray("a") << false;
        QTest::newRow("other letter") << QByteArray("close") << QByteArray("closf") << false;
        // Bytes that differ only in the 0x20 bit but are not letters stay different.
        QTest::newRow("@ and `") << QByteArray("@") << QByteArray("`") << false;
        QTest::newRow("[ and {") << QByteArray("a[") << QByteArray("a{") << false;
        QTest::newRow("- and \\r") << QByteArray("-") << QByteArray("\r") << false;
        QTest::newRow("digits") << QByteArray("1") << QByteArray("\x11") << false;
        // Latin-1 letters are not folded: HTTP names and tokens are ASCII.
        QTest::newRow("latin-1") << QByteArray("\xc9") << QByteArray("\xe9") << false;
        QTest::newRow("latin-1 same") << QByteArray("\xe9t\xe9") << QByteArray("\xe9T\xe9") << true;
        QTest::newRow("nul inside") << QByteArray("a\0b", 3) << QByteArray("A\0B", 3) << true;
        QTest::newRow("nul against space") << QByteArray("a\0", 2) << QByteArray("a ", 2) << false;
    }
    void compares() {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, equal);
        QCOMPARE(equalsIgnoringAsciiCase(a, b), equal);
        QCOMPARE(equalsIgnoringAsciiCase(b, a), equal);
    }
    void everyByteAgainstEveryByte() {
        // The whole table of single bytes, against the obvious definition.
        for (int x = 0; x < 256; ++x) {
            for (int y = 0; y < 256; ++y) {
                const auto lower = [](int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; };
                const char cx = char(x);
                const char cy = char(y);
                const bool expected = lower(x) == lower(y);
                if (equalsIgnoringAsciiCase(QByteArrayView(&cx, 1), QByteArrayView(&cy, 1)) !=
                    expected)
                    QFAIL(qPrintable(QStringLiteral("bytes %1 and %2").arg(x).arg(y)));
            }
        }
    }
    void findsTokensInLists_data() {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("holdsClose");
        QTest::newRow("alone") << QByteArray("close") << true;
        QTest::newRow("any case, spaced") << QByteArray("keep-alive ,\tCLOSE ") << true;
        QTest::newRow("first of two") << QByteArray("Close,upgrade") << true;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("empty elements") << QByteArray(",, ,") << false;
        QTest::newRow("longer token") << QByteArray("closed, keep-alive") << false;
        QTest::newRow("inside a token") << QByteArray("x-close-y") << false;
    }
    void findsTokensInLists() {
        QFETCH(QByteArray, value);
        QFETCH(bool, holdsClose);
        QCOMPARE(holdsToken(value, "close"), holdsClose);
    }
    void usableAtCompileTime() {
        static_assert(equalsIgnoringAsciiCase("Keep-Alive", "keep-alive"));
        static_assert(!equalsIgnoringAsciiCase("keep-alive", "keep-alive "));
    }
};

QTEST_APPLESS_MAIN(TestAsciiCase)
#include "test_asciicase.moc"
