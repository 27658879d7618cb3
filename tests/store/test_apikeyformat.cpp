#include "store/apikeyformat.h"

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <zlib.h>

using namespace portico::store;

namespace {

const QString kAlphabet =
    QStringLiteral("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

// An independent bitwise CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), so the test does
// not trust the same code it checks.
quint32 referenceCrc32(const QByteArray &bytes) {
    quint32 crc = 0xFFFFFFFFu;
    for (char c : bytes) {
        crc ^= quint8(c);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 1u) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    }
    return ~crc;
}

QString referenceBase62(quint64 value, int width) {
    QString digits;
    while (value > 0) {
        digits.prepend(kAlphabet.at(qsizetype(value % 62)));
        value /= 62;
    }
    while (digits.size() < width)
        digits.prepend(QLatin1Char('0'));
    return digits;
}

} // namespace

class TestApiKeyFormat : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void generatedKeysMatchTheFormat();
    void generatedKeysDiffer();
    void checksumMatchesIndependentImplementation_data();
    void checksumMatchesIndependentImplementation();
    void knownVector();
    void everySingleCharacterChangeIsRejected();
    void malformedKeysAreRejected_data();
    void malformedKeysAreRejected();
    void hashIsSha256Hex();
    void hintShowsPrefixAndLastFour();
    void redactedHidesKeysAndLongPieces();
};

void TestApiKeyFormat::generatedKeysMatchTheFormat() {
    static const QRegularExpression format(QStringLiteral("^ptc_[0-9A-Za-z]{36}$"));
    for (int i = 0; i < 200; ++i) {
        const QString key = apikey::generate();
        QVERIFY(format.match(key).hasMatch());
        QVERIFY(key.size() == apikey::kKeyLength);
        QVERIFY(apikey::hasValidFormat(key));
        QVERIFY(apikey::hasKeyShape(key));
        QVERIFY(apikey::hasKeyShape(QByteArrayView(key.toLatin1())));
        const QString random = key.mid(4, apikey::kRandomLength);
        const QString expected =
            referenceBase62(referenceCrc32(random.toLatin1()), apikey::kChecksumLength);
        QVERIFY(key.right(apikey::kChecksumLength) == expected);
    }
}

void TestApiKeyFormat::generatedKeysDiffer() {
    QSet<QString> keys;
    for (int i = 0; i < 1000; ++i)
        keys.insert(apikey::generate());
    QCOMPARE(keys.size(), 1000);
}

void TestApiKeyFormat::checksumMatchesIndependentImplementation_data() {
    QTest::addColumn<QString>("random");
    QTest::newRow("zeros") << QStringLiteral("000000000000000000000000000000");
    QTest::newRow("z") << QStringLiteral("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz");
    QTest::newRow("mixed") << QStringLiteral("AbCdEfGhIjKlMnOpQrStUvWxYz0123");
    QTest::newRow("digits") << QStringLiteral("123456789012345678901234567890");
}

void TestApiKeyFormat::checksumMatchesIndependentImplementation() {
    QFETCH(QString, random);
    const QByteArray bytes = random.toLatin1();
    const quint32 reference = referenceCrc32(bytes);
    // Also check the reference against zlib, as Python's zlib.crc32 computes it.
    const uLong viaZlib =
        crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef *>(bytes.constData()),
              uInt(bytes.size()));
    QCOMPARE(quint32(viaZlib), reference);
    QCOMPARE(apikey::checksumFor(random), referenceBase62(reference, 6));
}

void TestApiKeyFormat::knownVector() {
    const QString zeros = QStringLiteral("000000000000000000000000000000");
    // Python: zlib.crc32(b"0" * 30) == 0x77e5db82, which is "2C8GjS" in base62.
    const quint32 crc = referenceCrc32(zeros.toLatin1());
    QCOMPARE(crc, 0x77e5db82u);
    const QString checksum = apikey::checksumFor(zeros);
    QCOMPARE(checksum, QStringLiteral("2C8GjS"));
    QCOMPARE(checksum, referenceBase62(crc, 6));
    QCOMPARE(apikey::checksumFor(QStringLiteral("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")),
             QStringLiteral("4IlJEz"));
    // A fabricated (not secret) key built from the vector validates.
    QVERIFY(apikey::hasValidFormat(QString(QStringLiteral("ptc_") + zeros + checksum)));
    // The checksum of the empty string is CRC 0, i.e. all zero digits.
    QCOMPARE(apikey::checksumFor(QString()), QStringLiteral("000000"));
}

void TestApiKeyFormat::everySingleCharacterChangeIsRejected() {
    const QString key = apikey::generate();
    QVERIFY(apikey::hasValidFormat(key));
    int variants = 0;
    for (qsizetype position = 0; position < key.size(); ++position) {
        const QString replacements = kAlphabet + QStringLiteral("_-+/= ");
        for (QChar replacement : replacements) {
            if (replacement == key.at(position))
                continue;
            QString changed = key;
            changed[position] = replacement;
            ++variants;
            if (apikey::hasValidFormat(changed))
                QFAIL(qPrintable(
                    QStringLiteral("a key changed at position %1 was accepted").arg(position)));
        }
    }
    QVERIFY(variants > 40 * 60);
}

void TestApiKeyFormat::malformedKeysAreRejected_data() {
    // Made from its parts, so no key-shaped text stands in the source.
    const QString random(apikey::kRandomLength, u'0');
    const QString valid = QLatin1String(apikey::kPrefix) + random + apikey::checksumFor(random);
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("shaped"); // prefix, length and characters right: only the checksum
                                      // wrong (the gateway's "not valid", not "malformed")
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("prefix only") << QStringLiteral("ptc_") << false;
    QTest::newRow("wrong prefix") << QString(QStringLiteral("sk-_") + valid.mid(4)) << false;
    QTest::newRow("upper prefix") << QString(QStringLiteral("PTC_") + valid.mid(4)) << false;
    QTest::newRow("too short") << valid.left(39) << false;
    QTest::newRow("too long") << QString(valid + QLatin1Char('0')) << false;
    QTest::newRow("leading space") << QString(QLatin1Char(' ') + valid.left(39)) << false;
    QTest::newRow("trailing newline") << QString(valid.left(39) + QLatin1Char('\n')) << false;
    QTest::newRow("non-ascii digit")
        << QString(valid.left(10) + QChar(0x0661) + valid.mid(11)) << false;
    QTest::newRow("punctuation") << QString(valid.left(20) + QLatin1Char('-') + valid.mid(21))
                                 << false;
    QTest::newRow("checksum zeroed") << QString(valid.left(34) + QStringLiteral("000000")) << true;
    QTest::newRow("bearer") << QString(QStringLiteral("Bearer ") + valid) << false;
}

void TestApiKeyFormat::malformedKeysAreRejected() {
    QFETCH(QString, key);
    QFETCH(bool, shaped);
    QVERIFY(!apikey::hasValidFormat(key));
    QCOMPARE(apikey::hasKeyShape(key), shaped);
    // The same, as the bytes of an Authorization header.
    QCOMPARE(apikey::hasKeyShape(QByteArrayView(key.toUtf8())), shaped);
}

void TestApiKeyFormat::hashIsSha256Hex() {
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    const QString key = apikey::generate();
    const QByteArray hash = apikey::hash(key);
    QVERIFY(hex.match(QString::fromLatin1(hash)).hasMatch());
    QCOMPARE(hash, QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex());
    QVERIFY(apikey::hash(apikey::generate()) != hash);
    // The hash does not contain the key.
    QVERIFY(!hash.contains(key.toLatin1()));
}

void TestApiKeyFormat::hintShowsPrefixAndLastFour() {
    const QString key = apikey::generate();
    const QString hint = apikey::hint(key);
    QCOMPARE(hint.size(), 9);
    QVERIFY(hint.startsWith(QStringLiteral("ptc_") + QChar(0x2026)));
    QVERIFY(hint.right(4) == key.right(4));
    QVERIFY(!hint.contains(key.mid(4, 30)));
}

void TestApiKeyFormat::redactedHidesKeysAndLongPieces() {
    const QString key = apikey::generate();
    const QString text = QStringLiteral("header \"Authorization Bearer ") + key +
                         QStringLiteral("\" and again:") + key;
    const QString clean = apikey::redacted(text);
    QVERIFY(!clean.contains(key.mid(4)));
    QCOMPARE(clean.count(QStringLiteral("(an API key, not shown)")), 2);
    QVERIFY(clean.startsWith(QStringLiteral("header \"Authorization Bearer ptc_")));
    // A long piece of a key is hidden too; the hint and ordinary text are left alone.
    QVERIFY(!apikey::redacted(key.left(24)).contains(key.mid(4, 20)));
    const QString harmless =
        apikey::hint(key) + QStringLiteral(" ptc_short ptc_ alone, café ☕ rooms");
    QCOMPARE(apikey::redacted(harmless), harmless);
    // The prefix is looked for at both ends of the text, and texts shorter than it are left.
    QVERIFY(!apikey::redacted(QStringLiteral("x") + key).contains(key.mid(4)));
    QVERIFY(!apikey::redacted(key + QStringLiteral("x")).contains(key.mid(4)));
    for (const QString &shortText :
         {QString(), QStringLiteral("p"), QStringLiteral("ptc"), QStringLiteral("ptc_")})
        QCOMPARE(apikey::redacted(shortText), shortText);
}

QTEST_GUILESS_MAIN(TestApiKeyFormat)
#include "test_apikeyformat.moc"
