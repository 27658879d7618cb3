#pragma once

#include "store/records.h"
#include "store/result.h"

#include <QList>
#include <QString>

#include <optional>

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

// How the limits of keys and groups count (the gateway counts, the window shows the counts):
// requests and tokens per minute, spending per calendar day or month in UTC.
namespace limitwindows {
QString keySubject(const QString &keyUuid);      // "key:<uuid>"
QString groupSubject(const QString &groupUuid);  // "group:<uuid>"
inline constexpr char kRequests[] = "requests";  // per minute
inline constexpr char kTokens[] = "tokens";      // prompt + completion, per minute
inline constexpr char kSpendUsd[] = "spend_usd"; // per budget period
// The window of the per-minute measures that holds `nowMs`: [start, end).
qint64 minuteStart(qint64 nowMs);
qint64 minuteEnd(qint64 nowMs);
// The budget period that holds `nowMs` (a UTC calendar day or month): [start, end).
qint64 periodStart(BudgetPeriod period, qint64 nowMs);
qint64 periodEnd(BudgetPeriod period, qint64 nowMs);
} // namespace limitwindows

// A request's share of a counter, taken before the request runs: `amount` is added to the
// counter unless the counter would then exceed `limit`.
struct LimitHold {
    QString subject;
    QString measure;
    qint64 windowStart = 0;
    double amount = 0.0;
    std::optional<double> limit; // none: counted, never refused
};

// What a key or group used of its limits in the current windows.
struct LimitUse {
    double requestsThisMinute = 0;
    double tokensThisMinute = 0;
    double spentUsd = 0; // in the current budget period (day or month)
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
    // started before `forgetBefore`, and per-minute ones (requests, tokens) that started before
    // `forgetMinutesBefore` (0: neither). Not an admin change: readers of keys do not reload.
    Status add(const QList<LimitCounter> &deltas, qint64 forgetBefore,
               qint64 forgetMinutesBefore = 0);
    // Adds every hold's amount to its counter, all of them or none: the index in `holds` of the
    // first that would exceed its limit (nothing is added then), or -1 when all were added.
    // Atomic among all gateways on the store; on PostgreSQL it waits only for other writers of
    // the same counters (Transaction::Locking::RowsOnly), not for the store's other writes.
    Result<qsizetype> hold(const QList<LimitHold> &holds);
    // What `subject` used in the windows that hold `nowMs`, as last saved by the gateways
    // (they save about once a second).
    Result<LimitUse> use(const QString &subject, BudgetPeriod period, qint64 nowMs) const;

private:
    Database &m_db;
};

} // namespace portico::store
