// The serving threads' event dispatcher (gateway/eventloop/epolldispatcher.h) keeps Qt's
// contract. The whole test runs on it: main() installs it before the application exists, so
// QTest::qWait, QSignalSpy::wait and every QTimer here go through it too.
#include "eventloop/epolldispatcher.h"
#include "servingeventloop.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPointer>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QThread>
#include <QTimer>
#include <QtTest>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using portico::eventloop::EpollDispatcher;
using portico::eventloop::SocketWatch;

namespace {

// A connected pair of non-blocking stream sockets, closed at the end unless taken.
struct SocketPair {
    int a = -1;
    int b = -1;
    SocketPair() {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0) {
            a = fds[0];
            b = fds[1];
        }
    }
    ~SocketPair() {
        for (int fd : {a, b}) {
            if (fd >= 0)
                ::close(fd);
        }
    }
    SocketPair(const SocketPair &) = delete;
    SocketPair &operator=(const SocketPair &) = delete;
};

// Counts its timer events by id.
class TimerCounter : public QObject {
public:
    QHash<int, int> fired;

protected:
    void timerEvent(QTimerEvent *event) override { ++fired[event->timerId()]; }
};

// A SocketWatch whose callback counts, and runs an optional action.
struct CountingWatch {
    int calls = 0;
    std::function<void()> action;
    std::unique_ptr<SocketWatch> watch;
    CountingWatch(int fd, SocketWatch::Type type)
        : watch(std::make_unique<SocketWatch>(
              fd, type,
              [](void *self) {
                  auto *counting = static_cast<CountingWatch *>(self);
                  ++counting->calls;
                  if (counting->action)
                      counting->action();
              },
              this)) {}
};

// What the SocketWatch tests check, on whichever dispatcher the calling thread has.
void checkSocketWatchContract() {
    SocketPair pair;
    QVERIFY(pair.a >= 0);
    CountingWatch reader(pair.a, SocketWatch::Type::Read);
    QVERIFY(reader.watch->isEnabled());
    QTest::qWait(20);
    QCOMPARE(reader.calls, 0);
    QCOMPARE(::write(pair.b, "x", 1), 1);
    QTRY_VERIFY(reader.calls >= 3); // level-triggered: not read, still ready
    reader.watch->setEnabled(false);
    const int whileDisabled = reader.calls;
    QTest::qWait(20);
    QCOMPARE(reader.calls, whileDisabled);
    reader.watch->setEnabled(true);
    QTRY_VERIFY(reader.calls > whileDisabled);

    // A write watch on the same descriptor, each with its own calls.
    CountingWatch writer(pair.a, SocketWatch::Type::Write);
    QTRY_VERIFY(writer.calls > 0);
    writer.watch->setEnabled(false);

    // The callback deletes its own watch: called once, never again.
    reader.action = [&reader] { reader.watch.reset(); };
    const int beforeDelete = reader.calls;
    QTRY_COMPARE(reader.calls, beforeDelete + 1);
    QTest::qWait(20);
    QCOMPARE(reader.calls, beforeDelete + 1);
    QVERIFY(!reader.watch);
}

} // namespace

class TestEpollDispatcher : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void itIsTheDispatcherOfThisThread() {
        QVERIFY(dynamic_cast<EpollDispatcher *>(QAbstractEventDispatcher::instance()));
        QVERIFY(portico::eventloop::watchingIdleIsFree());
        // A thread left to Qt gets Qt's own, where watching is not free.
        bool elsewhere = true;
        QThread *thread =
            QThread::create([&elsewhere] { elsewhere = portico::eventloop::watchingIdleIsFree(); });
        thread->start();
        QVERIFY(thread->wait(10000));
        delete thread;
        QVERIFY(!elsewhere);
    }

    // As with poll(): activated on every pass while bytes wait, silent once they are read,
    // silent while disabled, activated again when enabled with bytes waiting.
    void aReadNotifierIsLevelTriggered() {
        SocketPair pair;
        QVERIFY(pair.a >= 0);
        QSocketNotifier notifier(pair.a, QSocketNotifier::Read);
        int activations = 0;
        connect(&notifier, &QSocketNotifier::activated, this, [&] { ++activations; });
        QTest::qWait(20);
        QCOMPARE(activations, 0);

        QCOMPARE(::write(pair.b, "x", 1), 1);
        QTRY_VERIFY(activations >= 3); // not read: still ready on the next passes

        char byte;
        QCOMPARE(::read(pair.a, &byte, 1), 1);
        QTest::qWait(20);
        const int afterRead = activations;
        QTest::qWait(20);
        QCOMPARE(activations, afterRead);

        notifier.setEnabled(false);
        QCOMPARE(::write(pair.b, "y", 1), 1);
        QTest::qWait(20);
        QCOMPARE(activations, afterRead);
        notifier.setEnabled(true);
        QTRY_VERIFY(activations > afterRead);
    }

    void aWriteNotifierFiresWhileThereIsRoom() {
        SocketPair pair;
        QSocketNotifier notifier(pair.a, QSocketNotifier::Write);
        QSignalSpy spy(&notifier, &QSocketNotifier::activated);
        QVERIFY(spy.wait(5000));
        // Fill the socket: no room, no activation.
        notifier.setEnabled(false);
        char chunk[4096] = {};
        while (::write(pair.a, chunk, sizeof chunk) > 0) {
        }
        spy.clear();
        notifier.setEnabled(true);
        QTest::qWait(30);
        QCOMPARE(spy.count(), 0);
        // Room again once the peer reads.
        while (::read(pair.b, chunk, sizeof chunk) > 0) {
        }
        QVERIFY(spy.wait(5000));
    }

    // Both notifiers of one descriptor, each with its own activations.
    void readAndWriteNotifiersShareADescriptor() {
        SocketPair pair;
        QSocketNotifier reader(pair.a, QSocketNotifier::Read);
        QSocketNotifier writer(pair.a, QSocketNotifier::Write);
        QSignalSpy reads(&reader, &QSocketNotifier::activated);
        QSignalSpy writes(&writer, &QSocketNotifier::activated);
        QVERIFY(writes.wait(5000));
        QCOMPARE(reads.count(), 0);
        writer.setEnabled(false); // the reader stays watched
        QCOMPARE(::write(pair.b, "x", 1), 1);
        QVERIFY(reads.wait(5000));
        writes.clear();
        QTest::qWait(20);
        QCOMPARE(writes.count(), 0);
    }

    void aHangUpActivatesTheReadNotifier() {
        SocketPair pair;
        QSocketNotifier notifier(pair.a, QSocketNotifier::Read);
        QSignalSpy spy(&notifier, &QSocketNotifier::activated);
        ::close(std::exchange(pair.b, -1));
        QVERIFY(spy.wait(5000));
        char byte;
        QCOMPARE(::read(pair.a, &byte, 1), 0);
    }

    // A notifier deleted by another one's slot in the same pass is not activated after it.
    void aNotifierDeletedInTheSamePassIsNotActivated() {
        SocketPair first;
        SocketPair second;
        auto *one = new QSocketNotifier(first.a, QSocketNotifier::Write);
        auto *other = new QSocketNotifier(second.a, QSocketNotifier::Write);
        QPointer<QSocketNotifier> oneAlive(one);
        QPointer<QSocketNotifier> otherAlive(other);
        int activations = 0;
        const auto deleteTheOther = [&](QSocketNotifier *self) {
            ++activations;
            QSocketNotifier *peer = self == one ? otherAlive.data() : oneAlive.data();
            delete peer; // both are writable in the same pass: one of them goes first
            self->setEnabled(false);
        };
        connect(one, &QSocketNotifier::activated, this, [&, one] { deleteTheOther(one); });
        connect(other, &QSocketNotifier::activated, this, [&, other] { deleteTheOther(other); });
        QTRY_COMPARE(activations, 1);
        QTest::qWait(20);
        QCOMPARE(activations, 1);
        QCOMPARE(int(bool(oneAlive)) + int(bool(otherAlive)), 1);
        delete oneAlive.data();
        delete otherAlive.data();
    }

    // A slot that runs an event loop of its own (a nested QEventLoop) on the same pass: the
    // inner loop serves other notifiers, and what the outer pass had still to activate is
    // activated once the slot returns, unless the inner loop disabled it.
    void aNestedLoopInASlotLeavesTheOuterPassWhole() {
        SocketPair first;
        SocketPair second;
        SocketPair third;
        QSocketNotifier one(first.a, QSocketNotifier::Write);
        QSocketNotifier other(second.a, QSocketNotifier::Write);
        QSocketNotifier inner(third.a, QSocketNotifier::Read);
        int oneCount = 0;
        int otherCount = 0;
        bool innerRan = false;
        bool nested = false;
        const auto nestOnce = [&] {
            if (nested)
                return;
            nested = true;
            QCOMPARE(::write(third.b, "x", 1), 1);
            QEventLoop loop;
            connect(&inner, &QSocketNotifier::activated, &loop, [&] {
                innerRan = true;
                inner.setEnabled(false);
                loop.quit();
            });
            QTimer::singleShot(10000, &loop, &QEventLoop::quit); // rather than hang
            loop.exec();
        };
        // Both writable on the same pass; whichever goes first nests a loop.
        connect(&one, &QSocketNotifier::activated, this, [&] {
            ++oneCount;
            one.setEnabled(false);
            nestOnce();
        });
        connect(&other, &QSocketNotifier::activated, this, [&] {
            ++otherCount;
            other.setEnabled(false);
            nestOnce();
        });
        QTRY_VERIFY(oneCount == 1 && otherCount == 1);
        QVERIFY(innerRan);
        QTest::qWait(20);
        QCOMPARE(oneCount, 1);
        QCOMPARE(otherCount, 1);
    }

    // A descriptor number that comes back after a close is watched afresh, whether the old
    // notifier was disabled before the close (as the gateway does) or not.
    void aReusedDescriptorNumberIsWatched() {
        int number = -1;
        {
            SocketPair old;
            number = old.a;
            QSocketNotifier notifier(old.a, QSocketNotifier::Read);
            QTest::qWait(5);
        } // notifier disabled, then the descriptors closed
        {
            SocketPair reused;
            QCOMPARE(reused.a, number);
            QSocketNotifier notifier(reused.a, QSocketNotifier::Read);
            QSignalSpy spy(&notifier, &QSocketNotifier::activated);
            QCOMPARE(::write(reused.b, "x", 1), 1);
            QVERIFY(spy.wait(5000));
        }

        // Closed while its notifier was still enabled: epoll dropped it with the close.
        auto *old = new SocketPair;
        auto *stale = new QSocketNotifier(old->a, QSocketNotifier::Read);
        QTest::qWait(5);
        delete old; // closes the descriptors, the notifier still enabled
        SocketPair reused;
        QCOMPARE(reused.a, number);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(
                                               "multiple socket notifiers for socket")));
        QSocketNotifier notifier(reused.a, QSocketNotifier::Read);
        QSignalSpy spy(&notifier, &QSocketNotifier::activated);
        QCOMPARE(::write(reused.b, "x", 1), 1);
        QVERIFY(spy.wait(5000));
        stale->setEnabled(false); // no longer the registered one: nothing changes
        spy.clear();
        QVERIFY(spy.wait(5000)); // still unread, still watched
        delete stale;
    }

    // SocketWatch, the notifier the serving threads' sockets use: called straight from the
    // pass here, and the same contract on Qt's own dispatcher (through a QSocketNotifier).
    void aSocketWatchKeepsTheNotifierContract() { checkSocketWatchContract(); }

    void aSocketWatchKeepsTheContractOnQtsOwnDispatcher() {
        bool ranOnQt = false;
        bool passed = false;
        QThread *thread = QThread::create([&] {
            ranOnQt = !portico::eventloop::watchingIdleIsFree();
            checkSocketWatchContract();
            passed = !QTest::currentTestFailed();
        });
        thread->start();
        QVERIFY(thread->wait(30000));
        delete thread;
        QVERIFY(ranOnQt);
        QVERIFY(passed);
    }

    // As with notifiers: one deleted by another one's callback in the same pass is not called.
    void aSocketWatchDeletedInTheSamePassIsNotCalled() {
        SocketPair first;
        SocketPair second;
        CountingWatch one(first.a, SocketWatch::Type::Write);
        CountingWatch other(second.a, SocketWatch::Type::Write);
        // Both writable in the same pass: whichever goes first deletes the other.
        one.action = [&] {
            other.watch.reset();
            one.watch->setEnabled(false);
        };
        other.action = [&] {
            one.watch.reset();
            other.watch->setEnabled(false);
        };
        QTRY_COMPARE(one.calls + other.calls, 1);
        QTest::qWait(20);
        QCOMPARE(one.calls + other.calls, 1);
        QCOMPARE(int(bool(one.watch)) + int(bool(other.watch)), 1);
    }

    // A watch and a QSocketNotifier on one descriptor, one kind each.
    void aSocketWatchAndANotifierShareADescriptor() {
        SocketPair pair;
        CountingWatch reader(pair.a, SocketWatch::Type::Read);
        QSocketNotifier writer(pair.a, QSocketNotifier::Write);
        QSignalSpy writes(&writer, &QSocketNotifier::activated);
        QVERIFY(writes.wait(5000));
        QCOMPARE(reader.calls, 0);
        writer.setEnabled(false);
        QCOMPARE(::write(pair.b, "x", 1), 1);
        QTRY_VERIFY(reader.calls > 0);
        writes.clear();
        QTest::qWait(20);
        QCOMPARE(writes.count(), 0);
    }

    // The pass hook (the HTTP server's loop tail) runs where awake() and aboutToBlock() are
    // emitted: at least once on every pass.
    void thePassHookRunsOnEveryPass() {
        auto *dispatcher = dynamic_cast<EpollDispatcher *>(QAbstractEventDispatcher::instance());
        QVERIFY(dispatcher);
        int hooked = 0;
        dispatcher->setPassHook([](void *count) { ++*static_cast<int *>(count); }, &hooked);
        QSignalSpy awake(dispatcher, &QAbstractEventDispatcher::awake);
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
        dispatcher->setPassHook(nullptr, nullptr);
        QVERIFY(awake.count() > 0);
        QVERIFY(hooked >= awake.count());
        const int after = hooked;
        QTest::qWait(10);
        QCOMPARE(hooked, after); // unhooked
    }

    void timersFireInOrderOfDueTime() {
        QStringList order;
        QTimer late;
        late.setSingleShot(true);
        connect(&late, &QTimer::timeout, this, [&] { order << QStringLiteral("late"); });
        QTimer early;
        early.setSingleShot(true);
        connect(&early, &QTimer::timeout, this, [&] { order << QStringLiteral("early"); });
        QElapsedTimer clock;
        clock.start();
        late.start(60);
        early.start(20);
        QTRY_COMPARE(order.size(), 2);
        QCOMPARE(order, (QStringList{QStringLiteral("early"), QStringLiteral("late")}));
        QVERIFY(clock.elapsed() >= 60); // never early
    }

    void aRepeatingTimerRepeatsUntilStopped() {
        QTimer timer;
        timer.setInterval(5);
        int fired = 0;
        connect(&timer, &QTimer::timeout, this, [&] { ++fired; });
        timer.start();
        QVERIFY(timer.remainingTime() >= 0);
        QVERIFY(timer.remainingTime() <= 5);
        QTRY_VERIFY(fired >= 5);
        timer.stop();
        QCOMPARE(timer.remainingTime(), -1);
        const int stoppedAt = fired;
        QTest::qWait(30);
        QCOMPARE(fired, stoppedAt);
    }

    // A zero-interval timer fires on every pass: the loop does not block while it runs.
    void aZeroTimerKeepsTheLoopTurning() {
        QTimer timer;
        timer.setInterval(0);
        int fired = 0;
        connect(&timer, &QTimer::timeout, this, [&] {
            if (++fired == 1000)
                timer.stop();
        });
        timer.start();
        QTRY_COMPARE_WITH_TIMEOUT(fired, 1000, 5000);
        QTimer::singleShot(0, this, [&] { fired = -1; }); // a posted zero timer, too
        QTRY_COMPARE(fired, -1);
    }

    // QObject::startTimer(): the dispatcher lists an object's timers and drops them all when
    // the object goes.
    void anObjectsTimersAreListedAndDroppedWithIt() {
        auto *counter = new TimerCounter;
        const int first = counter->startTimer(10);
        const int second = counter->startTimer(1000 * 3600);
        QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
        const QList<QAbstractEventDispatcher::TimerInfo> timers =
            dispatcher->registeredTimers(counter);
        QCOMPARE(timers.size(), 2);
        QTRY_VERIFY(counter->fired.value(first) >= 2);
        QCOMPARE(counter->fired.value(second), 0);
        QVERIFY(dispatcher->remainingTime(second) > 1000 * 3500);
        delete counter;
        QCOMPARE(dispatcher->remainingTime(first), -1);
        QCOMPARE(dispatcher->remainingTime(second), -1);
        QTest::qWait(30); // nothing fires for the deleted object
    }

    // Another thread's queued call wakes a loop that has nothing else to wait for.
    void aCallFromAnotherThreadWakesTheLoop() {
        QEventLoop loop;
        std::atomic<bool> ran{false};
        std::thread caller([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            QMetaObject::invokeMethod(
                &loop,
                [&] {
                    ran = true;
                    loop.quit();
                },
                Qt::QueuedConnection);
        });
        QTimer watchdog; // fails the test rather than hanging it
        watchdog.setSingleShot(true);
        connect(&watchdog, &QTimer::timeout, &loop, &QEventLoop::quit);
        watchdog.start(10000);
        loop.exec();
        caller.join();
        QVERIFY(ran);
        QVERIFY(watchdog.isActive());
    }

    void deleteLaterDeletes() {
        QPointer<QObject> object = new QObject;
        object->deleteLater();
        QTRY_VERIFY(object.isNull());
    }

    void awakeAndAboutToBlockAreEmitted() {
        QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
        QSignalSpy awake(dispatcher, &QAbstractEventDispatcher::awake);
        QSignalSpy aboutToBlock(dispatcher, &QAbstractEventDispatcher::aboutToBlock);
        // A loop that waits (QTest::qWait does not: it sleeps between passes).
        QEventLoop loop;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
        QVERIFY(awake.count() > 0);
        QVERIFY(aboutToBlock.count() > 0);
    }

    // The way the HTTP server uses it: a worker thread with this loop runs queued work and
    // ends when told to.
    void aThreadRunsOnItAndQuits() {
        QThread thread;
        QAbstractEventDispatcher *dispatcher = portico::eventloop::createServingDispatcher();
        QVERIFY(dispatcher);
        thread.setEventDispatcher(dispatcher);
        auto *worker = new QObject;
        worker->moveToThread(&thread);
        QPointer<QObject> workerAlive(worker);
        connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
        thread.start();
        bool onEpoll = false;
        std::atomic<int> timerFired{0};
        QMetaObject::invokeMethod(
            worker,
            [&, worker] {
                onEpoll = portico::eventloop::watchingIdleIsFree();
                QTimer::singleShot(10, worker, [&] { ++timerFired; });
            },
            Qt::BlockingQueuedConnection);
        QVERIFY(onEpoll);
        QTRY_COMPARE(timerFired.load(), 1);
        thread.quit();
        QVERIFY(thread.wait(10000));
        QVERIFY(workerAlive.isNull()); // its deferred delete ran as the thread ended
    }
};

int main(int argc, char **argv) {
    // Before the application exists: the main thread's loop is the one under test.
    if (!portico::testsupport::useServingEventLoop())
        return 1;
    QCoreApplication app(argc, argv);
    TestEpollDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_epolldispatcher.moc"
