#include "http/looptail.h"

#include "eventloop/epolldispatcher.h"

#include <QAbstractEventDispatcher>
#include <QPointer>
#include <QThread>

#include <vector>

namespace portico::http::looptail {

namespace {

struct Entry {
    QPointer<QObject> owner;
    Task task;
};

// The tail of one thread's loop.
class Tail {
public:
    ~Tail() {
        unhook();
        // The thread is ending: its loop will not come round again. Tasks are moot then, but
        // what was left for deletion is deleted, as Qt does with deferred deletes.
        for (Entry &entry : m_entries) {
            if (entry.owner && entry.task == deleteTask)
                delete entry.owner.data();
        }
    }

    static void deleteTask(QObject *object) { delete object; }

    // False when this thread has no event dispatcher to hook.
    bool add(QObject *owner, Task task) {
        if (!hook())
            return false;
        m_entries.push_back(Entry{owner, task});
        return true;
    }

    void runAll() {
        // Tasks may add tasks: taken in batches until none is left. The vector keeps its memory
        // between rounds.
        while (!m_entries.empty()) {
            m_running.swap(m_entries);
            for (Entry &entry : m_running) {
                if (QObject *owner = entry.owner.data())
                    entry.task(owner);
            }
            m_running.clear();
        }
    }

private:
    bool hook() {
        QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
        if (dispatcher == m_hooked && dispatcher)
            return true;
        if (!dispatcher)
            return false;
        // A dispatcher the tail has not seen (the first call in this thread, or a new
        // dispatcher): hooked once, for the life of the dispatcher. The serving threads' own
        // dispatcher calls the tail directly; any other, through its signals.
        unhook();
        m_hooked = dispatcher;
        if (auto *epoll = dynamic_cast<eventloop::EpollDispatcher *>(dispatcher)) {
            epoll->setPassHook([](void *tail) { static_cast<Tail *>(tail)->runAll(); }, this);
            m_direct = true;
            return true;
        }
        const auto runTail = [this] { runAll(); };
        m_onAboutToBlock = QObject::connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock,
                                            dispatcher, runTail, Qt::DirectConnection);
        m_onAwake = QObject::connect(dispatcher, &QAbstractEventDispatcher::awake, dispatcher,
                                     runTail, Qt::DirectConnection);
        return true;
    }

    void unhook() {
        if (m_direct && m_hooked) {
            if (auto *epoll = dynamic_cast<eventloop::EpollDispatcher *>(m_hooked.data()))
                epoll->setPassHook(nullptr, nullptr);
        }
        m_direct = false;
        QObject::disconnect(m_onAboutToBlock);
        QObject::disconnect(m_onAwake);
    }

    QPointer<QAbstractEventDispatcher> m_hooked;
    bool m_direct = false; // hooked with EpollDispatcher::setPassHook()
    QMetaObject::Connection m_onAboutToBlock;
    QMetaObject::Connection m_onAwake;
    std::vector<Entry> m_entries;
    std::vector<Entry> m_running;
};

Tail &tailOfThisThread() {
    static thread_local Tail tail;
    return tail;
}

} // namespace

void run(QObject *owner, Task task) {
    if (tailOfThisThread().add(owner, task))
        return;
    QMetaObject::invokeMethod(
        owner, [owner, task] { task(owner); }, Qt::QueuedConnection);
}

void deleteObject(QObject *object) {
    if (!tailOfThisThread().add(object, &Tail::deleteTask))
        object->deleteLater();
}

} // namespace portico::http::looptail
