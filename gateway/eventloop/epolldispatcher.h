#pragma once

#include <QAbstractEventDispatcher>

#include <memory>

// The event loop of the threads that serve connections: the HTTP workers, whose upstream
// clients run on the same threads.
namespace portico::eventloop {

// A Qt event dispatcher on Linux's epoll.
//
// Why not Qt's own (QEventDispatcherUNIX): on every pass of the loop it walks its hash of socket
// notifiers to build a poll() list, and the kernel then takes and drops a reference on every
// descriptor in it. Both cost what is watched, not what is ready, and a hash grown by a burst of
// connections keeps its size. epoll keeps the watched set in the kernel, so a pass costs what is
// ready: about 3,500 instructions fewer a request (docs/PERFORMANCE.md, round 13), and idle
// connections may stay watched.
//
// What it keeps of Qt's contract:
// - socket notifiers are level-triggered, as with poll(): a notifier is activated on every pass
//   while its descriptor is ready and the notifier enabled; read notifiers also see hang-ups and
//   errors, write notifiers errors (as QEventDispatcherUNIX does);
// - timers keep the ids Qt gives them and fire by QTimerEvent; repeating ones keep their phase;
//   a zero-interval timer fires on every pass, and the loop does not block while one is active;
// - posted events, queued calls, deleteLater() and quit() from any thread work as in any Qt
//   thread (wakeUp() writes an eventfd);
// - awake() and aboutToBlock() are emitted as QEventDispatcherUNIX emits them.
// What it does not do: ExcludeSocketNotifiers skips activation but cannot keep epoll from
// reporting a ready descriptor, so waiting for events with that flag while a socket is ready
// returns at once. Nothing in the gateway uses the flag.
//
// One thread uses it (the one it was moved to), except wakeUp() and interrupt(), which any
// thread may call.
class EpollDispatcher final : public QAbstractEventDispatcher {
public:
    // A dispatcher for a thread that is about to start (QThread::setEventDispatcher()), or null
    // when the system refused an epoll instance or an eventfd; the thread then makes Qt's own.
    static EpollDispatcher *create();
    ~EpollDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    using QAbstractEventDispatcher::registerTimer;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    struct Private;
    explicit EpollDispatcher(std::unique_ptr<Private> state);
    std::unique_ptr<Private> d;
};

// The dispatcher for a new serving thread: an EpollDispatcher where the system has epoll, null
// elsewhere (Qt's own is made then). For QThread::setEventDispatcher().
QAbstractEventDispatcher *createServingDispatcher();

// True when the calling thread's loop is an EpollDispatcher: a descriptor watched there costs
// nothing on the passes where it is not ready, so idle connections may stay watched.
bool watchingIdleIsFree();

} // namespace portico::eventloop
