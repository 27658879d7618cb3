#pragma once

#include "http/httpserver.h"

#include <atomic>

namespace portico::http {

// What the listening thread shares with the worker threads. Written before the workers start,
// then only read, except the connection count.
struct ServerState {
    Handler handler;
    RejectionHandler rejectionHandler;
    HeadCheck headCheck;
    Limits limits;
    std::atomic<int> openConnections{0};
};

} // namespace portico::http
