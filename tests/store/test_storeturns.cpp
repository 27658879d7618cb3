// Work one process at a time does among those on a store (usage retention): on PostgreSQL a
// second holder is refused until the first lets go; on SQLite everyone may (one machine).

#include "storetestcase.h"
#include "teststore.h"

#include <QTest>

using namespace portico;
using namespace portico::store;

class TestStoreTurns : public test::StoreTestCase {
    Q_OBJECT

private Q_SLOTS:
    void oneAtATimeOnAShared() {
        auto other = Database::open(m_db->path());
        QVERIFY(other.ok());
        const QString job = QStringLiteral("usage-retention");
        QVERIFY(m_db->tryTakeTurn(job));
        QCOMPARE((*other)->tryTakeTurn(job), !test::usesPostgres());
        // Another job is not held up.
        QVERIFY((*other)->tryTakeTurn(QStringLiteral("something else")));
        (*other)->releaseTurn(QStringLiteral("something else"));
        m_db->releaseTurn(job);
        QVERIFY((*other)->tryTakeTurn(job));
        (*other)->releaseTurn(job);
    }
};

QTEST_GUILESS_MAIN(TestStoreTurns)
#include "test_storeturns.moc"
