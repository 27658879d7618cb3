#pragma once

#include "proxy/accesscache.h"

#include <QString>

namespace portico::proxy {

class RequestContext;

// GET /v1/models (the routes the key can reach, in OpenAI's list format) and
// GET /v1/models/{route}.
class ModelsHandler {
public:
    static void list(RequestContext &context, const AccessCache::Key &key);
    static void retrieve(RequestContext &context, const AccessCache::Key &key,
                         const QString &route);
};

} // namespace portico::proxy
