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

    // What is watched on one descriptor: a notifier of each type at most, as in Qt.
    struct Watch {
        std::array<QSocketNotifier *, 3> notifiers{};
        uint32_t registered = 0; // the events epoll has for it; 0: not in the epoll set
    };
    std::vector<Watch> watches; // by descriptor
    std::array<epoll_event, kEventsPerWait> ready{};
    // The notifiers each pass activates, taken before any of them runs: one that is disabled
    // or deleted meanwhile is nulled here (unregisterSocketNotifier()) and skipped. One list
    // per depth of nested loops (a slot may run a QEventLoop of its own), kept between passes;
    // a deque, so that an outer pass's list stays where it is while an inner one is added.
    std::deque<std::vector<QSocketNotifier *>> pending;
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
            if (watch.notifiers[size_t(type)])
                events |= kAsked[size_t(type)];
        }
        return events;
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
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();

    // Events posted meanwhile (by the events just sent, or by another thread) have written the
    // eventfd: epoll returns at once for them.
    const bool mayWait = flags.testFlag(QEventLoop::WaitForMoreEvents) && !d->interrupted.load();
    if (mayWait)
        Q_EMIT aboutToBlock();
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
    std::vector<QSocketNotifier *> &pending = d->pending[d->depth];
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
            if (watch.notifiers[type] && (event.events & kActivating[type]))
                pending.push_back(watch.notifiers[type]);
        }
    }
    // Sent one by one, from a list that unregisterSocketNotifier() keeps current.
    ++d->depth;
    for (size_t i = 0; i < pending.size(); ++i) {
        if (QSocketNotifier *notifier = pending[i]) {
            pending[i] = nullptr;
            QEvent event(QEvent::SockAct);
            QCoreApplication::sendEvent(notifier, &event);
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
    const qintptr socket = notifier->socket();
    if (socket < 0 || socket > INT_MAX) {
        qWarning("EpollDispatcher: cannot watch socket %lld", qlonglong(socket));
        return;
    }
    const int fd = int(socket);
    if (size_t(fd) >= d->watches.size())
        d->watches.resize(size_t(fd) + 1);
    Private::Watch &watch = d->watches[size_t(fd)];
    QSocketNotifier *&slot = watch.notifiers[size_t(notifier->type())];
    if (slot && slot != notifier) {
        // As in Qt, the newer one wins. The descriptor may be a new one with an old number (the
        // old one closed while its notifier was enabled): epoll forgets what it had, and sync()
        // adds the descriptor afresh.
        qWarning("EpollDispatcher: multiple socket notifiers for socket %d and type %d", fd,
                 int(notifier->type()));
        ::epoll_ctl(d->epollFd, EPOLL_CTL_DEL, fd, nullptr); // gone with the close, or now
        watch.registered = 0;
    }
    slot = notifier;
    d->sync(fd);
}

void EpollDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier) {
    const qintptr socket = notifier->socket();
    if (socket < 0 || size_t(socket) >= d->watches.size())
        return;
    const int fd = int(socket);
    QSocketNotifier *&slot = d->watches[size_t(fd)].notifiers[size_t(notifier->type())];
    if (slot != notifier)
        return;
    slot = nullptr;
    d->sync(fd);
    for (size_t level = 0; level < d->depth; ++level) {
        for (QSocketNotifier *&pending : d->pending[level]) {
            if (pending == notifier)
                pending = nullptr;
        }
    }
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

#else // not Linux: Qt's own dispatcher serves

QAbstractEventDispatcher *createServingDispatcher() {
    return nullptr;
}

bool watchingIdleIsFree() {
    return false;
}

#endif

} // namespace portico::eventloop
