// Private files (issue 13, item 5): the store, its -wal and -shm, the log file and a new data
// folder are their owner's only whatever the umask portico-gateway starts with; a store readable
// by others is tightened with a log line; `config check` warns about a secrets.yaml or a
// config.yaml with an api_key that others can read; and no core dump is written. The real
// portico-gateway in its own process, started by bash with umask 000.
#include "serveprocess.h"
#include "testlogs.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using portico::testsupport::saveTestLog;

namespace {

// The permission bits of `path` (e.g. 0600), or -1 when it does not exist.
int modeOf(const QString &path) {
    struct stat info {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return int(info.st_mode & 07777);
}

QString octal(int mode) {
    return QStringLiteral("%1").arg(mode, 4, 8, QLatin1Char('0'));
}

// bash -c 'umask 000 && exec portico-gateway ARGS...'
QStringList underUmask000(const QStringList &arguments) {
    return QStringList{QStringLiteral("-c"), QStringLiteral("umask 000 && exec \"$0\" \"$@\""),
                       QStringLiteral(PORTICO_GATEWAY_BINARY)} +
           arguments;
}

struct Run {
    int exitCode = -1;
    QByteArray errors;
};

Run runGateway(const QStringList &arguments) {
    QProcess process;
    process.start(QStringLiteral("bash"), underUmask000(arguments));
    Run run;
    if (!process.waitForFinished(30000))
        return run;
    run.exitCode = process.exitCode();
    // stdout may hold a new key (the one-time display): only stderr is kept.
    run.errors = process.readAllStandardError();
    return run;
}

} // namespace

class TestPrivateFiles : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void storeIsPrivateUnderAWideUmask();
    void wideStoreIsTightened();
    void serveLogIsPrivateAndCoreDumpsAreOff();
    void worldReadableSecretsWarn();
    void worldReadableConfigWithKeyWarns();
};

void TestPrivateFiles::storeIsPrivateUnderAWideUmask() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString folder = dir.filePath(QStringLiteral("new/data"));
    const QString db = folder + QStringLiteral("/portico.db");
    // A key created and a second command after it: the store is in WAL mode, with -wal and -shm.
    QCOMPARE(runGateway({QStringLiteral("--db"), db, QStringLiteral("groups"),
                         QStringLiteral("create"), QStringLiteral("all")})
                 .exitCode,
             0);
    const Run created =
        runGateway({QStringLiteral("--db"), db, QStringLiteral("keys"), QStringLiteral("create"),
                    QStringLiteral("private"), QStringLiteral("--group"), QStringLiteral("all")});
    saveTestLog(QStringLiteral("keys-create.stderr.log"), created.errors);
    QVERIFY2(created.exitCode == 0, created.errors.constData());
    // A serve keeps the store open, so the -wal and -shm are there to look at.
    ServeProcess serve;
    QVERIFY(
        serve.start(QStringLiteral("bash"),
                    underUmask000({QStringLiteral("--db"), db, QStringLiteral("serve"),
                                   QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")})));
    const QStringList files{db, db + QStringLiteral("-wal"), db + QStringLiteral("-shm")};
    for (const QString &file : files)
        QVERIFY2(modeOf(file) == 0600, qPrintable(file + u' ' + octal(modeOf(file))));
    QCOMPARE(octal(modeOf(folder)), octal(0700));
    serve.stop();
    saveTestLog(QStringLiteral("serve.stderr.log"), serve.readErrors());
    QVERIFY2(!serve.readErrors().contains("could be read by other users"),
             serve.readErrors().constData());
}

void TestPrivateFiles::wideStoreIsTightened() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString db = dir.filePath(QStringLiteral("portico.db"));
    QVERIFY(runGateway({QStringLiteral("--db"), db, QStringLiteral("keys"), QStringLiteral("list")})
                .exitCode == 0);
    QVERIFY(QFile::setPermissions(db, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                          QFileDevice::ReadGroup | QFileDevice::ReadOther));
    QCOMPARE(octal(modeOf(db)), octal(0644));
    const Run listed =
        runGateway({QStringLiteral("--db"), db, QStringLiteral("keys"), QStringLiteral("list")});
    saveTestLog(QStringLiteral("keys-list.stderr.log"), listed.errors);
    QVERIFY2(listed.exitCode == 0, listed.errors.constData());
    QCOMPARE(octal(modeOf(db)), octal(0600));
    QVERIFY2(listed.errors.contains("could be read by other users (permissions 0644)"),
             listed.errors.constData());
    // Once private, nothing more is said.
    const Run again =
        runGateway({QStringLiteral("--db"), db, QStringLiteral("keys"), QStringLiteral("list")});
    QVERIFY2(!again.errors.contains("other users"), again.errors.constData());
}

void TestPrivateFiles::serveLogIsPrivateAndCoreDumpsAreOff() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString db = dir.filePath(QStringLiteral("portico.db"));
    const QString log = dir.filePath(QStringLiteral("gateway.log"));
    ServeProcess serve;
    QVERIFY(serve.start(QStringLiteral("bash"),
                        underUmask000({QStringLiteral("--db"), db, QStringLiteral("serve"),
                                       QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                                       QStringLiteral("--log-file"), log})));
    QFile limitsFile(QStringLiteral("/proc/%1/limits").arg(serve.processId()));
    const QByteArray table = limitsFile.open(QIODevice::ReadOnly) ? limitsFile.readAll() : "";
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(log), 5000);
    QCOMPARE(octal(modeOf(log)), octal(0600));
    QCOMPARE(octal(modeOf(db)), octal(0600));
    serve.stop();
    saveTestLog(QStringLiteral("serve.stderr.log"), serve.readErrors());
    QByteArray coreLine;
    for (const QByteArray &line : table.split('\n')) {
        if (line.startsWith("Max core file size"))
            coreLine = line.simplified();
    }
    QCOMPARE(coreLine, QByteArray("Max core file size 0 0 bytes"));
}

void TestPrivateFiles::worldReadableSecretsWarn() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString config = dir.filePath(QStringLiteral("config.yaml"));
    const QString secrets = dir.filePath(QStringLiteral("secrets.yaml"));
    {
        QFile file(config);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("chat_models:\n"
                   "  - model_id: gpt\n"
                   "    model: openai/gpt-4o-mini\n"
                   "    credentials:\n"
                   "      api_key: !secret PRIVATE_FILES_TEST_KEY\n"
                   "routes:\n"
                   "  demo:\n"
                   "    chat_models: [gpt]\n");
        QFile secretFile(secrets);
        QVERIFY(secretFile.open(QIODevice::WriteOnly));
        secretFile.write("PRIVATE_FILES_TEST_KEY: not-a-real-key\n");
    }
    QVERIFY(QFile::setPermissions(config, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                              QFileDevice::ReadGroup | QFileDevice::ReadOther));
    QVERIFY(QFile::setPermissions(secrets, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                               QFileDevice::ReadOther));
    const QStringList check{QStringLiteral("--db"),     dir.filePath(QStringLiteral("portico.db")),
                            QStringLiteral("--config"), config,
                            QStringLiteral("config"),   QStringLiteral("check")};
    Run run = runGateway(check);
    saveTestLog(QStringLiteral("config-check.stderr.log"), run.errors);
    QByteArray all = run.errors;
    // A warning makes `config check` fail (exit code), as any other warning does.
    QVERIFY2(run.exitCode != 0, all.constData());
    QVERIFY2(all.contains("secrets.yaml can be read by other users"), all.constData());
    // config.yaml itself holds no key (only !secret): readable by all is fine.
    QVERIFY2(!all.contains("holds an api_key"), all.constData());

    QVERIFY(QFile::setPermissions(secrets, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    run = runGateway(check);
    QVERIFY2(run.exitCode == 0, run.errors.constData());
    QVERIFY2(!run.errors.contains("other users"), run.errors.constData());
}

void TestPrivateFiles::worldReadableConfigWithKeyWarns() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString config = dir.filePath(QStringLiteral("config.yaml"));
    {
        QFile file(config);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("chat_models:\n"
                   "  - model_id: gpt\n"
                   "    model: openai/gpt-4o-mini\n"
                   "    credentials:\n"
                   "      api_key: not-a-real-key\n"
                   "routes:\n"
                   "  demo:\n"
                   "    chat_models: [gpt]\n");
    }
    QVERIFY(QFile::setPermissions(config, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                              QFileDevice::ReadGroup));
    const QStringList check{QStringLiteral("--db"),     dir.filePath(QStringLiteral("portico.db")),
                            QStringLiteral("--config"), config,
                            QStringLiteral("config"),   QStringLiteral("check")};
    Run run = runGateway(check);
    saveTestLog(QStringLiteral("config-check.stderr.log"), run.errors);
    QVERIFY2(run.exitCode != 0, run.errors.constData());
    QVERIFY2(run.errors.contains("holds an api_key and can be read by other users"),
             run.errors.constData());

    QVERIFY(QFile::setPermissions(config, QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    run = runGateway(check);
    QVERIFY2(run.exitCode == 0, run.errors.constData());
    QVERIFY2(!run.errors.contains("other users"), run.errors.constData());
}

QTEST_GUILESS_MAIN(TestPrivateFiles)
#include "test_private_files.moc"
