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
// `m_mutex` on all the same. `m_call` is cleared by the UpstreamCall destructor, so an event is
// only ever delivered to a live object; Qt drops the events still queued for an object when it
// is destroyed.
class CallState : public std::enable_shared_from_this<CallState> {
public:
    virtual ~CallState() = default;

    // transfer (inside libcurl)
    void pushStarted(int status, const QList<QPair<QByteArray, QByteArray>> &headers);
    void pushData(const char *data, size_t size);
    void pushFinished(FailureKind failure, const QString &message);

    // the call
    void attach(UpstreamCall *call);
    void deliver();
    void detach(); // the UpstreamCall is going away
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
    UpstreamCall *m_call = nullptr;
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
