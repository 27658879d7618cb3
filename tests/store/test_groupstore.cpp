// GroupStore: creating, renaming, describing and deleting groups, and the routes they grant.
#include "storetestcase.h"

#include <QTest>

using namespace portico::store;
using namespace portico::test;

class TestGroupStore : public StoreTestCase {
    Q_OBJECT
private Q_SLOTS:
    void groupCrud();
    void deleteGroupRemovesLinksAndRoutes();
    void routesAddAndRemove();
};

void TestGroupStore::groupCrud() {
    auto created = m_groups->createGroup(QStringLiteral(" Team "), QStringLiteral(" The team "));
    QVERIFY2(created.ok(), qPrintable(created.error().message));
    QCOMPARE(created->name, QStringLiteral("Team"));
    QCOMPARE(created->description, QStringLiteral("The team"));
    QVERIFY(created->createdAt.isValid());
    {
        auto r = m_groups->createGroup(QStringLiteral("Alpha"));
        QVERIFY2(r.ok(), qPrintable(r.error().message));
    }

    auto listed = m_groups->listGroups();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 2);
    QCOMPARE(listed->at(0).name, QStringLiteral("Alpha"));
    QCOMPARE(listed->at(1).name, QStringLiteral("Team"));

    auto renamed = m_groups->renameGroup(QStringLiteral("Team"), QStringLiteral("Crew"));
    QVERIFY(renamed.ok());
    QCOMPARE(renamed->uuid, created->uuid);
    QCOMPARE(renamed->name, QStringLiteral("Crew"));
    auto described = m_groups->setDescription(created->uuid, QStringLiteral("New words"));
    QCOMPARE(described->description, QStringLiteral("New words"));
    QCOMPARE(m_groups->group(QStringLiteral("Crew"))->description, QStringLiteral("New words"));
}

void TestGroupStore::deleteGroupRemovesLinksAndRoutes() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("h")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("chat")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("h"), QStringLiteral("embed")).ok());
    QVERIFY(
        m_keys->createKey(QStringLiteral("k"), {QStringLiteral("g"), QStringLiteral("h")}).ok());

    auto deleted = m_groups->deleteGroup(QStringLiteral("g"));
    QVERIFY(deleted.ok());
    QCOMPARE(deleted->keys.size(), 1);
    QCOMPARE(deleted->routes, QStringList{QStringLiteral("chat")});
    QCOMPARE(m_groups->group(QStringLiteral("g")).error().code, Error::Code::NotFound);
    auto key = m_keys->key(QStringLiteral("k"));
    QVERIFY(key.ok());
    QCOMPARE(key->groups.size(), 1);
    QCOMPARE(key->groups.at(0).name, QStringLiteral("h"));
    QCOMPARE(key->routes.size(), 1);
    QCOMPARE(key->routes.at(0).route, QStringLiteral("embed"));
    QCOMPARE(countRows(*m_db, QStringLiteral("SELECT COUNT(*) FROM group_routes")), 1);
    QCOMPARE(countRows(*m_db, QStringLiteral("SELECT COUNT(*) FROM key_groups")), 1);
}

void TestGroupStore::routesAddAndRemove() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("zeta")).ok());
    auto added = m_groups->addRoute(QStringLiteral("g"), QStringLiteral(" alpha "));
    QVERIFY(added.ok());
    QCOMPARE(added->routes, (QStringList{QStringLiteral("alpha"), QStringLiteral("zeta")}));
    const qint64 counter = m_db->changeCounter();
    // Granting a route twice is no change.
    QCOMPARE(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("alpha"))->routes.size(), 2);
    QCOMPARE(m_db->changeCounter(), counter);
    // A route the config does not have (yet) is kept as given.
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("not-in-config")).ok());

    auto removed = m_groups->removeRoute(QStringLiteral("g"), QStringLiteral("zeta"));
    QVERIFY(removed.ok());
    QCOMPARE(removed->routes,
             (QStringList{QStringLiteral("alpha"), QStringLiteral("not-in-config")}));
    auto missing = m_groups->removeRoute(QStringLiteral("g"), QStringLiteral("zeta"));
    QCOMPARE(missing.error().code, Error::Code::NotFound);
    QVERIFY(missing.error().message.contains(QStringLiteral("'zeta'")));
    QCOMPARE(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("  ")).error().code,
             Error::Code::InvalidName);
}

QTEST_GUILESS_MAIN(TestGroupStore)
#include "test_groupstore.moc"
