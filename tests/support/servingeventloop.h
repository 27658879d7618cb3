#pragma once

// For the tests that link portico_eventloop: the test's main thread on the event loop of the
// gateway's HTTP workers (gateway/eventloop/epolldispatcher.h) instead of Qt's own.

#include "eventloop/epolldispatcher.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>

#include <cstdio>

namespace portico::testsupport {

// Installs the serving event loop for the main thread. Call it before the QCoreApplication
// exists. False, with the reason on stderr, where the system has no epoll.
inline bool useServingEventLoop() {
    QAbstractEventDispatcher *dispatcher = eventloop::createServingDispatcher();
    if (!dispatcher) {
        std::fprintf(stderr, "no epoll here: the serving event loop cannot run\n");
        return false;
    }
    QCoreApplication::setEventDispatcher(dispatcher);
    return true;
}

} // namespace portico::testsupport
