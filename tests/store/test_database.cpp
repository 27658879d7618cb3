// Database: failed and no-op changes write nothing, the change counter and changed() signal, two
// Database objects on one file, use from several threads, and SQLite without its allocation
// statistics.
#include "storetestcase.h"

#include "store/auditlog.h"
#include "store/usagestore.h"

#include <QMutex>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <thread>

#include <sqlite3.h>

using namespace portico::store;
using namespace portico::test;

class TestDatabase : public StoreTestCase {
    Q_OBJECT
private Q_SLOTS:
    void failingCallsChangeNothing();
    void changeCounterAndSignal();
    void twoDatabaseObjectsSeeEachOther();
    void threadsWorkConcurrently();
    void databaseDestroyedBeforeThreadEnds();
    void sqliteKeepsNoAllocationStatistics();
};

void TestDatabase::failingCallsChangeNothing() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("h")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("r")).ok());
    QVERIFY(m_keys->createKey(QStringLiteral("k"), {QStringLiteral("g")}).ok());
    QVERIFY(m_keys->createKey(QStringLiteral("j")).ok());
    QSignalSpy changed(m_db.get(), &Database::changed);
    const QString before = dumpAll(*m_db);
    const quint64 generation = m_db->localGeneration();

    const QString tooLong(kMaxNameLength + 1, QLatin1Char('n'));
    const QList<std::function<bool()>> failing = {
        [&] { return m_keys->createKey(QString()).ok(); },
        [&] { return m_keys->createKey(tooLong).ok(); },
        [&] { return m_keys->createKey(QStringLiteral("k")).ok(); },
        [&] { return m_keys->createKey(QStringLiteral("n"), {QStringLiteral("nope")}).ok(); },
        [&] {
            return m_keys
                ->createKey(QStringLiteral("n"), {QStringLiteral("g"), QStringLiteral("x")})
                .ok();
        },
        [&] { return m_keys->renameKey(QStringLiteral("k"), QStringLiteral("j")).ok(); },
        [&] { return m_keys->renameKey(QStringLiteral("x"), QStringLiteral("y")).ok(); },
        [&] { return m_keys->renameKey(QStringLiteral("k"), QStringLiteral("a\nb")).ok(); },
        [&] { return m_keys->setKeyState(QStringLiteral("x"), KeyState::Disabled).ok(); },
        [&] { return m_keys->setKeyExpiry(QStringLiteral("x"), QDateTime()).ok(); },
        [&] { return m_keys->deleteKey(QStringLiteral("x")).ok(); },
        [&] { return m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("x")).ok(); },
        [&] { return m_keys->removeKeyFromGroup(QStringLiteral("k"), QStringLiteral("h")).ok(); },
        [&] { return m_keys->removeKeyFromGroup(QStringLiteral("x"), QStringLiteral("g")).ok(); },
        [&] { return m_groups->createGroup(QStringLiteral("g")).ok(); },
        [&] { return m_groups->createGroup(QStringLiteral("\t")).ok(); },
        [&] { return m_groups->renameGroup(QStringLiteral("g"), QStringLiteral("h")).ok(); },
        [&] { return m_groups->renameGroup(QStringLiteral("x"), QStringLiteral("y")).ok(); },
        [&] { return m_groups->setDescription(QStringLiteral("x"), QStringLiteral("d")).ok(); },
        [&] { return m_groups->deleteGroup(QStringLiteral("x")).ok(); },
        [&] { return m_groups->addRoute(QStringLiteral("x"), QStringLiteral("r")).ok(); },
        [&] { return m_groups->addRoute(QStringLiteral("g"), tooLong).ok(); },
        [&] { return m_groups->removeRoute(QStringLiteral("g"), QStringLiteral("s")).ok(); },
        [&] { return m_groups->removeRoute(QStringLiteral("x"), QStringLiteral("r")).ok(); },
    };
    for (qsizetype i = 0; i < failing.size(); ++i) {
        QVERIFY2(!failing.at(i)(), qPrintable(QStringLiteral("call %1 succeeded").arg(i)));
        QVERIFY2(dumpAll(*m_db) == before, qPrintable(QStringLiteral("call %1 changed").arg(i)));
    }
    // No-op changes succeed without writing anything either.
    QVERIFY(m_keys->renameKey(QStringLiteral("k"), QStringLiteral("k")).ok());
    QVERIFY(m_keys->setKeyState(QStringLiteral("k"), KeyState::Active).ok());
    QVERIFY(m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("g")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("r")).ok());
    QCOMPARE(dumpAll(*m_db), before);
    QCOMPARE(changed.count(), 0);
    QCOMPARE(m_db->localGeneration(), generation);
}

void TestDatabase::changeCounterAndSignal() {
    QSignalSpy changed(m_db.get(), &Database::changed);
    const qint64 start = m_db->changeCounter();
    QVERIFY(start >= 0);
    const quint64 generation = m_db->localGeneration();

    auto key = m_keys->createKey(QStringLiteral("k"));
    QVERIFY(key.ok());
    QCOMPARE(m_db->changeCounter(), start + 1);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(m_db->localGeneration(), generation + 1);
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    QVERIFY(m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("g")).ok());
    QCOMPARE(m_db->changeCounter(), start + 3);
    QCOMPARE(changed.count(), 3);
    QCOMPARE(m_db->localGeneration(), generation + 3);

    // Asking for what already is commits nothing, so no reader reloads.
    QVERIFY(m_keys->renameKey(QStringLiteral("k"), QStringLiteral("k")).ok());
    QVERIFY(m_keys->setKeyState(QStringLiteral("k"), KeyState::Active).ok());
    QVERIFY(m_keys->setKeyExpiry(QStringLiteral("k"), QDateTime()).ok());
    QVERIFY(m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("g")).ok());
    QVERIFY(m_groups->renameGroup(QStringLiteral("g"), QStringLiteral("g")).ok());
    QVERIFY(m_groups->setDescription(QStringLiteral("g"), QString()).ok());
    QCOMPARE(m_db->changeCounter(), start + 3);
    QCOMPARE(changed.count(), 3);
    QCOMPARE(AuditLog(*m_db).entries()->size(), 3);

    // Usage rows and last-used times are not admin changes.
    QVERIFY(UsageStore(*m_db)
                .insert({usageRow(key->record.uuid, QStringLiteral("k"), QStringLiteral("r"),
                                  QDateTime::currentDateTimeUtc())})
                .ok());
    QVERIFY(m_keys->touchLastUsed({key->record.uuid}, QDateTime::currentDateTimeUtc()).ok());
    QCOMPARE(m_db->changeCounter(), start + 3);
    QCOMPARE(changed.count(), 3);
    QCOMPARE(m_db->localGeneration(), generation + 3);

    QVERIFY(m_keys->deleteKey(QStringLiteral("k")).ok());
    QCOMPARE(m_db->changeCounter(), start + 4);
    QCOMPARE(changed.count(), 4);
}

void TestDatabase::twoDatabaseObjectsSeeEachOther() {
    auto second = Database::open(m_db->path());
    QVERIFY2(second.ok(), qPrintable(second.error().message));
    std::shared_ptr<Database> other = *second;
    KeyStore otherKeys(*other, QStringLiteral("test:other"));
    QSignalSpy otherChanged(other.get(), &Database::changed);

    const qint64 start = other->changeCounter();
    QCOMPARE(m_db->changeCounter(), start);
    QVERIFY(m_keys->createKey(QStringLiteral("from first")).ok());
    QCOMPARE(other->changeCounter(), start + 1);
    // changed() is per object; the other one notices through the counter.
    QCOMPARE(otherChanged.count(), 0);
    QCOMPARE(other->localGeneration(), quint64(0));
    QVERIFY(otherKeys.key(QStringLiteral("from first")).ok());

    QVERIFY(otherKeys.createKey(QStringLiteral("from second")).ok());
    QCOMPARE(m_db->changeCounter(), start + 2);
    QVERIFY(m_keys->key(QStringLiteral("from second")).ok());
    QCOMPARE(m_keys->accessSnapshot()->changeCounter, start + 2);
    QCOMPARE(otherKeys.accessSnapshot()->keys.size(), 2);
}

void TestDatabase::threadsWorkConcurrently() {
    QVERIFY(m_groups->createGroup(QStringLiteral("shared")).ok());
    constexpr int kThreads = 4;
    constexpr int kKeysPerThread = 5;
    constexpr int kBatches = 10;
    constexpr int kRowsPerBatch = 50;
    QMutex mutex;
    QStringList failures;
    const auto work = [&](int thread) {
        KeyStore keys(*m_db, QStringLiteral("thread:%1").arg(thread));
        UsageStore usage(*m_db);
        for (int i = 0; i < kBatches; ++i) {
            if (i < kKeysPerThread) {
                auto created = keys.createKey(QStringLiteral("t%1-k%2").arg(thread).arg(i),
                                              {QStringLiteral("shared")});
                if (!created.ok()) {
                    QMutexLocker lock(&mutex);
                    failures.append(created.error().message);
                }
            }
            QList<UsageRecord> rows;
            for (int r = 0; r < kRowsPerBatch; ++r)
                rows.append(usageRow(QStringLiteral("t%1").arg(thread), QStringLiteral("n"),
                                     QStringLiteral("chat"), QDateTime::currentDateTimeUtc()));
            if (Status s = usage.insert(rows); !s) {
                QMutexLocker lock(&mutex);
                failures.append(s.error().message);
            }
            if (auto snapshot = keys.accessSnapshot(); !snapshot.ok()) {
                QMutexLocker lock(&mutex);
                failures.append(snapshot.error().message);
            }
        }
    };

    const quint64 generation = m_db->localGeneration();
    // Two plain std::threads, one QThread and one QThreadPool task, all at once.
    std::thread first(work, 0);
    std::thread second(work, 1);
    std::unique_ptr<QThread> qthread(QThread::create(work, 2));
    qthread->start();
    QThreadPool pool;
    pool.start([&] { work(3); });
    first.join();
    second.join();
    QVERIFY(qthread->wait(120000));
    QVERIFY(pool.waitForDone(120000));
    pool.clear();

    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    QCOMPARE(m_keys->listKeys()->size(), kThreads * kKeysPerThread);
    QCOMPARE(countRows(*m_db, QStringLiteral("SELECT COUNT(*) FROM usage")),
             kThreads * kBatches * kRowsPerBatch);
    QCOMPARE(m_groups->group(QStringLiteral("shared"))->keys.size(), kThreads * kKeysPerThread);
    QCOMPARE(m_db->localGeneration(), generation + kThreads * kKeysPerThread);
}

void TestDatabase::databaseDestroyedBeforeThreadEnds() {
    auto opened = Database::open(m_db->path());
    QVERIFY(opened.ok());
    std::shared_ptr<Database> db = *opened;
    std::atomic<int> step{0};
    std::atomic<bool> worked{false};
    std::thread thread([&] {
        worked = KeyStore(*db, kActor).createKey(QStringLiteral("from thread")).ok();
        step = 1;
        while (step.load() != 2)
            QThread::msleep(5);
        // The Database object is gone; this thread's connection is closed when it ends.
    });
    while (step.load() != 1)
        QThread::msleep(5);
    db.reset();
    step = 2;
    thread.join();
    QVERIFY(worked.load());
    QVERIFY(m_keys->key(QStringLiteral("from thread")).ok());
}

// Database turns SQLite's allocation statistics off before SQLite's first use: they cost the usage
// writer a process-wide mutex around every allocation (docs/PERFORMANCE.md, round 10). With them
// off, SQLite counts nothing, so the memory it reports in use stays 0 however much it holds.
void TestDatabase::sqliteKeepsNoAllocationStatistics() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    QVERIFY(m_keys->createKey(QStringLiteral("k"), {QStringLiteral("g")}).ok());
    QVERIFY(m_keys->key(QStringLiteral("k")).ok());
    QCOMPARE(sqlite3_memory_used(), sqlite3_int64(0));
}

QTEST_GUILESS_MAIN(TestDatabase)
#include "test_database.moc"
