#pragma once

#include <QMutex>
#include <QString>
#include <QThread>
#include <QWaitCondition>

#include <functional>

namespace portico::metering {

// A thread of its own that runs `work` every `intervalMs`, and sooner when woken: the gateway's
// housekeeping (the access cache's poll of other processes, the usage retention) must keep its
// pace whatever the thread that owns it is busy with, and must stop promptly with the gateway.
class PeriodicWorker {
public:
    enum class FirstRun { AfterInterval, AtStart };

    PeriodicWorker(QString threadName, int intervalMs, std::function<void()> work,
                   FirstRun firstRun = FirstRun::AfterInterval,
                   QThread::Priority priority = QThread::InheritPriority);
    ~PeriodicWorker(); // stop()
    PeriodicWorker(const PeriodicWorker &) = delete;
    PeriodicWorker &operator=(const PeriodicWorker &) = delete;

    void start();
    // Returns once the thread has ended; work in progress finishes first (long work should ask
    // isStopping() between steps).
    void stop();
    // Runs the work as soon as the thread is free. Thread-safe.
    void wake();
    // True once stop() was called. Thread-safe.
    bool isStopping() const;

private:
    void run();

    const QString m_threadName;
    const int m_intervalMs;
    const std::function<void()> m_work;
    const FirstRun m_firstRun;
    const QThread::Priority m_priority;
    mutable QMutex m_mutex;
    QWaitCondition m_wake;
    bool m_woken = false;
    bool m_stopping = false;
    QThread *m_thread = nullptr;
};

} // namespace portico::metering
