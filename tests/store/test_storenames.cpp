// The naming and reference rules KeyStore and GroupStore share: what a name may be, that names
// are unique per kind, and that an unknown reference says what to check without echoing a key.
#include "storetestcase.h"

#include "store/apikeyformat.h"

#include <QTest>

using namespace portico::store;
using namespace portico::test;

class TestStoreNames : public StoreTestCase {
    Q_OBJECT
private Q_SLOTS:
    void invalidNamesAreRefused_data();
    void invalidNamesAreRefused();
    void unicodeNamesAreAccepted_data();
    void unicodeNamesAreAccepted();
    void duplicateNamesAreRefused();
    void unknownRefsSayWhatToCheck();
};

void TestStoreNames::invalidNamesAreRefused_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << QString() << QStringLiteral("empty");
    QTest::newRow("spaces") << QStringLiteral("   ") << QStringLiteral("empty");
    QTest::newRow("tabs and newlines") << QStringLiteral("\t\n ") << QStringLiteral("empty");
    QTest::newRow("inner newline") << QStringLiteral("a\nb") << QStringLiteral("control");
    QTest::newRow("inner tab") << QStringLiteral("a\tb") << QStringLiteral("control");
    QTest::newRow("carriage return") << QStringLiteral("a\rb") << QStringLiteral("control");
    QTest::newRow("bell") << QString(QStringLiteral("a") + QChar(0x07) + QStringLiteral("b"))
                          << QStringLiteral("control");
    QTest::newRow("DEL") << QString(QStringLiteral("a") + QChar(0x7f)) << QStringLiteral("control");
    QTest::newRow("C1 control") << QString(QStringLiteral("a") + QChar(0x85) + QStringLiteral("b"))
                                << QStringLiteral("control");
    QTest::newRow("line separator")
        << QString(QStringLiteral("a") + QChar(0x2028) + QStringLiteral("b"))
        << QStringLiteral("control");
    QTest::newRow("201 letters") << QString(201, QLatin1Char('x')) << QStringLiteral("201");
    QString emoji201;
    for (int i = 0; i < 201; ++i)
        emoji201 += QString::fromUtf8("\xF0\x9F\x94\x91"); // U+1F511, two UTF-16 units
    QTest::newRow("201 emoji") << emoji201 << QStringLiteral("201");
    QTest::newRow("lone surrogate")
        << QString(QStringLiteral("a") + QChar(0xD800)) << QStringLiteral("not valid");
    // A name that contains an API key would put the key in every listing.
    const QString zeros = QStringLiteral("000000000000000000000000000000");
    QTest::newRow("contains a key")
        << QString(QStringLiteral("my ptc_") + zeros + apikey::checksumFor(zeros))
        << QStringLiteral("API key");
}

void TestStoreNames::invalidNamesAreRefused() {
    QFETCH(QString, name);
    QFETCH(QString, expected);
    QVERIFY(m_keys->createKey(QStringLiteral("existing")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("existing group")).ok());
    const QString before = dumpAll(*m_db);

    auto key = m_keys->createKey(name);
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code, Error::Code::InvalidName);
    QVERIFY2(key.error().message.contains(expected), qPrintable(key.error().message));
    QVERIFY(key.error().message.contains(QStringLiteral("key")));

    auto rename = m_keys->renameKey(QStringLiteral("existing"), name);
    QCOMPARE(rename.error().code, Error::Code::InvalidName);

    auto group = m_groups->createGroup(name);
    QVERIFY(!group.ok());
    QCOMPARE(group.error().code, Error::Code::InvalidName);
    QVERIFY(group.error().message.contains(QStringLiteral("group")));
    QCOMPARE(m_groups->renameGroup(QStringLiteral("existing group"), name).error().code,
             Error::Code::InvalidName);
    QCOMPARE(m_groups->addRoute(QStringLiteral("existing group"), name).error().code,
             Error::Code::InvalidName);

    QCOMPARE(dumpAll(*m_db), before);
}

void TestStoreNames::unicodeNamesAreAccepted_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("emoji") << QString::fromUtf8("Prod \xF0\x9F\x94\x91 key");
    QTest::newRow("arabic rtl") << QString::fromUtf8("\xD9\x85\xD9\x81\xD8\xAA\xD8\xA7\xD8\xAD");
    QTest::newRow("hebrew with rtl mark")
        << QString::fromUtf8("\xE2\x80\x8F\xD7\x9E\xD7\xA4\xD7\xAA\xD7\x97 1");
    QTest::newRow("cjk") << QString::fromUtf8("\xE7\x94\x9F\xE4\xBA\xA7\xE7\x8E\xAF\xE5\xA2\x83");
    QTest::newRow("combining") << QString::fromUtf8("Cafe\xCC\x81");
    QTest::newRow("zwj family") << QString::fromUtf8(
        "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7");
    QTest::newRow("quotes and sql") << QStringLiteral("it's \"fine\"; DROP TABLE api_keys; --");
    QTest::newRow("200 letters") << QString(200, QLatin1Char('y'));
    QString emoji200;
    for (int i = 0; i < 200; ++i)
        emoji200 += QString::fromUtf8("\xF0\x9F\x94\x91");
    QTest::newRow("200 emoji") << emoji200;
}

void TestStoreNames::unicodeNamesAreAccepted() {
    QFETCH(QString, name);
    auto key = m_keys->createKey(name);
    QVERIFY2(key.ok(), qPrintable(key.error().message));
    QCOMPARE(key->record.name, name);
    QCOMPARE(m_keys->key(name)->uuid, key->record.uuid);
    auto group = m_groups->createGroup(name, name);
    QVERIFY2(group.ok(), qPrintable(group.error().message));
    QCOMPARE(m_groups->group(name)->description, name);
    auto added = m_keys->addKeyToGroup(name, name);
    QVERIFY(added.ok());
    QCOMPARE(added->groups.at(0).name, name);
    QCOMPARE(m_groups->addRoute(name, name)->routes, QStringList{name});
    QVERIFY(m_db->schemaVersion() == Database::kSchemaVersion);
}

void TestStoreNames::duplicateNamesAreRefused() {
    QVERIFY(m_keys->createKey(QStringLiteral("Prod")).ok());
    QVERIFY(m_keys->createKey(QStringLiteral("Dev")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("Team")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("Ops")).ok());
    const QString before = dumpAll(*m_db);

    auto key = m_keys->createKey(QStringLiteral(" Prod "));
    QCOMPARE(key.error().code, Error::Code::Duplicate);
    QCOMPARE(key.error().message,
             QStringLiteral("A key named 'Prod' already exists. Choose another name."));
    auto rename = m_keys->renameKey(QStringLiteral("Dev"), QStringLiteral("Prod"));
    QCOMPARE(rename.error().code, Error::Code::Duplicate);

    auto group = m_groups->createGroup(QStringLiteral("Team"));
    QCOMPARE(group.error().code, Error::Code::Duplicate);
    QCOMPARE(group.error().message,
             QStringLiteral("A group named 'Team' already exists. Choose another name."));
    QCOMPARE(m_groups->renameGroup(QStringLiteral("Ops"), QStringLiteral("Team")).error().code,
             Error::Code::Duplicate);
    QCOMPARE(dumpAll(*m_db), before);

    // Names are unique per kind only, and renaming to the own name is no change.
    QVERIFY(m_groups->createGroup(QStringLiteral("Prod")).ok());
    QVERIFY(m_keys->renameKey(QStringLiteral("Prod"), QStringLiteral("Prod")).ok());
    // Case differs: a different name.
    QVERIFY(m_keys->createKey(QStringLiteral("prod")).ok());
}

void TestStoreNames::unknownRefsSayWhatToCheck() {
    QVERIFY(m_keys->createKey(QStringLiteral("k")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    const QString before = dumpAll(*m_db);

    auto key = m_keys->key(QStringLiteral("nope"));
    QCOMPARE(key.error().code, Error::Code::NotFound);
    QCOMPARE(key.error().message,
             QStringLiteral("No API key with UUID or name 'nope'. Check `portico-gateway keys "
                            "list`."));
    auto group = m_groups->group(QStringLiteral("nope"));
    QCOMPARE(group.error().code, Error::Code::NotFound);
    QVERIFY(group.error().message.contains(QStringLiteral("portico-gateway groups list")));

    // A uuid that does not exist.
    QCOMPARE(m_keys->key(QStringLiteral("3f2504e0-4f89-11d3-9a0c-0305e82c3301")).error().code,
             Error::Code::NotFound);

    auto withUnknownGroup =
        m_keys->createKey(QStringLiteral("new"), {QStringLiteral("g"), QStringLiteral("missing")});
    QCOMPARE(withUnknownGroup.error().code, Error::Code::NotFound);
    QVERIFY(withUnknownGroup.error().message.contains(QStringLiteral("'missing'")));
    QCOMPARE(m_keys->key(QStringLiteral("new")).error().code, Error::Code::NotFound);

    QCOMPARE(m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("missing")).error().code,
             Error::Code::NotFound);
    QCOMPARE(m_keys->addKeyToGroup(QStringLiteral("missing"), QStringLiteral("g")).error().code,
             Error::Code::NotFound);
    QCOMPARE(m_keys->removeKeyFromGroup(QStringLiteral("k"), QStringLiteral("g")).error().code,
             Error::Code::NotFound);
    QCOMPARE(m_keys->renameKey(QStringLiteral("missing"), QStringLiteral("x")).error().code,
             Error::Code::NotFound);
    QCOMPARE(m_keys->setKeyState(QStringLiteral("missing"), KeyState::Disabled).error().code,
             Error::Code::NotFound);
    QCOMPARE(m_keys->deleteKey(QStringLiteral("missing")).error().code, Error::Code::NotFound);
    QCOMPARE(m_groups->deleteGroup(QStringLiteral("missing")).error().code, Error::Code::NotFound);
    QCOMPARE(m_groups->removeRoute(QStringLiteral("g"), QStringLiteral("r")).error().code,
             Error::Code::NotFound);
    QCOMPARE(dumpAll(*m_db), before);
}

QTEST_GUILESS_MAIN(TestStoreNames)
#include "test_storenames.moc"
