#include "store/limitcounters.h"

#include "store/storeinternal.h"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace portico::store {

using namespace detail;

namespace limitwindows {

QString keySubject(const QString &keyUuid) {
    return QStringLiteral("key:") + keyUuid;
}

QString groupSubject(const QString &groupUuid) {
    return QStringLiteral("group:") + groupUuid;
}

qint64 minuteStart(qint64 nowMs) {
    return nowMs - (nowMs % 60'000);
}

qint64 minuteEnd(qint64 nowMs) {
    return minuteStart(nowMs) + 60'000;
}

namespace {
QDate dayOf(qint64 nowMs) {
    return QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC).date();
}
qint64 startOf(QDate day) {
    return QDateTime(day, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
}
} // namespace

qint64 periodStart(BudgetPeriod period, qint64 nowMs) {
    const QDate day = dayOf(nowMs);
    return startOf(period == BudgetPeriod::Day ? day : QDate(day.year(), day.month(), 1));
}

qint64 periodEnd(BudgetPeriod period, qint64 nowMs) {
    const QDate day = dayOf(nowMs);
    return startOf(period == BudgetPeriod::Day ? day.addDays(1)
                                               : QDate(day.year(), day.month(), 1).addMonths(1));
}

} // namespace limitwindows

LimitCounterStore::LimitCounterStore(Database &db)
    : m_db(db) {}

Result<QList<LimitCounter>> LimitCounterStore::load(qint64 since) const {
    return readTransaction<QList<LimitCounter>>(
        m_db, [&](const QSqlDatabase &connection) -> Result<QList<LimitCounter>> {
            const QString doing = QStringLiteral("reading the limits' counters");
            QSqlQuery query(connection);
            query.setForwardOnly(true);
            if (Status s = prepare(query,
                                   QStringLiteral("SELECT subject, measure, window_start, used "
                                                  "FROM limit_counters WHERE window_start >= ?"),
                                   doing);
                !s)
                return s.error();
            query.addBindValue(since);
            if (Status s = exec(query, doing); !s)
                return s.error();
            QList<LimitCounter> counters;
            while (query.next())
                counters.append({query.value(0).toString(), query.value(1).toString(),
                                 query.value(2).toLongLong(), query.value(3).toDouble()});
            return counters;
        });
}

Result<LimitUse> LimitCounterStore::use(const QString &subject, BudgetPeriod period,
                                        qint64 nowMs) const {
    return readTransaction<LimitUse>(m_db, [&](const QSqlDatabase &connection) -> Result<LimitUse> {
        const QString doing = QStringLiteral("reading the limits' counters");
        QSqlQuery query(connection);
        if (Status s = prepare(query,
                               QStringLiteral("SELECT measure, used FROM limit_counters WHERE "
                                              "subject = ? AND ((measure IN (?, ?) AND "
                                              "window_start = ?) OR (measure = ? AND "
                                              "window_start = ?))"),
                               doing);
            !s)
            return s.error();
        query.addBindValue(subject);
        query.addBindValue(QLatin1String(limitwindows::kRequests));
        query.addBindValue(QLatin1String(limitwindows::kTokens));
        query.addBindValue(limitwindows::minuteStart(nowMs));
        query.addBindValue(QLatin1String(limitwindows::kSpendUsd));
        query.addBindValue(limitwindows::periodStart(period, nowMs));
        if (Status s = exec(query, doing); !s)
            return s.error();
        LimitUse use;
        while (query.next()) {
            const QString measure = query.value(0).toString();
            const double used = query.value(1).toDouble();
            if (measure == QLatin1String(limitwindows::kRequests))
                use.requestsThisMinute = used;
            else if (measure == QLatin1String(limitwindows::kTokens))
                use.tokensThisMinute = used;
            else
                use.spentUsd = used;
        }
        return use;
    });
}

namespace {
// Counters are always updated in this order, by hold() and add() alike, so that two
// transactions updating some of the same rows cannot deadlock on PostgreSQL's row locks.
bool updateOrder(const LimitCounter &a, const LimitCounter &b) {
    return std::tie(a.subject, a.measure, a.windowStart) <
           std::tie(b.subject, b.measure, b.windowStart);
}
} // namespace

Result<qsizetype> LimitCounterStore::hold(const QList<LimitHold> &holds) {
    for (qsizetype i = 0; i < holds.size(); ++i) {
        if (holds[i].limit && holds[i].amount > *holds[i].limit)
            return i; // cannot fit even in an empty window
    }
    QList<qsizetype> order(holds.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) {
        return updateOrder({holds[a].subject, holds[a].measure, holds[a].windowStart, 0},
                           {holds[b].subject, holds[b].measure, holds[b].windowStart, 0});
    });
    Transaction tx(m_db, Transaction::Locking::RowsOnly);
    if (!tx.isOpen())
        return tx.error();
    const QString doing = QStringLiteral("holding the limits' counters");
    QSqlQuery query(tx.connection());
    // The limit is checked on the row as the update locks it: no other gateway can slip in
    // between the check and the addition.
    if (Status s =
            prepare(query,
                    QStringLiteral("INSERT INTO limit_counters (subject, measure, "
                                   "window_start, used) VALUES (?, ?, ?, ?) ON CONFLICT "
                                   "(subject, measure, window_start) DO UPDATE SET used = "
                                   "limit_counters.used + excluded.used WHERE "
                                   "limit_counters.used + excluded.used <= ? RETURNING used"),
                    doing);
        !s)
        return s.error();
    for (const qsizetype index : std::as_const(order)) {
        const LimitHold &hold = holds[index];
        query.bindValue(0, hold.subject);
        query.bindValue(1, hold.measure);
        query.bindValue(2, hold.windowStart);
        query.bindValue(3, hold.amount);
        // No limit: a bound no counter reaches (a finite one; PostgreSQL's double precision).
        query.bindValue(4, hold.limit.value_or(1e300));
        if (Status s = exec(query, doing); !s)
            return s.error();
        if (!query.next())
            return index; // over its limit: the transaction rolls back what it added
    }
    query.finish();
    if (Status s = tx.commitQuietly(); !s)
        return s.error();
    return qsizetype(-1);
}

Status LimitCounterStore::add(const QList<LimitCounter> &deltas, qint64 forgetBefore,
                              qint64 forgetMinutesBefore) {
    Transaction tx(m_db);
    if (!tx.isOpen())
        return tx.error();
    const QString doing = QStringLiteral("saving the limits' counters");
    QSqlQuery query(tx.connection());
    // Adding (rather than setting) lets several gateways on one store count together.
    if (Status s = prepare(query,
                           QStringLiteral("INSERT INTO limit_counters (subject, measure, "
                                          "window_start, used) VALUES (?, ?, ?, ?) ON CONFLICT "
                                          "(subject, measure, window_start) DO UPDATE SET used = "
                                          "limit_counters.used + excluded.used"),
                           doing);
        !s)
        return s;
    QList<LimitCounter> ordered = deltas;
    std::sort(ordered.begin(), ordered.end(), updateOrder);
    for (const LimitCounter &delta : std::as_const(ordered)) {
        query.bindValue(0, delta.subject);
        query.bindValue(1, delta.measure);
        query.bindValue(2, delta.windowStart);
        query.bindValue(3, delta.used);
        if (Status s = exec(query, doing); !s)
            return s;
    }
    query.finish();
    if (forgetBefore > 0) {
        if (Status s = run(tx.connection(),
                           QStringLiteral("DELETE FROM limit_counters WHERE window_start < ?"),
                           {forgetBefore}, doing);
            !s)
            return s;
    }
    if (forgetMinutesBefore > 0) {
        if (Status s = run(tx.connection(),
                           QStringLiteral("DELETE FROM limit_counters WHERE window_start < ? AND "
                                          "measure IN (?, ?)"),
                           {forgetMinutesBefore, QLatin1String(limitwindows::kRequests),
                            QLatin1String(limitwindows::kTokens)},
                           doing);
            !s)
            return s;
    }
    return tx.commitQuietly();
}

} // namespace portico::store
