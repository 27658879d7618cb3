#include "store/storeinternal.h"

#include "store/apikeyformat.h"

#include <QJsonDocument>
#include <QRegularExpression>
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

bool containsApiKey(const QString &text) {
    static const QRegularExpression candidate(QStringLiteral("ptc_[0-9A-Za-z]{36}"));
    auto matches = candidate.globalMatch(text);
    while (matches.hasNext()) {
        if (apikey::hasValidFormat(matches.next().capturedView()))
            return true;
    }
    return false;
}

namespace {

// Looks `ref` up as a uuid first, then as an exact (trimmed) name.
Result<QString> resolve(const QSqlDatabase &connection, const QString &table, const QString &ref,
                        const QString &notFound) {
    const QUuid asUuid = QUuid::fromString(ref.trimmed());
    if (!asUuid.isNull()) {
        QSqlQuery query(connection);
        if (Status s =
                prepare(query, QStringLiteral("SELECT uuid FROM %1 WHERE uuid = ?").arg(table),
                        QStringLiteral("looking up a uuid"));
            !s)
            return s.error();
        query.addBindValue(asUuid.toString(QUuid::WithoutBraces));
        if (Status s = exec(query, QStringLiteral("looking up a uuid")); !s)
            return s.error();
        if (query.next())
            return query.value(0).toString();
    }
    QSqlQuery query(connection);
    if (Status s = prepare(query, QStringLiteral("SELECT uuid FROM %1 WHERE name = ?").arg(table),
                           QStringLiteral("looking up a name"));
        !s)
        return s.error();
    query.addBindValue(ref.trimmed());
    if (Status s = exec(query, QStringLiteral("looking up a name")); !s)
        return s.error();
    if (query.next())
        return query.value(0).toString();
    return Error{Error::Code::NotFound, notFound};
}

} // namespace

Result<QString> resolveKeyUuid(const QSqlDatabase &connection, const QString &keyRef) {
    // Someone may paste the key itself: it is never stored, and must not be echoed back.
    const QString notFound =
        containsApiKey(keyRef)
            ? QStringLiteral("No API key with that UUID or name. The value looks like an API key "
                             "itself: keys are never stored in clear, so refer to a key by its "
                             "UUID or name. Check `portico-gateway keys list`.")
            : QStringLiteral("No API key with UUID or name '%1'. Check `portico-gateway keys "
                             "list`.")
                  .arg(keyRef.trimmed());
    return resolve(connection, QStringLiteral("api_keys"), keyRef, notFound);
}

Result<QString> resolveGroupUuid(const QSqlDatabase &connection, const QString &groupRef) {
    const QString notFound =
        containsApiKey(groupRef)
            ? QStringLiteral("No group with that UUID or name (the value looks like an API key). "
                             "Check `portico-gateway groups list`.")
            : QStringLiteral("No group with UUID or name '%1'. Check `portico-gateway groups "
                             "list`.")
                  .arg(groupRef.trimmed());
    return resolve(connection, QStringLiteral("groups"), groupRef, notFound);
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
