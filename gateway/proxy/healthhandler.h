#pragma once

namespace portico::proxy {

class RequestContext;

// GET /health: needs no key; says whether the store answers and which config is loaded.
class HealthHandler {
public:
    static void handle(RequestContext &context);
};

} // namespace portico::proxy
