#pragma once

#include "http/httpserver.h"

#include <functional>
#include <memory>

namespace portico::proxy {

struct GatewayServices;
class RequestContext;

// The HTTP handler: finds the endpoint for a request and runs the checks in the refusal order of
// docs/ARCHITECTURE.md (key, request, route, access, limits) before handing
// model calls to a CompletionExchange. Called in the HTTP worker threads.
class RequestRouter {
public:
    explicit RequestRouter(GatewayServices &services);

    void handle(const http::Request &request, http::Responder *responder);
    // http::HeadCheck: refuses what the head alone shows to be refused (an unknown endpoint, a
    // missing or invalid key, a key that reaches no route) before the body is read.
    bool checkHead(const http::Request &head, const std::function<http::Responder *()> &refuse);
    // A request the HTTP server refused before it was complete (too large, malformed, too slow,
    // too many connections): answered, logged, counted and recorded like every other request,
    // with its key when the headers were read and name a valid one.
    void handleRejection(const http::Request &partial, const http::Rejection &rejection,
                         http::Responder *responder);

private:
    void handleCompletion(const std::shared_ptr<RequestContext> &context,
                          const http::Request &request, bool embeddings);
    void handleModels(const std::shared_ptr<RequestContext> &context, const http::Request &request,
                      const QString &route);

    GatewayServices &m_services;
};

} // namespace portico::proxy
