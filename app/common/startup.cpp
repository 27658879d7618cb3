#include "common/startup.h"

#include "store/database.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

namespace portico::app {

namespace {
QString givenOrEnvironment(const std::optional<QString> &given, const char *variable) {
    return given ? *given : qEnvironmentVariable(variable);
}
} // namespace

void protectProcess() {
    ::umask(077);
    const rlimit none{0, 0};
    ::setrlimit(RLIMIT_CORE, &none);
}

void setApplicationIdentity() {
    QCoreApplication::setOrganizationName(QStringLiteral("Portico"));
    QCoreApplication::setApplicationName(QStringLiteral("portico"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PORTICO_VERSION));
}

QString databasePath(const std::optional<QString> &given) {
    const QString chosen = givenOrEnvironment(given, "PORTICO_DB");
    return given || !chosen.isEmpty() ? chosen : store::Database::defaultPath();
}

QString userConfigPath() {
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation))
        .filePath(QStringLiteral("config.yaml"));
}

QString configPath(const std::optional<QString> &given) {
    const QString chosen = givenOrEnvironment(given, "PORTICO_CONFIG");
    if (given || !chosen.isEmpty())
        return chosen;
    const QString user = userConfigPath();
    return QFileInfo::exists(user) ? user : QString();
}

QString actor(Program program) {
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty()) {
        if (const passwd *entry = ::getpwuid(::geteuid()))
            user = QString::fromLocal8Bit(entry->pw_name);
    }
    if (user.isEmpty())
        user = QString::number(::geteuid());
    const QString prefix =
        program == Program::Desktop ? QStringLiteral("desktop:") : QStringLiteral("cli:");
    return prefix + user;
}

} // namespace portico::app
