#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace portico::store {
class Database;
}
namespace portico::config {
class ConfigManager;
}

namespace portico::metering {
class GatewayLog;
}

namespace portico::ui {

class ProviderKeys;
class StoreWatcher;

// What every page of the desktop app needs: the shared store, the config, who is acting (for the
// audit trail) and where the embedded gateway listens (for the ready-to-paste examples).
// Pages never reach into the HTTP server: they only see this.
struct AppContext {
    std::shared_ptr<store::Database> database;
    std::shared_ptr<config::ConfigManager> config;
    QString actor;                              // "desktop:<user>"
    std::function<QString()> gatewayBaseUrl;    // "http://127.0.0.1:8000", empty when stopped
    StoreWatcher *storeWatcher = nullptr;       // emits storeChanged() for any change, any process
    std::shared_ptr<metering::GatewayLog> gatewayLog; // the embedded gateway's log (Logs page)
    // Upstream API keys in the OS keychain (Routes, Set API Key); null: no way to set them.
    ProviderKeys *providerKeys = nullptr;
};

} // namespace portico::ui
