// The rules of a key, group and route name, in one table: what validateName() accepts, what it
// refuses and why, with odd Unicode; and that the store refuses exactly that when it creates and
// renames keys and groups.
#include "store/apikeyformat.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "store/names.h"

#include <QTemporaryDir>
#include <QTest>

using namespace portico::store;

Q_DECLARE_METATYPE(portico::store::Error::Reason)

namespace {

const QString kActor = QStringLiteral("test:names");

// A string shaped like an API key (valid checksum) that no store ever issued.
QString keyShaped() {
    const QString random(apikey::kRandomLength, u'A');
    return QLatin1String(apikey::kPrefix) + random + apikey::checksumFor(random);
}

QString repeated(const QString &piece, int times) {
    QString text;
    for (int i = 0; i < times; ++i)
        text += piece;
    return text;
}

const QString kEmoji = QString::fromUtf8("\xF0\x9F\x99\x82"); // U+1F642, two UTF-16 units

} // namespace

class TestNames : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rules_data();
    void rules();
    void storeRefusesWhatTheRulesRefuse_data() { rules_data(); }
    void storeRefusesWhatTheRulesRefuse();
    void errorsCarryReasonAndArguments();

private:
    QTemporaryDir m_dir;
    std::shared_ptr<Database> m_db;
};

void TestNames::initTestCase() {
    QVERIFY(m_dir.isValid());
    auto opened = Database::open(m_dir.filePath(QStringLiteral("names.db")));
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    m_db = opened.value();
}

void TestNames::rules_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<Error::Reason>("reason"); // Unspecified: accepted
    QTest::addColumn<QString>("stored");       // the trimmed name, when accepted
    QTest::addColumn<QStringList>("args");

    const auto ok = Error::Reason::Unspecified;
    QTest::newRow("plain") << QStringLiteral("alpha") << ok << QStringLiteral("alpha")
                           << QStringList();
    QTest::newRow("trimmed") << QStringLiteral("  beta \t") << ok << QStringLiteral("beta")
                             << QStringList();
    QTest::newRow("inner spaces kept")
        << QStringLiteral("team  one") << ok << QStringLiteral("team  one") << QStringList();
    QTest::newRow("accents and CJK")
        << QStringLiteral("équipe 日本") << ok << QStringLiteral("équipe 日本") << QStringList();
    QTest::newRow("emoji") << QString(QStringLiteral("ops ") + kEmoji) << ok
                           << QString(QStringLiteral("ops ") + kEmoji) << QStringList();
    QTest::newRow("empty") << QString() << Error::Reason::NameEmpty << QString() << QStringList();
    QTest::newRow("only white space")
        << QStringLiteral(" \t\n ") << Error::Reason::NameEmpty << QString() << QStringList();
    QTest::newRow("newline inside")
        << QStringLiteral("a\nb") << Error::Reason::NameHasControl << QString() << QStringList();
    QTest::newRow("tab inside") << QStringLiteral("a\tb") << Error::Reason::NameHasControl
                                << QString() << QStringList();
    QTest::newRow("escape character")
        << QStringLiteral("a\x1b[31mb") << Error::Reason::NameHasControl << QString()
        << QStringList();
    QTest::newRow("line separator U+2028")
        << QStringLiteral("a\u2028b") << Error::Reason::NameHasControl << QString()
        << QStringList();
    QTest::newRow("paragraph separator U+2029")
        << QStringLiteral("a\u2029b") << Error::Reason::NameHasControl << QString()
        << QStringList();
    QTest::newRow("lone surrogate")
        << QString(QStringLiteral("a") + QChar(0xD800) + QStringLiteral("b"))
        << Error::Reason::NameNotText << QString() << QStringList();
    QTest::newRow("key-shaped") << QString(QStringLiteral("prod ") + keyShaped())
                                << Error::Reason::NameHasApiKey << QString() << QStringList();
    QString notAKey = keyShaped();
    notAKey[notAKey.size() - 1] = notAKey.back() == u'A' ? u'B' : u'A'; // checksum broken
    QTest::newRow("key-like with a wrong checksum") << notAKey << ok << notAKey << QStringList();

    const QString limit(kMaxNameLength, u'n');
    QTest::newRow("200 code points") << limit << ok << limit << QStringList();
    QTest::newRow("201 code points")
        << QString(limit + u'n') << Error::Reason::NameTooLong << QString()
        << QStringList{QStringLiteral("201"), QStringLiteral("200")};
    // Code points, not UTF-16 units: 200 emoji are 400 units and still fit.
    const QString emoji200 = repeated(kEmoji, kMaxNameLength);
    QTest::newRow("200 emoji") << emoji200 << ok << emoji200 << QStringList();
    QTest::newRow("199 letters and an emoji")
        << QString(QString(kMaxNameLength - 1, u'n') + kEmoji) << ok
        << QString(QString(kMaxNameLength - 1, u'n') + kEmoji) << QStringList();
    QTest::newRow("201 emoji") << repeated(kEmoji, kMaxNameLength + 1) << Error::Reason::NameTooLong
                               << QString()
                               << QStringList{QStringLiteral("201"), QStringLiteral("200")};
    QTest::newRow("trimmed to the limit")
        << QString(QStringLiteral("  ") + limit + QStringLiteral("  ")) << ok << limit
        << QStringList();
}

void TestNames::rules() {
    QFETCH(QString, name);
    QFETCH(Error::Reason, reason);
    QFETCH(QString, stored);
    QFETCH(QStringList, args);

    for (const auto subject : {Error::Subject::Key, Error::Subject::Group, Error::Subject::Route}) {
        const Result<QString> valid = validateName(name, subject);
        if (reason == Error::Reason::Unspecified) {
            QVERIFY2(valid.ok(), qPrintable(valid.error().message));
            QCOMPARE(*valid, stored);
            continue;
        }
        QVERIFY(!valid.ok());
        const Error &error = valid.error();
        QCOMPARE(error.reason, reason);
        QCOMPARE(error.code, Error::Code::InvalidName);
        QCOMPARE(error.subject, subject);
        QCOMPARE(error.args, args);
        // The English message names what it speaks of and never echoes the name.
        const QString noun = subject == Error::Subject::Key     ? QStringLiteral("key")
                             : subject == Error::Subject::Group ? QStringLiteral("group")
                                                                : QStringLiteral("route");
        QVERIFY2(error.message.startsWith(QStringLiteral("The %1 name").arg(noun)),
                 qPrintable(error.message));
        QVERIFY(!error.message.contains(keyShaped()));
    }
}

void TestNames::storeRefusesWhatTheRulesRefuse() {
    QFETCH(QString, name);
    QFETCH(Error::Reason, reason);
    QFETCH(QString, stored);

    // A store of its own per row: an accepted name is taken afterwards.
    QTemporaryDir dir;
    auto opened = Database::open(dir.filePath(QStringLiteral("row.db")));
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    KeyStore keys(*opened.value(), kActor);
    GroupStore groups(*opened.value(), kActor);
    const auto key = keys.createKey(name);
    const auto group = groups.createGroup(name);
    const auto route = groups.createGroup(QStringLiteral("route holder"));
    QVERIFY(route.ok());
    const auto granted = groups.addRoute(route->uuid, name);
    if (reason == Error::Reason::Unspecified) {
        QVERIFY2(key.ok(), qPrintable(key.error().message));
        QCOMPARE(key->record.name, stored);
        QVERIFY2(group.ok(), qPrintable(group.error().message));
        QCOMPARE(group->name, stored);
        QVERIFY2(granted.ok(), qPrintable(granted.error().message));
        QCOMPARE(granted->routes, QStringList{stored});
        // Renaming follows the same rules: the name is taken now, by this very object.
        QVERIFY(keys.renameKey(key->record.uuid, name).ok());
        QCOMPARE(groups.renameGroup(route->uuid, name).error().reason, Error::Reason::NameTaken);
        return;
    }
    QVERIFY(!key.ok());
    QCOMPARE(key.error().reason, reason);
    QVERIFY(!group.ok());
    QCOMPARE(group.error().reason, reason);
    QVERIFY(!granted.ok());
    QCOMPARE(granted.error().reason, reason);
    QCOMPARE(granted.error().subject, Error::Subject::Route);
    QCOMPARE(groups.renameGroup(route->uuid, name).error().reason, reason);
}

void TestNames::errorsCarryReasonAndArguments() {
    KeyStore keys(*m_db, kActor);
    GroupStore groups(*m_db, kActor);
    QVERIFY(groups.createGroup(QStringLiteral("taken")).ok());

    const auto duplicate = groups.createGroup(QStringLiteral(" taken "));
    QCOMPARE(duplicate.error().code, Error::Code::Duplicate);
    QCOMPARE(duplicate.error().reason, Error::Reason::NameTaken);
    QCOMPARE(duplicate.error().subject, Error::Subject::Group);
    QCOMPARE(duplicate.error().args, QStringList{QStringLiteral("taken")});
    QCOMPARE(duplicate.error().message,
             QStringLiteral("A group named 'taken' already exists. Choose another name."));

    const auto missing = keys.key(QStringLiteral("nobody"));
    QCOMPARE(missing.error().code, Error::Code::NotFound);
    QCOMPARE(missing.error().reason, Error::Reason::NotFound);
    QCOMPARE(missing.error().subject, Error::Subject::Key);
    QCOMPARE(missing.error().args, QStringList{QStringLiteral("nobody")});

    // A pasted key is not found, and not carried along in the arguments either.
    const auto pasted = keys.key(keyShaped());
    QCOMPARE(pasted.error().reason, Error::Reason::NotFoundKeyLike);
    QVERIFY(pasted.error().args.isEmpty());
    QVERIFY(!pasted.error().message.contains(keyShaped()));

    const auto created = keys.createKey(QStringLiteral("loner"));
    QVERIFY(created.ok());
    const auto notMember = keys.removeKeyFromGroup(created->record.uuid, QStringLiteral("taken"));
    QCOMPARE(notMember.error().reason, Error::Reason::NotMember);
    QCOMPARE(notMember.error().args,
             (QStringList{QStringLiteral("loner"), QStringLiteral("taken"), created->record.uuid}));

    const auto notGranted = groups.removeRoute(QStringLiteral("taken"), QStringLiteral("demo"));
    QCOMPARE(notGranted.error().reason, Error::Reason::RouteNotGranted);
    QCOMPARE(notGranted.error().args.mid(0, 2),
             (QStringList{QStringLiteral("taken"), QStringLiteral("demo")}));

    // makeError() is the one place that words them: the same reason reads the same anywhere.
    QCOMPARE(makeError(Error::Reason::NameTaken, Error::Subject::Group, {QStringLiteral("taken")})
                 .message,
             duplicate.error().message);
}

QTEST_GUILESS_MAIN(TestNames)
#include "test_names.moc"
