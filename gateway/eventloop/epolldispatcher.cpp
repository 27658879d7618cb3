#include "eventloop/epolldispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <deque>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#if defined(Q_OS_LINUX)
#include <cerrno>
#include <cstring>
#include <ctime>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>
#endif

namespace portico::eventloop {

#if defined(Q_OS_LINUX)

namespace {

qint64 nowMs() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

// The events a notifier of each type (QSocketNotifier::Type: Read, Write, Exception) asks epoll
// for, and those that activate it: the same as QEventDispatcherUNIX's poll() flags.
constexpr std::array<uint32_t, 3> kAsked = {EPOLLIN, EPOLLOUT, EPOLLPRI};
constexpr std::array<uint32_t, 3> kActivating = {EPOLLIN | EPOLLHUP | EPOLLERR, EPOLLOUT | EPOLLERR,
                                                 EPOLLPRI};
constexpr int kEventsPerWait = 256;

} // namespace

struct EpollDispatcher::Private {
    int epollFd = -1;
    int wakeFd = -1;
    std::atomic<bool> wakeQueued{false}; // an eventfd write not yet read: one is enough
    std::atomic<bool> interrupted{false};
    PassHook passHook = nullptr;
    void *passHookContext = nullptr;

    // Who watches one type of readiness on a descriptor: a QSocketNotifier or a SocketWatch.
    struct Watcher {
        QSocketNotifier *notifier = nullptr;
        SocketWatch *direct = nullptr;
        explicit operator bool() const { return notifier || direct; }
        bool operator==(const Watcher &) const = default;
    };
    // What is watched on one descriptor: a watcher of each type at most, as in Qt.
    struct Watch {
        std::array<Watcher, 3> watchers{};
        uint32_t registered = 0; // the events epoll has for it; 0: not in the epoll set
    };
    std::vector<Watch> watches; // by descriptor
    std::array<epoll_event, kEventsPerWait> ready{};
    // The watchers each pass activates, taken before any of them runs: one that is disabled
    // or deleted meanwhile is cleared here (forget()) and skipped. One list per depth of nested
    // loops (a slot may run a QEventLoop of its own), kept between passes; a deque, so that an
    // outer pass's list stays where it is while an inner one is added.
    std::deque<std::vector<Watcher>> pending;
    size_t depth = 0; // passes activating notifiers on this thread's stack (nested loops)

    struct Timer {
        QObject *object = nullptr;
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        qint64 dueMs = 0;
    };
    std::unordered_map<int, Timer> timers; // by id
    std::set<std::pair<qint64, int>> due;  // (due time, id), the next one first

    ~Private() {
        if (epollFd >= 0)
            ::close(epollFd);
        if (wakeFd >= 0)
            ::close(wakeFd);
    }

    static uint32_t asked(const Watch &watch) {
        uint32_t events = 0;
        for (int type = 0; type < 3; ++type) {
            if (watch.watchers[size_t(type)])
                events |= kAsked[size_t(type)];
        }
        return events;
    }

    // Puts `watcher` in the descriptor's slot for `type`, and tells epoll.
    void place(qintptr socket, size_t type, Watcher watcher) {
        if (socket < 0 || socket > INT_MAX) {
            qWarning("EpollDispatcher: cannot watch socket %lld", qlonglong(socket));
            return;
        }
        const int fd = int(socket);
        if (size_t(fd) >= watches.size())
            watches.resize(size_t(fd) + 1);
        Watch &watch = watches[size_t(fd)];
        Watcher &slot = watch.watchers[type];
        if (slot && watcher && !(slot == watcher)) {
            // As in Qt, the newer one wins. The descriptor may be a new one with an old number
            // (the old one closed while its watcher was enabled): epoll forgets what it had,
            // and sync() adds the descriptor afresh.
            qWarning("EpollDispatcher: multiple socket notifiers for socket %d and type %d", fd,
                     int(type));
            ::epoll_ctl(epollFd, EPOLL_CTL_DEL, fd, nullptr); // gone with the close, or now
            watch.registered = 0;
        }
        slot = watcher;
        sync(fd);
    }

    // Empties the slot `watcher` holds, if it still holds it, and takes it off the lists of
    // the passes running: it is not activated any more.
    void forget(qintptr socket, size_t type, Watcher watcher) {
        if (socket < 0 || size_t(socket) >= watches.size())
            return;
        const int fd = int(socket);
        Watcher &slot = watches[size_t(fd)].watchers[type];
        if (!(slot == watcher))
            return;
        slot = Watcher{};
        sync(fd);
        for (size_t level = 0; level < depth; ++level) {
            for (Watcher &waiting : pending[level]) {
                if (waiting == watcher)
                    waiting = Watcher{};
            }
        }
    }

    // Tells epoll what the descriptor's notifiers ask for now.
    void sync(int fd) {
        Watch &watch = watches[size_t(fd)];
        const uint32_t wanted = asked(watch);
        if (wanted == watch.registered)
            return;
        epoll_event event{};
        event.events = wanted;
        event.data.fd = fd;
        int op =
            watch.registered == 0 ? EPOLL_CTL_ADD : (wanted == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD);
        int result = ::epoll_ctl(epollFd, op, fd, &event);
        // A descriptor closed while watched left the epoll set with its close (ENOENT on a
        // change, EBADF on removal); one whose number came back is new to epoll.
        if (result != 0 && op == EPOLL_CTL_MOD && errno == ENOENT) {
            op = EPOLL_CTL_ADD;
            result = ::epoll_ctl(epollFd, op, fd, &event);
        } else if (result != 0 && op == EPOLL_CTL_ADD && errno == EEXIST) {
            op = EPOLL_CTL_MOD;
            result = ::epoll_ctl(epollFd, op, fd, &event);
        }
        if (result != 0 && op == EPOLL_CTL_DEL && (errno == ENOENT || errno == EBADF))
            result = 0;
        if (result != 0) {
            qWarning("EpollDispatcher: cannot watch descriptor %d: %s", fd, std::strerror(errno));
            watch.registered = 0;
            return;
        }
        watch.registered = wanted;
    }

    void schedule(int id, Timer &timer, qint64 dueMs) {
        timer.dueMs = dueMs;
        due.emplace(dueMs, id);
    }

    // Milliseconds epoll may wait for the next timer: -1 without timers, 0 when one is due.
    int timeoutMs() const {
        if (due.empty())
            return -1;
        const qint64 left = due.begin()->first - nowMs();
        return int(std::clamp<qint64>(left, 0, INT_MAX));
    }

    // Fires the timers due now, each once at most (a zero-interval timer fires again on the next
    // pass). Each one is rescheduled before its event is sent, so that the event may stop or
    // restart it. Returns how many fired.
    int activateTimers() {
        if (due.empty())
            return 0;
        const qint64 now = nowMs();
        std::vector<int> fired;
        for (auto it = due.begin(); it != due.end() && it->first <= now; ++it)
            fired.push_back(it->second);
        int count = 0;
        for (const int id : fired) {
            const auto found = timers.find(id);
            if (found == timers.end())
                continue; // stopped by an earlier timer's event
            Timer &timer = found->second;
            due.erase({timer.dueMs, id});
            // Repeating timers keep their phase; one that fell behind starts again from now.
            qint64 next = timer.dueMs + timer.intervalMs;
            if (next < now)
                next = now + timer.intervalMs;
            schedule(id, timer, next);
            QTimerEvent event(id);
            QCoreApplication::sendEvent(timer.object, &event);
            ++count;
        }
        return count;
    }
};

EpollDispatcher *EpollDispatcher::create() {
    auto state = std::make_unique<Private>();
    state->epollFd = ::epoll_create1(EPOLL_CLOEXEC);
    state->wakeFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (state->epollFd < 0 || state->wakeFd < 0)
        return nullptr;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.fd = -1; // no descriptor's watch: the wake-up
    if (::epoll_ctl(state->epollFd, EPOLL_CTL_ADD, state->wakeFd, &event) != 0)
        return nullptr;
    return new EpollDispatcher(std::move(state));
}

EpollDispatcher::EpollDispatcher(std::unique_ptr<Private> state)
    : d(std::move(state)) {}

EpollDispatcher::~EpollDispatcher() = default;

bool EpollDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags) {
    d->interrupted.store(false, std::memory_order_relaxed);
    if (d->passHook)
        d->passHook(d->passHookContext);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();

    // Events posted meanwhile (by the events just sent, or by another thread) have written the
    // eventfd: epoll returns at once for them.
    const bool mayWait = flags.testFlag(QEventLoop::WaitForMoreEvents) && !d->interrupted.load();
    if (mayWait) {
        if (d->passHook)
            d->passHook(d->passHookContext);
        Q_EMIT aboutToBlock();
    }
    if (d->interrupted.load())
        return false;

    const bool withTimers = !flags.testFlag(QEventLoop::X11ExcludeTimers);
    const int timeout = mayWait ? (withTimers ? d->timeoutMs() : -1) : 0;
    int count;
    do {
        count = ::epoll_wait(d->epollFd, d->ready.data(), kEventsPerWait, timeout);
    } while (count < 0 && errno == EINTR);
    if (count < 0) {
        qWarning("EpollDispatcher: epoll_wait: %s", std::strerror(errno));
        count = 0;
    }

    int activated = 0;
    const bool withNotifiers = !flags.testFlag(QEventLoop::ExcludeSocketNotifiers);
    if (d->pending.size() <= d->depth)
        d->pending.emplace_back();
    std::vector<Private::Watcher> &pending = d->pending[d->depth];
    pending.clear();
    for (int i = 0; i < count; ++i) {
        const epoll_event &event = d->ready[size_t(i)];
        const int fd = event.data.fd;
        if (fd < 0) {
            eventfd_t value;
            ::eventfd_read(d->wakeFd, &value);
            d->wakeQueued.store(false, std::memory_order_release);
            ++activated;
            continue;
        }
        if (!withNotifiers || size_t(fd) >= d->watches.size())
            continue;
        const Private::Watch &watch = d->watches[size_t(fd)];
        for (size_t type = 0; type < 3; ++type) {
            if (watch.watchers[type] && (event.events & kActivating[type]))
                pending.push_back(watch.watchers[type]);
        }
    }
    // Activated one by one, from a list that forget() keeps current.
    ++d->depth;
    for (size_t i = 0; i < pending.size(); ++i) {
        const Private::Watcher watcher = std::exchange(pending[i], Private::Watcher{});
        if (watcher.direct) {
            // Taken before the call: the callback may delete its watch.
            const SocketWatch::Callback callback = watcher.direct->m_callback;
            void *const context = watcher.direct->m_context;
            callback(context);
            ++activated;
        } else if (watcher.notifier) {
            QEvent event(QEvent::SockAct);
            QCoreApplication::sendEvent(watcher.notifier, &event);
            ++activated;
        }
    }
    --d->depth;
    pending.clear();
    if (withTimers)
        activated += d->activateTimers();
    return activated > 0;
}

void EpollDispatcher::registerSocketNotifier(QSocketNotifier *notifier) {
    d->place(notifier->socket(), size_t(notifier->type()), Private::Watcher{notifier, nullptr});
}

void EpollDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier) {
    d->forget(notifier->socket(), size_t(notifier->type()), Private::Watcher{notifier, nullptr});
}

void EpollDispatcher::registerWatch(SocketWatch *watch) {
    d->place(watch->m_socket, size_t(watch->m_type), Private::Watcher{nullptr, watch});
}

void EpollDispatcher::unregisterWatch(SocketWatch *watch) {
    d->forget(watch->m_socket, size_t(watch->m_type), Private::Watcher{nullptr, watch});
}

void EpollDispatcher::setPassHook(PassHook hook, void *context) {
    d->passHook = hook;
    d->passHookContext = context;
}

void EpollDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                    QObject *object) {
    if (timerId < 1 || interval < 0 || !object) {
        qWarning("EpollDispatcher::registerTimer: invalid arguments");
        return;
    }
    unregisterTimer(timerId); // an id is registered once
    Private::Timer &timer = d->timers[timerId];
    timer.object = object;
    timer.intervalMs = interval;
    timer.type = timerType;
    d->schedule(timerId, timer, nowMs() + interval);
}

bool EpollDispatcher::unregisterTimer(int timerId) {
    const auto found = d->timers.find(timerId);
    if (found == d->timers.end())
        return false;
    d->due.erase({found->second.dueMs, timerId});
    d->timers.erase(found);
    return true;
}

bool EpollDispatcher::unregisterTimers(QObject *object) {
    bool any = false;
    for (auto it = d->timers.begin(); it != d->timers.end();) {
        if (it->second.object == object) {
            d->due.erase({it->second.dueMs, it->first});
            it = d->timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo>
EpollDispatcher::registeredTimers(QObject *object) const {
    QList<TimerInfo> found;
    for (const auto &[id, timer] : d->timers) {
        if (timer.object == object)
            found.append(TimerInfo(id, int(timer.intervalMs), timer.type));
    }
    return found;
}

int EpollDispatcher::remainingTime(int timerId) {
    const auto found = d->timers.find(timerId);
    if (found == d->timers.end())
        return -1;
    return int(std::clamp<qint64>(found->second.dueMs - nowMs(), 0, INT_MAX));
}

void EpollDispatcher::wakeUp() {
    // One write until the loop has read it: the eventfd stays readable until then.
    if (!d->wakeQueued.exchange(true, std::memory_order_acq_rel))
        ::eventfd_write(d->wakeFd, 1);
}

void EpollDispatcher::interrupt() {
    d->interrupted.store(true);
    wakeUp();
}

QAbstractEventDispatcher *createServingDispatcher() {
    return EpollDispatcher::create();
}

bool watchingIdleIsFree() {
    return dynamic_cast<EpollDispatcher *>(QAbstractEventDispatcher::instance()) != nullptr;
}

#endif

SocketWatch::SocketWatch(qintptr socket, Type type, Callback callback, void *context)
    : m_socket(socket)
    , m_type(type)
    , m_callback(callback)
    , m_context(context) {
#if defined(Q_OS_LINUX)
    m_dispatcher = dynamic_cast<EpollDispatcher *>(QAbstractEventDispatcher::instance());
#endif
    if (!m_dispatcher) {
        m_notifier = std::make_unique<QSocketNotifier>(
            socket, type == Type::Read ? QSocketNotifier::Read : QSocketNotifier::Write);
        m_notifier->setEnabled(false);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated,
                         [this] { m_callback(m_context); });
    }
    setEnabled(true);
}

SocketWatch::~SocketWatch() {
    setEnabled(false);
    if (m_notifier) {
        // Possibly from inside the notifier's own signal: disconnected now (the callback's
        // context may be going too), deleted by the event loop.
        m_notifier->disconnect();
        m_notifier.release()->deleteLater();
    }
}

void SocketWatch::setEnabled(bool enabled) {
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    if (m_notifier) {
        m_notifier->setEnabled(enabled);
        return;
    }
#if defined(Q_OS_LINUX)
    if (enabled)
        m_dispatcher->registerWatch(this);
    else
        m_dispatcher->unregisterWatch(this);
#endif
}

#if !defined(Q_OS_LINUX) // Qt's own dispatcher serves

QAbstractEventDispatcher *createServingDispatcher() {
    return nullptr;
}

bool watchingIdleIsFree() {
    return false;
}

#endif

} // namespace portico::eventloop
