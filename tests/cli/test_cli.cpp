// The command line driven as a real process: portico-gateway on a temporary store (an SQLite file,
// or a PostgreSQL database in the test's PostgreSQL variant, see teststore.h) and config.
// No test prints an API key: keys are checked with booleans, never QCOMPARE'd.
#include "store/apikeyformat.h"
#include "store/database.h"
#include "store/records.h"
#include "store/usagestore.h"
#include "testlogs.h"
#include "teststore.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {

const char kGoodConfig[] =
    "chat_models:\n"
    "  - model_id: echo\n"
    "    model: mock/echo\n"
    "  - model_id: remote\n"
    "    model: openai/gpt-test\n"
    "    credentials: { base_url: \"http://127.0.0.1:9/v1\" }\n"
    "embedding_models:\n"
    "  - model_id: embed\n"
    "    model: openai/text-embedding-test\n"
    "    credentials: { base_url: \"http://127.0.0.1:9/v1\" }\n"
    "routes:\n"
    "  demo:\n"
    "    chat_models: [echo]\n"
    "  assistant:\n"
    "    chat_models: [remote]\n"
    "    embedding_models: [embed]\n"
    "    rate_limiting: { algorithm: fixed_window, window_size: 1 minute, max_requests: 60 }\n";

// Line 6, column 19: a model id no model defines.
const char kUnknownModelConfig[] = "chat_models:\n"
                                   "  - model_id: echo\n"
                                   "    model: mock/echo\n"
                                   "routes:\n"
                                   "  demo:\n"
                                   "    chat_models: [nosuchmodel]\n";

const char kSyntaxErrorConfig[] = "chat_models:\n"
                                  "  - model_id: echo\n"
                                  "    model: mock/echo\n"
                                  "routes:\n"
                                  "  demo:\n"
                                  "    chat_models: [echo\n";

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonDocument json() const { return QJsonDocument::fromJson(out); }
};

bool writeFile(const QString &path, const QByteArray &content) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(content) == content.size();
}

QByteArray readFile(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;
    QString m_config;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    QProcessEnvironment environment() const {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("PORTICO_DB"));
        env.remove(QStringLiteral("PORTICO_CONFIG"));
        env.remove(QStringLiteral("PORTICO_LISTEN"));
        // Never the user's real data or config folders.
        env.insert(QStringLiteral("XDG_DATA_HOME"), path(QStringLiteral("xdg-data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), path(QStringLiteral("xdg-config")));
        env.insert(QStringLiteral("USER"), QStringLiteral("cli-test"));
        return env;
    }

    // Runs portico-gateway with `arguments` as given (no global options added).
    Run runRaw(const QStringList &arguments, const QProcessEnvironment &env) const {
        QProcess process;
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(PORTICO_GATEWAY_BINARY), arguments);
        Run run;
        if (!process.waitForStarted(60'000) || !process.waitForFinished(120'000)) {
            process.kill();
            process.waitForFinished();
            run.err = "portico-gateway did not finish";
            return run;
        }
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
        run.out = process.readAllStandardOutput();
        run.err = process.readAllStandardError();
        // Kept for the suite-wide key scan; `keys create` prints the new key on stdout by design.
        portico::testsupport::saveTestLog(QStringLiteral("stderr.log"), run.err);
        if (!portico::testsupport::printsNewKey(arguments))
            portico::testsupport::saveTestLog(QStringLiteral("stdout.log"), run.out);
        return run;
    }

    // Runs portico-gateway on the test's store and config (global options after the command).
    Run run(QStringList arguments) const {
        arguments << QStringLiteral("--db") << m_db << QStringLiteral("--config") << m_config;
        return runRaw(arguments, environment());
    }

    // Runs a command that must succeed and returns its JSON output.
    QJsonDocument runJson(const QStringList &arguments) const {
        const Run result = run(arguments + QStringList{QStringLiteral("--json")});
        if (result.exitCode != 0)
            qWarning() << "failed:" << arguments << result.err;
        return result.json();
    }

    bool runOk(const QStringList &arguments) const {
        const Run result = run(arguments);
        if (result.exitCode != 0)
            qWarning() << "failed:" << arguments << result.exitCode << result.err;
        return result.exitCode == 0;
    }

    QByteArray storeSnapshot() const {
        return run({QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--json")}).out +
               run({QStringLiteral("groups"), QStringLiteral("list"), QStringLiteral("--json")})
                   .out;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY(QFile::exists(QStringLiteral(PORTICO_GATEWAY_BINARY)));
        m_config = path(QStringLiteral("config.yaml"));
        QVERIFY(writeFile(m_config, kGoodConfig));
        QVERIFY(writeFile(path(QStringLiteral("unknown-model.yaml")), kUnknownModelConfig));
        QVERIFY(writeFile(path(QStringLiteral("syntax-error.yaml")), kSyntaxErrorConfig));
        QVERIFY(writeFile(path(QStringLiteral("plain-http.yaml")),
                          "chat_models:\n"
                          "  - model_id: remote\n"
                          "    model: openai/gpt-test\n"
                          "    credentials: { api_key: sk-plain, base_url: "
                          "\"http://models.example.com/v1\" }\n"
                          "routes:\n"
                          "  remote: { chat_models: [remote] }\n"));
    }

    void init() {
        // A fresh store per test (and per data row).
        QString name = QString::fromLatin1(QTest::currentTestFunction());
        if (QTest::currentDataTag())
            name += QLatin1Char('-') + QString::number(qHash(QByteArray(QTest::currentDataTag())));
        m_db = portico::test::testStorePath(m_dir.path(), name + QStringLiteral(".db"));
        QVERIFY(!m_db.isEmpty());
    }

    void keysCreatePrintsTheKeyOnceAndStoresOnlyItsHash() {
        QVERIFY(
            runOk({QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("team")}));
        const Run created =
            run({QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("First key"),
                 QStringLiteral("--group"), QStringLiteral("team")});
        QCOMPARE(created.exitCode, 0);
        QVERIFY(created.out.endsWith('\n'));
        QCOMPARE(created.out.count('\n'), 1);
        const QString key = QString::fromUtf8(created.out).trimmed();
        static const QRegularExpression format(QStringLiteral("^ptc_[0-9A-Za-z]{36}$"));
        QVERIFY(format.match(key).hasMatch());
        QVERIFY(portico::store::apikey::hasValidFormat(key));
        QVERIFY(created.err.contains("Save this key now: it is shown only once and cannot be "
                                     "retrieved later."));
        QVERIFY(!created.err.contains(key.toUtf8()));
        QVERIFY(created.err.contains("team"));

        const QByteArray keyBytes = key.toUtf8();
        const Run list =
            run({QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(list.exitCode, 0);
        QVERIFY(!list.out.contains(keyBytes) && !list.err.contains(keyBytes));
        const Run human = run({QStringLiteral("keys"), QStringLiteral("list")});
        QVERIFY(!human.out.contains(keyBytes) && !human.err.contains(keyBytes));
        const Run show = run({QStringLiteral("keys"), QStringLiteral("show"),
                              QStringLiteral("First key"), QStringLiteral("--json")});
        QCOMPARE(show.exitCode, 0);
        QVERIFY(!show.out.contains(keyBytes) && !show.err.contains(keyBytes));
        const QJsonObject shown = show.json().object();
        QCOMPARE(shown.value(QStringLiteral("hint")).toString(), portico::store::apikey::hint(key));

        // Someone pasting the key as a name gets no echo of it.
        const Run pasted = run({QStringLiteral("keys"), QStringLiteral("show"), key});
        QCOMPARE(pasted.exitCode, 1);
        QVERIFY(!pasted.err.contains(keyBytes) && !pasted.out.contains(keyBytes));

        // Nowhere in the store files (database, WAL, audit rows inside them; on PostgreSQL every
        // file of the server's data folder).
        QByteArray stored;
        for (const QString &file : portico::test::storeFiles(m_db)) {
            const QByteArray bytes = readFile(file);
            QVERIFY2(!bytes.contains(keyBytes), qPrintable(file));
            stored += bytes;
        }
        QVERIFY(!stored.isEmpty());
        // The hash is what is stored.
        QVERIFY(stored.contains(portico::store::apikey::hash(key)));
    }

    void keysCreateJson() {
        QVERIFY(
            runOk({QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("team")}));
        const Run created =
            run({QStringLiteral("--json"), QStringLiteral("keys"), QStringLiteral("create"),
                 QStringLiteral("Json key"), QStringLiteral("--group"), QStringLiteral("team")});
        QCOMPARE(created.exitCode, 0);
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(created.out, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject object = document.object();
        const QString key = object.value(QStringLiteral("key")).toString();
        QVERIFY(portico::store::apikey::hasValidFormat(key));
        QVERIFY(!created.err.contains(key.toUtf8()));
        QCOMPARE(object.value(QStringLiteral("name")).toString(), QStringLiteral("Json key"));
        const QString uuid = object.value(QStringLiteral("uuid")).toString();
        QVERIFY(!uuid.isEmpty());
        const QJsonArray groups = object.value(QStringLiteral("groups")).toArray();
        QCOMPARE(groups.size(), 1);
        QCOMPARE(groups.at(0)[QStringLiteral("name")].toString(), QStringLiteral("team"));
        QVERIFY(!groups.at(0)[QStringLiteral("uuid")].toString().isEmpty());
        QVERIFY(QDateTime::fromString(object.value(QStringLiteral("created_at")).toString(),
                                      Qt::ISODate)
                    .isValid());
        // The same uuid is listed, without the key.
        const QJsonArray list = runJson({QStringLiteral("keys"), QStringLiteral("list")}).array();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.at(0)[QStringLiteral("uuid")].toString(), uuid);
        QVERIFY(!list.at(0).toObject().contains(QStringLiteral("key")));
    }

    void keysLifecycle() {
        QVERIFY(runOk({QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("a")}));
        QVERIFY(runOk({QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("b")}));
        QVERIFY(runOk({QStringLiteral("groups"), QStringLiteral("add-route"), QStringLiteral("a"),
                       QStringLiteral("demo")}));
        QVERIFY(runOk({QStringLiteral("groups"), QStringLiteral("add-route"), QStringLiteral("b"),
                       QStringLiteral("assistant")}));
        const QString name = QStringLiteral("Clé 日本 ✓");
        QVERIFY(runOk({QStringLiteral("keys"), QStringLiteral("create"), name,
                       QStringLiteral("--group"), QStringLiteral("a")}));

        QJsonArray list = runJson({QStringLiteral("keys"), QStringLiteral("list")}).array();
        QCOMPARE(list.size(), 1);
        QJsonObject key = list.at(0).toObject();
        QCOMPARE(key.value(QStringLiteral("name")).toString(), name);
        QCOMPARE(key.value(QStringLiteral("state")).toString(), QStringLiteral("active"));
        QCOMPARE(key.value(QStringLiteral("accessible_routes")).toInt(), 1);
        const QString uuid = key.value(QStringLiteral("uuid")).toString();
        QVERIFY(key.value(QStringLiteral("hint")).toString().startsWith(QStringLiteral("ptc_")));

        const Run table = run({QStringLiteral("keys"), QStringLiteral("list")});
        QCOMPARE(table.exitCode, 0);
        QVERIFY(table.out.contains(name.toUtf8()));
        QVERIFY(table.out.contains(uuid.toUtf8()));

        // show by uuid: groups with uuids, routes with the granting group.
        key = runJson({QStringLiteral("keys"), QStringLiteral("show"), uuid}).object();
        QCOMPARE(key.value(QStringLiteral("name")).toString(), name);
        QCOMPARE(key.value(QStringLiteral("groups")).toArray().size(), 1);
        QJsonArray routes = key.value(QStringLiteral("routes")).toArray();
        QCOMPARE(routes.size(), 1);
        QCOMPARE(routes.at(0)[QStringLiteral("route")].toString(), QStringLiteral("demo"));
        QCOMPARE(routes.at(0)[QStringLiteral("group")][QStringLiteral("name")].toString(),
                 QStringLiteral("a"));
        const Run shown = run({QStringLiteral("keys"), QStringLiteral("show"), name});
        QCOMPARE(shown.exitCode, 0);
        for (const char *field : {"UUID", "Created", "State", "active", "demo"})
            QVERIFY2(shown.out.contains(field), field);

        QVERIFY(runOk(
            {QStringLiteral("keys"), QStringLiteral("rename"), name, QStringLiteral("renamed")}));
        QCOMPARE(run({QStringLiteral("keys"), QStringLiteral("show"), name}).exitCode, 1);
        key = runJson({QStringLiteral("keys"), QStringLiteral("show"), QStringLiteral("renamed")})
                  .object();
        QCOMPARE(key.value(QStringLiteral("uuid")).toString(), uuid);

        QVERIFY(runOk({QStringLiteral("keys"), QStringLiteral("disable"), uuid}));
        key = runJson({QStringLiteral("keys"), QStringLiteral("show"), uuid}).object();
        QCOMPARE(key.value(QStringLiteral("state")).toString(), QStringLiteral("disabled"));
        QVERIFY(run({QStringLiteral("keys"), QStringLiteral("list")}).out.contains("disabled"));
        QVERIFY(
            runOk({QStringLiteral("keys"), QStringLiteral("enable"), QStringLiteral("renamed")}));
        key = runJson({QStringLiteral("keys"), QStringLiteral("show"), uuid}).object();
        QCOMPARE(key.value(QStringLiteral("state")).toString(), QStringLiteral("active"));

        QVERIFY(runOk({QStringLiteral("keys"), QStringLiteral("add-group"),
                       QStringLiteral("renamed"), QStringLiteral("b")}));
        key = runJson({QStringLiteral("keys"), QStringLiteral("show"), uuid}).object();
        QCOMPARE(key.value(QStringLiteral("groups")).toArray().size(), 2);
        QCOMPARE(key.value(QStringLiteral("accessible_routes")).toInt(), 2);
        QVERIFY(runOk({QStringLiteral("keys"), QStringLiteral("remove-group"),
                       QStringLiteral("renamed"), QStringLiteral("a")}));
        key = runJson({QStringLiteral("keys"), QStringLiteral("show"), uuid}).object();
        QCOMPARE(key.value(QStringLiteral("groups")).toArray().size(), 1);
        QCOMPARE(key.value(QStringLiteral("groups"))[0][QStringLiteral("name")].toString(),
                 QStringLiteral("b"));
        routes = key.value(QStringLiteral("routes")).toArray();
        QCOMPARE(routes.size(), 1);
        QCOMPARE(routes.at(0)[QStringLiteral("route")].toString(), QStringLiteral("assistant"));

        const Run deleted = run({QStringLiteral("keys"), QStringLiteral("delete"), uuid});
        QCOMPARE(deleted.exitCode, 0);
        QVERIFY(deleted.out.contains("renamed"));
        QVERIFY(runJson({QStringLiteral("keys"), QStringLiteral("list")}).array().isEmpty());
        // The group stays, without the key.
        const QJsonObject group =
            runJson({QStringLiteral("groups"), QStringLiteral("show"), QStringLiteral("b")})
                .object();
        QVERIFY(group.value(QStringLiteral("keys")).toArray().isEmpty());
    }

    // Issue 10's command line: rotation with a grace period, end-grace, expiry as a duration or
    // never, limits of keys and groups, allowed addresses; bad input changes nothing.
    void keyLifecycleCommands() {
        const QString keys = QStringLiteral("keys");
        QVERIFY(runOk({QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("ops")}));
        const QJsonObject created = runJson({keys, QStringLiteral("create"), QStringLiteral("svc"),
                                             QStringLiteral("--group"), QStringLiteral("ops"),
                                             QStringLiteral("--expires"), QStringLiteral("30d")})
                                        .object();
        const QString uuid = created.value(QStringLiteral("uuid")).toString();
        const QDateTime expires = QDateTime::fromString(
            created.value(QStringLiteral("expires_at")).toString(), Qt::ISODate);
        QVERIFY(qAbs(expires.secsTo(QDateTime::currentDateTimeUtc().addDays(30))) < 120);

        // Rotate with a grace period: the JSON fields, and `keys show` sees the previous secret.
        const QJsonObject rotated = runJson({keys, QStringLiteral("rotate"), QStringLiteral("svc"),
                                             QStringLiteral("--grace"), QStringLiteral("24h")})
                                        .object();
        QCOMPARE(rotated.value(QStringLiteral("uuid")).toString(), uuid);
        QCOMPARE(rotated.value(QStringLiteral("name")).toString(), QStringLiteral("svc"));
        QVERIFY(rotated.value(QStringLiteral("key")).toString().startsWith(QLatin1String("ptc_")));
        QVERIFY(rotated.value(QStringLiteral("key")).toString() !=
                created.value(QStringLiteral("key")).toString());
        const QDateTime until = QDateTime::fromString(
            rotated.value(QStringLiteral("previous_valid_until")).toString(), Qt::ISODate);
        QVERIFY(qAbs(until.secsTo(QDateTime::currentDateTimeUtc().addDays(1))) < 120);
        QJsonObject shown = runJson({keys, QStringLiteral("show"), uuid}).object();
        QCOMPARE(shown.value(QStringLiteral("previous_secret_valid_until")).toString(),
                 rotated.value(QStringLiteral("previous_valid_until")).toString());
        QCOMPARE(shown.value(QStringLiteral("previous_secret"))
                     .toObject()
                     .value(QStringLiteral("hint"))
                     .toString(),
                 created.value(QStringLiteral("hint")).toString());
        // Without --grace the old secret stops at once: previous_valid_until is null, and the
        // earlier grace ended.
        const Run again = run({keys, QStringLiteral("rotate"), uuid, QStringLiteral("--json")});
        QCOMPARE(again.exitCode, 0);
        QVERIFY(again.json().object().value(QStringLiteral("previous_valid_until")).isNull());
        shown = runJson({keys, QStringLiteral("show"), uuid}).object();
        QVERIFY(shown.value(QStringLiteral("previous_secret")).isNull());
        QVERIFY(runOk({keys, QStringLiteral("rotate"), uuid, QStringLiteral("--grace"),
                       QStringLiteral("90m")}));
        QVERIFY(runOk({keys, QStringLiteral("end-grace"), uuid}));
        QVERIFY(runJson({keys, QStringLiteral("show"), uuid})
                    .object()
                    .value(QStringLiteral("previous_secret"))
                    .isNull());

        // Expiry, limits, addresses.
        QVERIFY(runOk({keys, QStringLiteral("set-expiry"), uuid, QStringLiteral("never")}));
        QVERIFY(runJson({keys, QStringLiteral("show"), uuid})
                    .object()
                    .value(QStringLiteral("expires_at"))
                    .isNull());
        QVERIFY(runOk(
            {keys, QStringLiteral("set-expiry"), uuid, QStringLiteral("2099-01-01T00:00:00Z")}));
        QVERIFY(runOk({keys, QStringLiteral("set-limits"), uuid, QStringLiteral("--rpm"),
                       QStringLiteral("60"), QStringLiteral("--tpm"), QStringLiteral("1000"),
                       QStringLiteral("--max-parallel"), QStringLiteral("4"),
                       QStringLiteral("--budget"), QStringLiteral("2.5"),
                       QStringLiteral("--budget-period"), QStringLiteral("day")}));
        QVERIFY(runOk({keys, QStringLiteral("set-limits"), uuid, QStringLiteral("--tpm"),
                       QStringLiteral("none")}));
        QVERIFY(runOk({keys, QStringLiteral("set-allowed-ips"), uuid,
                       QStringLiteral("10.1.2.3/8,2001:db8::/32")}));
        shown = runJson({keys, QStringLiteral("show"), uuid}).object();
        QCOMPARE(shown.value(QStringLiteral("expires_at")).toString(),
                 QStringLiteral("2099-01-01T00:00:00Z"));
        const QJsonObject limits = shown.value(QStringLiteral("limits")).toObject();
        QCOMPARE(limits.value(QStringLiteral("rpm")).toInt(), 60);
        QVERIFY(limits.value(QStringLiteral("tpm")).isNull());
        QCOMPARE(limits.value(QStringLiteral("max_parallel")).toInt(), 4);
        QCOMPARE(limits.value(QStringLiteral("budget_usd")).toDouble(), 2.5);
        QCOMPARE(limits.value(QStringLiteral("budget_period")).toString(), QStringLiteral("day"));
        QCOMPARE(shown.value(QStringLiteral("allowed_ips")).toArray(),
                 (QJsonArray{QStringLiteral("10.0.0.0/8"), QStringLiteral("2001:db8::/32")}));
        QVERIFY(runOk({QStringLiteral("groups"), QStringLiteral("set-limits"),
                       QStringLiteral("ops"), QStringLiteral("--rpm"), QStringLiteral("100")}));
        QCOMPARE(runJson({QStringLiteral("groups"), QStringLiteral("show"), QStringLiteral("ops")})
                     .object()
                     .value(QStringLiteral("limits"))
                     .toObject()
                     .value(QStringLiteral("rpm"))
                     .toInt(),
                 100);

        // Bad input: exit 1, a clear message, nothing changed.
        const QByteArray before = storeSnapshot();
        const QList<QPair<QStringList, QString>> refused{
            {{keys, QStringLiteral("set-limits"), uuid, QStringLiteral("--rpm"),
              QStringLiteral("-5")},
             QStringLiteral("at least 1")},
            {{keys, QStringLiteral("set-limits"), uuid, QStringLiteral("--budget"),
              QStringLiteral("lots")},
             QStringLiteral("USD")},
            {{keys, QStringLiteral("set-limits"), uuid, QStringLiteral("--budget-period"),
              QStringLiteral("week")},
             QStringLiteral("'day' or 'month'")},
            {{QStringLiteral("groups"), QStringLiteral("set-limits"), QStringLiteral("ops"),
              QStringLiteral("--max-parallel"), QStringLiteral("0")},
             QStringLiteral("at least 1")},
            {{keys, QStringLiteral("set-limits"), uuid}, QStringLiteral("no limit given")},
            {{keys, QStringLiteral("set-allowed-ips"), uuid, QStringLiteral("10.0.0.0/33")},
             QStringLiteral("not an IP address")},
            {{keys, QStringLiteral("set-allowed-ips"), uuid, QStringLiteral("example.com")},
             QStringLiteral("not an IP address")},
            {{keys, QStringLiteral("set-expiry"), uuid, QStringLiteral("2001-01-01")},
             QStringLiteral("past")},
            {{keys, QStringLiteral("set-expiry"), uuid, QStringLiteral("soonish")},
             QStringLiteral("ISO 8601")},
            {{keys, QStringLiteral("rotate"), uuid, QStringLiteral("--grace"),
              QStringLiteral("-1h")},
             QStringLiteral("not a duration")},
            {{keys, QStringLiteral("rotate"), QStringLiteral("nobody")},
             QStringLiteral("keys list")},
        };
        for (const auto &[arguments, message] : refused) {
            const Run result = run(arguments);
            QVERIFY2(result.exitCode == 1, qPrintable(arguments.join(u' ')));
            QVERIFY2(result.err.contains(message.toUtf8()), result.err.constData());
        }
        QCOMPARE(storeSnapshot(), before);
        QVERIFY(runOk({keys, QStringLiteral("set-allowed-ips"), uuid, QStringLiteral("any")}));
        QVERIFY(runJson({keys, QStringLiteral("show"), uuid})
                    .object()
                    .value(QStringLiteral("allowed_ips"))
                    .toArray()
                    .isEmpty());
    }

    // `store copy` on the real command line: into a new store, then refused into a full one.
    void storeCopy() {
        QVERIFY(
            runOk({QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("to copy")}));
        const QString target = portico::test::testStorePath(
            m_dir.path(), QStringLiteral("copy-%1.db").arg(QDateTime::currentMSecsSinceEpoch()));
        QVERIFY(!target.isEmpty());
        const Run copied =
            runRaw({QStringLiteral("store"), QStringLiteral("copy"), QStringLiteral("--from"), m_db,
                    QStringLiteral("--to"), target, QStringLiteral("--json")},
                   environment());
        QCOMPARE(copied.exitCode, 0);
        QVERIFY(copied.json()
                    .object()
                    .value(QStringLiteral("tables"))
                    .toObject()
                    .value(QStringLiteral("api_keys"))
                    .toInt() >= 1);
        const Run again = runRaw({QStringLiteral("store"), QStringLiteral("copy"),
                                  QStringLiteral("--from"), m_db, QStringLiteral("--to"), target},
                                 environment());
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains("not empty"), again.err.constData());
    }

    void groupsCommands() {
        QJsonObject group =
            runJson({QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("ops"),
                     QStringLiteral("--description"), QStringLiteral("Operations team")})
                .object();
        QCOMPARE(group.value(QStringLiteral("name")).toString(), QStringLiteral("ops"));
        QCOMPARE(group.value(QStringLiteral("description")).toString(),
                 QStringLiteral("Operations team"));
        const QString uuid = group.value(QStringLiteral("uuid")).toString();
        QVERIFY(!uuid.isEmpty());

        const Run granted = run({QStringLiteral("groups"), QStringLiteral("add-route"),
                                 QStringLiteral("ops"), QStringLiteral("demo")});
        QCOMPARE(granted.exitCode, 0);
        QVERIFY(!granted.err.contains("warning"));
        // A route the config lacks is kept, with a warning naming the config file.
        const Run ghost = run({QStringLiteral("groups"), QStringLiteral("add-route"),
                               QStringLiteral("ops"), QStringLiteral("ghost")});
        QCOMPARE(ghost.exitCode, 0);
        QVERIFY2(ghost.err.contains("route 'ghost' is not in config.yaml"), ghost.err.constData());
        QVERIFY(ghost.err.contains(m_config.toUtf8()));
        QVERIFY(ghost.err.contains("404"));

        QVERIFY(runOk({QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("member"),
                       QStringLiteral("--group"), QStringLiteral("ops")}));
        group = runJson({QStringLiteral("groups"), QStringLiteral("show"), uuid}).object();
        QCOMPARE(group.value(QStringLiteral("keys")).toArray().size(), 1);
        QCOMPARE(group.value(QStringLiteral("keys"))[0][QStringLiteral("name")].toString(),
                 QStringLiteral("member"));
        const QJsonArray routes = group.value(QStringLiteral("routes")).toArray();
        QCOMPARE(routes.size(), 2);
        for (const QJsonValue &route : routes) {
            const bool isGhost =
                route[QStringLiteral("route")].toString() == QLatin1String("ghost");
            QCOMPARE(route[QStringLiteral("missing")].toBool(), isGhost);
        }
        const Run human =
            run({QStringLiteral("groups"), QStringLiteral("show"), QStringLiteral("ops")});
        QCOMPARE(human.exitCode, 0);
        QVERIFY(human.out.contains("ghost (missing from config.yaml)"));
        QVERIFY(!human.out.contains("demo (missing"));
        QVERIFY(human.out.contains("member"));
        const Run keyShow =
            run({QStringLiteral("keys"), QStringLiteral("show"), QStringLiteral("member")});
        QVERIFY(keyShow.out.contains("ghost (missing from config.yaml)"));

        QJsonArray list = runJson({QStringLiteral("groups"), QStringLiteral("list")}).array();
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.at(0)[QStringLiteral("uuid")].toString(), uuid);
        QVERIFY(run({QStringLiteral("groups"), QStringLiteral("list")}).out.contains("ops"));

        QVERIFY(runOk({QStringLiteral("groups"), QStringLiteral("rename"), QStringLiteral("ops"),
                       QStringLiteral("platform")}));
        QVERIFY(runOk({QStringLiteral("groups"), QStringLiteral("remove-route"),
                       QStringLiteral("platform"), QStringLiteral("ghost")}));
        group =
            runJson({QStringLiteral("groups"), QStringLiteral("show"), QStringLiteral("platform")})
                .object();
        QCOMPARE(group.value(QStringLiteral("uuid")).toString(), uuid);
        QCOMPARE(group.value(QStringLiteral("routes")).toArray().size(), 1);

        const Run deleted =
            run({QStringLiteral("groups"), QStringLiteral("delete"), QStringLiteral("platform")});
        QCOMPARE(deleted.exitCode, 0);
        QVERIFY(deleted.out.contains("platform"));
        QVERIFY(runJson({QStringLiteral("groups"), QStringLiteral("list")}).array().isEmpty());
        // The key stays, in no group.
        const QJsonArray keys = runJson({QStringLiteral("keys"), QStringLiteral("list")}).array();
        QCOMPARE(keys.size(), 1);
        QVERIFY(keys.at(0)[QStringLiteral("groups")].toArray().isEmpty());
    }

    void routesList() {
        QVERIFY(runOk({QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("g")}));
        QVERIFY(runOk({QStringLiteral("groups"), QStringLiteral("add-route"), QStringLiteral("g"),
                       QStringLiteral("demo")}));
        const QJsonArray routes =
            runJson({QStringLiteral("routes"), QStringLiteral("list")}).array();
        QCOMPARE(routes.size(), 2);
        QJsonObject demo;
        QJsonObject assistant;
        for (const QJsonValue &route : routes) {
            if (route[QStringLiteral("name")] == QStringLiteral("demo"))
                demo = route.toObject();
            else if (route[QStringLiteral("name")] == QStringLiteral("assistant"))
                assistant = route.toObject();
        }
        QVERIFY(!demo.isEmpty() && !assistant.isEmpty());
        const QJsonArray chat = demo.value(QStringLiteral("chat_models")).toArray();
        QCOMPARE(chat.size(), 1);
        QCOMPARE(chat.at(0)[QStringLiteral("model_id")].toString(), QStringLiteral("echo"));
        QCOMPARE(chat.at(0)[QStringLiteral("provider")].toString(), QStringLiteral("mock"));
        QCOMPARE(chat.at(0)[QStringLiteral("model")].toString(), QStringLiteral("echo"));
        QCOMPARE(demo.value(QStringLiteral("groups")).toArray().size(), 1);
        QCOMPARE(demo.value(QStringLiteral("groups"))[0][QStringLiteral("name")].toString(),
                 QStringLiteral("g"));
        QVERIFY(assistant.value(QStringLiteral("groups")).toArray().isEmpty());
        QCOMPARE(assistant.value(QStringLiteral("embedding_models")).toArray().size(), 1);
        QCOMPARE(assistant.value(QStringLiteral("rate_limiting"))[QStringLiteral("max_requests")]
                     .toInt(),
                 60);

        const Run human = run({QStringLiteral("routes"), QStringLiteral("list")});
        QCOMPARE(human.exitCode, 0);
        for (const char *text : {"demo", "assistant", "mock/echo", "openai/gpt-test",
                                 "granted by: g", "60 requests per 1 minute"})
            QVERIFY2(human.out.contains(text), text);
    }

    void configCheck_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expected"); // a regular expression on stdout + stderr
        QTest::newRow("good") << QStringLiteral("config.yaml") << 0
                              << QStringLiteral("^OK: 2 routes, 3 models$");
        QTest::newRow("unknown model") << QStringLiteral("unknown-model.yaml") << 1
                                       << QStringLiteral("unknown-model\\.yaml:6:\\d+: error: "
                                                         ".*nosuchmodel");
        QTest::newRow("syntax error") << QStringLiteral("syntax-error.yaml") << 1
                                      << QStringLiteral("syntax-error\\.yaml:\\d+:\\d+: error");
        QTest::newRow("missing file")
            << QStringLiteral("absent.yaml") << 1 << QStringLiteral("absent\\.yaml");
        // A provider key sent over plain http:// to another machine is warned about (issue 13).
        QTest::newRow("key in clear text")
            << QStringLiteral("plain-http.yaml") << 1
            << QStringLiteral("plain-http\\.yaml:4:\\d+: warning: .*credentials\\.base_url: the "
                              "provider key \\(api_key\\) is sent in clear text over plain "
                              "http:// to 'models\\.example\\.com'");
    }

    void configCheck() {
        QFETCH(QString, file);
        QFETCH(int, exitCode);
        QFETCH(QString, expected);
        const Run result = runRaw({QStringLiteral("config"), QStringLiteral("check"),
                                   QStringLiteral("--config"), path(file)},
                                  environment());
        QCOMPARE(result.exitCode, exitCode);
        const QString output = QString::fromUtf8(result.out + result.err);
        const QRegularExpression pattern(expected, QRegularExpression::MultilineOption);
        QVERIFY2(pattern.match(output).hasMatch(), qPrintable(output));
        if (exitCode != 0) {
            // Says what to do.
            QVERIFY2(result.err.contains("Fix"), result.err.constData());
            const Run json =
                runRaw({QStringLiteral("config"), QStringLiteral("check"), QStringLiteral("--json"),
                        QStringLiteral("--config"), path(file)},
                       environment());
            QCOMPARE(json.exitCode, 1);
            const QJsonObject object = json.json().object();
            QCOMPARE(object.value(QStringLiteral("ok")).toBool(true), false);
            QVERIFY(!object.value(QStringLiteral("problems")).toArray().isEmpty());
        }
    }

    void routesListRefusesABrokenConfig() {
        const Run result =
            runRaw({QStringLiteral("routes"), QStringLiteral("list"), QStringLiteral("--db"), m_db,
                    QStringLiteral("--config"), path(QStringLiteral("unknown-model.yaml"))},
                   environment());
        QCOMPARE(result.exitCode, 1);
        QVERIFY(result.err.contains("unknown-model.yaml:6:"));
        QVERIFY(result.out.isEmpty());
    }

    void errors_data() {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message"); // in stderr, case-insensitive

        const QString keys = QStringLiteral("keys");
        const QString groups = QStringLiteral("groups");
        // Before each row: group "team", key "existing" in it.
        QTest::newRow("unknown key: show")
            << QStringList{keys, QStringLiteral("show"), QStringLiteral("nobody")} << 1
            << QStringLiteral("keys list");
        QTest::newRow("unknown key: rename")
            << QStringList{keys, QStringLiteral("rename"), QStringLiteral("nobody"),
                           QStringLiteral("x")}
            << 1 << QStringLiteral("nobody");
        QTest::newRow("unknown key: delete")
            << QStringList{keys, QStringLiteral("delete"), QStringLiteral("nobody")} << 1
            << QStringLiteral("nobody");
        QTest::newRow("unknown key: disable")
            << QStringList{keys, QStringLiteral("disable"),
                           QStringLiteral("00000000-0000-4000-8000-000000000000")}
            << 1 << QStringLiteral("keys list");
        QTest::newRow("duplicate key name")
            << QStringList{keys, QStringLiteral("create"), QStringLiteral("existing")} << 1
            << QStringLiteral("already exists");
        QTest::newRow("duplicate key name, with a group")
            << QStringList{keys, QStringLiteral("create"), QStringLiteral("existing"),
                           QStringLiteral("--group"), QStringLiteral("team")}
            << 1 << QStringLiteral("already exists");
        QTest::newRow("empty key name") << QStringList{keys, QStringLiteral("create"), QString()}
                                        << 1 << QStringLiteral("empty");
        QTest::newRow("whitespace key name")
            << QStringList{keys, QStringLiteral("create"), QStringLiteral("   \t ")} << 1
            << QStringLiteral("empty");
        QTest::newRow("too long key name")
            << QStringList{keys, QStringLiteral("create"), QString(201, QLatin1Char('x'))} << 1
            << QStringLiteral("200");
        QTest::newRow("empty name on rename")
            << QStringList{keys, QStringLiteral("rename"), QStringLiteral("existing"),
                           QStringLiteral(" ")}
            << 1 << QStringLiteral("empty");
        QTest::newRow("unknown group on create: nothing created")
            << QStringList{keys,
                           QStringLiteral("create"),
                           QStringLiteral("new key"),
                           QStringLiteral("--group"),
                           QStringLiteral("team"),
                           QStringLiteral("--group"),
                           QStringLiteral("nogroup")}
            << 1 << QStringLiteral("nogroup");
        QTest::newRow("unknown group on add-group")
            << QStringList{keys, QStringLiteral("add-group"), QStringLiteral("existing"),
                           QStringLiteral("nogroup")}
            << 1 << QStringLiteral("groups list");
        QTest::newRow("expiry in the past")
            << QStringList{keys, QStringLiteral("create"), QStringLiteral("old"),
                           QStringLiteral("--expires"), QStringLiteral("2001-01-01T00:00:00Z")}
            << 1 << QStringLiteral("past");
        QTest::newRow("duplicate group name")
            << QStringList{groups, QStringLiteral("create"), QStringLiteral("team")} << 1
            << QStringLiteral("already exists");
        QTest::newRow("empty group name")
            << QStringList{groups, QStringLiteral("create"), QStringLiteral("  ")} << 1
            << QStringLiteral("empty");
        QTest::newRow("unknown group: show")
            << QStringList{groups, QStringLiteral("show"), QStringLiteral("nogroup")} << 1
            << QStringLiteral("groups list");
        QTest::newRow("unknown group: add-route")
            << QStringList{groups, QStringLiteral("add-route"), QStringLiteral("nogroup"),
                           QStringLiteral("demo")}
            << 1 << QStringLiteral("nogroup");
        QTest::newRow("unknown key for usage")
            << QStringList{QStringLiteral("usage"), QStringLiteral("--key"),
                           QStringLiteral("nobody")}
            << 1 << QStringLiteral("keys list");
        QTest::newRow("unknown command")
            << QStringList{QStringLiteral("frobnicate")} << 2 << QStringLiteral("--help");
        QTest::newRow("unknown subcommand") << QStringList{keys, QStringLiteral("frobnicate")} << 2
                                            << QStringLiteral("keys --help");
        QTest::newRow("missing subcommand") << QStringList{groups} << 2 << QStringLiteral("--help");
        QTest::newRow("missing argument")
            << QStringList{keys, QStringLiteral("rename"), QStringLiteral("existing")} << 2
            << QStringLiteral("missing argument NEW_NAME");
        QTest::newRow("missing key argument")
            << QStringList{keys, QStringLiteral("show")} << 2 << QStringLiteral("--help");
        QTest::newRow("extra argument")
            << QStringList{keys, QStringLiteral("create"), QStringLiteral("two"),
                           QStringLiteral("words")}
            << 2 << QStringLiteral("quote");
        QTest::newRow("unknown option")
            << QStringList{keys, QStringLiteral("list"), QStringLiteral("--bogus")} << 2
            << QStringLiteral("unknown option '--bogus'");
        QTest::newRow("option of another command")
            << QStringList{keys, QStringLiteral("list"), QStringLiteral("--description"),
                           QStringLiteral("x")}
            << 2 << QStringLiteral("does not apply");
        QTest::newRow("option without its value")
            << QStringList{keys, QStringLiteral("create"), QStringLiteral("x"),
                           QStringLiteral("--group")}
            << 2 << QStringLiteral("needs a value");
        QTest::newRow("malformed time")
            << QStringList{keys, QStringLiteral("create"), QStringLiteral("x"),
                           QStringLiteral("--expires"), QStringLiteral("tomorrow")}
            << 1 << QStringLiteral("ISO 8601");
        QTest::newRow("malformed limit")
            << QStringList{QStringLiteral("usage"), QStringLiteral("--limit"),
                           QStringLiteral("many")}
            << 2 << QStringLiteral("--limit");
    }

    void errors() {
        QFETCH(QStringList, arguments);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QVERIFY(
            runOk({QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("team")}));
        QVERIFY(runOk({QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("existing"),
                       QStringLiteral("--group"), QStringLiteral("team")}));
        const QByteArray before = storeSnapshot();

        // Global options first, so the row's last option meets the end of the line.
        const QStringList globals{QStringLiteral("--db"), m_db, QStringLiteral("--config"),
                                  m_config};
        const Run result = runRaw(globals + arguments, environment());
        QCOMPARE(result.exitCode, exitCode);
        QVERIFY2(QString::fromUtf8(result.err).contains(message, Qt::CaseInsensitive),
                 result.err.constData());
        QVERIFY2(result.out.isEmpty(), result.out.constData());
        QVERIFY(storeSnapshot() == before);

        // In JSON mode the same failure, still nothing on stdout.
        const Run json =
            runRaw(QStringList{QStringLiteral("--json")} + globals + arguments, environment());
        QCOMPARE(json.exitCode, exitCode);
        QVERIFY(json.out.isEmpty());
        QVERIFY(storeSnapshot() == before);
    }

    void globalOptionsAnywhere() {
        const QString db = m_db;
        const QStringList lines[] = {
            {QStringLiteral("--db"), db, QStringLiteral("--json"), QStringLiteral("--config"),
             m_config, QStringLiteral("keys"), QStringLiteral("list")},
            {QStringLiteral("keys"), QStringLiteral("list"), QStringLiteral("--json"),
             QStringLiteral("--db"), db, QStringLiteral("--config"), m_config},
            {QStringLiteral("keys"), QStringLiteral("--json"), QStringLiteral("list"),
             QStringLiteral("--db=") + db, QStringLiteral("--config=") + m_config},
        };
        QVERIFY(runOk({QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("k")}));
        for (const QStringList &line : lines) {
            const Run result = runRaw(line, environment());
            QCOMPARE(result.exitCode, 0);
            const QJsonArray keys = result.json().array();
            QCOMPARE(keys.size(), 1);
            QCOMPARE(keys.at(0)[QStringLiteral("name")].toString(), QStringLiteral("k"));
        }
        // Options of a command before the command name work too.
        const Run early = runRaw({QStringLiteral("--db"), db, QStringLiteral("--group"),
                                  QStringLiteral("nogroup"), QStringLiteral("keys"),
                                  QStringLiteral("create"), QStringLiteral("k2")},
                                 environment());
        QCOMPARE(early.exitCode, 1);
        QVERIFY(early.err.contains("nogroup"));
    }

    void environmentVariables() {
        QProcessEnvironment env = environment();
        env.insert(QStringLiteral("PORTICO_DB"), m_db);
        env.insert(QStringLiteral("PORTICO_CONFIG"), m_config);
        QCOMPARE(
            runRaw({QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("from-env")},
                   env)
                .exitCode,
            0);
        const QJsonArray groups =
            run({QStringLiteral("groups"), QStringLiteral("list"), QStringLiteral("--json")})
                .json()
                .array();
        QCOMPARE(groups.size(), 1);
        QCOMPARE(groups.at(0)[QStringLiteral("name")].toString(), QStringLiteral("from-env"));

        // --db wins over PORTICO_DB.
        const QString other =
            portico::test::testStorePath(m_dir.path(), QStringLiteral("other.db"));
        QCOMPARE(runRaw({QStringLiteral("groups"), QStringLiteral("list"), QStringLiteral("--json"),
                         QStringLiteral("--db"), other},
                        env)
                     .json()
                     .array()
                     .size(),
                 0);

        // PORTICO_CONFIG is the config checked.
        env.insert(QStringLiteral("PORTICO_CONFIG"), path(QStringLiteral("unknown-model.yaml")));
        const Run check = runRaw({QStringLiteral("config"), QStringLiteral("check")}, env);
        QCOMPARE(check.exitCode, 1);
        QVERIFY(check.out.contains("unknown-model.yaml:6:"));

        // With neither, the default store lives in the data folder and the config is built in.
        const Run defaults = runRaw(
            {QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("default-store key")},
            environment());
        QCOMPARE(defaults.exitCode, 0);
        QVERIFY(QFile::exists(path(QStringLiteral("xdg-data/Portico/portico/portico.db"))));
        const Run builtIn =
            runRaw({QStringLiteral("config"), QStringLiteral("check")}, environment());
        QCOMPARE(builtIn.exitCode, 0);
        QVERIFY(builtIn.out.startsWith("OK: "));
    }

    void usageJson() {
        const QJsonObject alice =
            runJson({QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("alice")})
                .object();
        const QJsonObject bob =
            runJson({QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("bob")})
                .object();
        const QString aliceUuid = alice.value(QStringLiteral("uuid")).toString();
        const QString bobUuid = bob.value(QStringLiteral("uuid")).toString();
        QVERIFY(!aliceUuid.isEmpty() && !bobUuid.isEmpty());

        const QDateTime base = QDateTime(QDate(2026, 3, 1), QTime(12, 0), Qt::UTC);
        {
            auto database = portico::store::Database::open(m_db);
            QVERIFY2(database.ok(), qPrintable(database.error().message));
            portico::store::UsageStore usage(*database.value());
            QList<portico::store::UsageRecord> rows;
            portico::store::UsageRecord row;
            row.time = base;
            row.requestId = QStringLiteral("req-1");
            row.keyUuid = aliceUuid;
            row.keyName = QStringLiteral("alice");
            row.route = QStringLiteral("demo");
            row.modelId = QStringLiteral("echo");
            row.provider = QStringLiteral("mock");
            row.status = 200;
            row.promptTokens = 10;
            row.completionTokens = 5;
            row.costUsd = 0.25;
            row.latencyMs = 12;
            row.ttftMs = 3;
            rows << row;
            row.time = base.addSecs(60);
            row.requestId = QStringLiteral("req-2");
            row.stream = true;
            row.promptTokens = 1;
            row.completionTokens = 2;
            row.costUsd = 0.5;
            rows << row;
            row.time = base.addSecs(120);
            row.requestId = QStringLiteral("req-3");
            row.keyUuid = bobUuid;
            row.keyName = QStringLiteral("bob");
            row.route = QStringLiteral("assistant");
            row.modelId = QStringLiteral("remote");
            row.provider = QStringLiteral("openai");
            row.stream = false;
            row.status = 403;
            row.errorCode = QStringLiteral("permission_denied");
            row.promptTokens = 0;
            row.completionTokens = 0;
            row.costUsd = 0;
            row.ttftMs = -1;
            rows << row;
            QVERIFY(usage.insert(rows).ok());
        }

        QJsonObject result = runJson({QStringLiteral("usage")}).object();
        QJsonArray rows = result.value(QStringLiteral("rows")).toArray();
        QCOMPARE(rows.size(), 3);
        const QJsonObject first = rows.at(0).toObject();
        for (const char *field : {"time", "request_id", "key_uuid", "key_name", "route", "model_id",
                                  "provider", "stream", "status", "error_code", "prompt_tokens",
                                  "completion_tokens", "cost_usd", "latency_ms", "ttft_ms"})
            QVERIFY2(first.contains(QLatin1String(field)), field);
        QCOMPARE(first.value(QStringLiteral("request_id")).toString(), QStringLiteral("req-1"));
        QCOMPARE(QDateTime::fromString(first.value(QStringLiteral("time")).toString(),
                                       Qt::ISODateWithMs),
                 base);
        QVERIFY(first.value(QStringLiteral("time")).toString().endsWith(QLatin1Char('Z')));
        QCOMPARE(first.value(QStringLiteral("key_uuid")).toString(), aliceUuid);
        QCOMPARE(first.value(QStringLiteral("key_name")).toString(), QStringLiteral("alice"));
        QCOMPARE(first.value(QStringLiteral("stream")), QJsonValue(false));
        QCOMPARE(first.value(QStringLiteral("status")).toInt(), 200);
        QVERIFY(first.value(QStringLiteral("error_code")).isNull());
        QCOMPARE(first.value(QStringLiteral("prompt_tokens")).toInt(), 10);
        QCOMPARE(first.value(QStringLiteral("completion_tokens")).toInt(), 5);
        QCOMPARE(first.value(QStringLiteral("cost_usd")).toDouble(), 0.25);
        QCOMPARE(first.value(QStringLiteral("latency_ms")).toInt(), 12);
        QCOMPARE(first.value(QStringLiteral("ttft_ms")).toInt(), 3);
        QCOMPARE(rows.at(1)[QStringLiteral("stream")], QJsonValue(true));
        QCOMPARE(rows.at(2)[QStringLiteral("status")].toInt(), 403);
        QCOMPARE(rows.at(2)[QStringLiteral("error_code")].toString(),
                 QStringLiteral("permission_denied"));

        const QJsonArray totals = result.value(QStringLiteral("totals")).toArray();
        QCOMPARE(totals.size(), 2);
        for (const QJsonValue &total : totals) {
            if (total[QStringLiteral("key_uuid")].toString() == aliceUuid) {
                QCOMPARE(total[QStringLiteral("requests")].toInt(), 2);
                QCOMPARE(total[QStringLiteral("prompt_tokens")].toInt(), 11);
                QCOMPARE(total[QStringLiteral("cost_usd")].toDouble(), 0.75);
            } else {
                QCOMPARE(total[QStringLiteral("key_uuid")].toString(), bobUuid);
                QCOMPARE(total[QStringLiteral("errors")].toInt(), 1);
            }
        }

        // Filters: key by name, route, time range, limit.
        rows = runJson({QStringLiteral("usage"), QStringLiteral("--key"), QStringLiteral("alice")})
                   .object()
                   .value(QStringLiteral("rows"))
                   .toArray();
        QCOMPARE(rows.size(), 2);
        rows = runJson({QStringLiteral("usage"), QStringLiteral("--route"),
                        QStringLiteral("assistant")})
                   .object()
                   .value(QStringLiteral("rows"))
                   .toArray();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.at(0)[QStringLiteral("request_id")].toString(), QStringLiteral("req-3"));
        rows = runJson({QStringLiteral("usage"), QStringLiteral("--since"),
                        QStringLiteral("2026-03-01T12:01:00Z"), QStringLiteral("--until"),
                        QStringLiteral("2026-03-01T12:02:00Z")})
                   .object()
                   .value(QStringLiteral("rows"))
                   .toArray();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.at(0)[QStringLiteral("request_id")].toString(), QStringLiteral("req-2"));
        rows = runJson({QStringLiteral("usage"), QStringLiteral("--limit"), QStringLiteral("1")})
                   .object()
                   .value(QStringLiteral("rows"))
                   .toArray();
        QCOMPARE(rows.size(), 1);

        // A deleted key's history stays, found by its uuid.
        QVERIFY(runOk({QStringLiteral("keys"), QStringLiteral("delete"), QStringLiteral("bob")}));
        rows = runJson({QStringLiteral("usage"), QStringLiteral("--key"), bobUuid})
                   .object()
                   .value(QStringLiteral("rows"))
                   .toArray();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.at(0)[QStringLiteral("key_name")].toString(), QStringLiteral("bob"));

        const Run human = run({QStringLiteral("usage")});
        QCOMPARE(human.exitCode, 0);
        for (const char *text : {"alice", "bob", "assistant", "403", "Totals per key"})
            QVERIFY2(human.out.contains(text), text);
    }

    void helpAndVersion() {
        Run result = runRaw({QStringLiteral("--help")}, environment());
        QCOMPARE(result.exitCode, 0);
        for (const char *text :
             {"keys create", "groups add-route", "routes list", "config check", "usage", "serve",
              "--db", "PORTICO_DB", "PORTICO_CONFIG", "config.yaml"})
            QVERIFY2(result.out.contains(text), text);
        result =
            runRaw({QStringLiteral("keys"), QStringLiteral("create"), QStringLiteral("--help")},
                   environment());
        QCOMPARE(result.exitCode, 0);
        QVERIFY(result.out.contains("--group"));
        QVERIFY(result.out.contains("--expires"));
        result = runRaw({QStringLiteral("help"), QStringLiteral("groups")}, environment());
        QCOMPARE(result.exitCode, 0);
        QVERIFY(result.out.contains("remove-route"));
        result = runRaw({QStringLiteral("--version")}, environment());
        QCOMPARE(result.exitCode, 0);
        QVERIFY(result.out.startsWith("portico-gateway "));
    }

    void serveAnswersHealthAndStopsOnSigterm() {
        // Port 0: the system picks a free port (no race with other tests), and the startup line
        // says which.
        QProcess gateway;
        gateway.setProcessEnvironment(environment());
        gateway.start(QStringLiteral(PORTICO_GATEWAY_BINARY),
                      {QStringLiteral("serve"), QStringLiteral("--listen"),
                       QStringLiteral("127.0.0.1:0"), QStringLiteral("--db"), m_db,
                       QStringLiteral("--config"), m_config});
        QVERIFY(gateway.waitForStarted(60'000));
        QByteArray err;
        QDeadlineTimer deadline(60'000);
        while (!err.contains("listening on") && !deadline.hasExpired() &&
               gateway.state() == QProcess::Running) {
            gateway.waitForReadyRead(1000);
            err += gateway.readAllStandardError();
        }
        static const QRegularExpression listening(
            QStringLiteral("Portico gateway listening on http://127\\.0\\.0\\.1:(\\d+) \\(store: "
                           "(.+), config: (.+)\\)"));
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(err));
        QVERIFY2(match.hasMatch(), err.constData());
        const quint16 port = match.captured(1).toUShort();
        QVERIFY(port != 0);
        QCOMPARE(match.captured(3), m_config);

        QNetworkAccessManager network;
        network.setProxy(QNetworkProxy::NoProxy); // loopback, whatever http_proxy says
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/health").arg(port)));
        QNetworkReply *reply = network.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(30'000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        reply->deleteLater();

        gateway.terminate(); // SIGTERM
        QVERIFY(gateway.waitForFinished(60'000));
        portico::testsupport::saveTestLog(QStringLiteral("serve.log"),
                                          err + gateway.readAllStandardError() +
                                              gateway.readAllStandardOutput());
        QCOMPARE(gateway.exitStatus(), QProcess::NormalExit);
        QCOMPARE(gateway.exitCode(), 0);
    }

    void serveRefusesABrokenConfigAndABadAddress() {
        Run result =
            runRaw({QStringLiteral("serve"), QStringLiteral("--listen"),
                    QStringLiteral("127.0.0.1:0"), QStringLiteral("--db"), m_db,
                    QStringLiteral("--config"), path(QStringLiteral("unknown-model.yaml"))},
                   environment());
        QCOMPARE(result.exitCode, 1);
        QVERIFY2(result.err.contains("unknown-model.yaml:6:"), result.err.constData());
        result = runRaw({QStringLiteral("serve"), QStringLiteral("--listen"),
                         QStringLiteral("nowhere:port"), QStringLiteral("--db"), m_db},
                        environment());
        QCOMPARE(result.exitCode, 2);
        QVERIFY(result.err.contains("--listen"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
