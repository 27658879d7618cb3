// `store copy` moves everything between stores: from SQLite to the test's store (SQLite, or
// PostgreSQL in the test's PostgreSQL variant) and back, checked table by table; a non-empty
// target is refused and left as it was; the copy keeps working as a store (new rows get new ids,
// the copied keys still authenticate).

#include "storetestcase.h"
#include "teststore.h"

#include "store/auditlog.h"
#include "store/storecopy.h"
#include "store/usageaggregates.h"
#include "store/usagestore.h"

#include <QTest>

using namespace portico;
using namespace portico::store;

class TestStoreCopy : public test::StoreTestCase {
    Q_OBJECT

private Q_SLOTS:
    void copiesEverythingThereAndBack();
    void refusesANonEmptyTarget();

private:
    void fill(Database &db);
};

void TestStoreCopy::fill(Database &db) {
    KeyStore keys(db, test::kActor);
    GroupStore groups(db, test::kActor);
    QVERIFY(groups.createGroup(QStringLiteral("team")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("team"), QStringLiteral("demo")).ok());
    LimitsChange limits;
    limits.requestsPerMinute = std::optional<qint64>(60);
    QVERIFY(groups.setLimits(QStringLiteral("team"), limits).ok());
    QList<UsageRecord> rows;
    for (int i = 0; i < 5; ++i) {
        auto key = keys.createKey(QStringLiteral("key %1").arg(i), {QStringLiteral("team")});
        QVERIFY(key.ok());
        for (int j = 0; j < 40; ++j)
            rows.append(test::usageRow(key->record.uuid, key->record.name, QStringLiteral("demo"),
                                       QDateTime::currentDateTimeUtc().addSecs(-600 * j - i)));
    }
    QVERIFY(keys.rotateKey(QStringLiteral("key 0"), 3600).ok());
    QVERIFY(keys.setAllowedIps(QStringLiteral("key 1"), {QStringLiteral("10.0.0.0/8")}).ok());
    QVERIFY(UsageStore(db).insert(rows).ok());
}

void TestStoreCopy::copiesEverythingThereAndBack() {
    QTemporaryDir dir;
    auto source = Database::open(dir.filePath(QStringLiteral("source.db")));
    QVERIFY(source.ok());
    fill(**source);
    if (QTest::currentTestFailed())
        return;

    const auto there = copyStore(**source, *m_db);
    QVERIFY2(there.ok(), qPrintable(there.error().message));
    QCOMPARE(there->usagePromptTokens, qint64(200 * 10));
    const auto back = Database::open(dir.filePath(QStringLiteral("back.db")));
    QVERIFY(back.ok());
    const auto again = copyStore(*m_db, **back);
    QVERIFY2(again.ok(), qPrintable(again.error().message));

    for (Database *copy : {m_db.get(), back->get()}) {
        KeyStore keys(*copy, test::kActor);
        const auto original = KeyStore(**source, test::kActor).listKeys();
        const auto copied = keys.listKeys();
        QVERIFY(copied.ok());
        QCOMPARE(copied->size(), original->size());
        for (qsizetype i = 0; i < copied->size(); ++i) {
            QCOMPARE(copied->at(i).uuid, original->at(i).uuid);
            QCOMPARE(copied->at(i).hint, original->at(i).hint);
            QCOMPARE(copied->at(i).groups.size(), 1);
            QCOMPARE(copied->at(i).allowedIps, original->at(i).allowedIps);
            QCOMPARE(copied->at(i).previousSecret.has_value(),
                     original->at(i).previousSecret.has_value());
        }
        // The secrets came along: the snapshot the gateway authenticates with is the same.
        const auto snapshot = keys.accessSnapshot();
        const auto originalSnapshot = KeyStore(**source, test::kActor).accessSnapshot();
        qsizetype secrets = 0;
        qsizetype originalSecrets = 0;
        for (const auto &key : snapshot->keys)
            secrets += key.secrets.size();
        for (const auto &key : originalSnapshot->keys)
            originalSecrets += key.secrets.size();
        QCOMPARE(secrets, originalSecrets);
        QCOMPARE(GroupStore(*copy, test::kActor)
                     .group(QStringLiteral("team"))
                     ->limits.requestsPerMinute.value_or(0),
                 qint64(60));
        UsageQuery all;
        QCOMPARE(UsageStore(*copy).count(all).value(), qint64(200));
        QCOMPARE(AuditLog(*copy).entries()->size(), AuditLog(**source).entries()->size());
        // The copy is a working store: new rows and changes go on from there.
        QVERIFY(UsageStore(*copy)
                    .insert({test::usageRow({}, {}, QStringLiteral("demo"),
                                            QDateTime::currentDateTimeUtc())})
                    .ok());
        QVERIFY(keys.renameKey(QStringLiteral("key 4"), QStringLiteral("renamed")).ok());
    }
}

void TestStoreCopy::refusesANonEmptyTarget() {
    QTemporaryDir dir;
    auto source = Database::open(dir.filePath(QStringLiteral("source.db")));
    QVERIFY(source.ok());
    fill(**source);
    QVERIFY(m_keys->createKey(QStringLiteral("already here")).ok());
    const QString before = test::dumpAll(*m_db);
    const auto refused = copyStore(**source, *m_db);
    QVERIFY(!refused.ok());
    QVERIFY2(refused.error().message.contains(QLatin1String("not empty")),
             qPrintable(refused.error().message));
    QCOMPARE(test::dumpAll(*m_db), before);
}

QTEST_GUILESS_MAIN(TestStoreCopy)
#include "test_storecopy.moc"
