#include "upstream/callstate.h"

#include <QMetaObject>

namespace portico::upstream::detail {

void CallState::pushStarted(int status, const QList<QPair<QByteArray, QByteArray>> &headers) {
    std::lock_guard lock(m_mutex);
    m_startedPending = true;
    m_status = status;
    m_headers = headers;
    postLocked();
}

void CallState::pushData(const char *data, size_t size) {
    std::lock_guard lock(m_mutex);
    if (m_cancelled)
        return;
    m_data.append(data, qsizetype(size));
    postLocked();
}

void CallState::pushFinished(FailureKind failure, const QString &message) {
    // Before the signal can run: a handler of finished() must not still see the call counted.
    endActive();
    std::lock_guard lock(m_mutex);
    m_finishedPending = true;
    m_failure = failure;
    m_message = message;
    postLocked();
}

void CallState::endActive() {
    if (m_active.exchange(false) && activeCounter)
        activeCounter->fetch_sub(1);
}

// At most one delivery is pending at a time: it batches whatever libcurl produced until it runs,
// without ever holding data back. Produced while libcurl works in the loop (the usual case),
// it runs as soon as libcurl has returned; otherwise from the event loop.
void CallState::postLocked() {
    if (m_deliveryPosted || m_cancelled || !m_receiver)
        return;
    const bool deliverable =
        m_startedPending || (!m_paused && (!m_data.isEmpty() || m_finishedPending));
    if (!deliverable)
        return;
    m_deliveryPosted = true;
    if (const auto l = loop.lock(); l && l->isWorking()) {
        l->deliverAfterwards(shared_from_this());
        return;
    }
    QMetaObject::invokeMethod(
        m_context, [self = shared_from_this()] { self->deliver(); }, Qt::QueuedConnection);
}

void CallState::deliver() {
    UpstreamCallReceiver *receiver = nullptr;
    bool emitStarted = false;
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray data;
    bool emitFinished = false;
    FailureKind failure = FailureKind::None;
    QString message;
    {
        std::lock_guard lock(m_mutex);
        m_deliveryPosted = false;
        if (m_cancelled || !m_receiver)
            return;
        receiver = m_receiver;
        if (m_startedPending) {
            emitStarted = true;
            m_startedPending = false;
            status = m_status;
            headers.swap(m_headers);
        }
        if (!m_paused) {
            data.swap(m_data);
            if (m_finishedPending) {
                emitFinished = true;
                m_finishedPending = false;
                failure = m_failure;
                message = m_message;
            }
        }
    }

    // A receiver may delete, cancel or pause the call; check before each further report. Deleting
    // the call cancels it (detach()), and the caller's reference keeps this state alive.
    const auto stillWanted = [&] {
        std::lock_guard lock(m_mutex);
        return !m_cancelled;
    };
    if (emitStarted) {
        receiver->upstreamResponseStarted(status, headers);
        if (!stillWanted())
            return;
    }
    if (!data.isEmpty()) {
        receiver->upstreamDataReceived(data);
        if (!stillWanted())
            return;
    }
    if (emitFinished) {
        {
            std::lock_guard lock(m_mutex);
            if (m_paused) {
                m_finishedPending = true;
                m_failure = failure;
                m_message = message;
                return;
            }
        }
        receiver->upstreamFinished(failure, message);
    }
}

void CallState::attach(UpstreamCallReceiver *receiver, QObject *context) {
    std::lock_guard lock(m_mutex);
    m_receiver = receiver;
    m_context = context;
}

void CallState::setReceiver(UpstreamCallReceiver *receiver) {
    std::lock_guard lock(m_mutex);
    if (m_receiver)
        m_receiver = receiver;
}

void CallState::detach() {
    cancel();
    std::lock_guard lock(m_mutex);
    m_receiver = nullptr;
}

void CallState::cancel() {
    {
        std::lock_guard lock(m_mutex);
        if (m_cancelled)
            return;
        m_cancelled = true;
        m_data.clear();
    }
    endActive();
    if (const auto l = loop.lock())
        l->remove(shared_from_this());
}

void CallState::setPaused(bool pause) {
    {
        std::lock_guard lock(m_mutex);
        if (m_paused == pause || m_cancelled)
            return;
        m_paused = pause;
        if (!pause)
            postLocked();
    }
    if (const auto l = loop.lock())
        l->setPaused(shared_from_this(), pause);
}

bool CallState::isCancelled() const {
    std::lock_guard lock(m_mutex);
    return m_cancelled;
}

void TransferLoop::deliverPending() {
    // The list kept between calls keeps its room. A delivery's receiver may run an event loop
    // that delivers again (nested): the outer call is still working through that list, so the
    // nested one takes a list of its own.
    std::vector<std::shared_ptr<CallState>> nested;
    std::vector<std::shared_ptr<CallState>> &batch = m_delivering.empty() ? m_delivering : nested;
    while (!m_deliveries.empty()) {
        batch.swap(m_deliveries);
        for (const auto &state : batch)
            state->deliver();
        batch.clear();
    }
}

} // namespace portico::upstream::detail
