#pragma once

#include <QObject>

// Work left for the moment this thread's event loop has finished its round of events and is
// about to wait again: what a queued call or deleteLater() does, without posting an event.
//
// Why: posting an event wakes the loop through its eventfd. Once per request that is a write,
// a poll that returns at once and a read, three system calls on top of the request's own six
// (measured with strace at one connection), plus Qt's posted-event machinery. The event
// dispatcher says when it is about to block (aboutToBlock) and when it has woken (awake), with
// no system call; the tail runs on both, so it also runs under processEvents() without waiting
// (QTest::qWait), where aboutToBlock is never emitted.
//
// Everything here is per thread and used from one thread only. A thread without an event
// dispatcher falls back to the posted event.
namespace portico::http::looptail {

using Task = void (*)(QObject *owner);

// Runs `task(owner)` before the loop waits again, unless `owner` has been deleted by then.
// Tasks run in the order they were left; a task may leave further ones, which run in the same
// tail.
void run(QObject *owner, Task task);

// deleteLater() without the posted event: deletes `object` before the loop waits again (unless
// it was deleted meanwhile). Never inside the caller's own stack frame, so an object may leave
// itself for deletion from its own member function, as with deleteLater().
void deleteObject(QObject *object);

} // namespace portico::http::looptail
