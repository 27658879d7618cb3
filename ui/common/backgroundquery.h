#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace portico::ui {

// Runs `work` on the global thread pool and hands its result to `done` in `receiver`'s thread.
// The store is read with the worker thread's own connection (Database::connection() is per
// thread), so a slow query over millions of rows never blocks the window. If `receiver` is
// destroyed first, the result is dropped.
template <typename Work, typename Done>
void runInBackground(QObject *receiver, Work work, Done done) {
    using Value = decltype(work());
    auto *watcher = new QFutureWatcher<Value>(receiver);
    QObject::connect(watcher, &QFutureWatcherBase::finished, receiver,
                     [watcher, done = std::move(done)]() mutable {
                         watcher->deleteLater();
                         done(watcher->result());
                     });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

} // namespace portico::ui
