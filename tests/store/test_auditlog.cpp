// AuditLog: one entry per admin change, with its actor and details and without any secret.
#include "storetestcase.h"

#include "store/auditlog.h"
#include "store/apikeyformat.h"
#include "store/usagestore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

using namespace portico::store;
using namespace portico::test;

class TestAuditLog : public StoreTestCase {
    Q_OBJECT
private Q_SLOTS:
    void auditRowsForEveryChangeWithoutSecrets();
    void auditEntriesNewestFirst();
};

void TestAuditLog::auditRowsForEveryChangeWithoutSecrets() {
    KeyStore keys(*m_db, QStringLiteral("cli:alice"));
    GroupStore groups(*m_db, QStringLiteral("desktop:bob"));
    auto g = groups.createGroup(QStringLiteral("g"), QStringLiteral("first"));
    QVERIFY(g.ok());
    QVERIFY(groups.createGroup(QStringLiteral("h")).ok());
    auto k = keys.createKey(QStringLiteral("k"), {QStringLiteral("g")});
    QVERIFY(k.ok());
    auto other = keys.createKey(QStringLiteral("other"));
    QVERIFY(other.ok());
    const QString uuid = k->record.uuid;
    QVERIFY(keys.renameKey(QStringLiteral("k"), QStringLiteral("k2")).ok());
    QVERIFY(keys.setKeyState(uuid, KeyState::Disabled).ok());
    QVERIFY(keys.setKeyState(uuid, KeyState::Active).ok());
    QVERIFY(keys.setKeyExpiry(uuid, QDateTime::currentDateTimeUtc().addDays(30)).ok());
    QVERIFY(keys.addKeyToGroup(uuid, QStringLiteral("h")).ok());
    QVERIFY(keys.removeKeyFromGroup(uuid, QStringLiteral("g")).ok());
    QVERIFY(groups.renameGroup(QStringLiteral("g"), QStringLiteral("g2")).ok());
    QVERIFY(groups.setDescription(QStringLiteral("g2"), QStringLiteral("second")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("g2"), QStringLiteral("chat")).ok());
    QVERIFY(groups.removeRoute(QStringLiteral("g2"), QStringLiteral("chat")).ok());
    QVERIFY(groups.deleteGroup(QStringLiteral("g2")).ok());
    QVERIFY(keys.deleteKey(uuid).ok());

    auto entries = AuditLog(*m_db).entries();
    QVERIFY(entries.ok());
    QStringList actions;
    for (const AuditEntry &entry : *entries)
        actions.prepend(entry.action);
    const QStringList expected = {
        QStringLiteral("group.create"),    QStringLiteral("group.create"),
        QStringLiteral("key.create"),      QStringLiteral("key.create"),
        QStringLiteral("key.rename"),      QStringLiteral("key.disable"),
        QStringLiteral("key.enable"),      QStringLiteral("key.set_expiry"),
        QStringLiteral("key.add_group"),   QStringLiteral("key.remove_group"),
        QStringLiteral("group.rename"),    QStringLiteral("group.describe"),
        QStringLiteral("group.add_route"), QStringLiteral("group.remove_route"),
        QStringLiteral("group.delete"),    QStringLiteral("key.delete"),
    };
    QCOMPARE(actions, expected);

    const AuditEntry &deleted = entries->at(0);
    QCOMPARE(deleted.actor, QStringLiteral("cli:alice"));
    QCOMPARE(deleted.objectType, QStringLiteral("key"));
    QCOMPARE(deleted.objectUuid, uuid);
    QVERIFY(deleted.time.isValid());
    QCOMPARE(
        QJsonDocument::fromJson(deleted.details.toUtf8()).object().value(QStringLiteral("name")),
        QJsonValue(QStringLiteral("k2")));

    const AuditEntry &groupDeleted = entries->at(1);
    QCOMPARE(groupDeleted.actor, QStringLiteral("desktop:bob"));
    QCOMPARE(groupDeleted.objectType, QStringLiteral("group"));
    QCOMPARE(groupDeleted.objectUuid, g->uuid);

    const QJsonObject rename = QJsonDocument::fromJson(entries->at(11).details.toUtf8()).object();
    QCOMPARE(entries->at(11).action, QStringLiteral("key.rename"));
    QCOMPARE(rename.value(QStringLiteral("old_name")).toString(), QStringLiteral("k"));
    QCOMPARE(rename.value(QStringLiteral("new_name")).toString(), QStringLiteral("k2"));
    const QJsonObject route = QJsonDocument::fromJson(entries->at(3).details.toUtf8()).object();
    QCOMPARE(route.value(QStringLiteral("route")).toString(), QStringLiteral("chat"));
    const QJsonObject addGroup = QJsonDocument::fromJson(entries->at(7).details.toUtf8()).object();
    QCOMPARE(addGroup.value(QStringLiteral("group")).toString(), QStringLiteral("h"));

    // No secret anywhere in the audit table: neither key, nor its random part, nor its hash.
    QSqlQuery query(m_db->connection());
    QVERIFY(query.exec(QStringLiteral("SELECT * FROM audit")));
    static const QRegularExpression keyShape(QStringLiteral("ptc_[0-9A-Za-z]{36}"));
    while (query.next()) {
        for (int i = 0; i < query.record().count(); ++i) {
            const QString value = query.value(i).toString();
            for (const CreatedKey *created : {&k.value(), &other.value()}) {
                QVERIFY(!value.contains(created->key.mid(4, 30)));
                QVERIFY(!value.contains(QString::fromLatin1(apikey::hash(created->key))));
            }
            QVERIFY(!keyShape.match(value).hasMatch());
        }
    }
}

void TestAuditLog::auditEntriesNewestFirst() {
    for (int i = 0; i < 5; ++i)
        QVERIFY(m_groups->createGroup(QStringLiteral("g%1").arg(i)).ok());
    auto entries = AuditLog(*m_db).entries(2);
    QVERIFY(entries.ok());
    QCOMPARE(entries->size(), 2);
    QVERIFY(entries->at(0).id > entries->at(1).id);
    QCOMPARE(QJsonDocument::fromJson(entries->at(0).details.toUtf8())
                 .object()
                 .value(QStringLiteral("name"))
                 .toString(),
             QStringLiteral("g4"));
    QCOMPARE(AuditLog(*m_db).entries()->size(), 5);
}

QTEST_GUILESS_MAIN(TestAuditLog)
#include "test_auditlog.moc"
