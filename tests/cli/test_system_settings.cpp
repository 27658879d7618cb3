// The installed service's settings (issue 14): /etc/portico/portico.conf, the unit's
// EnvironmentFile=, is read by portico-gateway so an admin's command line finds the service's store
// and config, in the order --db/--config > environment > the file > the user's defaults; and root
// working on a store in a folder that belongs to another user (the service's /var/lib/portico)
// leaves no file of it owned by root. The real binary in its own process; PORTICO_SYSTEM_CONF
// points it at a file of the test's.
#include "common/startup.h"
#include "serveprocess.h"
#include "testlogs.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using portico::testsupport::saveTestLog;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray output;
    QByteArray errors;
};

Run runGateway(const QStringList &arguments, const QProcessEnvironment &environment,
               const QString &program = QStringLiteral(PORTICO_GATEWAY_BINARY),
               const QStringList &programArguments = {}) {
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(program, programArguments + arguments);
    Run run;
    if (!process.waitForFinished(30000))
        return run;
    run.exitCode = process.exitCode();
    run.output = process.readAllStandardOutput();
    run.errors = process.readAllStandardError();
    return run;
}

bool writeFile(const QString &path, const QByteArray &text) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(text) == text.size();
}

uid_t ownerOf(const QString &path) {
    struct stat info {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return uid_t(-1);
    return info.st_uid;
}

// The names of the groups a store holds, through `groups list --json`.
QByteArray groupsIn(const QString &db, const QProcessEnvironment &environment) {
    const Run listed = runGateway({QStringLiteral("--db"), db, QStringLiteral("--json"),
                                   QStringLiteral("groups"), QStringLiteral("list")},
                                  environment);
    return listed.exitCode == 0 ? listed.output : QByteArray("failed: ") + listed.errors;
}

} // namespace

class TestSystemSettings : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parsesTheEnvironmentFileSubset();
    void commandLineFindsTheServiceStoreAndConfig();
    void environmentAndFlagsWinOverTheFile();
    void missingFileLeavesTheUserDefaults();
    void badLinesWarnAndTheRestApplies();
    void rootLeavesTheStoreToItsFolderOwner();

private:
    QProcessEnvironment environment() const;
    QString path(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
};

void TestSystemSettings::initTestCase() {
    QVERIFY(m_dir.isValid());
    QVERIFY(QDir().mkpath(path(QStringLiteral("service"))));
    QVERIFY(writeFile(path(QStringLiteral("service/config.yaml")),
                      "chat_models:\n  - model_id: service-demo\n    model: mock/echo\n"
                      "routes:\n  service-demo:\n    chat_models: [service-demo]\n"));
    QVERIFY(writeFile(path(QStringLiteral("portico.conf")),
                      "# as the package installs it\n"
                      "PORTICO_DB=" +
                          QFile::encodeName(path(QStringLiteral("service/portico.db"))) +
                          "\n"
                          "PORTICO_CONFIG=\"" +
                          QFile::encodeName(path(QStringLiteral("service/config.yaml"))) +
                          "\"\n"
                          "PORTICO_LISTEN=127.0.0.1:8000\n"));
}

// Like a user's shell with the package installed: no PORTICO_DB or PORTICO_CONFIG, the user's own
// folders, and the system file at the test's path.
QProcessEnvironment TestSystemSettings::environment() const {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("PORTICO_DB"));
    env.remove(QStringLiteral("PORTICO_CONFIG"));
    env.remove(QStringLiteral("PORTICO_LISTEN"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), path(QStringLiteral("user/data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), path(QStringLiteral("user/config")));
    env.insert(QStringLiteral("PORTICO_SYSTEM_CONF"), path(QStringLiteral("portico.conf")));
    return env;
}

void TestSystemSettings::parsesTheEnvironmentFileSubset() {
    const auto settings =
        portico::app::parseSystemSettings("# comment\n"
                                          "; also a comment\n"
                                          "\n"
                                          "PORTICO_DB=/var/lib/portico/portico.db\n"
                                          "  PORTICO_CONFIG = '/etc/portico/config.yaml'  \n"
                                          "EMPTY=\n"
                                          "QUOTED=\"a b\"\n"
                                          "no equals sign\n"
                                          "1BAD=x\n");
    const QList<QPair<QString, QString>> expected{
        {QStringLiteral("PORTICO_DB"), QStringLiteral("/var/lib/portico/portico.db")},
        {QStringLiteral("PORTICO_CONFIG"), QStringLiteral("/etc/portico/config.yaml")},
        {QStringLiteral("EMPTY"), QString()},
        {QStringLiteral("QUOTED"), QStringLiteral("a b")},
    };
    QCOMPARE(settings.values, expected);
    QCOMPARE(settings.problems, (QStringList{QStringLiteral("line 8: not KEY=VALUE, skipped"),
                                             QStringLiteral("line 9: not KEY=VALUE, skipped")}));
}

void TestSystemSettings::commandLineFindsTheServiceStoreAndConfig() {
    const Run created = runGateway(
        {QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("from-conf")},
        environment());
    saveTestLog(QStringLiteral("groups-create.stderr.log"), created.errors);
    QVERIFY2(created.exitCode == 0, created.errors.constData());
    QVERIFY(QFile::exists(path(QStringLiteral("service/portico.db"))));
    QVERIFY(!QFile::exists(path(QStringLiteral("user/data/Portico/portico/portico.db"))));
    QVERIFY(groupsIn(path(QStringLiteral("service/portico.db")), environment())
                .contains("\"from-conf\""));

    // The service's config.yaml, with its own route, is the one the command line reads.
    const Run checked =
        runGateway({QStringLiteral("config"), QStringLiteral("check")}, environment());
    QVERIFY2(checked.exitCode == 0, checked.errors.constData());
    const Run routes =
        runGateway({QStringLiteral("routes"), QStringLiteral("list")}, environment());
    QVERIFY2(routes.exitCode == 0, routes.errors.constData());
    QVERIFY2(
        routes.output.contains(QFile::encodeName(path(QStringLiteral("service/config.yaml")))) &&
            routes.output.contains("service-demo"),
        routes.output.constData());
}

void TestSystemSettings::environmentAndFlagsWinOverTheFile() {
    QProcessEnvironment env = environment();
    env.insert(QStringLiteral("PORTICO_DB"), path(QStringLiteral("from-env.db")));
    QVERIFY(
        runGateway({QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("from-env")},
                   env)
            .exitCode == 0);
    QVERIFY(groupsIn(path(QStringLiteral("from-env.db")), environment()).contains("\"from-env\""));
    QVERIFY(!groupsIn(path(QStringLiteral("service/portico.db")), environment())
                 .contains("\"from-env\""));

    QVERIFY(runGateway({QStringLiteral("--db"), path(QStringLiteral("from-flag.db")),
                        QStringLiteral("groups"), QStringLiteral("create"),
                        QStringLiteral("from-flag")},
                       env)
                .exitCode == 0);
    QVERIFY(
        groupsIn(path(QStringLiteral("from-flag.db")), environment()).contains("\"from-flag\""));
    QVERIFY(
        !groupsIn(path(QStringLiteral("from-env.db")), environment()).contains("\"from-flag\""));
}

void TestSystemSettings::missingFileLeavesTheUserDefaults() {
    QProcessEnvironment env = environment();
    env.insert(QStringLiteral("PORTICO_SYSTEM_CONF"), path(QStringLiteral("no-such.conf")));
    const Run created = runGateway(
        {QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("own")}, env);
    QVERIFY2(created.exitCode == 0, created.errors.constData());
    QVERIFY(created.errors.isEmpty() || !created.errors.contains("warning"));
    QVERIFY(QFile::exists(path(QStringLiteral("user/data/Portico/portico/portico.db"))));
}

void TestSystemSettings::badLinesWarnAndTheRestApplies() {
    QVERIFY(writeFile(path(QStringLiteral("bad.conf")),
                      "this is not a setting\nPORTICO_DB=" +
                          QFile::encodeName(path(QStringLiteral("bad.db"))) + "\n"));
    QProcessEnvironment env = environment();
    env.insert(QStringLiteral("PORTICO_SYSTEM_CONF"), path(QStringLiteral("bad.conf")));
    const Run created = runGateway(
        {QStringLiteral("groups"), QStringLiteral("create"), QStringLiteral("despite")}, env);
    QVERIFY2(created.exitCode == 0, created.errors.constData());
    QVERIFY2(created.errors.contains("bad.conf: line 1: not KEY=VALUE, skipped"),
             created.errors.constData());
    QVERIFY(groupsIn(path(QStringLiteral("bad.db")), environment()).contains("\"despite\""));
}

void TestSystemSettings::rootLeavesTheStoreToItsFolderOwner() {
    if (::geteuid() != 0)
        QSKIP("needs root (CI runs as root): the case is root working on another user's store");
    // The service's folder as the package makes it, with "nobody" standing in for "portico".
    const uid_t nobody = 65534;
    QVERIFY(QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                                    QFileDevice::ExeOwner | QFileDevice::ExeGroup |
                                                    QFileDevice::ExeOther));
    const QString folder = path(QStringLiteral("state"));
    QVERIFY(QDir().mkpath(folder));
    QCOMPARE(::chown(QFile::encodeName(folder).constData(), nobody, nobody), 0);
    QCOMPARE(::chmod(QFile::encodeName(folder).constData(), 0700), 0);
    const QString db = folder + QStringLiteral("/portico.db");

    // Root makes the store (the service never ran): it ends up the folder owner's.
    const Run created = runGateway({QStringLiteral("--db"), db, QStringLiteral("groups"),
                                    QStringLiteral("create"), QStringLiteral("by-root")},
                                   environment());
    saveTestLog(QStringLiteral("root-create.stderr.log"), created.errors);
    QVERIFY2(created.exitCode == 0, created.errors.constData());
    for (const QString &name : QDir(folder).entryList(QDir::Files))
        QVERIFY2(ownerOf(folder + u'/' + name) == nobody, qPrintable(name));

    // The owner serves it, and root adds to it meanwhile: the -wal and -shm stay the owner's, and
    // the owner's own command line still reads and writes it.
    const QStringList asNobody{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                               QStringLiteral("--clear-groups"),
                               QStringLiteral(PORTICO_GATEWAY_BINARY)};
    ServeProcess serve;
    QVERIFY(serve.start(QStringLiteral("setpriv"),
                        asNobody + QStringList{QStringLiteral("--db"), db, QStringLiteral("serve"),
                                               QStringLiteral("--listen"),
                                               QStringLiteral("127.0.0.1:0")}));
    QVERIFY(runGateway({QStringLiteral("--db"), db, QStringLiteral("groups"),
                        QStringLiteral("create"), QStringLiteral("while-served")},
                       environment())
                .exitCode == 0);
    for (const QString &name : QDir(folder).entryList(QDir::Files))
        QVERIFY2(ownerOf(folder + u'/' + name) == nobody, qPrintable(name));
    const Run byOwner = runGateway({QStringLiteral("--db"), db, QStringLiteral("groups"),
                                    QStringLiteral("create"), QStringLiteral("by-owner")},
                                   environment(), QStringLiteral("setpriv"), asNobody);
    QVERIFY2(byOwner.exitCode == 0, byOwner.errors.constData());
    serve.stop();
    saveTestLog(QStringLiteral("serve-as-owner.stderr.log"), serve.readErrors());
    const QByteArray groups = groupsIn(db, environment());
    QVERIFY2(groups.contains("\"by-root\"") && groups.contains("\"while-served\"") &&
                 groups.contains("\"by-owner\""),
             groups.constData());
}

QTEST_GUILESS_MAIN(TestSystemSettings)
#include "test_system_settings.moc"
