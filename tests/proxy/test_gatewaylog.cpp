// The gateway's structured log on the real gateway (port 0, temporary store and config): one
// entry per request saying why it was refused, JSON lines with the documented fields, a bounded
// ring, and `portico-gateway serve --log-file` writing the same lines. No key ever appears.

#include "fakeupstream.h"
#include "httptestclient.h"
#include "serveprocess.h"
#include "testlogs.h"

#include "config/configmanager.h"
#include "metering/gatewaylog.h"
#include "proxy/gateway.h"
#include "store/apikeyformat.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace portico;
using Headers = QList<QPair<QByteArray, QByteArray>>;

namespace {

QByteArray chatBody(const char *route) {
    return QByteArray(R"({"model":")") + route +
           R"(","messages":[{"role":"user","content":"hello"}]})";
}

Headers auth(const QString &key) {
    Headers headers{{"Content-Type", "application/json"}};
    if (!key.isNull())
        headers.append({"Authorization", "Bearer " + key.toLatin1()});
    return headers;
}

// A well-formed key whose checksum does not match: the last character changed.
QString withBadChecksum(const QString &key) {
    QString bad = key;
    const QChar last = bad.back();
    bad.back() = last == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    return bad;
}

QByteArray readFile(const QString &path) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

const QStringList kJsonFields{QStringLiteral("time"),       QStringLiteral("level"),
                              QStringLiteral("request_id"), QStringLiteral("key"),
                              QStringLiteral("route"),      QStringLiteral("status"),
                              QStringLiteral("event"),      QStringLiteral("message")};

// Every line a JSON object with the documented fields; empty list (and *error) otherwise.
QList<QJsonObject> parseLines(const QByteArray &text, QString *error) {
    QList<QJsonObject> objects;
    static const QRegularExpression isoTime(
        QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"));
    for (const QByteArray &line : text.split('\n')) {
        if (line.isEmpty())
            continue;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
        if (!document.isObject()) {
            *error = QStringLiteral("not a JSON object: ") + parseError.errorString();
            return {};
        }
        const QJsonObject object = document.object();
        for (const QString &field : kJsonFields) {
            if (!object.contains(field)) {
                *error = QStringLiteral("a line has no field ") + field;
                return {};
            }
        }
        if (!isoTime.match(object.value(QStringLiteral("time")).toString()).hasMatch()) {
            *error = QStringLiteral("time not ISO 8601 UTC with ms: ") +
                     object.value(QStringLiteral("time")).toString();
            return {};
        }
        objects.append(object);
    }
    return objects;
}

} // namespace

class TestGatewayLog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void requestsAreLogged();
    void upstreamErrorNamesTheModel();
    void capacityIsBounded();
    void entryLoggedIsQueuedAcrossThreads();
    void serveWritesJsonLines();
    void oddTextStaysValidJson();
    void linesOfManyBatchesAreWrittenOnce();
    void keyShapedTextIsRedactedEverywhere();

private:
    const metering::LogEntry *findByRequestId(const QList<metering::LogEntry> &entries,
                                              const QByteArray &requestId) const;
    void verifyNoKeys(const QByteArray &text);

    QTemporaryDir m_dir;
    FakeUpstream m_upstream;
    std::shared_ptr<store::Database> m_db;
    std::shared_ptr<config::ConfigManager> m_config;
    std::shared_ptr<metering::GatewayLog> m_log;
    std::unique_ptr<proxy::Gateway> m_gateway;
    QString m_logPath;
    QString m_key;
    QString m_disabledKey;
    QString m_unknownKey;
    QStringList m_allKeys; // every key-like string the tests send
};

const metering::LogEntry *TestGatewayLog::findByRequestId(const QList<metering::LogEntry> &entries,
                                                          const QByteArray &requestId) const {
    for (const auto &entry : entries) {
        if (entry.event == QLatin1String("request") &&
            entry.requestId == QString::fromLatin1(requestId))
            return &entry;
    }
    return nullptr;
}

void TestGatewayLog::verifyNoKeys(const QByteArray &text) {
    for (const QString &key : std::as_const(m_allKeys)) {
        QVERIFY2(!text.contains(key.toLatin1()), "the log contains an API key");
        // Also no long piece of it (the hint's last four characters are allowed).
        QVERIFY2(!text.contains(key.mid(4, 20).toLatin1()), "the log contains part of a key");
    }
}

void TestGatewayLog::initTestCase() {
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_upstream.start(), "tests/fixtures/fake_upstream.py did not start");
    const QByteArray creds = "    credentials: { api_key: upstream-secret, base_url: \"" +
                             m_upstream.baseUrl() + "\" }\n";
    QByteArray yaml = "chat_models:\n  - model_id: demo\n    model: mock/echo\n";
    yaml +=
        "  - model_id: broken\n    model: openai/fake-500\n" + creds + "    retry_attempts: 0\n";
    yaml += "routes:\n"
            "  demo: { chat_models: [demo] }\n"
            "  secret: { chat_models: [demo] }\n"
            "  broken: { chat_models: [broken] }\n";
    QFile file(m_dir.filePath(QStringLiteral("config.yaml")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(yaml);
    file.close();
    m_config =
        std::make_shared<config::ConfigManager>(m_dir.filePath(QStringLiteral("config.yaml")));
    QVERIFY(!m_config->lastLoadFailed());

    auto opened = store::Database::open(m_dir.filePath(QStringLiteral("portico.db")));
    QVERIFY2(opened.ok(), qPrintable(opened.error().message));
    m_db = opened.value();
    store::GroupStore groups(*m_db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("users")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("users"), QStringLiteral("demo")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("users"), QStringLiteral("broken")).ok());
    store::KeyStore keys(*m_db, QStringLiteral("test"));
    auto created = keys.createKey(QStringLiteral("main key"), {QStringLiteral("users")});
    QVERIFY(created.ok());
    m_key = created->key;
    created = keys.createKey(QStringLiteral("off key"), {QStringLiteral("users")});
    QVERIFY(created.ok());
    m_disabledKey = created->key;
    QVERIFY(keys.setKeyState(QStringLiteral("off key"), store::KeyState::Disabled).ok());
    m_unknownKey = store::apikey::generate();
    m_allKeys = {m_key, m_disabledKey, m_unknownKey, withBadChecksum(m_key)};

    m_logPath = m_dir.filePath(QStringLiteral("gateway.log"));
    m_log = std::make_shared<metering::GatewayLog>(1000);
    QString error;
    QVERIFY2(m_log->setJsonOutput(m_logPath, &error), qPrintable(error));

    proxy::GatewayOptions options;
    options.port = 0;
    options.log = m_log;
    m_gateway = std::make_unique<proxy::Gateway>(m_db, m_config, options);
    QVERIFY(m_gateway->log() == m_log.get());
    QVERIFY2(m_gateway->start(), qPrintable(m_gateway->errorString()));
}

void TestGatewayLog::cleanupTestCase() {
    m_gateway.reset();
    testsupport::saveTestLog(QStringLiteral("gateway.log"), readFile(m_logPath));
    // After the whole test: no key anywhere in what was logged.
    verifyNoKeys(readFile(m_logPath));
}

void TestGatewayLog::requestsAreLogged() {
    struct Case {
        const char *name;
        QString key;
        const char *route;
        int status;
        QString keyLabel;
        QString reason;     // in the message
        QString routeLabel; // the entry's route
    };
    const QList<Case> cases{
        {"ok", m_key, "demo", 200, QStringLiteral("main key"), QString(), QStringLiteral("demo")},
        {"bad checksum", withBadChecksum(m_key), "demo", 401, QString(), QStringLiteral("checksum"),
         QString()},
        {"unknown", m_unknownKey, "demo", 401, store::apikey::hint(m_unknownKey),
         QStringLiteral("not known"), QString()},
        {"disabled", m_disabledKey, "demo", 401, QStringLiteral("off key"),
         QStringLiteral("disabled"), QString()},
        {"missing", QString(), "demo", 401, QString(), QStringLiteral("No API key"), QString()},
        {"forbidden", m_key, "secret", 403, QStringLiteral("main key"),
         QStringLiteral("no group that grants the route 'secret'"), QStringLiteral("secret")},
        {"no route", m_key, "nowhere", 404, QStringLiteral("main key"),
         QStringLiteral("does not exist"), QStringLiteral("nowhere")},
    };
    QList<QByteArray> requestIds;
    for (const Case &c : cases) {
        const auto response = HttpTestClient::fetch(
            m_gateway->port(), "POST", "/v1/chat/completions", auth(c.key), chatBody(c.route));
        QVERIFY2(response.status == c.status, c.name);
        const QByteArray requestId = response.header("x-request-id");
        QVERIFY2(!requestId.isEmpty(), c.name);
        requestIds.append(requestId);
    }
    const auto notFound = HttpTestClient::fetch(m_gateway->port(), "GET", "/v1/nothing");
    QCOMPARE(notFound.status, 404);

    // The entry is appended when the usage row is; wait for the last one.
    QTRY_VERIFY(findByRequestId(m_log->entries(), requestIds.last()) != nullptr);
    // The file gets its lines from the log's writer thread some milliseconds later.
    QTRY_VERIFY(readFile(m_logPath).contains(requestIds.last()));
    const QList<metering::LogEntry> entries = m_log->entries();
    QString error;
    const QList<QJsonObject> lines = parseLines(readFile(m_logPath), &error);
    QVERIFY2(!lines.isEmpty(), qPrintable(error));

    for (qsizetype i = 0; i < cases.size(); ++i) {
        const Case &c = cases.at(i);
        const metering::LogEntry *entry = findByRequestId(entries, requestIds.at(i));
        QVERIFY2(entry, c.name);
        QVERIFY2(entry->status == c.status, c.name);
        QVERIFY2(entry->keyName == c.keyLabel, c.name);
        QVERIFY2(entry->route == c.routeLabel, c.name);
        QVERIFY2(entry->message.contains(c.reason), qPrintable(entry->message));
        QVERIFY(entry->time.isValid());
        const metering::LogEntry::Level level = c.status >= 500 ? metering::LogEntry::Level::Error
                                                : c.status >= 400
                                                    ? metering::LogEntry::Level::Warning
                                                    : metering::LogEntry::Level::Info;
        QVERIFY2(entry->level == level, c.name);

        bool inFile = false;
        for (const QJsonObject &line : lines) {
            if (line.value(QStringLiteral("request_id")).toString() != entry->requestId)
                continue;
            inFile = true;
            QCOMPARE(line.value(QStringLiteral("status")).toInt(), c.status);
            QCOMPARE(line.value(QStringLiteral("event")).toString(), QStringLiteral("request"));
            QCOMPARE(line.value(QStringLiteral("level")).toString(), metering::toString(level));
            QCOMPARE(line.value(QStringLiteral("key")).toString(), entry->keyName);
            QCOMPARE(line.value(QStringLiteral("route")).toString(), entry->route);
            QCOMPARE(line.value(QStringLiteral("message")).toString(), entry->message);
        }
        QVERIFY2(inFile, c.name);
    }

    bool notFoundLogged = false;
    for (const auto &entry : entries)
        notFoundLogged = notFoundLogged || (entry.status == 404 && entry.keyName.isEmpty() &&
                                            entry.message.contains(QLatin1String("/v1/nothing")));
    QVERIFY(notFoundLogged);

    bool started = false;
    for (const auto &entry : entries)
        started = started || entry.event == QLatin1String("started");
    QVERIFY(started);

    QByteArray ringText;
    for (const auto &entry : entries)
        ringText += (entry.keyName + entry.message + entry.route).toUtf8();
    verifyNoKeys(ringText);
    verifyNoKeys(readFile(m_logPath));
}

void TestGatewayLog::upstreamErrorNamesTheModel() {
    const auto response = HttpTestClient::fetch(m_gateway->port(), "POST", "/v1/chat/completions",
                                                auth(m_key), chatBody("broken"));
    QVERIFY(response.status >= 500);
    const QByteArray requestId = response.header("x-request-id");
    QTRY_VERIFY(findByRequestId(m_log->entries(), requestId) != nullptr);
    bool upstreamLogged = false;
    for (const auto &entry : m_log->entries()) {
        if (entry.event == QLatin1String("upstream_error") &&
            entry.requestId == QString::fromLatin1(requestId)) {
            upstreamLogged = true;
            QVERIFY(entry.level == metering::LogEntry::Level::Error);
            QVERIFY2(entry.message.contains(QLatin1String("'broken'")), qPrintable(entry.message));
            QVERIFY2(entry.message.contains(QLatin1String("http_500")), qPrintable(entry.message));
            QCOMPARE(entry.keyName, QStringLiteral("main key"));
        }
    }
    QVERIFY(upstreamLogged);
    QVERIFY(findByRequestId(m_log->entries(), requestId)->level ==
            metering::LogEntry::Level::Error);
}

void TestGatewayLog::capacityIsBounded() {
    metering::GatewayLog log(5);
    for (int i = 0; i < 12; ++i) {
        metering::LogEntry entry;
        entry.event = QStringLiteral("test");
        entry.message = QString::number(i);
        log.append(entry);
    }
    const auto entries = log.entries();
    QCOMPARE(entries.size(), 5);
    QCOMPARE(entries.first().message, QStringLiteral("7"));
    QCOMPARE(entries.last().message, QStringLiteral("11"));
    QVERIFY(entries.last().time.isValid());

    QString error;
    QVERIFY(!log.setJsonOutput(m_dir.filePath(QStringLiteral("no/such/dir/log")), &error));
    QVERIFY(!error.isEmpty());

    // Capacity 0 (what `serve` uses): no entries kept, every line still written and announced.
    const QString path = m_dir.filePath(QStringLiteral("no-ring.log"));
    {
        metering::GatewayLog unkept(0);
        QSignalSpy announced(&unkept, &metering::GatewayLog::entryLogged);
        QVERIFY2(unkept.setJsonOutput(path, &error), qPrintable(error));
        for (int i = 0; i < 3; ++i) {
            metering::LogEntry entry;
            entry.event = QStringLiteral("test");
            unkept.append(entry);
        }
        QVERIFY(unkept.entries().isEmpty());
        QCOMPARE(announced.size(), 3);
    }
    QCOMPARE(readFile(path).count('\n'), 3);
}

void TestGatewayLog::entryLoggedIsQueuedAcrossThreads() {
    metering::GatewayLog log(10);
    QSignalSpy spy(&log, &metering::GatewayLog::entryLogged);
    QObject receiver;
    QStringList received;
    connect(
        &log, &metering::GatewayLog::entryLogged, &receiver,
        [&received](const metering::LogEntry &entry) { received.append(entry.message); },
        Qt::QueuedConnection);
    QThread *thread = QThread::create([&log]() {
        metering::LogEntry entry;
        entry.message = QStringLiteral("from a worker");
        log.append(entry);
    });
    thread->start();
    QVERIFY(thread->wait(10000));
    delete thread;
    QTRY_COMPARE(received, QStringList{QStringLiteral("from a worker")});
}

void TestGatewayLog::serveWritesJsonLines() {
    const QString logPath = m_dir.filePath(QStringLiteral("serve.log"));
    ServeProcess serve;
    QVERIFY2(serve.start(QStringLiteral(PORTICO_GATEWAY_BINARY),
                         {QStringLiteral("--db"), m_db->path(), QStringLiteral("--config"),
                          m_dir.filePath(QStringLiteral("config.yaml")), QStringLiteral("serve"),
                          QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                          QStringLiteral("--log-file"), logPath}),
             serve.readErrors().constData());
    const quint16 port = serve.port();

    const auto ok =
        HttpTestClient::fetch(port, "POST", "/v1/chat/completions", auth(m_key), chatBody("demo"));
    QCOMPARE(ok.status, 200);
    const auto refused = HttpTestClient::fetch(port, "POST", "/v1/chat/completions",
                                               auth(m_unknownKey), chatBody("demo"));
    QCOMPARE(refused.status, 401);
    const QByteArray refusedId = refused.header("x-request-id");
    QTRY_VERIFY_WITH_TIMEOUT(readFile(logPath).contains(refusedId), 15000);

    serve.stop();
    const QByteArray errors = serve.readErrors();
    testsupport::saveTestLog(QStringLiteral("serve.stderr.log"), errors + serve.readOutput());
    testsupport::saveTestLog(QStringLiteral("serve.log-file.log"), readFile(logPath));
    // The JSON lines went to the file, not stderr.
    QVERIFY(!errors.contains("\"request_id\""));

    const QByteArray text = readFile(logPath);
    QString error;
    const QList<QJsonObject> lines = parseLines(text, &error);
    QVERIFY2(!lines.isEmpty(), qPrintable(error));
    bool okLogged = false;
    bool refusedLogged = false;
    for (const QJsonObject &line : lines) {
        if (line.value(QStringLiteral("request_id")).toString() ==
            QString::fromLatin1(ok.header("x-request-id"))) {
            okLogged = line.value(QStringLiteral("status")).toInt() == 200 &&
                       line.value(QStringLiteral("key")).toString() == QLatin1String("main key");
        }
        if (line.value(QStringLiteral("request_id")).toString() == QString::fromLatin1(refusedId)) {
            refusedLogged = line.value(QStringLiteral("status")).toInt() == 401 &&
                            line.value(QStringLiteral("message"))
                                .toString()
                                .contains(QLatin1String("not known"));
        }
    }
    QVERIFY(okLogged);
    QVERIFY(refusedLogged);
    verifyNoKeys(text);
    verifyNoKeys(errors);
}

// The JSON lines are built by hand: text with quotes, backslashes, control characters and
// non-ASCII letters still makes one valid JSON object per line that reads back as it was, and
// every line appended before the log is destroyed is in the file.
void TestGatewayLog::oddTextStaysValidJson() {
    const QString path = m_dir.filePath(QStringLiteral("odd.log"));
    const QString odd = QStringLiteral("say \"hi\" \\ back\nslash\ttab\x01\x1f é ✓ 😀");
    // Without the non-ASCII tail the text takes the other path (escaped straight from UTF-16).
    const QString oddAscii = odd.left(odd.indexOf(QChar(u'é')));
    // Every character escaped six bytes long: the most a field can take of the line.
    const QString worst(1000, QChar(u'\x01'));
    constexpr int kLines = 2000;
    {
        metering::GatewayLog log;
        QString error;
        QVERIFY2(log.setJsonOutput(path, &error), qPrintable(error));
        for (int i = 0; i < kLines; ++i) {
            metering::LogEntry entry;
            entry.event = QStringLiteral("request");
            entry.requestId = QString::number(i);
            entry.keyName = odd;
            entry.route = oddAscii;
            entry.message = i % 2 == 0 ? odd : worst;
            entry.status = 200;
            log.append(entry);
        }
    }
    const QList<QByteArray> lines = readFile(path).split('\n');
    QCOMPARE(lines.size(), kLines + 1); // the last is empty
    for (int i = 0; i < kLines; ++i) {
        QJsonParseError parseError;
        const QJsonObject object = QJsonDocument::fromJson(lines.at(i), &parseError).object();
        QVERIFY2(parseError.error == QJsonParseError::NoError, lines.at(i).constData());
        QCOMPARE(object.value(QStringLiteral("request_id")).toString(), QString::number(i));
        QCOMPARE(object.value(QStringLiteral("message")).toString(), i % 2 == 0 ? odd : worst);
        QCOMPARE(object.value(QStringLiteral("key")).toString(), odd);
        QCOMPARE(object.value(QStringLiteral("route")).toString(), oddAscii);
        QCOMPARE(object.value(QStringLiteral("status")).toInt(), 200);
        QCOMPARE(object.value(QStringLiteral("level")).toString(), QStringLiteral("info"));
    }
}

// The log's writer hands each batch's emptied buffer back as the next one to fill: the lines of
// many batches must each be written once, none repeated from a batch before.
void TestGatewayLog::linesOfManyBatchesAreWrittenOnce() {
    const QString path = m_dir.filePath(QStringLiteral("batches.log"));
    metering::GatewayLog log(0);
    QString error;
    QVERIFY2(log.setJsonOutput(path, &error), qPrintable(error));
    // Runs before the log's destructor: a writer stuck on the same lines would keep that waiting
    // for ever while the file filled the disk.
    const auto stopIfStuck = qScopeGuard([&path] {
        if (!QTest::currentTestFailed())
            return;
        QFile::remove(path);
        qFatal("The log writer kept writing lines again; stopped before it fills the disk.");
    });
    constexpr int kLines = 3000;
    for (int i = 0; i < kLines; ++i) {
        metering::LogEntry entry;
        entry.event = QStringLiteral("request");
        entry.requestId = QString::number(i);
        log.append(std::move(entry));
        if (i % 500 == 499)
            QThread::msleep(30); // the writer takes what came so far: several batches
    }
    QSet<QString> seen;
    const auto linesWritten = [&] {
        // A buffer written again and again grows the file without end: far too big is an answer,
        // read from its size before reading it.
        if (QFileInfo(path).size() > 4 * 1024 * 1024)
            return -1;
        const QByteArray text = readFile(path);
        seen.clear();
        int lines = 0;
        for (const QByteArray &line : text.split('\n')) {
            if (line.isEmpty())
                continue;
            ++lines;
            seen.insert(QJsonDocument::fromJson(line)
                            .object()
                            .value(QStringLiteral("request_id"))
                            .toString());
        }
        return lines;
    };
    QTRY_COMPARE_WITH_TIMEOUT(linesWritten(), kLines, 10000);
    QCOMPARE(seen.size(), kLines);
}

// Text shaped like a key never reaches a line, the ring or a receiver, whichever of them the log
// has: with no ring and no receiver the writer redacts it (it makes the lines off the request's
// path), with a ring or a receiver the append does.
void TestGatewayLog::keyShapedTextIsRedactedEverywhere() {
    const QString key = QStringLiteral("ptc_") + QString(32, QChar(u'A'));
    const auto entryWithKey = [&key] {
        metering::LogEntry entry;
        entry.event = QStringLiteral("request");
        entry.message = QStringLiteral("GET /v1/models?k=") + key + QStringLiteral(" -> 401");
        entry.keyName = key;
        entry.route = QStringLiteral("r") + key;
        entry.status = 401;
        return entry;
    };
    const auto checkLine = [&key](const QString &path) {
        QTRY_VERIFY_WITH_TIMEOUT(readFile(path).contains("\n"), 10000);
        const QByteArray text = readFile(path);
        // Not printed on failure: the text would hold the key-shaped string.
        QVERIFY(!text.contains(key.toLatin1()));
        QVERIFY(!text.contains("ptc_AAAA"));
        QVERIFY(text.contains("(an API key, not shown)"));
    };
    for (const int capacity : {0, 5}) {
        for (const bool withReceiver : {false, true}) {
            const QString path = m_dir.filePath(
                QStringLiteral("redacted-%1-%2.log").arg(capacity).arg(withReceiver));
            QList<metering::LogEntry> received;
            {
                metering::GatewayLog log(capacity);
                QString error;
                QVERIFY2(log.setJsonOutput(path, &error), qPrintable(error));
                if (withReceiver) {
                    connect(
                        &log, &metering::GatewayLog::entryLogged, this,
                        [&received](const metering::LogEntry &entry) { received.append(entry); });
                }
                log.append(entryWithKey());
                for (const metering::LogEntry &entry : log.entries() + received) {
                    for (const QString &field : {entry.message, entry.keyName, entry.route})
                        QVERIFY(!field.contains(key));
                }
                QCOMPARE(log.entries().size(), capacity > 0 ? 1 : 0);
                QCOMPARE(received.size(), withReceiver ? 1 : 0);
            }
            checkLine(path);
        }
    }
}

QTEST_GUILESS_MAIN(TestGatewayLog)
#include "test_gatewaylog.moc"
