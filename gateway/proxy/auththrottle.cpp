#include "proxy/auththrottle.h"

#include <QMutexLocker>

namespace portico::proxy {

namespace {
constexpr qint64 kWindowMs = 60'000;
}

qint64 AuthThrottle::windowEndMs(qint64 nowMs) {
    return nowMs - (nowMs % kWindowMs) + kWindowMs;
}

void AuthThrottle::roll(qint64 nowMs) {
    const qint64 start = nowMs - (nowMs % kWindowMs);
    if (start != m_windowStart) {
        m_windowStart = start;
        m_refusals.clear();
    }
}

bool AuthThrottle::isThrottled(const QHostAddress &address, qint64 nowMs) {
    if (m_maxRefusals <= 0)
        return false;
    QMutexLocker locker(&m_mutex);
    roll(nowMs);
    if (m_refusals.isEmpty())
        return false; // the usual case: no lookup
    return m_refusals.value(address) >= m_maxRefusals;
}

bool AuthThrottle::noteRefused(const QHostAddress &address, qint64 nowMs) {
    if (m_maxRefusals <= 0)
        return false;
    QMutexLocker locker(&m_mutex);
    roll(nowMs);
    auto it = m_refusals.find(address);
    if (it == m_refusals.end()) {
        if (m_refusals.size() >= kMaxAddresses)
            return false;
        it = m_refusals.insert(address, 0);
    }
    return ++*it == m_maxRefusals;
}

} // namespace portico::proxy
