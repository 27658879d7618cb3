#include "metering/periodicworker.h"

#include <QDeadlineTimer>

namespace portico::metering {

PeriodicWorker::PeriodicWorker(QString threadName, int intervalMs, std::function<void()> work,
                               FirstRun firstRun, QThread::Priority priority)
    : m_threadName(std::move(threadName))
    , m_intervalMs(intervalMs)
    , m_work(std::move(work))
    , m_firstRun(firstRun)
    , m_priority(priority) {}

PeriodicWorker::~PeriodicWorker() {
    stop();
}

void PeriodicWorker::start() {
    QMutexLocker locker(&m_mutex);
    if (m_thread)
        return;
    m_stopping = false;
    m_woken = m_firstRun == FirstRun::AtStart;
    m_thread = QThread::create([this] { run(); });
    m_thread->setObjectName(m_threadName);
    m_thread->start(m_priority);
}

void PeriodicWorker::stop() {
    QThread *thread = nullptr;
    {
        QMutexLocker locker(&m_mutex);
        thread = m_thread;
        if (!thread)
            return;
        m_stopping = true;
        m_wake.wakeAll();
    }
    thread->wait();
    delete thread;
    QMutexLocker locker(&m_mutex);
    m_thread = nullptr;
}

void PeriodicWorker::wake() {
    QMutexLocker locker(&m_mutex);
    m_woken = true;
    m_wake.wakeAll();
}

bool PeriodicWorker::isStopping() const {
    QMutexLocker locker(&m_mutex);
    return m_stopping;
}

void PeriodicWorker::run() {
    for (;;) {
        {
            QMutexLocker locker(&m_mutex);
            if (!m_woken && !m_stopping)
                m_wake.wait(&m_mutex, QDeadlineTimer(m_intervalMs));
            if (m_stopping)
                return;
            m_woken = false;
        }
        m_work();
    }
}

} // namespace portico::metering
