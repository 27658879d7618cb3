#pragma once

#include "store/records.h"

#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QMutex>

namespace portico::proxy {

// Keeps a flood of refusals without a key from filling the disk: each client address gets
// `recordedPerMinute` refusals (20 by default) with a usage row and a log line of their own per
// clock minute; past that, its refusals are only counted, and once the minute is over they become
// one usage row (request_id "folded:N", error_code "refusals_folded", the most frequent status)
// and one log line (the address, the count by status) per address. /metrics still counts every
// refusal one by one. A refusal without a key is a request answered 400 or more whose usage row
// names no key (no key, a malformed, unknown or throttled one, an unknown endpoint, a request the
// HTTP layer refused); refusals of a known key stay one row each, for its admin.
//
// Memory stays bounded: at most kMaxAddresses addresses are tracked per minute; the refusals of
// further addresses are folded at once into one bucket for all of them (the null address, logged
// as "other addresses"). Thread-safe.
class RefusalFolder {
public:
    static constexpr int kMaxAddresses = 10'000;
    static constexpr qint64 kWindowMs = 60'000;

    // What one address's folded refusals of one minute became.
    struct Folded {
        QHostAddress address; // null: the bucket of the addresses past kMaxAddresses
        qint64 windowStartMs = 0;
        qint64 count = 0;
        QMap<int, qint64> byStatus;
        store::UsageRecord row;
        QString logMessage;
    };

    // 0 or less: never folds (every refusal has its row and line).
    explicit RefusalFolder(int recordedPerMinute = 20, int maxAddresses = kMaxAddresses)
        : m_recordedPerMinute(recordedPerMinute)
        , m_maxAddresses(maxAddresses) {}
    int recordedPerMinute() const { return m_recordedPerMinute; }

    // True when this refusal from `address` at `nowMs` gets its own row and log line; false when
    // it was counted for the minute's folded row instead.
    bool admit(const QHostAddress &address, int status, qint64 nowMs);
    // The folded rows of the minutes that ended before `nowMs` (called every second or so).
    QList<Folded> takeEnded(qint64 nowMs);
    // Everything counted, the current minute included (when the gateway stops).
    QList<Folded> takeAll();

private:
    struct Slot {
        int recorded = 0;
        qint64 folded = 0;
        QMap<int, qint64> byStatus;
    };
    void roll(qint64 nowMs); // called locked
    void closeWindow();      // called locked: the window's folded slots to m_ended
    Folded make(const QHostAddress &address, const Slot &slot) const;

    const int m_recordedPerMinute;
    const int m_maxAddresses;
    QMutex m_mutex;
    qint64 m_windowStart = -1;
    QHash<QHostAddress, Slot> m_slots;
    Slot m_others; // addresses past the bound
    QList<Folded> m_ended;
};

} // namespace portico::proxy
