#include "store/apikeyformat.h"
#include "store/auditlog.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "store/usagestore.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QThreadPool>

#include <atomic>
#include <thread>

using namespace portico::store;

namespace {

const QString kActor = QStringLiteral("test:store");

// Every row of every table, as text, so a failing call can be shown to have changed nothing.
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
                     const QDateTime &time, int status = 200) {
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

} // namespace

class TestStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void createAndReadKey();
    void refsResolveByUuidOrName();
    void createKeyWithGroups();
    void invalidNamesAreRefused_data();
    void invalidNamesAreRefused();
    void unicodeNamesAreAccepted_data();
    void unicodeNamesAreAccepted();
    void duplicateNamesAreRefused();
    void unknownRefsSayWhatToCheck();
    void keyLookingRefIsNotEchoed();
    void renameKeepsKeyAndLinks();
    void enableDisableAndExpiry();
    void deleteKeyRemovesLinksAndKeepsUsage();
    void groupCrud();
    void deleteGroupRemovesLinksAndRoutes();
    void routesAddAndRemove();
    void accessibleRoutesThroughTwoGroups();
    void failingCallsChangeNothing();
    void auditRowsForEveryChangeWithoutSecrets();
    void keyIsNotInDatabaseFiles();
    void changeCounterAndSignal();
    void twoDatabaseObjectsSeeEachOther();
    void touchLastUsedIsThrottledAndQuiet();
    void accessSnapshotIsComplete();
    void usageFiltersAndTotals();
    void usageInsertsThousandsOfRows();
    void auditEntriesNewestFirst();
    void threadsWorkConcurrently();
    void databaseDestroyedBeforeThreadEnds();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<Database> m_db;
    std::unique_ptr<KeyStore> m_keys;
    std::unique_ptr<GroupStore> m_groups;
};

void TestStore::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto opened = Database::open(m_dir->filePath(QStringLiteral("portico.db")));
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    m_db = *opened;
    m_keys = std::make_unique<KeyStore>(*m_db, kActor);
    m_groups = std::make_unique<GroupStore>(*m_db, kActor);
}

void TestStore::cleanup() {
    m_keys.reset();
    m_groups.reset();
    m_db.reset();
    m_dir.reset();
}

void TestStore::createAndReadKey() {
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
    auto created = m_keys->createKey(QStringLiteral("  Production App Key  "));
    QVERIFY2(created.ok(), qPrintable(created.error().message));
    QVERIFY(apikey::hasValidFormat(created->key));
    const ApiKeyRecord &record = created->record;
    QVERIFY(!record.uuid.isEmpty());
    QCOMPARE(record.name, QStringLiteral("Production App Key"));
    QVERIFY(record.hint == apikey::hint(created->key));
    QVERIFY(record.state == KeyState::Active);
    QVERIFY(record.createdAt >= before);
    QCOMPARE(record.createdAt.timeSpec(), Qt::UTC);
    QVERIFY(record.createdAt <= QDateTime::currentDateTimeUtc().addSecs(1));
    QVERIFY(!record.lastUsedAt.isValid());
    QVERIFY(!record.expiresAt.isValid());
    QVERIFY(record.groups.isEmpty());
    QCOMPARE(record.accessibleRouteCount(), 0);

    auto listed = m_keys->listKeys();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 1);
    QCOMPARE(listed->first().uuid, record.uuid);
    QVERIFY(listed->first().hint == record.hint);

    auto second = m_keys->createKey(QStringLiteral("Second"));
    QVERIFY(second.ok());
    QVERIFY(second->key != created->key);
    listed = m_keys->listKeys();
    QCOMPARE(listed->size(), 2);
    QCOMPARE(listed->at(0).name, QStringLiteral("Production App Key"));
    QCOMPARE(listed->at(1).name, QStringLiteral("Second"));
}

void TestStore::refsResolveByUuidOrName() {
    auto created = m_keys->createKey(QStringLiteral("ci"));
    QVERIFY(created.ok());
    const QString uuid = created->record.uuid;
    for (const QString &ref :
         {uuid, uuid.toUpper(), QString(QStringLiteral("{") + uuid + QLatin1Char('}')),
          QStringLiteral("ci"), QStringLiteral(" ci ")}) {
        auto found = m_keys->key(ref);
        QVERIFY2(found.ok(), qPrintable(ref));
        QCOMPARE(found->uuid, uuid);
    }
    // A key named like another key's uuid: the uuid wins, the name still finds its own key.
    auto tricky = m_keys->createKey(QStringLiteral("other"));
    QVERIFY(tricky.ok());
    QVERIFY(m_keys->renameKey(QStringLiteral("other"), uuid).ok());
    QCOMPARE(m_keys->key(uuid)->uuid, uuid);
    QCOMPARE(m_keys->key(tricky->record.uuid)->name, uuid);

    auto group = m_groups->createGroup(QStringLiteral("team"));
    QVERIFY(group.ok());
    QCOMPARE(m_groups->group(group->uuid)->name, QStringLiteral("team"));
    QCOMPARE(m_groups->group(QStringLiteral("team"))->uuid, group->uuid);
    QCOMPARE(m_groups->group(group->uuid.toUpper())->uuid, group->uuid);
}

void TestStore::createKeyWithGroups() {
    auto a = m_groups->createGroup(QStringLiteral("Alpha"));
    auto b = m_groups->createGroup(QStringLiteral("Beta"));
    QVERIFY(a.ok() && b.ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("Alpha"), QStringLiteral("chat")).ok());
    // Groups by name and by uuid, one given twice.
    auto created = m_keys->createKey(QStringLiteral("k"),
                                     {QStringLiteral("Beta"), a->uuid, QStringLiteral("Alpha")});
    QVERIFY2(created.ok(), qPrintable(created.error().message));
    const ApiKeyRecord &record = created->record;
    QCOMPARE(record.groups.size(), 2);
    QCOMPARE(record.groups.at(0).name, QStringLiteral("Alpha"));
    QCOMPARE(record.groups.at(0).uuid, a->uuid);
    QCOMPARE(record.groups.at(1).name, QStringLiteral("Beta"));
    QCOMPARE(record.routes.size(), 1);
    QCOMPARE(record.routes.at(0).route, QStringLiteral("chat"));
    QCOMPARE(record.routes.at(0).group.name, QStringLiteral("Alpha"));
    QCOMPARE(record.accessibleRouteCount(), 1);

    auto group = m_groups->group(QStringLiteral("Beta"));
    QCOMPARE(group->keys.size(), 1);
    QCOMPARE(group->keys.at(0).uuid, record.uuid);
    QCOMPARE(group->keys.at(0).name, QStringLiteral("k"));
}

void TestStore::invalidNamesAreRefused_data() {
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << QString() << QStringLiteral("empty");
    QTest::newRow("spaces") << QStringLiteral("   ") << QStringLiteral("empty");
    QTest::newRow("tabs and newlines") << QStringLiteral("\t\n ") << QStringLiteral("empty");
    QTest::newRow("inner newline") << QStringLiteral("a\nb") << QStringLiteral("control");
    QTest::newRow("inner tab") << QStringLiteral("a\tb") << QStringLiteral("control");
    QTest::newRow("carriage return") << QStringLiteral("a\rb") << QStringLiteral("control");
    QTest::newRow("bell") << QString(QStringLiteral("a") + QChar(0x07) + QStringLiteral("b"))
                          << QStringLiteral("control");
    QTest::newRow("DEL") << QString(QStringLiteral("a") + QChar(0x7f)) << QStringLiteral("control");
    QTest::newRow("C1 control") << QString(QStringLiteral("a") + QChar(0x85) + QStringLiteral("b"))
                                << QStringLiteral("control");
    QTest::newRow("line separator")
        << QString(QStringLiteral("a") + QChar(0x2028) + QStringLiteral("b"))
        << QStringLiteral("control");
    QTest::newRow("201 letters") << QString(201, QLatin1Char('x')) << QStringLiteral("201");
    QString emoji201;
    for (int i = 0; i < 201; ++i)
        emoji201 += QString::fromUtf8("\xF0\x9F\x94\x91"); // U+1F511, two UTF-16 units
    QTest::newRow("201 emoji") << emoji201 << QStringLiteral("201");
    QTest::newRow("lone surrogate")
        << QString(QStringLiteral("a") + QChar(0xD800)) << QStringLiteral("not valid");
    // A name that contains an API key would put the key in every listing.
    const QString zeros = QStringLiteral("000000000000000000000000000000");
    QTest::newRow("contains a key")
        << QString(QStringLiteral("my ptc_") + zeros + apikey::checksumFor(zeros))
        << QStringLiteral("API key");
}

void TestStore::invalidNamesAreRefused() {
    QFETCH(QString, name);
    QFETCH(QString, expected);
    QVERIFY(m_keys->createKey(QStringLiteral("existing")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("existing group")).ok());
    const QString before = dumpAll(*m_db);

    auto key = m_keys->createKey(name);
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code, Error::Code::InvalidName);
    QVERIFY2(key.error().message.contains(expected), qPrintable(key.error().message));
    QVERIFY(key.error().message.contains(QStringLiteral("key")));

    auto rename = m_keys->renameKey(QStringLiteral("existing"), name);
    QCOMPARE(rename.error().code, Error::Code::InvalidName);

    auto group = m_groups->createGroup(name);
    QVERIFY(!group.ok());
    QCOMPARE(group.error().code, Error::Code::InvalidName);
    QVERIFY(group.error().message.contains(QStringLiteral("group")));
    QCOMPARE(m_groups->renameGroup(QStringLiteral("existing group"), name).error().code,
             Error::Code::InvalidName);
    QCOMPARE(m_groups->addRoute(QStringLiteral("existing group"), name).error().code,
             Error::Code::InvalidName);

    QCOMPARE(dumpAll(*m_db), before);
}

void TestStore::unicodeNamesAreAccepted_data() {
    QTest::addColumn<QString>("name");
    QTest::newRow("emoji") << QString::fromUtf8("Prod \xF0\x9F\x94\x91 key");
    QTest::newRow("arabic rtl") << QString::fromUtf8("\xD9\x85\xD9\x81\xD8\xAA\xD8\xA7\xD8\xAD");
    QTest::newRow("hebrew with rtl mark")
        << QString::fromUtf8("\xE2\x80\x8F\xD7\x9E\xD7\xA4\xD7\xAA\xD7\x97 1");
    QTest::newRow("cjk") << QString::fromUtf8("\xE7\x94\x9F\xE4\xBA\xA7\xE7\x8E\xAF\xE5\xA2\x83");
    QTest::newRow("combining") << QString::fromUtf8("Cafe\xCC\x81");
    QTest::newRow("zwj family") << QString::fromUtf8(
        "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7");
    QTest::newRow("quotes and sql") << QStringLiteral("it's \"fine\"; DROP TABLE api_keys; --");
    QTest::newRow("200 letters") << QString(200, QLatin1Char('y'));
    QString emoji200;
    for (int i = 0; i < 200; ++i)
        emoji200 += QString::fromUtf8("\xF0\x9F\x94\x91");
    QTest::newRow("200 emoji") << emoji200;
}

void TestStore::unicodeNamesAreAccepted() {
    QFETCH(QString, name);
    auto key = m_keys->createKey(name);
    QVERIFY2(key.ok(), qPrintable(key.error().message));
    QCOMPARE(key->record.name, name);
    QCOMPARE(m_keys->key(name)->uuid, key->record.uuid);
    auto group = m_groups->createGroup(name, name);
    QVERIFY2(group.ok(), qPrintable(group.error().message));
    QCOMPARE(m_groups->group(name)->description, name);
    auto added = m_keys->addKeyToGroup(name, name);
    QVERIFY(added.ok());
    QCOMPARE(added->groups.at(0).name, name);
    QCOMPARE(m_groups->addRoute(name, name)->routes, QStringList{name});
    QVERIFY(m_db->schemaVersion() == Database::kSchemaVersion);
}

void TestStore::duplicateNamesAreRefused() {
    QVERIFY(m_keys->createKey(QStringLiteral("Prod")).ok());
    QVERIFY(m_keys->createKey(QStringLiteral("Dev")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("Team")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("Ops")).ok());
    const QString before = dumpAll(*m_db);

    auto key = m_keys->createKey(QStringLiteral(" Prod "));
    QCOMPARE(key.error().code, Error::Code::Duplicate);
    QCOMPARE(key.error().message,
             QStringLiteral("A key named 'Prod' already exists. Choose another name."));
    auto rename = m_keys->renameKey(QStringLiteral("Dev"), QStringLiteral("Prod"));
    QCOMPARE(rename.error().code, Error::Code::Duplicate);

    auto group = m_groups->createGroup(QStringLiteral("Team"));
    QCOMPARE(group.error().code, Error::Code::Duplicate);
    QCOMPARE(group.error().message,
             QStringLiteral("A group named 'Team' already exists. Choose another name."));
    QCOMPARE(m_groups->renameGroup(QStringLiteral("Ops"), QStringLiteral("Team")).error().code,
             Error::Code::Duplicate);
    QCOMPARE(dumpAll(*m_db), before);

    // Names are unique per kind only, and renaming to the own name is no change.
    QVERIFY(m_groups->createGroup(QStringLiteral("Prod")).ok());
    QVERIFY(m_keys->renameKey(QStringLiteral("Prod"), QStringLiteral("Prod")).ok());
    // Case differs: a different name.
    QVERIFY(m_keys->createKey(QStringLiteral("prod")).ok());
}

void TestStore::unknownRefsSayWhatToCheck() {
    QVERIFY(m_keys->createKey(QStringLiteral("k")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    const QString before = dumpAll(*m_db);

    auto key = m_keys->key(QStringLiteral("nope"));
    QCOMPARE(key.error().code, Error::Code::NotFound);
    QCOMPARE(key.error().message,
             QStringLiteral("No API key with UUID or name 'nope'. Check `portico-gateway keys "
                            "list`."));
    auto group = m_groups->group(QStringLiteral("nope"));
    QCOMPARE(group.error().code, Error::Code::NotFound);
    QVERIFY(group.error().message.contains(QStringLiteral("portico-gateway groups list")));

    // A uuid that does not exist.
    QCOMPARE(m_keys->key(QStringLiteral("3f2504e0-4f89-11d3-9a0c-0305e82c3301")).error().code,
             Error::Code::NotFound);

    auto withUnknownGroup =
        m_keys->createKey(QStringLiteral("new"), {QStringLiteral("g"), QStringLiteral("missing")});
    QCOMPARE(withUnknownGroup.error().code, Error::Code::NotFound);
    QVERIFY(withUnknownGroup.error().message.contains(QStringLiteral("'missing'")));
    QCOMPARE(m_keys->key(QStringLiteral("new")).error().code, Error::Code::NotFound);

    QCOMPARE(m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("missing")).error().code,
             Error::Code::NotFound);
    QCOMPARE(m_keys->addKeyToGroup(QStringLiteral("missing"), QStringLiteral("g")).error().code,
             Error::Code::NotFound);
    QCOMPARE(m_keys->removeKeyFromGroup(QStringLiteral("k"), QStringLiteral("g")).error().code,
             Error::Code::NotFound);
    QCOMPARE(m_keys->renameKey(QStringLiteral("missing"), QStringLiteral("x")).error().code,
             Error::Code::NotFound);
    QCOMPARE(m_keys->setKeyState(QStringLiteral("missing"), KeyState::Disabled).error().code,
             Error::Code::NotFound);
    QCOMPARE(m_keys->deleteKey(QStringLiteral("missing")).error().code, Error::Code::NotFound);
    QCOMPARE(m_groups->deleteGroup(QStringLiteral("missing")).error().code, Error::Code::NotFound);
    QCOMPARE(m_groups->removeRoute(QStringLiteral("g"), QStringLiteral("r")).error().code,
             Error::Code::NotFound);
    QCOMPARE(dumpAll(*m_db), before);
}

void TestStore::keyLookingRefIsNotEchoed() {
    auto created = m_keys->createKey(QStringLiteral("k"));
    QVERIFY(created.ok());
    // Someone passes the key itself where a uuid or name is expected.
    for (const QString &ref : {created->key, QString(QStringLiteral(" ") + created->key)}) {
        auto found = m_keys->key(ref);
        QCOMPARE(found.error().code, Error::Code::NotFound);
        QVERIFY(!found.error().message.contains(created->key));
        QVERIFY(!found.error().message.contains(created->key.mid(4, 30)));
        auto group = m_groups->group(ref);
        QVERIFY(!group.error().message.contains(created->key));
    }
}

void TestStore::renameKeepsKeyAndLinks() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    auto created = m_keys->createKey(QStringLiteral("old"), {QStringLiteral("g")});
    QVERIFY(created.ok());
    const auto hashBefore = m_keys->accessSnapshot()->keys.at(0).hash;

    auto renamed = m_keys->renameKey(QStringLiteral("old"), QStringLiteral("  new  "));
    QVERIFY2(renamed.ok(), qPrintable(renamed.error().message));
    QCOMPARE(renamed->name, QStringLiteral("new"));
    QCOMPARE(renamed->uuid, created->record.uuid);
    QVERIFY(renamed->hint == created->record.hint);
    QCOMPARE(renamed->groups.size(), 1);
    QVERIFY(renamed->updatedAt >= created->record.updatedAt);
    QCOMPARE(m_keys->accessSnapshot()->keys.at(0).hash, hashBefore);
    QCOMPARE(m_keys->accessSnapshot()->keys.at(0).name, QStringLiteral("new"));
    QCOMPARE(m_keys->key(QStringLiteral("old")).error().code, Error::Code::NotFound);
}

void TestStore::enableDisableAndExpiry() {
    auto created = m_keys->createKey(QStringLiteral("k"));
    QVERIFY(created.ok());
    auto disabled = m_keys->setKeyState(QStringLiteral("k"), KeyState::Disabled);
    QVERIFY(disabled.ok());
    QVERIFY(disabled->state == KeyState::Disabled);
    QCOMPARE(toString(disabled->state), QStringLiteral("disabled"));
    QVERIFY(m_keys->accessSnapshot()->keys.at(0).state == KeyState::Disabled);
    auto enabled = m_keys->setKeyState(created->record.uuid, KeyState::Active);
    QVERIFY(enabled->state == KeyState::Active);
    QCOMPARE(toString(enabled->state), QStringLiteral("active"));

    const QDateTime expiry = QDateTime(QDate(2031, 5, 6), QTime(7, 8, 9, 123), Qt::UTC);
    auto expiring = m_keys->setKeyExpiry(QStringLiteral("k"), expiry);
    QVERIFY(expiring.ok());
    QCOMPARE(expiring->expiresAt, expiry);
    QCOMPARE(m_keys->accessSnapshot()->keys.at(0).expiresAt, expiry);
    auto never = m_keys->setKeyExpiry(QStringLiteral("k"), QDateTime());
    QVERIFY(!never->expiresAt.isValid());

    auto withExpiry = m_keys->createKey(QStringLiteral("e"), {}, expiry);
    QCOMPARE(withExpiry->record.expiresAt, expiry);
}

void TestStore::deleteKeyRemovesLinksAndKeepsUsage() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    auto created = m_keys->createKey(QStringLiteral("doomed"), {QStringLiteral("g")});
    auto other = m_keys->createKey(QStringLiteral("kept"), {QStringLiteral("g")});
    QVERIFY(created.ok() && other.ok());
    const QString uuid = created->record.uuid;
    UsageStore usage(*m_db);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVERIFY(
        usage
            .insert({usageRow(uuid, QStringLiteral("doomed"), QStringLiteral("r"), now),
                     usageRow(uuid, QStringLiteral("doomed"), QStringLiteral("r"), now.addSecs(1))})
            .ok());

    auto deleted = m_keys->deleteKey(QStringLiteral("doomed"));
    QVERIFY(deleted.ok());
    QCOMPARE(deleted->uuid, uuid);
    QCOMPARE(deleted->groups.size(), 1);
    QCOMPARE(m_keys->key(uuid).error().code, Error::Code::NotFound);
    QCOMPARE(countRows(*m_db, QStringLiteral("SELECT COUNT(*) FROM key_groups WHERE key_uuid = '") +
                                  uuid + QLatin1Char('\'')),
             0);
    auto group = m_groups->group(QStringLiteral("g"));
    QCOMPARE(group->keys.size(), 1);
    QCOMPARE(group->keys.at(0).name, QStringLiteral("kept"));

    UsageFilter filter;
    filter.keyUuid = uuid;
    auto rows = usage.rows(filter);
    QVERIFY(rows.ok());
    QCOMPARE(rows->size(), 2);
    QCOMPARE(rows->at(0).keyName, QStringLiteral("doomed"));
    // Deleting again says it is gone.
    QCOMPARE(m_keys->deleteKey(uuid).error().code, Error::Code::NotFound);
}

void TestStore::groupCrud() {
    auto created = m_groups->createGroup(QStringLiteral(" Team "), QStringLiteral(" The team "));
    QVERIFY2(created.ok(), qPrintable(created.error().message));
    QCOMPARE(created->name, QStringLiteral("Team"));
    QCOMPARE(created->description, QStringLiteral("The team"));
    QVERIFY(created->createdAt.isValid());
    {
        auto r = m_groups->createGroup(QStringLiteral("Alpha"));
        QVERIFY2(r.ok(), qPrintable(r.error().message));
    }

    auto listed = m_groups->listGroups();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 2);
    QCOMPARE(listed->at(0).name, QStringLiteral("Alpha"));
    QCOMPARE(listed->at(1).name, QStringLiteral("Team"));

    auto renamed = m_groups->renameGroup(QStringLiteral("Team"), QStringLiteral("Crew"));
    QVERIFY(renamed.ok());
    QCOMPARE(renamed->uuid, created->uuid);
    QCOMPARE(renamed->name, QStringLiteral("Crew"));
    auto described = m_groups->setDescription(created->uuid, QStringLiteral("New words"));
    QCOMPARE(described->description, QStringLiteral("New words"));
    QCOMPARE(m_groups->group(QStringLiteral("Crew"))->description, QStringLiteral("New words"));
}

void TestStore::deleteGroupRemovesLinksAndRoutes() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("h")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("chat")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("h"), QStringLiteral("embed")).ok());
    QVERIFY(
        m_keys->createKey(QStringLiteral("k"), {QStringLiteral("g"), QStringLiteral("h")}).ok());

    auto deleted = m_groups->deleteGroup(QStringLiteral("g"));
    QVERIFY(deleted.ok());
    QCOMPARE(deleted->keys.size(), 1);
    QCOMPARE(deleted->routes, QStringList{QStringLiteral("chat")});
    QCOMPARE(m_groups->group(QStringLiteral("g")).error().code, Error::Code::NotFound);
    auto key = m_keys->key(QStringLiteral("k"));
    QVERIFY(key.ok());
    QCOMPARE(key->groups.size(), 1);
    QCOMPARE(key->groups.at(0).name, QStringLiteral("h"));
    QCOMPARE(key->routes.size(), 1);
    QCOMPARE(key->routes.at(0).route, QStringLiteral("embed"));
    QCOMPARE(countRows(*m_db, QStringLiteral("SELECT COUNT(*) FROM group_routes")), 1);
    QCOMPARE(countRows(*m_db, QStringLiteral("SELECT COUNT(*) FROM key_groups")), 1);
}

void TestStore::routesAddAndRemove() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("zeta")).ok());
    auto added = m_groups->addRoute(QStringLiteral("g"), QStringLiteral(" alpha "));
    QVERIFY(added.ok());
    QCOMPARE(added->routes, (QStringList{QStringLiteral("alpha"), QStringLiteral("zeta")}));
    const qint64 counter = m_db->changeCounter();
    // Granting a route twice is no change.
    QCOMPARE(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("alpha"))->routes.size(), 2);
    QCOMPARE(m_db->changeCounter(), counter);
    // A route the config does not have (yet) is kept as given.
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("not-in-config")).ok());

    auto removed = m_groups->removeRoute(QStringLiteral("g"), QStringLiteral("zeta"));
    QVERIFY(removed.ok());
    QCOMPARE(removed->routes,
             (QStringList{QStringLiteral("alpha"), QStringLiteral("not-in-config")}));
    auto missing = m_groups->removeRoute(QStringLiteral("g"), QStringLiteral("zeta"));
    QCOMPARE(missing.error().code, Error::Code::NotFound);
    QVERIFY(missing.error().message.contains(QStringLiteral("'zeta'")));
    QCOMPARE(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("  ")).error().code,
             Error::Code::InvalidName);
}

void TestStore::accessibleRoutesThroughTwoGroups() {
    QVERIFY(m_groups->createGroup(QStringLiteral("B")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("A")).ok());
    for (const char *route : {"r1", "r2"})
        QVERIFY(m_groups->addRoute(QStringLiteral("A"), QLatin1String(route)).ok());
    for (const char *route : {"r3", "r2"})
        QVERIFY(m_groups->addRoute(QStringLiteral("B"), QLatin1String(route)).ok());
    QVERIFY(m_keys->createKey(QStringLiteral("k"), {QStringLiteral("B")}).ok());
    auto key = m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("A"));
    QVERIFY(key.ok());

    const QList<QPair<QString, QString>> expected = {
        {QStringLiteral("r1"), QStringLiteral("A")},
        {QStringLiteral("r2"), QStringLiteral("A")},
        {QStringLiteral("r2"), QStringLiteral("B")},
        {QStringLiteral("r3"), QStringLiteral("B")},
    };
    QCOMPARE(key->routes.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        QCOMPARE(key->routes.at(i).route, expected.at(i).first);
        QCOMPARE(key->routes.at(i).group.name, expected.at(i).second);
        QVERIFY(!key->routes.at(i).group.uuid.isEmpty());
    }
    QCOMPARE(key->accessibleRouteCount(), 3);
    QCOMPARE(m_keys->listKeys()->at(0).accessibleRouteCount(), 3);

    auto removed = m_keys->removeKeyFromGroup(QStringLiteral("k"), QStringLiteral("B"));
    QVERIFY(removed.ok());
    QCOMPARE(removed->accessibleRouteCount(), 2);
    // Adding to a group twice is no change.
    const qint64 counter = m_db->changeCounter();
    QCOMPARE(m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("A"))->groups.size(), 1);
    QCOMPARE(m_db->changeCounter(), counter);
}

void TestStore::failingCallsChangeNothing() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("h")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("r")).ok());
    QVERIFY(m_keys->createKey(QStringLiteral("k"), {QStringLiteral("g")}).ok());
    QVERIFY(m_keys->createKey(QStringLiteral("j")).ok());
    QSignalSpy changed(m_db.get(), &Database::changed);
    const QString before = dumpAll(*m_db);
    const quint64 generation = m_db->localGeneration();

    const QString tooLong(kMaxNameLength + 1, QLatin1Char('n'));
    const QList<std::function<bool()>> failing = {
        [&] { return m_keys->createKey(QString()).ok(); },
        [&] { return m_keys->createKey(tooLong).ok(); },
        [&] { return m_keys->createKey(QStringLiteral("k")).ok(); },
        [&] { return m_keys->createKey(QStringLiteral("n"), {QStringLiteral("nope")}).ok(); },
        [&] {
            return m_keys
                ->createKey(QStringLiteral("n"), {QStringLiteral("g"), QStringLiteral("x")})
                .ok();
        },
        [&] { return m_keys->renameKey(QStringLiteral("k"), QStringLiteral("j")).ok(); },
        [&] { return m_keys->renameKey(QStringLiteral("x"), QStringLiteral("y")).ok(); },
        [&] { return m_keys->renameKey(QStringLiteral("k"), QStringLiteral("a\nb")).ok(); },
        [&] { return m_keys->setKeyState(QStringLiteral("x"), KeyState::Disabled).ok(); },
        [&] { return m_keys->setKeyExpiry(QStringLiteral("x"), QDateTime()).ok(); },
        [&] { return m_keys->deleteKey(QStringLiteral("x")).ok(); },
        [&] { return m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("x")).ok(); },
        [&] { return m_keys->removeKeyFromGroup(QStringLiteral("k"), QStringLiteral("h")).ok(); },
        [&] { return m_keys->removeKeyFromGroup(QStringLiteral("x"), QStringLiteral("g")).ok(); },
        [&] { return m_groups->createGroup(QStringLiteral("g")).ok(); },
        [&] { return m_groups->createGroup(QStringLiteral("\t")).ok(); },
        [&] { return m_groups->renameGroup(QStringLiteral("g"), QStringLiteral("h")).ok(); },
        [&] { return m_groups->renameGroup(QStringLiteral("x"), QStringLiteral("y")).ok(); },
        [&] { return m_groups->setDescription(QStringLiteral("x"), QStringLiteral("d")).ok(); },
        [&] { return m_groups->deleteGroup(QStringLiteral("x")).ok(); },
        [&] { return m_groups->addRoute(QStringLiteral("x"), QStringLiteral("r")).ok(); },
        [&] { return m_groups->addRoute(QStringLiteral("g"), tooLong).ok(); },
        [&] { return m_groups->removeRoute(QStringLiteral("g"), QStringLiteral("s")).ok(); },
        [&] { return m_groups->removeRoute(QStringLiteral("x"), QStringLiteral("r")).ok(); },
    };
    for (qsizetype i = 0; i < failing.size(); ++i) {
        QVERIFY2(!failing.at(i)(), qPrintable(QStringLiteral("call %1 succeeded").arg(i)));
        QVERIFY2(dumpAll(*m_db) == before, qPrintable(QStringLiteral("call %1 changed").arg(i)));
    }
    // No-op changes succeed without writing anything either.
    QVERIFY(m_keys->renameKey(QStringLiteral("k"), QStringLiteral("k")).ok());
    QVERIFY(m_keys->setKeyState(QStringLiteral("k"), KeyState::Active).ok());
    QVERIFY(m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("g")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("r")).ok());
    QCOMPARE(dumpAll(*m_db), before);
    QCOMPARE(changed.count(), 0);
    QCOMPARE(m_db->localGeneration(), generation);
}

void TestStore::auditRowsForEveryChangeWithoutSecrets() {
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

void TestStore::keyIsNotInDatabaseFiles() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    QList<CreatedKey> created;
    for (int i = 0; i < 5; ++i) {
        auto key = m_keys->createKey(QStringLiteral("key %1").arg(i), {QStringLiteral("g")});
        QVERIFY(key.ok());
        created.append(*key);
    }
    QVERIFY(m_keys->renameKey(QStringLiteral("key 0"), QStringLiteral("renamed")).ok());

    QByteArray bytes;
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-journal")}) {
        QFile file(m_db->path() + suffix);
        if (file.open(QIODevice::ReadOnly))
            bytes += file.readAll();
    }
    QVERIFY(bytes.size() > 0);
    for (const CreatedKey &key : std::as_const(created)) {
        QVERIFY(!bytes.contains(key.key.toLatin1()));
        QVERIFY(!bytes.contains(key.key.mid(4, 30).toLatin1()));
        QVERIFY(!bytes.contains(key.key.mid(4).toLatin1()));
        // The hash is what is stored (in the main file or still in the WAL).
        QVERIFY(bytes.contains(apikey::hash(key.key)));
    }
}

void TestStore::changeCounterAndSignal() {
    QSignalSpy changed(m_db.get(), &Database::changed);
    const qint64 start = m_db->changeCounter();
    QVERIFY(start >= 0);
    const quint64 generation = m_db->localGeneration();

    auto key = m_keys->createKey(QStringLiteral("k"));
    QVERIFY(key.ok());
    QCOMPARE(m_db->changeCounter(), start + 1);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(m_db->localGeneration(), generation + 1);
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    QVERIFY(m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("g")).ok());
    QCOMPARE(m_db->changeCounter(), start + 3);
    QCOMPARE(changed.count(), 3);
    QCOMPARE(m_db->localGeneration(), generation + 3);

    // Asking for what already is commits nothing, so no reader reloads.
    QVERIFY(m_keys->renameKey(QStringLiteral("k"), QStringLiteral("k")).ok());
    QVERIFY(m_keys->setKeyState(QStringLiteral("k"), KeyState::Active).ok());
    QVERIFY(m_keys->setKeyExpiry(QStringLiteral("k"), QDateTime()).ok());
    QVERIFY(m_keys->addKeyToGroup(QStringLiteral("k"), QStringLiteral("g")).ok());
    QVERIFY(m_groups->renameGroup(QStringLiteral("g"), QStringLiteral("g")).ok());
    QVERIFY(m_groups->setDescription(QStringLiteral("g"), QString()).ok());
    QCOMPARE(m_db->changeCounter(), start + 3);
    QCOMPARE(changed.count(), 3);
    QCOMPARE(AuditLog(*m_db).entries()->size(), 3);

    // Usage rows and last-used times are not admin changes.
    QVERIFY(UsageStore(*m_db)
                .insert({usageRow(key->record.uuid, QStringLiteral("k"), QStringLiteral("r"),
                                  QDateTime::currentDateTimeUtc())})
                .ok());
    QVERIFY(m_keys->touchLastUsed({key->record.uuid}, QDateTime::currentDateTimeUtc()).ok());
    QCOMPARE(m_db->changeCounter(), start + 3);
    QCOMPARE(changed.count(), 3);
    QCOMPARE(m_db->localGeneration(), generation + 3);

    QVERIFY(m_keys->deleteKey(QStringLiteral("k")).ok());
    QCOMPARE(m_db->changeCounter(), start + 4);
    QCOMPARE(changed.count(), 4);
}

void TestStore::twoDatabaseObjectsSeeEachOther() {
    auto second = Database::open(m_db->path());
    QVERIFY2(second.ok(), qPrintable(second.error().message));
    std::shared_ptr<Database> other = *second;
    KeyStore otherKeys(*other, QStringLiteral("test:other"));
    QSignalSpy otherChanged(other.get(), &Database::changed);

    const qint64 start = other->changeCounter();
    QCOMPARE(m_db->changeCounter(), start);
    QVERIFY(m_keys->createKey(QStringLiteral("from first")).ok());
    QCOMPARE(other->changeCounter(), start + 1);
    // changed() is per object; the other one notices through the counter.
    QCOMPARE(otherChanged.count(), 0);
    QCOMPARE(other->localGeneration(), quint64(0));
    QVERIFY(otherKeys.key(QStringLiteral("from first")).ok());

    QVERIFY(otherKeys.createKey(QStringLiteral("from second")).ok());
    QCOMPARE(m_db->changeCounter(), start + 2);
    QVERIFY(m_keys->key(QStringLiteral("from second")).ok());
    QCOMPARE(m_keys->accessSnapshot()->changeCounter, start + 2);
    QCOMPARE(otherKeys.accessSnapshot()->keys.size(), 2);
}

void TestStore::touchLastUsedIsThrottledAndQuiet() {
    auto key = m_keys->createKey(QStringLiteral("k"));
    auto untouched = m_keys->createKey(QStringLiteral("u"));
    QVERIFY(key.ok() && untouched.ok());
    const QString uuid = key->record.uuid;
    const QDateTime t0 = QDateTime(QDate(2030, 1, 1), QTime(12, 0), Qt::UTC);
    const qint64 counter = m_db->changeCounter();

    QVERIFY(m_keys->touchLastUsed({uuid, uuid}, t0).ok());
    QCOMPARE(m_keys->key(uuid)->lastUsedAt, t0);
    QVERIFY(!m_keys->key(untouched->record.uuid)->lastUsedAt.isValid());
    // Within a minute: not written.
    QVERIFY(m_keys->touchLastUsed({uuid}, t0.addSecs(59)).ok());
    QCOMPARE(m_keys->key(uuid)->lastUsedAt, t0);
    // Later than a minute: written.
    QVERIFY(m_keys->touchLastUsed({uuid}, t0.addSecs(61)).ok());
    QCOMPARE(m_keys->key(uuid)->lastUsedAt, t0.addSecs(61));
    // Unknown uuids and empty lists are harmless.
    QVERIFY(m_keys->touchLastUsed({QStringLiteral("no-such-key")}, t0).ok());
    QVERIFY(m_keys->touchLastUsed({}, t0).ok());
    QCOMPARE(m_db->changeCounter(), counter);
    // The admin's view of the key did not change.
    QCOMPARE(m_keys->key(uuid)->updatedAt, key->record.updatedAt);
}

void TestStore::accessSnapshotIsComplete() {
    QVERIFY(m_groups->createGroup(QStringLiteral("g")).ok());
    QVERIFY(m_groups->createGroup(QStringLiteral("empty")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("r1")).ok());
    QVERIFY(m_groups->addRoute(QStringLiteral("g"), QStringLiteral("r2")).ok());
    auto a = m_keys->createKey(QStringLiteral("a"), {QStringLiteral("g")});
    auto b = m_keys->createKey(QStringLiteral("b"));
    QVERIFY(a.ok() && b.ok());
    QVERIFY(m_keys->setKeyState(QStringLiteral("b"), KeyState::Disabled).ok());

    auto snapshot = m_keys->accessSnapshot();
    QVERIFY(snapshot.ok());
    QCOMPARE(snapshot->changeCounter, m_db->changeCounter());
    QCOMPARE(snapshot->keys.size(), 2);
    QCOMPARE(snapshot->groups.size(), 2);
    for (const AccessSnapshot::Key &key : snapshot->keys) {
        const CreatedKey &created = key.uuid == a->record.uuid ? *a : *b;
        QVERIFY(key.hash == apikey::hash(created.key));
        QCOMPARE(key.name, created.record.name);
        if (key.uuid == a->record.uuid) {
            QVERIFY(key.state == KeyState::Active);
            QCOMPARE(key.groupUuids.size(), 1);
        } else {
            QVERIFY(key.state == KeyState::Disabled);
            QVERIFY(key.groupUuids.isEmpty());
        }
    }
    for (const AccessSnapshot::Group &group : snapshot->groups) {
        if (group.name == QStringLiteral("g")) {
            QCOMPARE(group.routes, (QStringList{QStringLiteral("r1"), QStringLiteral("r2")}));
            QCOMPARE(snapshot->keys.at(snapshot->keys.at(0).uuid == a->record.uuid ? 0 : 1)
                         .groupUuids.at(0),
                     group.uuid);
        } else {
            QVERIFY(group.routes.isEmpty());
        }
    }
}

void TestStore::usageFiltersAndTotals() {
    UsageStore usage(*m_db);
    const QDateTime t0 = QDateTime(QDate(2030, 3, 1), QTime(0, 0), Qt::UTC);
    QList<UsageRecord> rows;
    for (int i = 0; i < 10; ++i) {
        const bool first = i % 2 == 0;
        UsageRecord row = usageRow(first ? QStringLiteral("uuid-a") : QStringLiteral("uuid-b"),
                                   first ? QStringLiteral("A") : QStringLiteral("B"),
                                   i < 6 ? QStringLiteral("chat") : QStringLiteral("embed"),
                                   t0.addSecs(i), i == 3 ? 502 : 200);
        row.stream = i == 4;
        rows.append(row);
    }
    UsageRecord anonymous =
        usageRow(QString(), QString(), QStringLiteral("chat"), t0.addSecs(20), 401);
    anonymous.ttftMs = -1;
    rows.append(anonymous);
    QVERIFY(usage.insert(rows).ok());
    QVERIFY(usage.insert({}).ok());

    auto all = usage.rows({});
    QVERIFY(all.ok());
    QCOMPARE(all->size(), 11);
    const UsageRecord &first = all->at(0);
    QCOMPARE(first.time, t0);
    QCOMPARE(first.keyUuid, QStringLiteral("uuid-a"));
    QCOMPARE(first.keyName, QStringLiteral("A"));
    QCOMPARE(first.route, QStringLiteral("chat"));
    QCOMPARE(first.modelId, QStringLiteral("demo"));
    QCOMPARE(first.provider, QStringLiteral("mock"));
    QCOMPARE(first.status, 200);
    QVERIFY(first.errorCode.isEmpty());
    QCOMPARE(first.promptTokens, 10);
    QCOMPARE(first.completionTokens, 5);
    QCOMPARE(first.costUsd, 0.25);
    QCOMPARE(first.latencyMs, 12);
    QCOMPARE(first.ttftMs, 3);
    QCOMPARE(first.requestId, rows.at(0).requestId);
    QVERIFY(all->at(4).stream);
    QVERIFY(!all->at(5).stream);
    QCOMPARE(all->at(3).errorCode, QStringLiteral("upstream_error"));
    QVERIFY(all->at(10).keyUuid.isEmpty());
    QCOMPARE(all->at(10).ttftMs, -1);

    UsageFilter byKey;
    byKey.keyUuid = QStringLiteral("uuid-b");
    QCOMPARE(usage.rows(byKey)->size(), 5);
    UsageFilter byRoute;
    byRoute.route = QStringLiteral("embed");
    QCOMPARE(usage.rows(byRoute)->size(), 4);
    UsageFilter period;
    period.since = t0.addSecs(2);
    period.until = t0.addSecs(5); // exclusive
    auto inPeriod = usage.rows(period);
    QCOMPARE(inPeriod->size(), 3);
    QCOMPARE(inPeriod->at(0).time, t0.addSecs(2));
    QCOMPARE(inPeriod->at(2).time, t0.addSecs(4));
    UsageFilter limited;
    limited.limit = 3;
    auto newest = usage.rows(limited);
    QCOMPARE(newest->size(), 3);
    QCOMPARE(newest->at(0).time, t0.addSecs(8));
    QCOMPARE(newest->at(2).time, t0.addSecs(20));
    UsageFilter combined;
    combined.keyUuid = QStringLiteral("uuid-a");
    combined.route = QStringLiteral("chat");
    combined.since = t0.addSecs(1);
    QCOMPARE(usage.rows(combined)->size(), 2);

    auto totals = usage.totalsByKey({});
    QVERIFY(totals.ok());
    QCOMPARE(totals->size(), 3);
    const UsageTotals &a = totals->at(0);
    QCOMPARE(a.keyUuid, QStringLiteral("uuid-a"));
    QCOMPARE(a.keyName, QStringLiteral("A"));
    QCOMPARE(a.requests, 5);
    QCOMPARE(a.errors, 0);
    QCOMPARE(a.promptTokens, 50);
    QCOMPARE(a.completionTokens, 25);
    QCOMPARE(a.costUsd, 1.25);
    const UsageTotals &b = totals->at(1);
    QCOMPARE(b.keyUuid, QStringLiteral("uuid-b"));
    QCOMPARE(b.errors, 1);
    QCOMPARE(totals->at(2).requests, 1);
    QCOMPARE(totals->at(2).errors, 1);
    QVERIFY(totals->at(2).keyUuid.isEmpty());

    auto embedTotals = usage.totalsByKey(byRoute);
    QCOMPARE(embedTotals->size(), 2);
    QCOMPARE(embedTotals->at(0).requests + embedTotals->at(1).requests, 4);

    // A renamed key shows its latest recorded name.
    QVERIFY(usage
                .insert({usageRow(QStringLiteral("uuid-a"), QStringLiteral("A renamed"),
                                  QStringLiteral("chat"), t0.addSecs(30))})
                .ok());
    QCOMPARE(usage.totalsByKey({})->at(0).keyName, QStringLiteral("A renamed"));
}

void TestStore::usageInsertsThousandsOfRows() {
    UsageStore usage(*m_db);
    const QDateTime t0 = QDateTime::currentDateTimeUtc();
    QList<UsageRecord> rows;
    for (int i = 0; i < 5000; ++i)
        rows.append(usageRow(QStringLiteral("k%1").arg(i % 7), QStringLiteral("n"),
                             QStringLiteral("chat"), t0.addMSecs(i)));
    QVERIFY(usage.insert(rows).ok());
    QCOMPARE(countRows(*m_db, QStringLiteral("SELECT COUNT(*) FROM usage")), 5000);
    auto totals = usage.totalsByKey({});
    QCOMPARE(totals->size(), 7);
    qint64 sum = 0;
    for (const UsageTotals &t : *totals)
        sum += t.requests;
    QCOMPARE(sum, 5000);
}

void TestStore::auditEntriesNewestFirst() {
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

void TestStore::threadsWorkConcurrently() {
    QVERIFY(m_groups->createGroup(QStringLiteral("shared")).ok());
    constexpr int kThreads = 4;
    constexpr int kKeysPerThread = 5;
    constexpr int kBatches = 10;
    constexpr int kRowsPerBatch = 50;
    QMutex mutex;
    QStringList failures;
    const auto work = [&](int thread) {
        KeyStore keys(*m_db, QStringLiteral("thread:%1").arg(thread));
        UsageStore usage(*m_db);
        for (int i = 0; i < kBatches; ++i) {
            if (i < kKeysPerThread) {
                auto created = keys.createKey(QStringLiteral("t%1-k%2").arg(thread).arg(i),
                                              {QStringLiteral("shared")});
                if (!created.ok()) {
                    QMutexLocker lock(&mutex);
                    failures.append(created.error().message);
                }
            }
            QList<UsageRecord> rows;
            for (int r = 0; r < kRowsPerBatch; ++r)
                rows.append(usageRow(QStringLiteral("t%1").arg(thread), QStringLiteral("n"),
                                     QStringLiteral("chat"), QDateTime::currentDateTimeUtc()));
            if (Status s = usage.insert(rows); !s) {
                QMutexLocker lock(&mutex);
                failures.append(s.error().message);
            }
            if (auto snapshot = keys.accessSnapshot(); !snapshot.ok()) {
                QMutexLocker lock(&mutex);
                failures.append(snapshot.error().message);
            }
        }
    };

    const quint64 generation = m_db->localGeneration();
    // Two plain std::threads, one QThread and one QThreadPool task, all at once.
    std::thread first(work, 0);
    std::thread second(work, 1);
    std::unique_ptr<QThread> qthread(QThread::create(work, 2));
    qthread->start();
    QThreadPool pool;
    pool.start([&] { work(3); });
    first.join();
    second.join();
    QVERIFY(qthread->wait(120000));
    QVERIFY(pool.waitForDone(120000));
    pool.clear();

    QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    QCOMPARE(m_keys->listKeys()->size(), kThreads * kKeysPerThread);
    QCOMPARE(countRows(*m_db, QStringLiteral("SELECT COUNT(*) FROM usage")),
             kThreads * kBatches * kRowsPerBatch);
    QCOMPARE(m_groups->group(QStringLiteral("shared"))->keys.size(), kThreads * kKeysPerThread);
    QCOMPARE(m_db->localGeneration(), generation + kThreads * kKeysPerThread);
}

void TestStore::databaseDestroyedBeforeThreadEnds() {
    auto opened = Database::open(m_db->path());
    QVERIFY(opened.ok());
    std::shared_ptr<Database> db = *opened;
    std::atomic<int> step{0};
    std::atomic<bool> worked{false};
    std::thread thread([&] {
        worked = KeyStore(*db, kActor).createKey(QStringLiteral("from thread")).ok();
        step = 1;
        while (step.load() != 2)
            QThread::msleep(5);
        // The Database object is gone; this thread's connection is closed when it ends.
    });
    while (step.load() != 1)
        QThread::msleep(5);
    db.reset();
    step = 2;
    thread.join();
    QVERIFY(worked.load());
    QVERIFY(m_keys->key(QStringLiteral("from thread")).ok());
}

QTEST_GUILESS_MAIN(TestStore)
#include "test_store.moc"
