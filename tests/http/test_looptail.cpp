#include "http/looptail.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QPointer>
#include <QThread>
#include <QTimer>
#include <QtTest>

#include <atomic>

using namespace portico::http;

namespace {

// Records the order in which its tasks ran.
class Recorder : public QObject {
public:
    QStringList *log = nullptr;
    QString name;
    Recorder(QStringList *into, QString label)
        : log(into)
        , name(std::move(label)) {}
};

void record(QObject *owner) {
    auto *recorder = static_cast<Recorder *>(owner);
    recorder->log->append(recorder->name);
}

// Deleted: says so.
class Watched : public QObject {
public:
    explicit Watched(bool *deleted)
        : m_deleted(deleted) {}
    ~Watched() override { *m_deleted = true; }

private:
    bool *m_deleted;
};

} // namespace

class TestLoopTail : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Nothing runs inside the caller's frame; everything runs, in order, once the loop comes
    // round, without waiting for anything else to happen.
    void tasksRunWhenTheLoopComesRound() {
        QStringList log;
        Recorder first(&log, QStringLiteral("first"));
        Recorder second(&log, QStringLiteral("second"));
        looptail::run(&first, record);
        looptail::run(&second, record);
        looptail::run(&first, record);
        QVERIFY(log.isEmpty());
        QEventLoop loop;
        QTimer::singleShot(0, &loop, &QEventLoop::quit);
        loop.exec();
        QCOMPARE(log, (QStringList{u"first"_qs, u"second"_qs, u"first"_qs}));
    }

    // The loop runs the tail before it blocks: nothing wakes it, the task still runs.
    void runsBeforeTheLoopBlocks() {
        QStringList log;
        Recorder recorder(&log, QStringLiteral("ran"));
        QEventLoop loop;
        QTimer::singleShot(0, &loop, [&] {
            looptail::run(&recorder, record);
            // Leaves the loop from the tail: nothing else is due, so only the tail can end it
            // before the guard does.
            looptail::run(&loop, [](QObject *owner) { static_cast<QEventLoop *>(owner)->quit(); });
        });
        QTimer guard;
        guard.setSingleShot(true);
        connect(&guard, &QTimer::timeout, &loop, [&] { loop.exit(1); });
        guard.start(5000);
        QCOMPARE(loop.exec(), 0);
        QCOMPARE(log, QStringList{u"ran"_qs});
    }

    // A task left by a task runs in the same tail.
    void tasksMayLeaveTasks() {
        QStringList log;
        Recorder outer(&log, QStringLiteral("outer"));
        static Recorder *inner = nullptr;
        Recorder innerRecorder(&log, QStringLiteral("inner"));
        inner = &innerRecorder;
        looptail::run(&outer, [](QObject *owner) {
            record(owner);
            looptail::run(inner, record);
        });
        QTest::qWait(0);
        QCOMPARE(log, (QStringList{u"outer"_qs, u"inner"_qs}));
    }

    // The owner was deleted before the loop came round: its task does not run.
    void aDeletedOwnersTaskIsDropped() {
        QStringList log;
        auto *recorder = new Recorder(&log, QStringLiteral("gone"));
        looptail::run(recorder, record);
        delete recorder;
        QTest::qWait(0);
        QVERIFY(log.isEmpty());
    }

    // deleteObject() deletes later, also an object that leaves itself, and never twice.
    void deleteObjectDeletesOnce() {
        bool deleted = false;
        auto *object = new Watched(&deleted);
        looptail::deleteObject(object);
        QVERIFY(!deleted);
        QTest::qWait(0);
        QVERIFY(deleted);

        bool alsoDeleted = false;
        QPointer<Watched> early = new Watched(&alsoDeleted);
        looptail::deleteObject(early);
        delete early.data(); // someone else deleted it first
        QVERIFY(alsoDeleted);
        QTest::qWait(0); // must not delete it again (ASan would say so)
        QVERIFY(early.isNull());
    }

    // Under processEvents() without waiting (QTest::qWait, QTRY_*), where the dispatcher never
    // says it is about to block, the tail runs all the same.
    void runsUnderProcessEventsWithoutWaiting() {
        QStringList log;
        Recorder recorder(&log, QStringLiteral("ran"));
        looptail::run(&recorder, record);
        QCoreApplication::processEvents();
        QCOMPARE(log, QStringList{u"ran"_qs});
    }

    // Each thread has its own tail, run by its own loop; what is left for deletion when the
    // thread ends is deleted.
    void eachThreadHasItsOwnTail() {
        static std::atomic<bool> ranInThread{false};
        static bool deletedAtEnd = false;
        QThread thread;
        auto *context = new QObject;
        context->moveToThread(&thread);
        thread.start();
        QMetaObject::invokeMethod(context, [context] {
            looptail::run(context, [](QObject *owner) {
                ranInThread = true;
                // Then, from the next round's events: left for deletion as the thread is asked
                // to end, so its loop may not come round again. Deleted all the same.
                QMetaObject::invokeMethod(
                    owner,
                    [] {
                        looptail::deleteObject(new Watched(&deletedAtEnd));
                        QThread::currentThread()->quit();
                    },
                    Qt::QueuedConnection);
            });
        });
        QVERIFY(thread.wait(5000));
        QVERIFY(ranInThread.load());
        QVERIFY(deletedAtEnd);
        delete context;
    }
};

QTEST_GUILESS_MAIN(TestLoopTail)
#include "test_looptail.moc"
