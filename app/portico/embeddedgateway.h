#pragma once

#include "proxy/gateway.h"

#include <QObject>
#include <QString>
#include <QThread>

#include <memory>

namespace portico::store {
class Database;
}
namespace portico::config {
class ConfigManager;
}
namespace portico::ui {
class MainWindow;
}

namespace portico::app {

// The gateway of `portico-gateway serve`, run inside the desktop app on a thread of its own.
// Every call here returns at once: start, stop and port changes are posted to the gateway's
// thread, and the outcome comes back through statusChanged(). So the window never waits for the
// gateway, and a modal dialog in the window never stalls a request.
class EmbeddedGateway : public QObject {
    Q_OBJECT
public:
    EmbeddedGateway(std::shared_ptr<store::Database> database,
                    std::shared_ptr<config::ConfigManager> config, proxy::GatewayOptions options,
                    QObject *parent = nullptr);
    // Stops the gateway (flushing its usage rows) and joins its thread.
    ~EmbeddedGateway() override;

    void start();
    void stop();
    // Restarts on another port (after the configured one turned out to be taken).
    void setPort(quint16 port);
    // New settings (the settings dialog's): a gateway that listens restarts with them at once,
    // one that does not uses them when it next starts.
    void reconfigure(const QHostAddress &address, quint16 port, int fallbackRetentionDays);
    const proxy::GatewayOptions &options() const { return m_options; }

    // The last state reported by the gateway's thread.
    bool isListening() const { return m_listening; }
    QString listenAddress() const { return m_address; }
    QString errorString() const { return m_error; }
    // "http://127.0.0.1:8000" while listening, empty otherwise.
    QString baseUrl() const;

Q_SIGNALS:
    void statusChanged(bool listening, const QString &address, const QString &error);

private:
    // Runs in the gateway's thread.
    void startInThread(proxy::GatewayOptions options, bool recreate);
    void stopInThread();
    void reconfigureInThread(proxy::GatewayOptions options);
    void report(bool listening, const QString &address, const QString &error);

    std::shared_ptr<store::Database> m_database;
    std::shared_ptr<config::ConfigManager> m_config;
    proxy::GatewayOptions m_options;
    QThread m_thread;
    QObject *m_threadContext = nullptr;  // lives in m_thread; invokeMethod target
    proxy::Gateway *m_gateway = nullptr; // created, used and deleted in m_thread only

    bool m_listening = false;
    QString m_address;
    QString m_error;
};

// The window's side of an embedded gateway, as the app wires it (and the GUI tests with it): the
// gateway's state shown in the window, and the window's Start, Stop and "use another port" asked
// of the gateway.
void connectWindow(EmbeddedGateway &gateway, ui::MainWindow &window);

} // namespace portico::app
