#pragma once

#include <QHostAddress>
#include <QObject>
#include <QString>

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

namespace portico::proxy {

struct GatewayOptions {
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8000;
    int workerThreads = 2;
    int idleTimeoutMs = 60'000;
    int maxConnections = 1024;
    qint64 maxBodyBytes = 10 * 1024 * 1024;
    // A non-streamed upstream answer is read whole before it is passed on: one larger than this
    // is refused (502 upstream_answer_too_large), and all of them together, from their first
    // byte until their client has taken them, hold at most the budget (else 503
    // upstream_answers_over_budget). A streamed answer is relayed event by event; one event
    // larger than the per-answer bound is refused the same way.
    qint64 maxUpstreamAnswerBytes = 16 * 1024 * 1024;
    qint64 upstreamAnswerBudgetBytes = 256 * 1024 * 1024;
    // Refused keys per minute from one address before its invalid keys get 429 at once without
    // a look at the store (AuthThrottle); 0 turns the throttle off.
    int failedAuthPerMinute = 20;
    // Refusals without a key per minute from one address that get a usage row and a log line
    // each; past it they are folded into one row and line per address and minute
    // (RefusalFolder). 0 turns folding off.
    int refusalsPerMinute = 20;
    // Where the gateway writes its structured log; null: the gateway makes its own.
    std::shared_ptr<metering::GatewayLog> log;
    // False: requests write no usage row, no "request" log line and no request metrics. For
    // benchmarks only (`serve --no-metering`: bench/run.sh measures what metering costs); the
    // gateway is not meant to run so.
    bool metering = true;
    // Raw usage rows are deleted after this many days when config.yaml keeps them for ever
    // (usage.raw_retention_days unset or 0); config.yaml's value wins when set. The desktop
    // app's setting; 0, as for `serve`: config.yaml alone decides.
    int fallbackRawRetentionDays = 0;
};

// The gateway: OpenAI-compatible API over the store and the config. Used by `portico-gateway
// serve` and embedded in the desktop app (on its own threads: the window never stalls it).
// Create and start it in one thread; request handling happens in the HTTP worker threads.
class Gateway : public QObject {
    Q_OBJECT
public:
    Gateway(std::shared_ptr<store::Database> database,
            std::shared_ptr<config::ConfigManager> config, GatewayOptions options,
            QObject *parent = nullptr);
    ~Gateway() override; // stops and flushes usage rows

    // Starts listening. On failure returns false; errorString() says why
    // ("127.0.0.1:8000 is already in use: stop the other program or choose another port").
    bool start();
    // Stops listening, finishes or cancels requests in flight and flushes usage rows.
    void stop();
    bool isListening() const;
    QString listenAddress() const; // "127.0.0.1:8000"
    quint16 port() const; // the bound port (useful after listening on port 0); 0 if not listening
    QString errorString() const;
    metering::GatewayLog *log() const;

Q_SIGNALS:
    void listeningChanged(bool listening);

private:
    class Private;
    std::unique_ptr<Private> d;
};

} // namespace portico::proxy
