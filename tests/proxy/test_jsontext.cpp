// JsonTextWriter::string(), which copies runs of plain ASCII eight units at a time, against a
// reference written here one character at a time from JSON's rules: every string, whatever its
// length, its mix and where the characters to escape fall, must come out byte for byte the same,
// and read back as the same text.

#include "metering/jsontext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

using namespace portico;

namespace {

// JSON's escapes for one byte of UTF-8 (or one ASCII character).
void escapeByte(QByteArray &out, unsigned char c) {
    switch (c) {
    case '"':
        out += "\\\"";
        return;
    case '\\':
        out += "\\\\";
        return;
    case '\n':
        out += "\\n";
        return;
    case '\r':
        out += "\\r";
        return;
    case '\t':
        out += "\\t";
        return;
    default:
        break;
    }
    if (c < 0x20)
        out += QByteArray("\\u00") + QByteArray::number(c, 16).rightJustified(2, '0');
    else
        out += char(c);
}

// The writer's contract: the text as UTF-8 (lone surrogates as toUtf8() writes them), in quotes,
// with quotes, backslashes and control characters escaped.
QByteArray reference(const QString &text) {
    QByteArray out = "\"";
    for (const char byte : text.toUtf8())
        escapeByte(out, static_cast<unsigned char>(byte));
    return out + '"';
}

QByteArray written(const QString &text) {
    QByteArray out = "prefix:";
    metering::appendJsonString(out, text);
    return out.mid(7);
}

// A unit drawn mostly from the characters that matter: the edges of printable ASCII, the
// escaped ones, the first non-ASCII ones, surrogates.
char16_t randomUnit(QRandomGenerator &random) {
    static constexpr char16_t interesting[] = {
        0x00,   0x01,   0x08,   0x09,   0x0a,   0x0d,   0x1f,   0x20,   '"',    '\\',   '/',
        0x7e,   0x7f,   0x80,   0x9f,   0xa0,   0xff,   0x100,  0x7ff,  0x800,  0xd800, 0xdbff,
        0xdc00, 0xdfff, 0xfffd, 0xffff, 0x8000, 0x801f, 0x8020, 0x805c, 0x8022, 0xff20};
    const quint32 pick = random.bounded(10u);
    if (pick < 6)
        return char16_t(0x20 + random.bounded(0x5f)); // printable ASCII, '"' and '\\' included
    if (pick < 9)
        return interesting[random.bounded(quint32(std::size(interesting)))];
    return char16_t(random.bounded(0x10000));
}

} // namespace

class TestJsonText : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixedCases_data();
    void fixedCases();
    void oneSpecialAtEveryPlace();
    void randomStrings();
};

void TestJsonText::fixedCases_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("null") << QString() << QByteArray("\"\"");
    QTest::newRow("empty") << QStringLiteral("") << QByteArray("\"\"");
    QTest::newRow("short") << QStringLiteral("abc") << QByteArray("\"abc\"");
    QTest::newRow("eight") << QStringLiteral("12345678") << QByteArray("\"12345678\"");
    QTest::newRow("log message") << QStringLiteral("POST /v1/chat/completions -> 200 in 3 ms")
                                 << QByteArray("\"POST /v1/chat/completions -> 200 in 3 ms\"");
    QTest::newRow("quote in block")
        << QStringLiteral("abcdefg\"hijklmnop") << QByteArray("\"abcdefg\\\"hijklmnop\"");
    QTest::newRow("controls") << QStringLiteral("a\tb\nc\rd\x01\x1f")
                              << QByteArray("\"a\\tb\\nc\\rd\\u0001\\u001f\"");
    QTest::newRow("delete kept") << QStringLiteral("0123456\x7f") << QByteArray("\"0123456\x7f\"");
    QTest::newRow("non-ASCII after a block")
        << QStringLiteral("12345678é\"") << QByteArray("\"12345678\xc3\xa9\\\"\"");
    QTest::newRow("unit 0x8022 is not a quote")
        << QString(QChar(char16_t(0x8022))).repeated(9)
        << QByteArray("\"" + QByteArray("\xe8\x80\xa2").repeated(9) + "\"");
}

void TestJsonText::fixedCases() {
    QFETCH(QString, text);
    QFETCH(QByteArray, expected);
    QCOMPARE(written(text), expected);
    QCOMPARE(reference(text), expected);
}

// Every length up to three blocks, with one character to escape (or one non-ASCII one) at every
// position: the block that holds it, and those before and after, are each handled right.
void TestJsonText::oneSpecialAtEveryPlace() {
    const QList<char16_t> specials = {'"',  '\\', 0x00, 0x0a,   0x1f,
                                      0x7f, 0x80, 0xe9, 0xd800, 0x8022};
    for (qsizetype length = 1; length <= 26; ++length) {
        for (qsizetype at = 0; at < length; ++at) {
            for (const char16_t special : specials) {
                QString text(length, QLatin1Char('x'));
                text[at] = QChar(special);
                QCOMPARE(written(text), reference(text));
            }
        }
    }
}

void TestJsonText::randomStrings() {
    QRandomGenerator random(20261205);
    for (int round = 0; round < 50000; ++round) {
        const qsizetype length = random.bounded(40);
        QString text(length, Qt::Uninitialized);
        // Mostly plain text with a few others, as log lines are; sometimes anything.
        const bool mixed = random.bounded(4u) == 0;
        for (qsizetype i = 0; i < length; ++i) {
            text[i] =
                QChar(mixed || random.bounded(16u) == 0 ? randomUnit(random)
                                                        : char16_t(0x20 + random.bounded(0x5f)));
        }
        const QByteArray out = written(text);
        QCOMPARE(out, reference(text));
        // And it is JSON that reads back as the text (as UTF-8 carries it).
        const QJsonDocument doc = QJsonDocument::fromJson("[" + out + "]");
        QVERIFY2(doc.isArray(), out.constData());
        QCOMPARE(doc.array().at(0).toString(), QString::fromUtf8(text.toUtf8()));
    }
}

QTEST_GUILESS_MAIN(TestJsonText)
#include "test_jsontext.moc"
