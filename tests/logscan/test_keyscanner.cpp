// The scanner test_logscan runs over every log of the suite: it finds a real key wherever it is
// (a fresh one from the store's generator, planted in a file) and a long piece of one, and says
// where without repeating it; what merely mentions keys (their prefix, a hint) is not a finding.
// No key is printed: findings are checked with booleans, never QCOMPARE'd against a key.

#include "keyscanner.h"

#include "store/apikeyformat.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace portico;
using testsupport::KeyFinding;

namespace {

QByteArray readFile(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QString messageFor(const QList<KeyFinding> &findings) {
    QStringList lines;
    for (const KeyFinding &finding : findings)
        lines.append(testsupport::describe(finding));
    return lines.join(QLatin1Char('\n'));
}

// `key` with its last checksum character changed: the shape of a key, not a valid one.
QByteArray withWrongChecksum(const QString &key) {
    QByteArray bytes = key.toLatin1();
    bytes.back() = bytes.back() == '0' ? '1' : '0';
    return bytes;
}

} // namespace

class TestKeyScanner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void findsAPlantedKeyWithoutRepeatingIt();
    void findsKeysWhereverTheyAre_data();
    void findsKeysWhereverTheyAre();
    void flagsPiecesOfKeys_data();
    void flagsPiecesOfKeys();
    void nearMissesAreNotFindings_data();
    void nearMissesAreNotFindings();
    void namesTheTestFunctionAbove();
};

void TestKeyScanner::findsAPlantedKeyWithoutRepeatingIt() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString key = store::apikey::generate();
    QVERIFY(store::apikey::hasValidFormat(key));
    const QString path = dir.filePath(QStringLiteral("gateway.log"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("{\"event\":\"started\",\"message\":\"listening\"}\n"
                              "{\"event\":\"request\",\"status\":200,\"key\":\"main key\"}\n"
                              "{\"event\":\"request\",\"status\":401,\"message\":\"Bearer ") +
                   key.toLatin1() + QByteArray(" is not known\"}\n"));
    }

    const QList<KeyFinding> findings = testsupport::scanForKeys(readFile(path), path);
    QCOMPARE(findings.size(), 1);
    QCOMPARE(findings.first().kind, KeyFinding::Kind::Key);
    QCOMPARE(findings.first().line, 3);
    QCOMPARE(findings.first().source, path);
    QVERIFY(findings.first().hint == store::apikey::hint(key));

    const QString message = messageFor(findings);
    QVERIFY(message.startsWith(path + QStringLiteral(":3")));
    QVERIFY(message.contains(store::apikey::hint(key)));
    QVERIFY(!message.contains(key));
    // Not even the random part or most of it.
    QVERIFY(!message.contains(key.mid(4, 30)));
    QVERIFY(!message.contains(key.mid(4, 8)));
}

void TestKeyScanner::findsKeysWhereverTheyAre_data() {
    QTest::addColumn<QByteArray>("before");
    QTest::addColumn<QByteArray>("after");
    QTest::addColumn<int>("line");
    QTest::newRow("alone") << QByteArray() << QByteArray() << 1;
    QTest::newRow("header") << QByteArray("Authorization: Bearer ") << QByteArray("\r\n") << 1;
    QTest::newRow("json") << QByteArray("{\"key\":\"") << QByteArray("\"}") << 1;
    QTest::newRow("glued before") << QByteArray("Bearerxyz") << QByteArray() << 1;
    QTest::newRow("glued after") << QByteArray("x") << QByteArray("moreText42") << 1;
    QTest::newRow("after lines") << QByteArray("a\nb\n\nkey=") << QByteArray("\nz") << 4;
    QTest::newRow("url") << QByteArray("GET /v1/models?api_key=") << QByteArray("&x=1") << 1;
}

void TestKeyScanner::findsKeysWhereverTheyAre() {
    QFETCH(QByteArray, before);
    QFETCH(QByteArray, after);
    QFETCH(int, line);
    const QString key = store::apikey::generate();
    const QList<KeyFinding> findings = testsupport::scanForKeys(
        QByteArray(before + key.toLatin1() + after), QStringLiteral("text"));
    QCOMPARE(findings.size(), 1);
    QCOMPARE(findings.first().kind, KeyFinding::Kind::Key);
    QCOMPARE(findings.first().line, line);
    QVERIFY(!messageFor(findings).contains(key));

    // Two keys on one line and one on the next: three findings.
    const QString second = store::apikey::generate();
    const QByteArray three = key.toLatin1() + ' ' + second.toLatin1() + '\n' + key.toLatin1();
    const QList<KeyFinding> all = testsupport::scanForKeys(three, QStringLiteral("text"));
    QCOMPARE(all.size(), 3);
    QCOMPARE(all.at(0).line, 1);
    QCOMPARE(all.at(1).line, 1);
    QCOMPARE(all.at(2).line, 2);
}

void TestKeyScanner::flagsPiecesOfKeys_data() {
    // What apikey::redacted() hides must not be in a log either: a key with one character
    // changed fails its checksum but 35 of its 36 secret characters are there.
    const QString key = store::apikey::generate();
    QTest::addColumn<QByteArray>("piece");
    QTest::newRow("wrong checksum") << withWrongChecksum(key);
    QTest::newRow("cut short") << key.left(key.size() - 1).toLatin1();
    QTest::newRow("first 20 characters") << key.left(4 + 16).toLatin1();
    QTest::newRow("garbled, longer") << QByteArray(withWrongChecksum(key) + "ABCDEFGH");
}

void TestKeyScanner::flagsPiecesOfKeys() {
    QFETCH(QByteArray, piece);
    QVERIFY(!store::apikey::hasValidFormat(QString::fromLatin1(piece)));
    const QList<KeyFinding> findings = testsupport::scanForKeys(
        QByteArray("line one\ntoken " + piece + " refused"), QStringLiteral("text"));
    QCOMPARE(findings.size(), 1);
    QCOMPARE(findings.first().kind, KeyFinding::Kind::KeyLike);
    QCOMPARE(findings.first().line, 2);
    const QString message = messageFor(findings);
    QVERIFY(message.contains(QStringLiteral("a piece of a key")));
    QVERIFY(!message.contains(QString::fromLatin1(piece)));
    QVERIFY(!message.contains(QString::fromLatin1(piece.mid(4, 12))));
}

void TestKeyScanner::nearMissesAreNotFindings_data() {
    const QString key = store::apikey::generate();
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("prefix alone") << QByteArray("keys start with ptc_ and are 40 characters long");
    QTest::newRow("prefix at the end") << QByteArray("prefix: ptc_");
    QTest::newRow("hint") << QByteArray("the key " + store::apikey::hint(key).toUtf8() +
                                        " is disabled");
    QTest::newRow("hint in json") << QByteArray("{\"key\":\"" + store::apikey::hint(key).toUtf8() +
                                                "\"}");
    QTest::newRow("masked") << QByteArray("ptc_****************************************");
    QTest::newRow("what redacted() leaves")
        << store::apikey::redacted(QStringLiteral("Bearer ") + key).toUtf8();
    QTest::newRow("short") << QByteArray("ptc_0123456789ABCDE ptc_abc ptc_");
    QTest::newRow("not base62") << QByteArray("ptc_not-a-real-key ptc_0123456789-0123456789");
    QTest::newRow("uppercase prefix") << QByteArray("PTC_" + key.mid(4).toLatin1());
    QTest::newRow("empty") << QByteArray();
}

void TestKeyScanner::nearMissesAreNotFindings() {
    QFETCH(QByteArray, text);
    const QList<KeyFinding> findings = testsupport::scanForKeys(text, QStringLiteral("text"));
    QVERIFY2(findings.isEmpty(), qPrintable(messageFor(findings)));
}

void TestKeyScanner::namesTheTestFunctionAbove() {
    // testlogs.h starts each saved chunk with "### <test function>": a finding names it.
    const QString key = store::apikey::generate();
    const QByteArray text = "### firstTest\nnothing here\n### secondTest[row 2]\nline\nBearer " +
                            key.toLatin1() + "\n### thirdTest\n";
    const QList<KeyFinding> findings = testsupport::scanForKeys(text, QStringLiteral("cli.log"));
    QCOMPARE(findings.size(), 1);
    QCOMPARE(findings.first().line, 5);
    QCOMPARE(findings.first().section, QStringLiteral("secondTest[row 2]"));
    QVERIFY(testsupport::describe(findings.first())
                .startsWith(QStringLiteral("cli.log:5 (in secondTest[row 2]): an API key (ptc_")));
}

QTEST_GUILESS_MAIN(TestKeyScanner)
#include "test_keyscanner.moc"
