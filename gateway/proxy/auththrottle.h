#pragma once

#include <QHash>
#include <QHostAddress>
#include <QMutex>

namespace portico::proxy {

// Slows down whoever guesses keys: after `maxRefusals` (20 by default) refused keys within one
// minute (windows aligned on the clock's minutes) from one client address, that address's further
// requests with an invalid key are refused at once, without a look at the store, for the rest of
// the minute. Requests with a valid key still pass. Memory stays bounded: the counts are forgotten
// each minute, and at most kMaxAddresses addresses are counted per minute. Thread-safe.
class AuthThrottle {
public:
    static constexpr int kMaxAddresses = 100'000;

    // 0 or less: never throttles.
    explicit AuthThrottle(int maxRefusals = 20)
        : m_maxRefusals(maxRefusals) {}
    int maxRefusals() const { return m_maxRefusals; }

    // True when `address` is throttled in the minute that holds `nowMs`.
    bool isThrottled(const QHostAddress &address, qint64 nowMs);
    // Counts a refused key; true when this refusal is the one that starts the throttle (the
    // caller logs it, once per address and minute).
    bool noteRefused(const QHostAddress &address, qint64 nowMs);
    // The minute's end, for Retry-After.
    static qint64 windowEndMs(qint64 nowMs);

private:
    void roll(qint64 nowMs);

    const int m_maxRefusals;
    QMutex m_mutex;
    qint64 m_windowStart = -1;
    QHash<QHostAddress, int> m_refusals;
};

} // namespace portico::proxy
