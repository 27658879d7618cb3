// Crash safety, proven with real processes (issue 13, item 1): `portico-gateway serve` on an
// SQLite store answers traffic while the command line makes admin changes in a loop (keys
// created, rotated, disabled and enabled, added to groups; groups created; routes granted and
// taken back; config.yaml's routes edited and reloaded), and both are killed with SIGKILL at
// random moments. After every kill:
// - PRAGMA integrity_check says ok (and foreign_key_check finds nothing);
// - an admin change whose command exited 0 is in the store, whole; one whose command failed is
//   absent; one whose command was killed is absent or whole, never half-applied;
// - each change that is in the store has exactly one audit row, and replaying the audit rows
//   gives the store's keys, secrets, groups, memberships and grants;
// - the usage rows lost are only those the usage writer had not committed yet: along each client
//   connection they are a tail of its answered requests (the writer commits rows in the order
//   they come, a batch at a time); after SIGTERM none is lost.
//
// PORTICO_CRASH_ITERATIONS sets the number of gateway kills (10 by default, as ctest runs it;
// the README gives the command for 100); PORTICO_CRASH_SEED replays a run (the seed is printed).

#include "serveprocess.h"
#include "testlogs.h"

#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QScopeGuard>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <csignal>
#include <memory>
#include <optional>

#include <signal.h>

using namespace portico;

namespace {

// ---------------------------------------------------------------------------------------------
// What the test reads back from the store, with a connection of its own.

struct KeyRow {
    QString name;
    QString state;
    QString keyHash;
    QSet<QString> groups;        // group uuids
    QMap<QString, bool> secrets; // hash -> current (valid_until IS NULL)
    bool operator==(const KeyRow &) const = default;
};

struct GroupRow {
    QString name;
    QSet<QString> routes;
    bool operator==(const GroupRow &) const = default;
};

struct AuditRow {
    qint64 id = 0;
    QString action;
    QString objectUuid;
    QJsonObject details;
};

struct Snapshot {
    QMap<QString, KeyRow> keys;     // by uuid
    QMap<QString, GroupRow> groups; // by uuid
    QList<AuditRow> audit;          // by id
    qint64 lastAuditId() const { return audit.isEmpty() ? 0 : audit.last().id; }
    bool sameObjects(const Snapshot &other) const {
        return keys == other.keys && groups == other.groups;
    }
};

QString describe(const KeyRow &key) {
    QStringList secrets;
    for (auto it = key.secrets.cbegin(); it != key.secrets.cend(); ++it)
        secrets << it.key().left(8) + (it.value() ? QStringLiteral("*") : QString());
    QStringList groups(key.groups.cbegin(), key.groups.cend());
    groups.sort();
    return QStringLiteral("{%1 %2 hash %3 groups [%4] secrets [%5]}")
        .arg(key.name, key.state, key.keyHash.left(8), groups.join(u','), secrets.join(u','));
}

// What differs between two snapshots' objects, for failure messages.
QString difference(const Snapshot &before, const Snapshot &after) {
    QStringList lines;
    QSet<QString> keyUuids(before.keys.keyBegin(), before.keys.keyEnd());
    keyUuids.unite(QSet<QString>(after.keys.keyBegin(), after.keys.keyEnd()));
    for (const QString &uuid : keyUuids)
        if (before.keys.value(uuid) != after.keys.value(uuid))
            lines << QStringLiteral("key %1: %2 -> %3")
                         .arg(uuid,
                              before.keys.contains(uuid) ? describe(before.keys[uuid])
                                                         : QStringLiteral("none"),
                              after.keys.contains(uuid) ? describe(after.keys[uuid])
                                                        : QStringLiteral("none"));
    QSet<QString> groupUuids(before.groups.keyBegin(), before.groups.keyEnd());
    groupUuids.unite(QSet<QString>(after.groups.keyBegin(), after.groups.keyEnd()));
    for (const QString &uuid : groupUuids) {
        if (before.groups.value(uuid) == after.groups.value(uuid))
            continue;
        const auto routes = [](const Snapshot &shot, const QString &id) -> QString {
            if (!shot.groups.contains(id))
                return QStringLiteral("none");
            QStringList list(shot.groups[id].routes.cbegin(), shot.groups[id].routes.cend());
            list.sort();
            return shot.groups[id].name + QStringLiteral(" [") + list.join(u',') + u']';
        };
        lines << QStringLiteral("group %1: %2 -> %3")
                     .arg(uuid, routes(before, uuid), routes(after, uuid));
    }
    QStringList audit;
    for (const AuditRow &row : after.audit)
        if (row.id > before.lastAuditId())
            audit << QStringLiteral("%1 %2").arg(row.action, row.objectUuid);
    lines << QStringLiteral("new audit rows: ") + audit.join(QStringLiteral(", "));
    return lines.join(u'\n');
}

// One connection per read, closed after it: the test holds no lock between its checks.
class StoreReader {
public:
    explicit StoreReader(const QString &path) {
        static int counter = 0;
        m_name = QStringLiteral("crashsafety-reader-%1").arg(++counter);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
        m_open = db.open();
    }
    ~StoreReader() {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }

    // Every row of `sql`, each as a list of values; an error in *error.
    QList<QVariantList> rows(const QString &sql, QString *error) const {
        QList<QVariantList> result;
        if (!m_open) {
            *error = QStringLiteral("cannot open the store");
            return result;
        }
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.exec(sql)) {
            *error = sql + QStringLiteral(": ") + query.lastError().text();
            return result;
        }
        const int columns = query.record().count();
        while (query.next()) {
            QVariantList row;
            for (int c = 0; c < columns; ++c)
                row << query.value(c);
            result << row;
        }
        return result;
    }

    // One small write of the test's own (a row of meta that nothing else reads). After a process
    // was killed, it makes what the store holds final: a transaction whose commit frame reached
    // the write-ahead log but whose index update did not is invisible to the connections still
    // open, and then either taken in by the next WAL recovery (it was committed) or overwritten
    // by the next write (it was not). The next write of the gateway or the command line would
    // decide the same; the test decides it before it looks.
    bool settle(QString *error) const {
        static int counter = 0;
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!m_open ||
            !query.exec(QStringLiteral("INSERT INTO meta (key, value) VALUES ('crash_test', '%1') "
                                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                            .arg(++counter))) {
            *error = QStringLiteral("cannot write the store: ") + query.lastError().text();
            return false;
        }
        return true;
    }

    std::optional<Snapshot> snapshot(QString *error) const {
        Snapshot shot;
        // One read transaction: every table as of the same commit.
        QSqlQuery begin(QSqlDatabase::database(m_name, false));
        if (!m_open || !begin.exec(QStringLiteral("BEGIN"))) {
            *error = QStringLiteral("cannot begin a read: ") + begin.lastError().text();
            return std::nullopt;
        }
        const auto done = qScopeGuard([&] {
            QSqlQuery end(QSqlDatabase::database(m_name, false));
            end.exec(QStringLiteral("COMMIT"));
        });
        for (const auto &row :
             rows(QStringLiteral("SELECT uuid, name, state, key_hash FROM api_keys"), error))
            shot.keys.insert(
                row[0].toString(),
                KeyRow{row[1].toString(), row[2].toString(), row[3].toString(), {}, {}});
        for (const auto &row :
             rows(QStringLiteral("SELECT key_uuid, group_uuid FROM key_groups"), error))
            shot.keys[row[0].toString()].groups.insert(row[1].toString());
        for (const auto &row :
             rows(QStringLiteral(
                      "SELECT key_uuid, secret_hash, valid_until IS NULL FROM key_secrets"),
                  error))
            shot.keys[row[0].toString()].secrets.insert(row[1].toString(), row[2].toBool());
        for (const auto &row : rows(QStringLiteral("SELECT uuid, name FROM groups"), error))
            shot.groups.insert(row[0].toString(), GroupRow{row[1].toString(), {}});
        for (const auto &row :
             rows(QStringLiteral("SELECT group_uuid, route_name FROM group_routes"), error))
            shot.groups[row[0].toString()].routes.insert(row[1].toString());
        for (const auto &row :
             rows(QStringLiteral("SELECT id, action, object_uuid, details FROM audit ORDER BY id"),
                  error))
            shot.audit << AuditRow{row[0].toLongLong(), row[1].toString(), row[2].toString(),
                                   QJsonDocument::fromJson(row[3].toString().toUtf8()).object()};
        if (!error->isEmpty())
            return std::nullopt;
        return shot;
    }

private:
    QString m_name;
    bool m_open = false;
};

// The store as its audit rows tell it; empty when it matches `actual`, else what differs.
QString replayAudit(const Snapshot &actual) {
    QMap<QString, KeyRow> keys;
    QMap<QString, int> secretCounts;
    QMap<QString, GroupRow> groups;
    QStringList problems;
    for (const AuditRow &row : actual.audit) {
        const QString &uuid = row.objectUuid;
        const QString action = row.action;
        if (action == QLatin1String("key.create")) {
            if (keys.contains(uuid))
                problems << QStringLiteral("two key.create rows for %1").arg(uuid);
            KeyRow key;
            key.name = row.details.value(QStringLiteral("name")).toString();
            key.state = QStringLiteral("active");
            for (const auto &group : row.details.value(QStringLiteral("group_uuids")).toArray())
                key.groups.insert(group.toString());
            keys.insert(uuid, key);
            secretCounts[uuid] = 1;
        } else if (action == QLatin1String("key.rotate")) {
            ++secretCounts[uuid];
        } else if (action == QLatin1String("key.disable")) {
            keys[uuid].state = QStringLiteral("disabled");
        } else if (action == QLatin1String("key.enable")) {
            keys[uuid].state = QStringLiteral("active");
        } else if (action == QLatin1String("key.add_group")) {
            keys[uuid].groups.insert(row.details.value(QStringLiteral("group_uuid")).toString());
        } else if (action == QLatin1String("key.remove_group")) {
            keys[uuid].groups.remove(row.details.value(QStringLiteral("group_uuid")).toString());
        } else if (action == QLatin1String("group.create")) {
            if (groups.contains(uuid))
                problems << QStringLiteral("two group.create rows for %1").arg(uuid);
            groups.insert(uuid, GroupRow{row.details.value(QStringLiteral("name")).toString(), {}});
        } else if (action == QLatin1String("group.add_route")) {
            groups[uuid].routes.insert(row.details.value(QStringLiteral("route")).toString());
        } else if (action == QLatin1String("group.remove_route")) {
            groups[uuid].routes.remove(row.details.value(QStringLiteral("route")).toString());
        } else {
            problems
                << QStringLiteral("an audit row of an action the test never makes: %1").arg(action);
        }
    }
    if (QSet<QString>(keys.keyBegin(), keys.keyEnd()) !=
        QSet<QString>(actual.keys.keyBegin(), actual.keys.keyEnd()))
        problems << QStringLiteral("the audit rows create %1 keys, the store has %2")
                        .arg(keys.size())
                        .arg(actual.keys.size());
    for (auto it = actual.keys.cbegin(); it != actual.keys.cend(); ++it) {
        const KeyRow &real = it.value();
        const KeyRow replayed = keys.value(it.key());
        if (real.name != replayed.name || real.state != replayed.state ||
            real.groups != replayed.groups)
            problems << QStringLiteral("key %1: store %2, audit %3 %4")
                            .arg(it.key(), describe(real), replayed.name, replayed.state);
        if (real.secrets.size() != secretCounts.value(it.key()))
            problems << QStringLiteral("key %1 has %2 secrets, its audit rows say %3")
                            .arg(it.key())
                            .arg(real.secrets.size())
                            .arg(secretCounts.value(it.key()));
        // Exactly one current secret, and it is the key's hash.
        const QList<QString> current = [&] {
            QList<QString> hashes;
            for (auto s = real.secrets.cbegin(); s != real.secrets.cend(); ++s)
                if (s.value())
                    hashes << s.key();
            return hashes;
        }();
        if (current != QList<QString>{real.keyHash})
            problems << QStringLiteral("key %1: its current secrets are not its hash: %2")
                            .arg(it.key(), describe(real));
    }
    if (groups != actual.groups)
        problems << QStringLiteral("the groups and grants differ from their audit rows");
    return problems.join(u'\n');
}

// ---------------------------------------------------------------------------------------------
// Traffic: one keep-alive connection sending one request after the other, so that the gateway
// handles them in order on one worker thread and submits their usage rows in that order.

class Lane : public QObject {
    Q_OBJECT
public:
    Lane(quint16 port, QByteArray key)
        : m_port(port)
        , m_key(std::move(key)) {
        connect(&m_socket, &QTcpSocket::connected, this, &Lane::sendNext);
        connect(&m_socket, &QTcpSocket::readyRead, this, &Lane::onReadyRead);
    }
    void start() { m_socket.connectToHost(QStringLiteral("127.0.0.1"), m_port); }
    void stop() {
        m_stopped = true;
        m_socket.abort();
    }
    // The request ids answered 200, in order.
    const QStringList &answered() const { return m_answered; }

private:
    void sendNext() {
        if (m_stopped || m_socket.state() != QAbstractSocket::ConnectedState)
            return;
        static const QByteArray body =
            R"({"model":"demo","messages":[{"role":"user","content":"crash test"}]})";
        m_buffer.clear();
        m_socket.write("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Authorization: Bearer " +
                       m_key + "\r\nContent-Type: application/json\r\nContent-Length: " +
                       QByteArray::number(body.size()) + "\r\n\r\n" + body);
    }
    void onReadyRead() {
        m_buffer += m_socket.readAll();
        const qsizetype headerEnd = m_buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0)
            return;
        const QList<QByteArray> lines = m_buffer.left(headerEnd).split('\n');
        qsizetype length = 0;
        QByteArray requestId;
        for (const QByteArray &line : lines.mid(1)) {
            const qsizetype colon = line.indexOf(':');
            const QByteArray name = line.left(colon).trimmed().toLower();
            if (name == "content-length")
                length = line.mid(colon + 1).trimmed().toLongLong();
            else if (name == "x-request-id")
                requestId = line.mid(colon + 1).trimmed();
        }
        if (m_buffer.size() < headerEnd + 4 + length)
            return;
        const int status = lines.value(0).split(' ').value(1).toInt();
        if (status == 200 && !requestId.isEmpty())
            m_answered << QString::fromLatin1(requestId);
        m_buffer.clear();
        sendNext();
    }

    QTcpSocket m_socket;
    quint16 m_port;
    QByteArray m_key;
    QByteArray m_buffer;
    QStringList m_answered;
    bool m_stopped = false;
};

// ---------------------------------------------------------------------------------------------

enum class Kind {
    CreateKey,
    RotateKey,
    DisableKey,
    EnableKey,
    AddKeyToGroup,
    CreateGroup,
    AddRoute,
    RemoveRoute,
    FailingCreate, // a name already taken: exits 1, changes nothing
};

struct Command {
    Kind kind;
    QStringList arguments;
    QString action; // the audit row it must write
    QString objectUuid;
    QString name;
    QString groupUuid;
    QString route;
};

constexpr int kLanes = 4;
const QStringList kRoutes = {QStringLiteral("demo"), QStringLiteral("second"),
                             QStringLiteral("third")};

} // namespace

class TestCrashSafety : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void killsLeaveAConsistentStore();

private:
    QStringList baseArguments() const {
        return {QStringLiteral("--db"), m_dbPath, QStringLiteral("--config"), m_configPath};
    }
    bool writeConfig(bool withExtraRoute);
    Command pickCommand();
    // Checks the command's effect; false (with the reason) when it was half-applied, missing
    // after exit 0, or present after a failure.
    bool checkCommand(const Command &command, const Snapshot &before, const Snapshot &after,
                      bool killed, int exitCode, QString *why) const;
    QString checkStoreWhole() const;

    QTemporaryDir m_dir;
    QString m_dbPath;
    QString m_configPath;
    QRandomGenerator m_random;
    QStringList m_trafficKeys;
    int m_nameCounter = 0;
    qint64 m_typicalRunMs = 150; // of a command not killed, lately

    // What the test knows of the objects the loop works on (as the store says after each command).
    struct {
        QStringList keyUuids;
        QStringList groupUuids;
    } m_known;

    // Figures for the report.
    int m_cliRuns = 0;
    int m_cliKilled = 0;
    int m_killedApplied = 0;
    int m_kills = 0;
    int m_terms = 0;
    qint64 m_maxLost = 0;
    qint64 m_totalLost = 0;
    qint64 m_answered = 0;
};

bool TestCrashSafety::writeConfig(bool withExtraRoute) {
    QByteArray yaml = "chat_models:\n  - model_id: echo\n    model: mock/echo\n"
                      "routes:\n  demo: { chat_models: [echo] }\n"
                      "  second: { chat_models: [echo] }\n  third: { chat_models: [echo] }\n";
    if (withExtraRoute)
        yaml += "  extra: { chat_models: [echo] }\n";
    // Replaced whole, as an editor that saves safely does: the gateway never reads half a file.
    QSaveFile file(m_configPath);
    return file.open(QIODevice::WriteOnly) && file.write(yaml) == yaml.size() && file.commit();
}

void TestCrashSafety::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_dbPath = m_dir.filePath(QStringLiteral("portico.db"));
    m_configPath = m_dir.filePath(QStringLiteral("config.yaml"));
    QVERIFY(writeConfig(false));
    quint32 seed = QRandomGenerator::global()->generate();
    if (qEnvironmentVariableIsSet("PORTICO_CRASH_SEED"))
        seed = quint32(qEnvironmentVariable("PORTICO_CRASH_SEED").toUInt());
    qInfo("PORTICO_CRASH_SEED=%u", seed);
    m_random.seed(seed);

    auto opened = store::Database::open(m_dbPath);
    QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
    auto db = opened.value();
    store::GroupStore groups(*db, QStringLiteral("test"));
    store::KeyStore keys(*db, QStringLiteral("test"));
    const auto traffic = groups.createGroup(QStringLiteral("traffic"));
    QVERIFY(traffic);
    QVERIFY(groups.addRoute(QStringLiteral("traffic"), QStringLiteral("demo")));
    // The keys of the traffic: the loop never touches them, so every request is answered 200.
    for (int i = 0; i < kLanes; ++i) {
        const auto created =
            keys.createKey(QStringLiteral("traffic-%1").arg(i), {QStringLiteral("traffic")});
        QVERIFY(created);
        m_trafficKeys << created->key;
    }
    // Something for the loop to work on from the first command.
    for (int i = 0; i < 2; ++i) {
        const auto group = groups.createGroup(QStringLiteral("team-%1").arg(i));
        QVERIFY(group);
        m_known.groupUuids << group->uuid;
        const auto key =
            keys.createKey(QStringLiteral("member-%1").arg(i), {QStringLiteral("team-%1").arg(i)});
        QVERIFY(key);
        m_known.keyUuids << key->record.uuid;
    }
}

Command TestCrashSafety::pickCommand() {
    const auto any = [&](const QStringList &list) {
        return list.at(int(m_random.bounded(quint32(list.size()))));
    };
    Command command{};
    const quint32 roll = m_random.bounded(100u);
    const QString key = any(m_known.keyUuids);
    const QString group = any(m_known.groupUuids);
    if (roll < 20) {
        command.kind = Kind::CreateKey;
        command.name = QStringLiteral("loop-key-%1").arg(++m_nameCounter);
        command.groupUuid = group;
        command.action = QStringLiteral("key.create");
        command.arguments = {QStringLiteral("--json"),  QStringLiteral("keys"),
                             QStringLiteral("create"),  command.name,
                             QStringLiteral("--group"), group};
    } else if (roll < 40) {
        command.kind = Kind::RotateKey;
        command.objectUuid = key;
        command.action = QStringLiteral("key.rotate");
        command.arguments = {QStringLiteral("keys"), QStringLiteral("rotate"), key};
        if (m_random.bounded(2u))
            command.arguments << QStringLiteral("--grace") << QStringLiteral("1h");
    } else if (roll < 55) {
        // Disable or enable, whichever changes the key (the caller flips it when needed).
        command.kind = Kind::DisableKey;
        command.objectUuid = key;
        command.action = QStringLiteral("key.disable");
        command.arguments = {QStringLiteral("keys"), QStringLiteral("disable"), key};
    } else if (roll < 62) {
        command.kind = Kind::AddKeyToGroup;
        command.objectUuid = key;
        command.groupUuid = group;
        command.action = QStringLiteral("key.add_group");
        command.arguments = {QStringLiteral("keys"), QStringLiteral("add-group"), key, group};
    } else if (roll < 70) {
        command.kind = Kind::CreateGroup;
        command.name = QStringLiteral("loop-group-%1").arg(++m_nameCounter);
        command.action = QStringLiteral("group.create");
        command.arguments = {QStringLiteral("groups"), QStringLiteral("create"), command.name};
    } else if (roll < 95) {
        command.kind = Kind::AddRoute; // or RemoveRoute, see the caller
        command.objectUuid = group;
        command.route = any(kRoutes);
        command.action = QStringLiteral("group.add_route");
        command.arguments = {QStringLiteral("groups"), QStringLiteral("add-route"), group,
                             command.route};
    } else {
        command.kind = Kind::FailingCreate;
        command.name = QStringLiteral("traffic-0");
        command.arguments = {QStringLiteral("keys"), QStringLiteral("create"), command.name};
    }
    return command;
}

bool TestCrashSafety::checkCommand(const Command &command, const Snapshot &before,
                                   const Snapshot &after, bool killed, int exitCode,
                                   QString *why) const {
    QList<AuditRow> newRows;
    for (const AuditRow &row : after.audit)
        if (row.id > before.lastAuditId())
            newRows << row;

    // Is the change whole in `after`? (Everything else must be as in `before`.)
    QString applyProblem;
    const bool applied = [&]() -> bool {
        Snapshot expected = before;
        switch (command.kind) {
        case Kind::CreateKey: {
            QString uuid;
            for (auto it = after.keys.cbegin(); it != after.keys.cend(); ++it)
                if (!before.keys.contains(it.key()))
                    uuid = it.key();
            if (uuid.isEmpty())
                return false;
            const KeyRow &key = after.keys[uuid];
            if (key.name != command.name || key.state != QLatin1String("active") ||
                key.groups != QSet<QString>{command.groupUuid} || key.secrets.size() != 1 ||
                !key.secrets.value(key.keyHash)) {
                applyProblem = QStringLiteral("new key %1").arg(describe(key));
                return false;
            }
            expected.keys.insert(uuid, key);
            if (newRows.size() == 1 && newRows[0].objectUuid != uuid)
                applyProblem = QStringLiteral("its audit row names another key");
            break;
        }
        case Kind::RotateKey: {
            const KeyRow &old = before.keys[command.objectUuid];
            const KeyRow &now = after.keys.value(command.objectUuid);
            if (now.keyHash == old.keyHash)
                return false;
            KeyRow rotated = old;
            rotated.keyHash = now.keyHash;
            for (auto it = rotated.secrets.begin(); it != rotated.secrets.end(); ++it)
                it.value() = false;
            rotated.secrets.insert(now.keyHash, true);
            if (now != rotated) {
                applyProblem = QStringLiteral("rotated key %1, expected %2")
                                   .arg(describe(now), describe(rotated));
                return false;
            }
            expected.keys.insert(command.objectUuid, rotated);
            break;
        }
        case Kind::DisableKey:
        case Kind::EnableKey: {
            const QString target = command.kind == Kind::DisableKey ? QStringLiteral("disabled")
                                                                    : QStringLiteral("active");
            if (after.keys.value(command.objectUuid).state != target)
                return false;
            expected.keys[command.objectUuid].state = target;
            break;
        }
        case Kind::AddKeyToGroup:
            if (!after.keys.value(command.objectUuid).groups.contains(command.groupUuid))
                return false;
            expected.keys[command.objectUuid].groups.insert(command.groupUuid);
            break;
        case Kind::CreateGroup: {
            QString uuid;
            for (auto it = after.groups.cbegin(); it != after.groups.cend(); ++it)
                if (!before.groups.contains(it.key()))
                    uuid = it.key();
            if (uuid.isEmpty())
                return false;
            expected.groups.insert(uuid, GroupRow{command.name, {}});
            if (newRows.size() == 1 && newRows[0].objectUuid != uuid)
                applyProblem = QStringLiteral("its audit row names another group");
            break;
        }
        case Kind::AddRoute:
            if (!after.groups.value(command.objectUuid).routes.contains(command.route))
                return false;
            expected.groups[command.objectUuid].routes.insert(command.route);
            break;
        case Kind::RemoveRoute:
            if (after.groups.value(command.objectUuid).routes.contains(command.route))
                return false;
            expected.groups[command.objectUuid].routes.remove(command.route);
            break;
        case Kind::FailingCreate:
            return false;
        }
        if (!after.sameObjects(expected)) {
            if (applyProblem.isEmpty())
                applyProblem = QStringLiteral("the change is there, but so are other changes");
            return false;
        }
        return applyProblem.isEmpty();
    }();
    const bool unchanged = after.sameObjects(before);
    const QString what = command.arguments.join(u' ');

    if (!applied && !unchanged) {
        *why = QStringLiteral("`%1` (%2) was half-applied: %3")
                   .arg(what,
                        killed ? QStringLiteral("killed") : QStringLiteral("exit %1").arg(exitCode),
                        applyProblem.isEmpty() ? QStringLiteral("the store changed otherwise")
                                               : applyProblem) +
               u'\n' + difference(before, after);
        return false;
    }
    if (applied) {
        if (newRows.size() != 1 || newRows[0].action != command.action) {
            *why = QStringLiteral("`%1` is in the store with %2 new audit rows (%3)")
                       .arg(what)
                       .arg(newRows.size())
                       .arg(newRows.isEmpty() ? QString() : newRows[0].action);
            return false;
        }
        if (!command.objectUuid.isEmpty() && newRows[0].objectUuid != command.objectUuid) {
            *why = QStringLiteral("`%1`: its audit row names another object").arg(what);
            return false;
        }
        if (!killed && exitCode != 0) {
            *why = QStringLiteral("`%1` exited %2 but its change is in the store")
                       .arg(what)
                       .arg(exitCode);
            return false;
        }
    } else {
        if (!newRows.isEmpty()) {
            *why = QStringLiteral("`%1` changed nothing but wrote the audit row %2")
                       .arg(what, newRows[0].action);
            return false;
        }
        if (!killed && exitCode == 0) {
            *why = QStringLiteral("`%1` exited 0 but its change is not in the store").arg(what);
            return false;
        }
    }
    return true;
}

QString TestCrashSafety::checkStoreWhole() const {
    StoreReader reader(m_dbPath);
    QString error;
    const auto integrity = reader.rows(QStringLiteral("PRAGMA integrity_check"), &error);
    if (!error.isEmpty())
        return error;
    if (integrity.size() != 1 || integrity[0].value(0).toString() != QLatin1String("ok")) {
        QStringList lines;
        for (const auto &row : integrity)
            lines << row.value(0).toString();
        return QStringLiteral("integrity_check: ") + lines.join(u'\n');
    }
    const auto foreignKeys = reader.rows(QStringLiteral("PRAGMA foreign_key_check"), &error);
    if (!error.isEmpty())
        return error;
    if (!foreignKeys.isEmpty())
        return QStringLiteral("foreign_key_check found %1 rows").arg(foreignKeys.size());
    const auto shot = reader.snapshot(&error);
    if (!shot)
        return error;
    return replayAudit(*shot);
}

void TestCrashSafety::killsLeaveAConsistentStore() {
    const int iterations = qEnvironmentVariableIsSet("PORTICO_CRASH_ITERATIONS")
                               ? qEnvironmentVariableIntValue("PORTICO_CRASH_ITERATIONS")
                               : 10;
    QVERIFY(iterations > 0);
    QElapsedTimer total;
    total.start();
    qint64 lastUsageId = 0;
    bool extraRoute = false;

    for (int iteration = 0; iteration < iterations; ++iteration) {
        ServeProcess serve;
        QVERIFY2(serve.start(QStringLiteral(PORTICO_GATEWAY_BINARY),
                             baseArguments() + QStringList{QStringLiteral("serve"),
                                                           QStringLiteral("--listen"),
                                                           QStringLiteral("127.0.0.1:0")}),
                 serve.readErrors().constData());

        std::vector<std::unique_ptr<Lane>> lanes;
        for (int i = 0; i < kLanes; ++i) {
            lanes.push_back(std::make_unique<Lane>(serve.port(), m_trafficKeys[i].toLatin1()));
            lanes.back()->start();
        }

        // One in five iterations ends with SIGTERM: then no usage row may be lost.
        const bool terminate = iteration % 5 == 4;
        const int killAfterMs = 200 + int(m_random.bounded(1300u));
        QElapsedTimer clock;
        clock.start();
        QString failure;
        bool gatewayDown = false;

        while (failure.isEmpty()) {
            QString error;
            const auto before = StoreReader(m_dbPath).snapshot(&error);
            if (!before) {
                failure = QStringLiteral("cannot read the store: ") + error;
                break;
            }
            Command command = pickCommand();
            // The direction that changes something, from what the store holds now.
            if (command.kind == Kind::DisableKey &&
                before->keys.value(command.objectUuid).state == QLatin1String("disabled")) {
                command.kind = Kind::EnableKey;
                command.action = QStringLiteral("key.enable");
                command.arguments[1] = QStringLiteral("enable");
            } else if (command.kind == Kind::AddRoute &&
                       before->groups.value(command.objectUuid).routes.contains(command.route)) {
                command.kind = Kind::RemoveRoute;
                command.action = QStringLiteral("group.remove_route");
                command.arguments[1] = QStringLiteral("remove-route");
            } else if (command.kind == Kind::AddKeyToGroup &&
                       before->keys.value(command.objectUuid).groups.contains(command.groupUuid)) {
                command.kind = Kind::RotateKey;
                command.action = QStringLiteral("key.rotate");
                command.arguments = {QStringLiteral("keys"), QStringLiteral("rotate"),
                                     command.objectUuid};
                command.groupUuid.clear();
            }
            // Now and then config.yaml's routes change too, and the gateway reloads it.
            if (!gatewayDown && m_random.bounded(10u) == 0) {
                extraRoute = !extraRoute;
                if (writeConfig(extraRoute))
                    ::kill(pid_t(serve.processId()), SIGHUP);
            }

            QProcess process;
            QElapsedTimer runTime;
            runTime.start();
            process.start(QStringLiteral(PORTICO_GATEWAY_BINARY),
                          baseArguments() + command.arguments);
            // About a third of the commands are killed at a random moment of their run (start-up,
            // opening the store, inside the transaction, after the commit): anywhere within how
            // long a command has been taking lately (the machine may be loaded), and a bit more.
            if (m_random.bounded(3u) == 0) {
                const auto within = quint32(std::max<qint64>(50, m_typicalRunMs * 5 / 4));
                QTimer::singleShot(int(m_random.bounded(within)), &process, [&process] {
                    if (process.state() != QProcess::NotRunning)
                        ::kill(pid_t(process.processId()), SIGKILL);
                });
            }
            (void)QTest::qWaitFor(
                [&] {
                    return process.state() == QProcess::NotRunning ||
                           (!gatewayDown && clock.elapsed() >= killAfterMs);
                },
                60000);
            if (!gatewayDown && clock.elapsed() >= killAfterMs) {
                // Time's up: the gateway and the command running now are killed together.
                if (process.state() != QProcess::NotRunning)
                    ::kill(pid_t(process.processId()), SIGKILL);
                gatewayDown = true;
                if (terminate) {
                    ++m_terms;
                    serve.stop();
                } else {
                    ++m_kills;
                    ::kill(pid_t(serve.processId()), SIGKILL);
                }
            }
            if (process.state() != QProcess::NotRunning && !process.waitForFinished(60000)) {
                failure = QStringLiteral("`%1` did not end").arg(command.arguments.join(u' '));
                break;
            }
            // Killed by our SIGKILL (a command that ended on its own just before is not).
            const bool killed = process.exitStatus() == QProcess::CrashExit;
            if (!killed && !gatewayDown)
                m_typicalRunMs = (m_typicalRunMs * 3 + runTime.elapsed()) / 4;
            ++m_cliRuns;
            if (killed)
                ++m_cliKilled;
            std::optional<Snapshot> after;
            {
                StoreReader reader(m_dbPath);
                if (killed && !reader.settle(&error)) {
                    failure = error;
                    break;
                }
                after = reader.snapshot(&error);
            }
            if (!after) {
                failure = QStringLiteral("cannot read the store: ") + error;
                break;
            }
            QString why;
            if (!checkCommand(command, *before, *after, killed, process.exitCode(), &why)) {
                failure = why + QStringLiteral("\nstderr: ") +
                          QString::fromUtf8(process.readAllStandardError());
                break;
            }
            if (killed) {
                if (!after->sameObjects(*before))
                    ++m_killedApplied;
                // After every kill, the store is whole.
                if (const QString broken = checkStoreWhole(); !broken.isEmpty()) {
                    failure = QStringLiteral("after killing `%1`: %2")
                                  .arg(command.arguments.join(u' '), broken);
                    break;
                }
            }
            for (auto it = after->keys.cbegin(); it != after->keys.cend(); ++it)
                if (!before->keys.contains(it.key()) &&
                    it.value().name.startsWith(QLatin1String("loop-key-")))
                    m_known.keyUuids << it.key();
            for (auto it = after->groups.cbegin(); it != after->groups.cend(); ++it)
                if (!before->groups.contains(it.key()))
                    m_known.groupUuids << it.key();
            if (gatewayDown)
                break;
        }
        serve.stop(); // reaps it
        testsupport::saveTestLog(QStringLiteral("serve.stderr.log"), serve.readErrors());
        for (auto &lane : lanes)
            lane->stop();
        QVERIFY2(failure.isEmpty(),
                 qPrintable(QStringLiteral("iteration %1: %2").arg(iteration).arg(failure)));

        // The store is whole, and matches its audit rows.
        const QString broken = checkStoreWhole();
        QVERIFY2(broken.isEmpty(), qPrintable(QStringLiteral("iteration %1, after the gateway's "
                                                             "%2: %3")
                                                  .arg(iteration)
                                                  .arg(terminate ? QLatin1String("SIGTERM")
                                                                 : QLatin1String("SIGKILL"))
                                                  .arg(broken)));

        // Usage rows: those lost are a tail of each connection's answered requests.
        StoreReader reader(m_dbPath);
        QString error;
        const auto rows = reader.rows(
            QStringLiteral("SELECT id, request_id FROM usage WHERE id > %1").arg(lastUsageId),
            &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QSet<QString> written;
        for (const auto &row : rows) {
            lastUsageId = std::max(lastUsageId, row[0].toLongLong());
            const QString id = row[1].toString();
            QVERIFY2(!written.contains(id), qPrintable(QStringLiteral("two usage rows for ") + id));
            written.insert(id);
        }
        qint64 lost = 0;
        for (const auto &lane : lanes) {
            const QStringList &answered = lane->answered();
            m_answered += answered.size();
            qsizetype firstMissing = -1;
            for (qsizetype i = 0; i < answered.size(); ++i) {
                if (written.contains(answered[i])) {
                    QVERIFY2(firstMissing < 0,
                             qPrintable(QStringLiteral("iteration %1: request %2 of a connection "
                                                       "has no usage row, but a later one has")
                                            .arg(iteration)
                                            .arg(firstMissing)));
                } else {
                    ++lost;
                    if (firstMissing < 0)
                        firstMissing = i;
                }
            }
        }
        if (terminate)
            QVERIFY2(lost == 0, qPrintable(QStringLiteral("iteration %1: %2 usage rows lost "
                                                          "after SIGTERM")
                                               .arg(iteration)
                                               .arg(lost)));
        m_maxLost = std::max(m_maxLost, lost);
        m_totalLost += lost;
    }
    qInfo("%d iterations in %.1f s: %d gateway SIGKILLs and %d SIGTERMs; %d admin commands, %d "
          "of them killed (%d of those applied whole, the others absent); %lld requests answered, "
          "%lld usage rows lost in all, at most %lld at one kill",
          iterations, double(total.elapsed()) / 1000.0, m_kills, m_terms, m_cliRuns, m_cliKilled,
          m_killedApplied, m_answered, m_totalLost, m_maxLost);
}

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "test_crashsafety.moc"
