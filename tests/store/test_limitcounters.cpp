// The limits' counters in the store: hold() adds a request's shares all or none and never past a
// limit, also when many threads (standing for gateways, each with its own connection) hold the
// same counter at once; add() sums what the gateways counted, corrections below zero included.

#include "storetestcase.h"

#include "store/limitcounters.h"

#include <QTest>
#include <QThread>

#include <atomic>

using namespace portico;
using namespace portico::store;

namespace {
constexpr qint64 kWindow = 1'800'000'000'000;

double usedOf(Database &db, const QString &subject, const QString &measure) {
    const auto counters = LimitCounterStore(db).load(0);
    if (!counters)
        return -1;
    for (const LimitCounter &counter : *counters) {
        if (counter.subject == subject && counter.measure == measure)
            return counter.used;
    }
    return 0;
}
} // namespace

class TestLimitCounters : public test::StoreTestCase {
    Q_OBJECT

private Q_SLOTS:
    void holdsAllOrNone() {
        LimitCounterStore counters(*m_db);
        const QList<LimitHold> holds{
            {QStringLiteral("key:a"), QStringLiteral("requests"), kWindow, 1, 2.0},
            {QStringLiteral("group:g"), QStringLiteral("spend_usd"), kWindow, 7, 10.0},
            {QStringLiteral("key:a"), QStringLiteral("tokens"), kWindow, 50, std::nullopt},
        };
        QCOMPARE(counters.hold(holds).value(), qsizetype(-1));
        // The budget has 3 left of 10: the second hold does not fit, and nothing is added.
        QCOMPARE(counters.hold(holds).value(), qsizetype(1));
        QCOMPARE(usedOf(*m_db, QStringLiteral("key:a"), QStringLiteral("requests")), 1.0);
        QCOMPARE(usedOf(*m_db, QStringLiteral("group:g"), QStringLiteral("spend_usd")), 7.0);
        QCOMPARE(usedOf(*m_db, QStringLiteral("key:a"), QStringLiteral("tokens")), 50.0);
        // More than the limit itself is refused before the store is asked.
        QCOMPARE(
            counters
                .hold({{QStringLiteral("key:b"), QStringLiteral("spend_usd"), kWindow, 11, 10.0}})
                .value(),
            qsizetype(0));
        // A settled request gives back what it held beyond its use.
        QVERIFY(
            counters.add({{QStringLiteral("group:g"), QStringLiteral("spend_usd"), kWindow, -5}}, 0)
                .ok());
        QCOMPARE(usedOf(*m_db, QStringLiteral("group:g"), QStringLiteral("spend_usd")), 2.0);
    }

    // Four connections take 1 of a limit of 50, 40 times each: exactly 50 get it.
    void concurrentHoldsNeverPassTheLimit() {
        std::atomic<int> held{0};
        std::atomic<int> refused{0};
        std::atomic<int> failed{0};
        QList<QThread *> threads;
        for (int t = 0; t < 4; ++t) {
            threads.append(QThread::create([&] {
                LimitCounterStore counters(*m_db);
                for (int i = 0; i < 40; ++i) {
                    const auto result = counters.hold(
                        {{QStringLiteral("key:busy"), QStringLiteral("requests"), kWindow, 1, 50.0},
                         {QStringLiteral("group:busy"), QStringLiteral("requests"), kWindow, 1,
                          std::nullopt}});
                    if (!result)
                        ++failed;
                    else if (*result < 0)
                        ++held;
                    else
                        ++refused;
                }
            }));
            threads.last()->start();
        }
        for (QThread *thread : std::as_const(threads)) {
            QVERIFY(thread->wait(60000));
            delete thread;
        }
        QCOMPARE(failed.load(), 0);
        QCOMPARE(held.load(), 50);
        QCOMPARE(refused.load(), 110);
        QCOMPARE(usedOf(*m_db, QStringLiteral("key:busy"), QStringLiteral("requests")), 50.0);
        QCOMPARE(usedOf(*m_db, QStringLiteral("group:busy"), QStringLiteral("requests")), 50.0);
    }
};

QTEST_GUILESS_MAIN(TestLimitCounters)
#include "test_limitcounters.moc"
