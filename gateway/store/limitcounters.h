#pragma once

#include "store/result.h"

#include <QList>
#include <QString>

namespace portico::store {

class Database;

// How much a subject (a key, a group) used of a measure (requests, tokens, dollars) in the window
// that starts at `windowStart` (ms since the epoch, UTC).
struct LimitCounter {
    QString subject;
    QString measure;
    qint64 windowStart = 0;
    double used = 0.0;
};

// The counts of the limits' current windows, kept in the store so that a restarted gateway goes
// on counting where it stopped (and, on a shared store, so that gateways add up). The gateway
// counts in memory and adds what it counted here about once a second.
class LimitCounterStore {
public:
    explicit LimitCounterStore(Database &db);

    // Every counter whose window started at or after `since`.
    Result<QList<LimitCounter>> load(qint64 since) const;
    // Adds each delta to its counter (creating it), in one transaction, and forgets windows that
    // started before `forgetBefore`. Not an admin change: readers of keys do not reload.
    Status add(const QList<LimitCounter> &deltas, qint64 forgetBefore);

private:
    Database &m_db;
};

} // namespace portico::store
