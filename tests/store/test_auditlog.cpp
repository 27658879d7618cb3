// AuditLog: one entry per admin change, with its actor and details and without any secret.
#include "storetestcase.h"

#include "store/apikeyformat.h"
#include "store/auditlog.h"
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
    void actorSplitsIntoUserAndSource_data();
    void actorSplitsIntoUserAndSource();
    void queryByKeyHasItsRowsAndMemberships();
    void queryByDeletedKeyUuid();
    void queryByUnknownKeyFails();
    void queryByGroupHasItsRowsAndItsKeysJoiningAndLeaving();
    void queryByActionExactOrPrefix();
    void queryBySinceAndUntil();
    void queryPagesByKeyset();
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
    QCOMPARE(deleted.actor, QStringLiteral("alice"));
    QCOMPARE(deleted.source, QStringLiteral("cli"));
    QCOMPARE(deleted.objectType, QStringLiteral("key"));
    QCOMPARE(deleted.objectUuid, uuid);
    QVERIFY(deleted.time.isValid());
    QCOMPARE(
        QJsonDocument::fromJson(deleted.details.toUtf8()).object().value(QStringLiteral("name")),
        QJsonValue(QStringLiteral("k2")));

    const AuditEntry &groupDeleted = entries->at(1);
    QCOMPARE(groupDeleted.actor, QStringLiteral("bob"));
    QCOMPARE(groupDeleted.source, QStringLiteral("desktop"));
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

void TestAuditLog::actorSplitsIntoUserAndSource_data() {
    QTest::addColumn<QString>("stored");
    QTest::addColumn<QString>("user");
    QTest::addColumn<QString>("source");
    QTest::newRow("cli") << "cli:alice"
                         << "alice"
                         << "cli";
    QTest::newRow("desktop") << "desktop:bob"
                             << "bob"
                             << "desktop";
    QTest::newRow("no source") << "unknown"
                               << "unknown"
                               << "";
    // Only the first colon separates: a user name may hold one (a domain account).
    QTest::newRow("colon in user") << "gateway:DOMAIN:carol"
                                   << "DOMAIN:carol"
                                   << "gateway";
}

void TestAuditLog::actorSplitsIntoUserAndSource() {
    QFETCH(QString, stored);
    QFETCH(QString, user);
    QFETCH(QString, source);
    QVERIFY(GroupStore(*m_db, stored).createGroup(QStringLiteral("g")).ok());
    const auto rows = AuditLog(*m_db).query({});
    QVERIFY(rows.ok());
    QCOMPARE(rows->size(), 1);
    QCOMPARE(rows->at(0).actor, user);
    QCOMPARE(rows->at(0).source, source);
}

namespace {
QStringList actionsOf(const Result<QList<AuditEntry>> &rows) {
    QStringList actions;
    if (rows)
        for (const AuditEntry &row : *rows)
            actions << row.action;
    return actions;
}
} // namespace

void TestAuditLog::queryByKeyHasItsRowsAndMemberships() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    auto k = m_keys->createKey(QStringLiteral("k"));
    QVERIFY(k.ok());
    QVERIFY(m_keys->createKey(QStringLiteral("other"), {QStringLiteral("g")}).ok());
    QVERIFY(m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("g")).ok());
    QVERIFY(m_keys->renameKey(QStringLiteral("k"), QStringLiteral("k2")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("demo")).ok());

    AuditQuery byName;
    byName.keyRef = QStringLiteral("k2");
    const auto rows = AuditLog(*m_db).query(byName);
    QVERIFY2(rows.ok(), qPrintable(rows.error().message));
    QCOMPARE(actionsOf(rows),
             (QStringList{QStringLiteral("key.rename"), QStringLiteral("key.add_group"),
                          QStringLiteral("key.create")}));
    for (const AuditEntry &row : *rows)
        QCOMPARE(row.objectUuid, k->record.uuid);

    AuditQuery byUuid;
    byUuid.keyRef = QStringLiteral("{%1}").arg(k->record.uuid.toUpper());
    QCOMPARE(actionsOf(AuditLog(*m_db).query(byUuid)), actionsOf(rows));
}

void TestAuditLog::queryByDeletedKeyUuid() {
    auto k = m_keys->createKey(QStringLiteral("gone"));
    QVERIFY(k.ok());
    QVERIFY(m_keys->deleteKey(QStringLiteral("gone")).ok());
    AuditQuery query;
    query.keyRef = k->record.uuid;
    const auto rows = AuditLog(*m_db).query(query);
    QVERIFY2(rows.ok(), qPrintable(rows.error().message));
    QCOMPARE(actionsOf(rows),
             (QStringList{QStringLiteral("key.delete"), QStringLiteral("key.create")}));
}

void TestAuditLog::queryByUnknownKeyFails() {
    QVERIFY(m_keys->createKey(QStringLiteral("k")).ok());
    AuditQuery query;
    query.keyRef = QStringLiteral("nope");
    const auto rows = AuditLog(*m_db).query(query);
    QVERIFY(!rows.ok());
    QCOMPARE(rows.error().code, Error::Code::NotFound);
    QVERIFY(rows.error().message.contains(QStringLiteral("nope")));

    AuditQuery group;
    group.groupRef = QStringLiteral("nope");
    QCOMPARE(AuditLog(*m_db).query(group).error().code, Error::Code::NotFound);
}

void TestAuditLog::queryByGroupHasItsRowsAndItsKeysJoiningAndLeaving() {
    auto g = m_groups->createGroup(QStringLiteral("g"));
    QVERIFY(g.ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("h")).ok());
    QVERIFY(m_keys->createKey(QStringLiteral("k")).ok());
    QVERIFY(m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("g")).ok());
    QVERIFY(m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("h")).ok());
    QVERIFY(m_keys->renameKey(QStringLiteral("k"), QStringLiteral("k2")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("demo")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("h"), QStringLiteral("demo")).ok());
    QVERIFY(m_keys->removeKeyFromGroup(QStringLiteral("k2"), QStringLiteral("g")).ok());

    AuditQuery query;
    query.groupRef = QStringLiteral("g");
    const auto rows = AuditLog(*m_db).query(query);
    QVERIFY2(rows.ok(), qPrintable(rows.error().message));
    QCOMPARE(actionsOf(rows),
             (QStringList{QStringLiteral("key.remove_group"), QStringLiteral("group.add_route"),
                          QStringLiteral("key.add_group"), QStringLiteral("group.create")}));

    // Deleted, the group is still found by its uuid, with the same rows and its deletion.
    QVERIFY(m_groups->deleteGroup(QStringLiteral("g")).ok());
    query.groupRef = g->uuid;
    const auto afterDelete = AuditLog(*m_db).query(query);
    QVERIFY(afterDelete.ok());
    QCOMPARE(afterDelete->size(), 5);
    QCOMPARE(afterDelete->at(0).action, QStringLiteral("group.delete"));

    // Key and group together: the key's rows about that group.
    query.keyRef = QStringLiteral("k2");
    QCOMPARE(actionsOf(AuditLog(*m_db).query(query)),
             (QStringList{QStringLiteral("key.remove_group"), QStringLiteral("key.add_group")}));

    // A key created straight into a group is in that group's history too.
    QVERIFY(m_keys->createKey(QStringLiteral("born in h"), {QStringLiteral("h")}).ok());
    AuditQuery ofH;
    ofH.groupRef = QStringLiteral("h");
    ofH.limit = 1;
    QCOMPARE(actionsOf(AuditLog(*m_db).query(ofH)), QStringList{QStringLiteral("key.create")});
}

void TestAuditLog::queryByActionExactOrPrefix() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    QVERIFY(m_keys->createKey(QStringLiteral("k")).ok());
    QVERIFY(m_keys->renameKey(QStringLiteral("k"), QStringLiteral("k2")).ok());
    QVERIFY(m_groups->renameGroup(QStringLiteral("g"), QStringLiteral("g2")).ok());

    AuditQuery query;
    query.action = QStringLiteral("key.rename");
    QCOMPARE(actionsOf(AuditLog(*m_db).query(query)), QStringList{QStringLiteral("key.rename")});
    query.action = QStringLiteral("key.");
    QCOMPARE(actionsOf(AuditLog(*m_db).query(query)),
             (QStringList{QStringLiteral("key.rename"), QStringLiteral("key.create")}));
    query.action = QStringLiteral("group.");
    QCOMPARE(actionsOf(AuditLog(*m_db).query(query)),
             (QStringList{QStringLiteral("group.rename"), QStringLiteral("group.create")}));
    // A LIKE wildcard in the filter is a plain character.
    query.action = QStringLiteral("key._");
    QVERIFY(AuditLog(*m_db).query(query)->isEmpty());
}

void TestAuditLog::queryBySinceAndUntil() {
    for (int i = 0; i < 4; ++i)
        QVERIFY(m_groups->createGroup(QStringLiteral("g%1").arg(i)).ok());
    // Rows made a day, two and three days ago, and one now.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QSqlQuery update(m_db->connection());
    QVERIFY(update.prepare(QStringLiteral("UPDATE audit SET time = ? WHERE details LIKE ?")));
    for (int day = 1; day <= 3; ++day) {
        update.addBindValue(now.addDays(-day).toMSecsSinceEpoch());
        update.addBindValue(QStringLiteral("%\"g%1\"%").arg(3 - day));
        QVERIFY(update.exec());
    }
    const auto names = [&](const AuditQuery &query) {
        QStringList out;
        const auto rows = AuditLog(*m_db).query(query);
        if (rows)
            for (const AuditEntry &row : *rows)
                out << QJsonDocument::fromJson(row.details.toUtf8())
                           .object()
                           .value(QStringLiteral("name"))
                           .toString();
        return out;
    };
    AuditQuery query;
    query.since = now.addSecs(-36 * 3600);
    QCOMPARE(names(query), (QStringList{QStringLiteral("g3"), QStringLiteral("g2")}));
    query.until = now.addSecs(-3600);
    QCOMPARE(names(query), QStringList{QStringLiteral("g2")});
    query.since = QDateTime();
    QCOMPARE(names(query),
             (QStringList{QStringLiteral("g2"), QStringLiteral("g1"), QStringLiteral("g0")}));
    // The bound is inclusive at since and exclusive at until.
    query.since = now.addDays(-2);
    query.until = now.addDays(-1);
    QCOMPARE(names(query), QStringList{QStringLiteral("g1")});
}

void TestAuditLog::queryPagesByKeyset() {
    for (int i = 0; i < 25; ++i)
        QVERIFY(m_groups->createGroup(QStringLiteral("g%1").arg(i)).ok());
    AuditQuery query;
    query.limit = 10;
    QList<qint64> ids;
    for (int page = 0; page < 4; ++page) {
        const auto rows = AuditLog(*m_db).query(query);
        QVERIFY(rows.ok());
        QCOMPARE(rows->size(), page < 2 ? 10 : page == 2 ? 5 : 0);
        for (const AuditEntry &row : *rows)
            ids << row.id;
        if (!rows->isEmpty())
            query.beforeId = rows->last().id;
    }
    QCOMPARE(ids.size(), 25);
    for (qsizetype i = 1; i < ids.size(); ++i)
        QVERIFY(ids[i] < ids[i - 1]);
}

QTEST_GUILESS_MAIN(TestAuditLog)
#include "test_auditlog.moc"
