#include "store/storeinternal.h"

#include <QJsonDocument>
#include <QUuid>

namespace portico::store::detail {

QVariant timeToDb(const QDateTime &time) {
    if (!time.isValid())
        return QVariant(QMetaType::fromType<qint64>());
    return QVariant(time.toMSecsSinceEpoch());
}

QDateTime timeFromDb(const QVariant &value) {
    if (value.isNull())
        return {};
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

QVariant textOrNull(const QString &text) {
    if (text.isEmpty())
        return QVariant(QMetaType::fromType<QString>());
    return text;
}

QString newUuid() {
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

Status prepare(QSqlQuery &query, const QString &sql, const QString &doing) {
    if (!query.prepare(sql))
        return databaseError(query.lastError(), doing);
    return {};
}

Status exec(QSqlQuery &query, const QString &doing) {
    if (!query.exec())
        return databaseError(query.lastError(), doing);
    return {};
}

Status run(const QSqlDatabase &connection, const QString &sql, const QVariantList &values,
           const QString &doing) {
    QSqlQuery query(connection);
    if (Status s = prepare(query, sql, doing); !s)
        return s;
    for (const QVariant &value : values)
        query.addBindValue(value);
    return exec(query, doing);
}

Status writeAudit(const QSqlDatabase &connection, const QString &actor, const QString &action,
                  const QString &objectType, const QString &objectUuid,
                  const QJsonObject &details) {
    QSqlQuery query(connection);
    if (Status s = prepare(query,
                           QStringLiteral("INSERT INTO audit (time, actor, action, object_type, "
                                          "object_uuid, details) VALUES (?, ?, ?, ?, ?, ?)"),
                           QStringLiteral("writing the audit trail"));
        !s)
        return s;
    query.addBindValue(nowMs());
    query.addBindValue(actor.isEmpty() ? QStringLiteral("unknown") : actor);
    query.addBindValue(action);
    query.addBindValue(objectType);
    query.addBindValue(objectUuid);
    query.addBindValue(QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact)));
    return exec(query, QStringLiteral("writing the audit trail"));
}

Result<qint64> readChangeCounter(const QSqlDatabase &connection) {
    if (!connection.isOpen())
        return connectionError(connection);
    QSqlQuery query(connection);
    if (!query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'change_counter'")))
        return databaseError(query.lastError(), QStringLiteral("reading the change counter"));
    if (!query.next())
        return Error{Error::Code::Database,
                     QStringLiteral("The database has no change counter. Use another database "
                                    "file with --db.")};
    return query.value(0).toString().toLongLong();
}

} // namespace portico::store::detail
