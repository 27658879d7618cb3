#include "store/storecopy.h"

#include "store/database.h"
#include "store/storeinternal.h"

#include <QSqlField>
#include <QSqlRecord>

#include <cmath>

namespace portico::store {

using namespace detail;

namespace {

// In the order their references need: a key before its secrets and groups, ...
const QStringList &copiedTables() {
    static const QStringList tables{
        QStringLiteral("api_keys"),      QStringLiteral("key_secrets"),
        QStringLiteral("groups"),        QStringLiteral("key_groups"),
        QStringLiteral("group_routes"),  QStringLiteral("object_limits"),
        QStringLiteral("usage"),         QStringLiteral("usage_hourly"),
        QStringLiteral("usage_daily"),   QStringLiteral("audit"),
        QStringLiteral("limit_counters")};
    return tables;
}

constexpr qint64 kProgressEvery = 10'000;

Result<qint64> scalar(const QSqlDatabase &connection, const QString &sql, const QString &doing) {
    QSqlQuery query(connection);
    if (!query.exec(sql))
        return databaseError(query.lastError(), doing);
    return query.next() ? query.value(0).toLongLong() : 0;
}

struct Totals {
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
    double costUsd = 0;
};

Result<Totals> usageTotals(const QSqlDatabase &connection) {
    QSqlQuery query(connection);
    if (!query.exec(QStringLiteral("SELECT COALESCE(SUM(prompt_tokens), 0), "
                                   "COALESCE(SUM(completion_tokens), 0), "
                                   "COALESCE(SUM(cost_usd), 0) FROM usage")))
        return databaseError(query.lastError(), QStringLiteral("adding up usage"));
    Totals totals;
    if (query.next()) {
        totals.promptTokens = query.value(0).toLongLong();
        totals.completionTokens = query.value(1).toLongLong();
        totals.costUsd = query.value(2).toDouble();
    }
    return totals;
}

Status copyTable(const QSqlDatabase &from, const QSqlDatabase &to, const QString &table,
                 qint64 *copied, const std::function<void(const QString &, qint64)> &progress) {
    const QString doing = QStringLiteral("copying %1").arg(table);
    QSqlQuery read(from);
    read.setForwardOnly(true);
    if (!read.exec(QStringLiteral("SELECT * FROM ") + table))
        return databaseError(read.lastError(), doing);
    const QSqlRecord record = read.record();
    QStringList columns;
    QStringList marks;
    for (int i = 0; i < record.count(); ++i) {
        columns.append(record.fieldName(i));
        marks.append(QStringLiteral("?"));
    }
    QSqlQuery write(to);
    if (Status s = prepare(
            write,
            QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                .arg(table, columns.join(QStringLiteral(", ")), marks.join(QStringLiteral(", "))),
            doing);
        !s)
        return s;
    qint64 rows = 0;
    while (read.next()) {
        for (int i = 0; i < columns.size(); ++i)
            write.bindValue(i, read.value(i));
        if (Status s = exec(write, doing); !s)
            return s;
        if (++rows % kProgressEvery == 0 && progress)
            progress(table, rows);
    }
    if (progress)
        progress(table, rows);
    *copied = rows;
    return {};
}

} // namespace

Result<StoreCopyReport>
copyStore(Database &source, Database &target,
          const std::function<void(const QString &table, qint64 rows)> &progress) {
    ReadTransaction snapshot(source);
    if (!snapshot.isOpen())
        return snapshot.error();
    Transaction tx(target);
    if (!tx.isOpen())
        return tx.error();
    const QSqlDatabase from = snapshot.connection();
    const QSqlDatabase to = tx.connection();

    for (const QString &table : {QStringLiteral("api_keys"), QStringLiteral("groups"),
                                 QStringLiteral("usage"), QStringLiteral("audit")}) {
        const Result<qint64> rows = scalar(to, QStringLiteral("SELECT COUNT(*) FROM ") + table,
                                           QStringLiteral("checking that the target is empty"));
        if (!rows)
            return rows.error();
        if (*rows > 0)
            return Error{Error::Code::InvalidInput,
                         QStringLiteral("The target store %1 is not empty (its table %2 has %3 "
                                        "rows): copy into a new, empty store.")
                             .arg(target.path(), table)
                             .arg(*rows)};
    }

    StoreCopyReport report;
    for (const QString &table : copiedTables()) {
        qint64 rows = 0;
        if (Status s = copyTable(from, to, table, &rows, progress); !s)
            return s.error();
        report.tables.append({table, rows});
    }
    if (Status s = resyncRowIds(to); !s)
        return s.error();

    // Checked inside the transaction: a copy that does not add up is not committed.
    for (const StoreCopyReport::Table &table : std::as_const(report.tables)) {
        for (const QSqlDatabase *side : {&from, &to}) {
            const Result<qint64> rows =
                scalar(*side, QStringLiteral("SELECT COUNT(*) FROM ") + table.name,
                       QStringLiteral("counting the rows copied"));
            if (!rows)
                return rows.error();
            if (*rows != table.rows)
                return Error{Error::Code::Database,
                             QStringLiteral("The copy does not add up: %1 has %2 rows on one side "
                                            "and %3 on the other. Nothing was copied.")
                                 .arg(table.name)
                                 .arg(*rows)
                                 .arg(table.rows)};
        }
    }
    const Result<Totals> before = usageTotals(from);
    const Result<Totals> after = usageTotals(to);
    if (!before)
        return before.error();
    if (!after)
        return after.error();
    if (before->promptTokens != after->promptTokens ||
        before->completionTokens != after->completionTokens ||
        std::abs(before->costUsd - after->costUsd) > 1e-6 * std::max(1.0, before->costUsd))
        return Error{Error::Code::Database,
                     QStringLiteral("The copy does not add up: the usage totals differ. Nothing "
                                    "was copied.")};
    report.usagePromptTokens = after->promptTokens;
    report.usageCompletionTokens = after->completionTokens;
    report.usageCostUsd = after->costUsd;
    if (Status s = tx.commit(); !s)
        return s.error();
    return report;
}

} // namespace portico::store
