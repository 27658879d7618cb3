#include "store/limitcounters.h"

#include "store/storeinternal.h"

namespace portico::store {

using namespace detail;

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

Status LimitCounterStore::add(const QList<LimitCounter> &deltas, qint64 forgetBefore) {
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
    for (const LimitCounter &delta : deltas) {
        query.bindValue(0, delta.subject);
        query.bindValue(1, delta.measure);
        query.bindValue(2, delta.windowStart);
        query.bindValue(3, delta.used);
        if (Status s = exec(query, doing); !s)
            return s;
    }
    query.finish();
    if (Status s = run(tx.connection(),
                       QStringLiteral("DELETE FROM limit_counters WHERE window_start < ?"),
                       {forgetBefore}, doing);
        !s)
        return s;
    return tx.commitQuietly();
}

} // namespace portico::store
