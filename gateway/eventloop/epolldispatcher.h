#pragma once

#include <QAbstractEventDispatcher>

#include <memory>

class QSocketNotifier;

// The event loop of the threads that serve connections: the HTTP workers, whose upstream
// clients run on the same threads.
namespace portico::eventloop {

class SocketWatch;

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

    // Called directly where awake() and aboutToBlock() are emitted, just before each: for the
    // HTTP server's loop tail (http/looptail.h), which runs on every pass. Through the signals
    // it cost two QMetaObject::activate() a pass. Null: none. One hook at a time.
    using PassHook = void (*)(void *context);
    void setPassHook(PassHook hook, void *context);

private:
    friend class SocketWatch;
    struct Private;
    explicit EpollDispatcher(std::unique_ptr<Private> state);
    void registerWatch(SocketWatch *watch);
    void unregisterWatch(SocketWatch *watch);
    std::unique_ptr<Private> d;
};

// One descriptor watched for one kind of readiness, with a plain callback: what the serving
// threads' sockets (the HTTP server's connections, the upstream client's) use instead of a
// QSocketNotifier.
//
// Why: on an EpollDispatcher the callback is called straight from the pass. A QSocketNotifier's
// activation goes through QCoreApplication::sendEvent(), QSocketNotifier::event() (which
// allocates and frees a QPointer's guard each time) and a signal: about 700 instructions, twice
// a proxied request (docs/PERFORMANCE.md, round 14). On any other dispatcher (Qt's own: the
// tests' main threads, systems without epoll) it is a QSocketNotifier underneath, and behaves
// the same.
//
// Like a QSocketNotifier: enabled when made, level-triggered, a read watch also sees hang-ups
// and errors, a write watch errors. A callback may disable or delete any watch, its own
// included; one deleted or disabled before its turn in a pass is not called. Made, used and
// deleted on one thread, whose event loop must not change meanwhile.
class SocketWatch {
public:
    enum class Type { Read, Write };
    using Callback = void (*)(void *context);

    SocketWatch(qintptr socket, Type type, Callback callback, void *context);
    ~SocketWatch();
    SocketWatch(const SocketWatch &) = delete;
    SocketWatch &operator=(const SocketWatch &) = delete;

    void setEnabled(bool enabled);
    bool isEnabled() const { return m_enabled; }
    qintptr socket() const { return m_socket; }
    Type type() const { return m_type; }

private:
    friend class EpollDispatcher;
    qintptr m_socket;
    Type m_type;
    Callback m_callback;
    void *m_context;
    bool m_enabled = false;
    EpollDispatcher *m_dispatcher = nullptr;     // the thread's loop is an EpollDispatcher
    std::unique_ptr<QSocketNotifier> m_notifier; // otherwise
};

// The dispatcher for a new serving thread: an EpollDispatcher where the system has epoll, null
// elsewhere (Qt's own is made then). For QThread::setEventDispatcher().
QAbstractEventDispatcher *createServingDispatcher();

// True when the calling thread's loop is an EpollDispatcher: a descriptor watched there costs
// nothing on the passes where it is not ready, so idle connections may stay watched.
bool watchingIdleIsFree();

} // namespace portico::eventloop
