// KeyStore: creating, finding, renaming, enabling, expiring and deleting keys, their groups and
// routes, last-used times and the access snapshot the gateway authenticates from.
#include "storetestcase.h"
#include "teststore.h"

#include "store/apikeyformat.h"
#include "store/usagestore.h"

#include <QFile>
#include <QTest>

using namespace portico::store;
using namespace portico::test;

class TestKeyStore : public StoreTestCase {
    Q_OBJECT
private Q_SLOTS:
    void createAndReadKey();
    void refsResolveByUuidOrName();
    void createKeyWithGroups();
    void keyLookingRefIsNotEchoed();
    void renameKeepsKeyAndLinks();
    void enableDisableAndExpiry();
    void deleteKeyRemovesLinksAndKeepsUsage();
    void accessibleRoutesThroughTwoGroups();
    void keyIsNotInDatabaseFiles();
    void touchLastUsedIsThrottledAndQuiet();
    void accessSnapshotIsComplete();
};

void TestKeyStore::createAndReadKey() {
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
    auto created = m_keys->createKey(QStringLiteral("  Production App Key  "));
    QVERIFY2(created.ok(), qPrintable(created.error().message));
    QVERIFY(apikey::hasValidFormat(created->key));
    const ApiKeyRecord &record = created->record;
    QVERIFY(!record.uuid.isEmpty());
    QCOMPARE(record.name, QStringLiteral("Production App Key"));
    QVERIFY(record.hint == apikey::hint(created->key));
    QVERIFY(record.state == KeyState::Active);
    QVERIFY(record.createdAt >= before);
    QCOMPARE(record.createdAt.timeSpec(), Qt::UTC);
    QVERIFY(record.createdAt <= QDateTime::currentDateTimeUtc().addSecs(1));
    QVERIFY(!record.lastUsedAt.isValid());
    QVERIFY(!record.expiresAt.isValid());
    QVERIFY(record.groups.isEmpty());
    QCOMPARE(record.accessibleRouteCount(), 0);

    auto listed = m_keys->listKeys();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 1);
    QCOMPARE(listed->first().uuid, record.uuid);
    QVERIFY(listed->first().hint == record.hint);

    auto second = m_keys->createKey(QStringLiteral("Second"));
    QVERIFY(second.ok());
    QVERIFY(second->key != created->key);
    listed = m_keys->listKeys();
    QCOMPARE(listed->size(), 2);
    QCOMPARE(listed->at(0).name, QStringLiteral("Production App Key"));
    QCOMPARE(listed->at(1).name, QStringLiteral("Second"));
}

void TestKeyStore::refsResolveByUuidOrName() {
    auto created = m_keys->createKey(QStringLiteral("ci"));
    QVERIFY(created.ok());
    const QString uuid = created->record.uuid;
    for (const QString &ref :
         {uuid, uuid.toUpper(), QString(QStringLiteral("{") + uuid + QLatin1Char('}')),
          QStringLiteral("ci"), QStringLiteral(" ci ")}) {
        auto found = m_keys->key(ref);
        QVERIFY2(found.ok(), qPrintable(ref));
        QCOMPARE(found->uuid, uuid);
    }
    // A key named like another key's uuid: the uuid wins, the name still finds its own key.
    auto tricky = m_keys->createKey(QStringLiteral("other"));
    QVERIFY(tricky.ok());
    QVERIFY(m_keys->renameKey(QStringLiteral("other"), uuid).ok());
    QCOMPARE(m_keys->key(uuid)->uuid, uuid);
    QCOMPARE(m_keys->key(tricky->record.uuid)->name, uuid);

    auto group = m_groups->createGroup(QStringLiteral("team"));
    QVERIFY(group.ok());
    QCOMPARE(m_groups->group(group->uuid)->name, QStringLiteral("team"));
    QCOMPARE(m_groups->group(QStringLiteral("team"))->uuid, group->uuid);
    QCOMPARE(m_groups->group(group->uuid.toUpper())->uuid, group->uuid);
}

void TestKeyStore::createKeyWithGroups() {
    auto a = m_groups->createGroup(QStringLiteral("Alpha"));
    auto b = m_groups->createGroup(QStringLiteral("Beta"));
    QVERIFY(a.ok() && b.ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("Alpha"), QStringLiteral("chat")).ok());
    // Groups by name and by uuid, one given twice.
    auto created = m_keys->createKey(QStringLiteral("k"),
                                     {QStringLiteral("Beta"), a->uuid, QStringLiteral("Alpha")});
    QVERIFY2(created.ok(), qPrintable(created.error().message));
    const ApiKeyRecord &record = created->record;
    QCOMPARE(record.groups.size(), 2);
    QCOMPARE(record.groups.at(0).name, QStringLiteral("Alpha"));
    QCOMPARE(record.groups.at(0).uuid, a->uuid);
    QCOMPARE(record.groups.at(1).name, QStringLiteral("Beta"));
    QCOMPARE(record.routes.size(), 1);
    QCOMPARE(record.routes.at(0).route, QStringLiteral("chat"));
    QCOMPARE(record.routes.at(0).group.name, QStringLiteral("Alpha"));
    QCOMPARE(record.accessibleRouteCount(), 1);

    auto group = m_groups->group(QStringLiteral("Beta"));
    QCOMPARE(group->keys.size(), 1);
    QCOMPARE(group->keys.at(0).uuid, record.uuid);
    QCOMPARE(group->keys.at(0).name, QStringLiteral("k"));
}

void TestKeyStore::keyLookingRefIsNotEchoed() {
    auto created = m_keys->createKey(QStringLiteral("k"));
    QVERIFY(created.ok());
    // Someone passes the key itself where a uuid or name is expected.
    for (const QString &ref : {created->key, QString(QStringLiteral(" ") + created->key)}) {
        auto found = m_keys->key(ref);
        QCOMPARE(found.error().code, Error::Code::NotFound);
        QVERIFY(!found.error().message.contains(created->key));
        QVERIFY(!found.error().message.contains(created->key.mid(4, 30)));
        auto group = m_groups->group(ref);
        QVERIFY(!group.error().message.contains(created->key));
    }
}

void TestKeyStore::renameKeepsKeyAndLinks() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    auto created = m_keys->createKey(QStringLiteral("old"), {QStringLiteral("g")});
    QVERIFY(created.ok());
    const auto hashBefore = m_keys->accessSnapshot()->keys.at(0).secrets.at(0).hash;

    auto renamed = m_keys->renameKey(QStringLiteral("old"), QStringLiteral("  new  "));
    QVERIFY2(renamed.ok(), qPrintable(renamed.error().message));
    QCOMPARE(renamed->name, QStringLiteral("new"));
    QCOMPARE(renamed->uuid, created->record.uuid);
    QVERIFY(renamed->hint == created->record.hint);
    QCOMPARE(renamed->groups.size(), 1);
    QVERIFY(renamed->updatedAt >= created->record.updatedAt);
    QCOMPARE(m_keys->accessSnapshot()->keys.at(0).secrets.at(0).hash, hashBefore);
    QCOMPARE(m_keys->accessSnapshot()->keys.at(0).name, QStringLiteral("new"));
    QCOMPARE(m_keys->key(QStringLiteral("old")).error().code, Error::Code::NotFound);
}

void TestKeyStore::enableDisableAndExpiry() {
    auto created = m_keys->createKey(QStringLiteral("k"));
    QVERIFY(created.ok());
    auto disabled = m_keys->setKeyState(QStringLiteral("k"), KeyState::Disabled);
    QVERIFY(disabled.ok());
    QVERIFY(disabled->state == KeyState::Disabled);
    QCOMPARE(toString(disabled->state), QStringLiteral("disabled"));
    QVERIFY(m_keys->accessSnapshot()->keys.at(0).state == KeyState::Disabled);
    auto enabled = m_keys->setKeyState(created->record.uuid, KeyState::Active);
    QVERIFY(enabled->state == KeyState::Active);
    QCOMPARE(toString(enabled->state), QStringLiteral("active"));

    const QDateTime expiry = QDateTime(QDate(2031, 5, 6), QTime(7, 8, 9, 123), Qt::UTC);
    auto expiring = m_keys->setKeyExpiry(QStringLiteral("k"), expiry);
    QVERIFY(expiring.ok());
    QCOMPARE(expiring->expiresAt, expiry);
    QCOMPARE(m_keys->accessSnapshot()->keys.at(0).expiresAt, expiry);
    auto never = m_keys->setKeyExpiry(QStringLiteral("k"), QDateTime());
    QVERIFY(!never->expiresAt.isValid());

    auto withExpiry = m_keys->createKey(QStringLiteral("e"), {}, expiry);
    QCOMPARE(withExpiry->record.expiresAt, expiry);
}

void TestKeyStore::deleteKeyRemovesLinksAndKeepsUsage() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    auto created = m_keys->createKey(QStringLiteral("doomed"), {QStringLiteral("g")});
    auto other = m_keys->createKey(QStringLiteral("kept"), {QStringLiteral("g")});
    QVERIFY(created.ok() && other.ok());
    const QString uuid = created->record.uuid;
    UsageStore usage(*m_db);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVERIFY(
        usage
            .insert({usageRow(uuid, QStringLiteral("doomed"), QStringLiteral("r"), now),
                     usageRow(uuid, QStringLiteral("doomed"), QStringLiteral("r"), now.addSecs(1))})
            .ok());

    auto deleted = m_keys->deleteKey(QStringLiteral("doomed"));
    QVERIFY(deleted.ok());
    QCOMPARE(deleted->uuid, uuid);
    QCOMPARE(deleted->groups.size(), 1);
    QCOMPARE(m_keys->key(uuid).error().code, Error::Code::NotFound);
    QCOMPARE(countRows(*m_db, QStringLiteral("SELECT COUNT(*) FROM key_groups WHERE key_uuid = '") +
                                  uuid + QLatin1Char('\'')),
             0);
    auto group = m_groups->group(QStringLiteral("g"));
    QCOMPARE(group->keys.size(), 1);
    QCOMPARE(group->keys.at(0).name, QStringLiteral("kept"));

    UsageQuery filter;
    filter.keyUuids = {uuid};
    auto rows = usage.rows(filter);
    QVERIFY(rows.ok());
    QCOMPARE(rows->size(), 2);
    QCOMPARE(rows->at(0).keyName, QStringLiteral("doomed"));
    // Deleting again says it is gone.
    QCOMPARE(m_keys->deleteKey(uuid).error().code, Error::Code::NotFound);
}

void TestKeyStore::accessibleRoutesThroughTwoGroups() {
    QVERIFY(m_groups->createGroup(QStringLiteral("B")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("A")).ok());
    for (const char *route : {"r1", "r2"})
        QVERIFY(m_groups->addRoute(QStringLiteral("A"), QLatin1String(route)).ok());
    for (const char *route : {"r3", "r2"})
        QVERIFY(m_groups->addRoute(QStringLiteral("B"), QLatin1String(route)).ok());
    QVERIFY(m_keys->createKey(QStringLiteral("k"), {QStringLiteral("B")}).ok());
    auto key = m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("A"));
    QVERIFY(key.ok());

    const QList<QPair<QString, QString>> expected = {
        {QStringLiteral("r1"), QStringLiteral("A")},
        {QStringLiteral("r2"), QStringLiteral("A")},
        {QStringLiteral("r2"), QStringLiteral("B")},
        {QStringLiteral("r3"), QStringLiteral("B")},
    };
    QCOMPARE(key->routes.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QCOMPARE(key->routes.at(i).route, expected.at(i).first);
        QCOMPARE(key->routes.at(i).group.name, expected.at(i).second);
        QVERIFY(!key->routes.at(i).group.uuid.isEmpty());
    }
    QCOMPARE(key->accessibleRouteCount(), 3);
    QCOMPARE(m_keys->listKeys()->at(0).accessibleRouteCount(), 3);

    auto removed = m_keys->removeKeyFromGroup(QStringLiteral("k"), QStringLiteral("B"));
    QVERIFY(removed.ok());
    QCOMPARE(removed->accessibleRouteCount(), 2);
    // Adding to a group twice is no change.
    const qint64 counter = m_db->changeCounter();
    QCOMPARE(m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("A"))->groups.size(), 1);
    QCOMPARE(m_db->changeCounter(), counter);
}

void TestKeyStore::keyIsNotInDatabaseFiles() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    QList<CreatedKey> created;
    for (int i = 0; i < 5; ++i) {
        auto key = m_keys->createKey(QStringLiteral("key %1").arg(i), {QStringLiteral("g")});
        QVERIFY(key.ok());
        created.append(*key);
    }
    QVERIFY(m_keys->renameKey(QStringLiteral("key 0"), QStringLiteral("renamed")).ok());

    QByteArray bytes;
    for (const QString &path : portico::test::storeFiles(m_db->path())) {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            bytes += file.readAll();
    }
    QVERIFY(bytes.size() > 0);
    for (const CreatedKey &key : std::as_const(created)) {
        QVERIFY(!bytes.contains(key.key.toLatin1()));
        QVERIFY(!bytes.contains(key.key.mid(4, 30).toLatin1()));
        QVERIFY(!bytes.contains(key.key.mid(4).toLatin1()));
        // The hash is what is stored (in the main file or still in the WAL; on PostgreSQL in
        // some file of its data folder).
        QVERIFY(bytes.contains(apikey::hash(key.key)));
    }
}

void TestKeyStore::touchLastUsedIsThrottledAndQuiet() {
    auto key = m_keys->createKey(QStringLiteral("k"));
    auto untouched = m_keys->createKey(QStringLiteral("u"));
    QVERIFY(key.ok() && untouched.ok());
    const QString uuid = key->record.uuid;
    const QDateTime t0 = QDateTime(QDate(2030, 1, 1), QTime(12, 0), Qt::UTC);
    const qint64 counter = m_db->changeCounter();

    QVERIFY(m_keys->touchLastUsed({uuid, uuid}, t0).ok());
    QCOMPARE(m_keys->key(uuid)->lastUsedAt, t0);
    QVERIFY(!m_keys->key(untouched->record.uuid)->lastUsedAt.isValid());
    // Within a minute: not written.
    QVERIFY(m_keys->touchLastUsed({uuid}, t0.addSecs(59)).ok());
    QCOMPARE(m_keys->key(uuid)->lastUsedAt, t0);
    // Later than a minute: written.
    QVERIFY(m_keys->touchLastUsed({uuid}, t0.addSecs(61)).ok());
    QCOMPARE(m_keys->key(uuid)->lastUsedAt, t0.addSecs(61));
    // Unknown uuids and empty lists are harmless.
    QVERIFY(m_keys->touchLastUsed({QStringLiteral("no-such-key")}, t0).ok());
    QVERIFY(m_keys->touchLastUsed({}, t0).ok());
    QCOMPARE(m_db->changeCounter(), counter);
    // The admin's view of the key did not change.
    QCOMPARE(m_keys->key(uuid)->updatedAt, key->record.updatedAt);
}

void TestKeyStore::accessSnapshotIsComplete() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("empty")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("r1")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("r2")).ok());
    auto a = m_keys->createKey(QStringLiteral("a"), {QStringLiteral("g")});
    auto b = m_keys->createKey(QStringLiteral("b"));
    QVERIFY(a.ok() && b.ok());
    QVERIFY(m_keys->setKeyState(QStringLiteral("b"), KeyState::Disabled).ok());

    auto snapshot = m_keys->accessSnapshot();
    QVERIFY(snapshot.ok());
    QCOMPARE(snapshot->changeCounter, m_db->changeCounter());
    QCOMPARE(snapshot->keys.size(), 2);
    QCOMPARE(snapshot->groups.size(), 2);
    for (const AccessSnapshot::Key &key : snapshot->keys) {
        const CreatedKey &created = key.uuid == a->record.uuid ? *a : *b;
        QVERIFY(key.secrets.at(0).hash == apikey::hash(created.key));
        QCOMPARE(key.name, created.record.name);
        if (key.uuid == a->record.uuid) {
            QVERIFY(key.state == KeyState::Active);
            QCOMPARE(key.groupUuids.size(), 1);
        } else {
            QVERIFY(key.state == KeyState::Disabled);
            QVERIFY(key.groupUuids.isEmpty());
        }
    }
    for (const AccessSnapshot::Group &group : snapshot->groups) {
        if (group.name == QStringLiteral("g")) {
            QCOMPARE(group.routes, (QStringList{QStringLiteral("r1"), QStringLiteral("r2")}));
            QCOMPARE(snapshot->keys.at(snapshot->keys.at(0).uuid == a->record.uuid ? 0 : 1)
                         .groupUuids.at(0),
                     group.uuid);
        } else {
            QVERIFY(group.routes.isEmpty());
        }
    }
}

QTEST_GUILESS_MAIN(TestKeyStore)
#include "test_keystore.moc"
