#include "storetestcase.h"

#include "teststore.h"

#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

namespace portico::test {

using namespace portico::store;

void StoreTestCase::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto opened = Database::open(testStorePath(m_dir->path()));
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    m_db = *opened;
    m_keys = std::make_unique<KeyStore>(*m_db, kActor);
    m_groups = std::make_unique<GroupStore>(*m_db, kActor);
}

void StoreTestCase::cleanup() {
    m_keys.reset();
    m_groups.reset();
    m_db.reset();
    m_dir.reset();
}

QString dumpAll(Database &db) {
    QStringList out;
    for (const char *table :
         {"meta", "api_keys", "groups", "key_groups", "group_routes", "usage", "audit"}) {
        QSqlQuery query(db.connection());
        if (!query.exec(QStringLiteral("SELECT * FROM ") + QLatin1String(table)))
            return QStringLiteral("<query failed>");
        QStringList rows;
        while (query.next()) {
            QStringList values;
            for (int i = 0; i < query.record().count(); ++i)
                values.append(query.value(i).isNull() ? QStringLiteral("NULL")
                                                      : query.value(i).toString());
            rows.append(values.join(QLatin1Char('|')));
        }
        rows.sort();
        out.append(QLatin1String(table) + QLatin1Char(':') + rows.join(QLatin1Char('\n')));
    }
    return out.join(QStringLiteral("\n--\n"));
}

qint64 countRows(Database &db, const QString &sql) {
    QSqlQuery query(db.connection());
    if (!query.exec(sql) || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

UsageRecord usageRow(const QString &keyUuid, const QString &keyName, const QString &route,
                     const QDateTime &time, int status) {
    UsageRecord row;
    row.time = time;
    row.requestId = QStringLiteral("req-") + QString::number(time.toMSecsSinceEpoch());
    row.keyUuid = keyUuid;
    row.keyName = keyName;
    row.route = route;
    row.modelId = QStringLiteral("demo");
    row.provider = QStringLiteral("mock");
    row.status = status;
    row.errorCode = status >= 400 ? QStringLiteral("upstream_error") : QString();
    row.promptTokens = 10;
    row.completionTokens = 5;
    row.costUsd = 0.25;
    row.latencyMs = 12;
    row.ttftMs = 3;
    return row;
}

} // namespace portico::test
