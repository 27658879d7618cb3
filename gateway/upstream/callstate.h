#pragma once

#include "upstream/transferloop.h"
#include "upstream/upstreamclient.h"

#include <atomic>
#include <memory>
#include <mutex>

// Private to portico_upstream: what an UpstreamCall and its transfer share.
namespace portico::upstream::detail {

// The transfer writes events in here from inside libcurl's callbacks, where the call's handlers
// must not run; deliver() hands them over afterwards to the call's receiver. Everything happens in
// the call's thread (that of its TransferLoop); the mutex, uncontended, guards everything from
// `m_mutex` on all the same. `m_receiver` is cleared when the call's owner goes (the
// UpstreamCall or UpstreamCallHandle destructor), so an event is only ever delivered to a live
// receiver.
class CallState : public std::enable_shared_from_this<CallState> {
public:
    virtual ~CallState() = default;

    // transfer (inside libcurl)
    void pushStarted(int status, const QList<QPair<QByteArray, QByteArray>> &headers);
    void pushData(const char *data, size_t size);
    void pushFinished(FailureKind failure, const QString &message);

    // the call
    // Reports go to `receiver`; those made outside the loop's work are queued to `context`, an
    // object of the call's thread (Qt drops them if it is deleted first).
    void attach(UpstreamCallReceiver *receiver, QObject *context);
    void setReceiver(UpstreamCallReceiver *receiver); // a detached call stays detached
    void deliver();
    void detach(); // the call's owner is going away
    void cancel(); // no signal after this; the loop drops the transfer
    void setPaused(bool paused);

    // the call or the loop
    bool isCancelled() const;
    void endActive(); // stops counting in activeCounter; only the first call counts

    // Set once at creation, read-only afterwards.
    std::weak_ptr<TransferLoop> loop;
    std::shared_ptr<std::atomic<int>> activeCounter; // UpstreamClient::activeCalls()

private:
    void postLocked();

    std::atomic<bool> m_active{true};

    mutable std::mutex m_mutex;
    UpstreamCallReceiver *m_receiver = nullptr;
    QObject *m_context = nullptr;
    bool m_cancelled = false;
    bool m_paused = false;
    bool m_deliveryPosted = false;
    bool m_startedPending = false;
    int m_status = 0;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    QByteArray m_data;
    bool m_finishedPending = false;
    FailureKind m_failure = FailureKind::None;
    QString m_message;
};

} // namespace portico::upstream::detail
