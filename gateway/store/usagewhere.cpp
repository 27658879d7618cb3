#include "store/usagewhere.h"

#include "store/storeinternal.h"

namespace portico::store::detail {

namespace {

QString placeholders(qsizetype count) {
    QStringList marks;
    for (qsizetype i = 0; i < count; ++i)
        marks.append(QStringLiteral("?"));
    return marks.join(QStringLiteral(", "));
}

} // namespace

Result<UsageWhere> usageWhere(const QSqlDatabase &connection, const UsageQuery &query,
                              UsageTable table) {
    const bool raw = table == UsageTable::Raw;
    const QString timeColumn = raw ? QStringLiteral("time") : QStringLiteral("bucket_start");
    QStringList conditions;
    UsageWhere where;

    if (query.since.isValid()) {
        // An hour bucket counts when any part of it is inside [since, until).
        conditions.append(timeColumn + QStringLiteral(" >= ?"));
        const qint64 since = query.since.toMSecsSinceEpoch();
        where.values.append(raw ? since : since - (((since % 3600000) + 3600000) % 3600000));
    }
    if (query.until.isValid()) {
        conditions.append(timeColumn + QStringLiteral(" < ?"));
        where.values.append(query.until.toMSecsSinceEpoch());
    }
    if (!query.keyUuids.isEmpty()) {
        QStringList uuids;
        bool withoutKey = false;
        for (const QString &uuid : query.keyUuids) {
            if (uuid.isEmpty())
                withoutKey = true;
            else
                uuids.append(uuid);
        }
        QStringList alternatives;
        if (!uuids.isEmpty())
            alternatives.append(QStringLiteral("key_uuid IN (") + placeholders(uuids.size()) +
                                QLatin1Char(')'));
        if (withoutKey)
            alternatives.append(raw ? QStringLiteral("key_uuid IS NULL")
                                    : QStringLiteral("key_uuid = ''"));
        conditions.append(QLatin1Char('(') + alternatives.join(QStringLiteral(" OR ")) +
                          QLatin1Char(')'));
        for (const QString &uuid : std::as_const(uuids))
            where.values.append(uuid);
    }
    if (!query.group.trimmed().isEmpty()) {
        const Result<QString> group = resolveGroupUuid(connection, query.group);
        if (!group)
            return group.error();
        conditions.append(
            QStringLiteral("key_uuid IN (SELECT key_uuid FROM key_groups WHERE group_uuid = ?)"));
        where.values.append(*group);
    }
    if (!query.route.isEmpty()) {
        conditions.append(QStringLiteral("route = ?"));
        where.values.append(query.route);
    }
    if (!query.modelId.isEmpty()) {
        conditions.append(QStringLiteral("model_id = ?"));
        where.values.append(query.modelId);
    }
    if (query.statusFrom >= 0) {
        conditions.append(QStringLiteral("status >= ?"));
        where.values.append(query.statusFrom);
    }
    if (query.statusTo >= 0) {
        conditions.append(QStringLiteral("status <= ?"));
        where.values.append(query.statusTo);
    }
    if (query.since.isValid() && query.until.isValid() && query.until <= query.since)
        where.matchesNothing = true;
    if (!conditions.isEmpty())
        where.sql = QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    return where;
}

Status selectUsage(QSqlQuery &query, const QString &sql, const QVariantList &values,
                   const QString &doing) {
    query.setForwardOnly(true);
    if (Status s = prepare(query, sql, doing); !s)
        return s;
    for (const QVariant &value : values)
        query.addBindValue(value);
    return exec(query, doing);
}

} // namespace portico::store::detail
