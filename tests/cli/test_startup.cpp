// What the desktop app and portico-gateway work out the same way at start (app/common/startup.h):
// the store and config.yaml they open and the actor they write in the audit trail, pinned to the
// exact strings both programs have always used.
#include "common/startup.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <pwd.h>
#include <unistd.h>

using portico::app::Program;

class TestStartup : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void actorNamesProgramAndUser();
    void actorFallsBackToTheAccount();
    void databasePathOrder();
    void configPathOrder();

private:
    QTemporaryDir m_dir;
};

void TestStartup::initTestCase() {
    QVERIFY(m_dir.isValid());
    portico::app::setApplicationIdentity();
    QCOMPARE(QCoreApplication::organizationName(), QStringLiteral("Portico"));
    QCOMPARE(QCoreApplication::applicationName(), QStringLiteral("portico"));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("config"))));
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_dir.filePath(QStringLiteral("data"))));
}

void TestStartup::init() {
    qunsetenv("PORTICO_DB");
    qunsetenv("PORTICO_CONFIG");
    QFile::remove(portico::app::userConfigPath());
}

void TestStartup::actorNamesProgramAndUser() {
    qputenv("USER", "alice");
    QCOMPARE(portico::app::actor(Program::Desktop), QStringLiteral("desktop:alice"));
    QCOMPARE(portico::app::actor(Program::CommandLine), QStringLiteral("cli:alice"));
}

void TestStartup::actorFallsBackToTheAccount() {
    qunsetenv("USER");
    const passwd *entry = ::getpwuid(::geteuid());
    const QString account =
        entry ? QString::fromLocal8Bit(entry->pw_name) : QString::number(::geteuid());
    QCOMPARE(portico::app::actor(Program::CommandLine), QStringLiteral("cli:") + account);
    QCOMPARE(portico::app::actor(Program::Desktop), QStringLiteral("desktop:") + account);
}

void TestStartup::databasePathOrder() {
    const QString defaultPath = m_dir.filePath(QStringLiteral("data/Portico/portico/portico.db"));
    QCOMPARE(portico::app::databasePath(std::nullopt), defaultPath);
    qputenv("PORTICO_DB", "/srv/from-environment.db");
    QCOMPARE(portico::app::databasePath(std::nullopt), QStringLiteral("/srv/from-environment.db"));
    QCOMPARE(portico::app::databasePath(QStringLiteral("/srv/given.db")),
             QStringLiteral("/srv/given.db"));
    // Given empty is still given: opening it then says a path is needed.
    QCOMPARE(portico::app::databasePath(QString()), QString());
}

void TestStartup::configPathOrder() {
    const QString user = m_dir.filePath(QStringLiteral("config/Portico/portico/config.yaml"));
    QCOMPARE(portico::app::userConfigPath(), user);
    // No file anywhere: the built-in config.
    QCOMPARE(portico::app::configPath(std::nullopt), QString());
    QVERIFY(QDir().mkpath(QFileInfo(user).absolutePath()));
    QFile file(user);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QCOMPARE(portico::app::configPath(std::nullopt), user);
    qputenv("PORTICO_CONFIG", "/srv/from-environment.yaml");
    QCOMPARE(portico::app::configPath(std::nullopt), QStringLiteral("/srv/from-environment.yaml"));
    QCOMPARE(portico::app::configPath(QStringLiteral("/srv/given.yaml")),
             QStringLiteral("/srv/given.yaml"));
    // Given empty is still given: the built-in config.
    QCOMPARE(portico::app::configPath(QString()), QString());
}

QTEST_GUILESS_MAIN(TestStartup)
#include "test_startup.moc"
