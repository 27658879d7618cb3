#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>

#include <memory>

// HTTP client for upstream model servers on libcurl's multi interface. One QNetworkAccessManager
// opens at most 6 connections per host (Qt 6.4 cannot raise it) and a streamed answer holds its
// connection for its whole length; libcurl multi runs hundreds of transfers to one host at once
// and keeps connections alive between them.
namespace portico::upstream {

struct UpstreamRequest {
    QByteArray method = "POST";
    QByteArray url;                               // absolute http:// or https:// URL
    QList<QPair<QByteArray, QByteArray>> headers; // Content-Type etc.; never the client's key
    QByteArray body;
    int connectTimeoutMs = 10'000;
    int totalTimeoutMs = 120'000; // whole transfer; 0: none
};

// Why a call ended without an HTTP answer.
enum class FailureKind { None, Connect, Timeout, Cancelled, Other };

namespace detail {
class CallState;
}

// What an UpstreamCall reports, as plain calls (see UpstreamCall::setReceiver()).
class UpstreamCallReceiver {
public:
    virtual void upstreamResponseStarted(int status,
                                         const QList<QPair<QByteArray, QByteArray>> &headers) = 0;
    virtual void upstreamDataReceived(const QByteArray &data) = 0;
    virtual void upstreamFinished(FailureKind failure, const QString &message) = 0;

protected:
    ~UpstreamCallReceiver() = default;
};

// One upstream call without a QObject of its own: the reports go to a Receiver as plain calls,
// in the thread that started it. Destroying or resetting the handle cancels the call; no report
// follows. The gateway's calls are made so: a QObject per request, with its construction, its
// parent's bookkeeping and its deletion, cost about 2,000 instructions a request.
class UpstreamCallHandle {
public:
    UpstreamCallHandle() = default;
    ~UpstreamCallHandle() { reset(); }
    UpstreamCallHandle(UpstreamCallHandle &&other) noexcept = default;
    UpstreamCallHandle &operator=(UpstreamCallHandle &&other) noexcept {
        if (this != &other) {
            reset();
            m_state = std::move(other.m_state);
        }
        return *this;
    }
    UpstreamCallHandle(const UpstreamCallHandle &) = delete;
    UpstreamCallHandle &operator=(const UpstreamCallHandle &) = delete;

    explicit operator bool() const { return bool(m_state); }
    // As UpstreamCall::cancel() and setPaused().
    void cancel();
    void setPaused(bool paused);
    // Cancels the call (if any) and lets it go.
    void reset();

private:
    friend class UpstreamClient;
    friend class UpstreamCall;
    std::shared_ptr<detail::CallState> m_state;
};

// One upstream call. Its signals are delivered in the thread of the QObject it was created for
// (the `context` passed to UpstreamClient::start), so a handler never needs locks.
class UpstreamCall : public QObject, private UpstreamCallReceiver {
    Q_OBJECT
public:
    // The same three reports as the signals, as plain calls. By default the call is its own
    // receiver and emits the signals; a receiver set with setReceiver() gets the reports
    // instead. The gateway receives them so: three connections and three signal emissions per
    // request cost it more than the rest of the call's delivery.
    using Receiver = UpstreamCallReceiver;

    ~UpstreamCall() override;

    // From now on the reports go to `receiver` and no signal is emitted (null: the signals
    // again). It must outlive the call (or delete the call first); the same rules as for slots
    // apply (it may cancel, pause or delete the call from any report).
    void setReceiver(Receiver *receiver);

    // Stops the transfer (for example because the client went away). No signal follows.
    void cancel();
    // Back-pressure: pause receiving while the client reads slowly, resume when it drained.
    void setPaused(bool paused);

Q_SIGNALS:
    // The status line and headers arrived (names lower-cased).
    void responseStarted(int status, const QList<QPair<QByteArray, QByteArray>> &headers);
    // Body bytes as they arrive, in order.
    void dataReceived(const QByteArray &data);
    // The call ended. failure == None: the whole answer was received (any HTTP status).
    // Otherwise `message` says what went wrong (no secrets, no URL credentials).
    void finished(portico::upstream::FailureKind failure, const QString &message);

private:
    friend class UpstreamClient;
    explicit UpstreamCall(QObject *parent);
    UpstreamCallHandle m_handle; // cancels the call when the object goes
    // Receiver: emits the signals.
    void upstreamResponseStarted(int status,
                                 const QList<QPair<QByteArray, QByteArray>> &headers) override {
        Q_EMIT responseStarted(status, headers);
    }
    void upstreamDataReceived(const QByteArray &data) override { Q_EMIT dataReceived(data); }
    void upstreamFinished(FailureKind failure, const QString &message) override {
        Q_EMIT finished(failure, message);
    }
};

// The shared client. Each thread that starts calls gets a libcurl multi handle of its own, with
// its own pool of kept-alive connections, driven by that thread's event loop: a gateway worker
// serves a request start to finish on its thread. Calls must be started from a thread that runs
// an event loop. Thread-safe.
class UpstreamClient {
public:
    UpstreamClient();
    // Cancels what is still running: at once in this thread, through their event loops in the
    // others.
    ~UpstreamClient();
    UpstreamClient(const UpstreamClient &) = delete;
    UpstreamClient &operator=(const UpstreamClient &) = delete;

    // Starts a call. The returned object is a child of `context` and lives in its thread; its
    // signals arrive there. Delete it (or its parent) to cancel.
    UpstreamCall *start(const UpstreamRequest &request, QObject *context);
    // Starts a call whose reports go to `receiver`, which must outlive the handle (the same
    // rules as for UpstreamCall::setReceiver()). Reports made outside the transfer loop's own
    // work are queued to `context`, an object of this thread: none arrives once it is deleted.
    UpstreamCallHandle start(const UpstreamRequest &request, UpstreamCallReceiver *receiver,
                             QObject *context);

    int activeCalls() const;

private:
    // Hands the call to this thread's plain or libcurl loop.
    void startTransfer(const std::shared_ptr<detail::CallState> &state,
                       const UpstreamRequest &request);

    class Private;
    std::unique_ptr<Private> d;
};

} // namespace portico::upstream

Q_DECLARE_METATYPE(portico::upstream::FailureKind)
