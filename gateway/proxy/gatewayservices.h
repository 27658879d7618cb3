#pragma once

#include "http/httpserver.h"

#include <QDateTime>
#include <QHostAddress>

#include <atomic>
#include <memory>

namespace portico::store {
class Database;
}
namespace portico::config {
class ConfigManager;
}
namespace portico::upstream {
class UpstreamClient;
}

namespace portico::metering {
class UsageRecorder;
class MetricsRegistry;
class GatewayLog;
} // namespace portico::metering

namespace portico::proxy {

class AccessCache;
class AnswerBudget;
class AuthThrottle;
class KeyLimiter;
class RateLimiter;
class RefusalFolder;

// What request handling shares across worker threads; owned by the Gateway, outlives the
// HTTP server. Every member is thread-safe.
struct GatewayServices {
    std::shared_ptr<store::Database> database;
    std::shared_ptr<config::ConfigManager> config;
    upstream::UpstreamClient *upstream = nullptr;
    AccessCache *access = nullptr;
    metering::UsageRecorder *usage = nullptr;
    RateLimiter *limiter = nullptr;  // the route limits of config.yaml
    KeyLimiter *keyLimits = nullptr; // the limits and budgets of keys and groups
    AuthThrottle *authThrottle = nullptr;
    RefusalFolder *refusals = nullptr; // null: every refusal has its row
    metering::MetricsRegistry *metrics = nullptr;
    metering::GatewayLog *log = nullptr;
    http::Limits limits;
    AnswerBudget *answerBudget = nullptr;             // GatewayOptions::upstreamAnswerBudgetBytes
    qint64 maxUpstreamAnswerBytes = 16 * 1024 * 1024; // GatewayOptions::maxUpstreamAnswerBytes
    bool metering = true;                             // GatewayOptions::metering
    // Where the gateway listens: /health and /metrics answer a Host that is this address.
    QHostAddress listenAddress = QHostAddress::LocalHost;
    qint64 startedAtSecs = QDateTime::currentSecsSinceEpoch();
    std::atomic<int> requestsInFlight{0};
};

} // namespace portico::proxy
