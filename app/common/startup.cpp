#include "common/startup.h"

#include "store/database.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>

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

QString systemSettingsPath() {
    if (qEnvironmentVariableIsSet("PORTICO_SYSTEM_CONF"))
        return qEnvironmentVariable("PORTICO_SYSTEM_CONF");
    return QStringLiteral("/etc/portico/portico.conf");
}

SystemSettings parseSystemSettings(const QByteArray &text) {
    static const QRegularExpression keyPattern(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    SystemSettings settings;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = QString::fromUtf8(lines[i]).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')) ||
            line.startsWith(QLatin1Char(';')))
            continue;
        const qsizetype equals = line.indexOf(QLatin1Char('='));
        const QString key = equals < 0 ? QString() : line.left(equals).trimmed();
        if (equals < 0 || !keyPattern.match(key).hasMatch()) {
            settings.problems << QStringLiteral("line %1: not KEY=VALUE, skipped").arg(i + 1);
            continue;
        }
        QString value = line.mid(equals + 1).trimmed();
        if (value.size() >= 2 &&
            (value.front() == QLatin1Char('"') || value.front() == QLatin1Char('\'')) &&
            value.back() == value.front())
            value = value.mid(1, value.size() - 2);
        settings.values.append({key, value});
    }
    return settings;
}

QStringList applySystemSettings() {
    const QString path = systemSettingsPath();
    if (path.isEmpty())
        return {};
    QFile file(path);
    // Missing: no service installed. Unreadable: an ordinary user, who keeps their own store.
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const SystemSettings settings = parseSystemSettings(file.readAll());
    for (const auto &[key, value] : settings.values) {
        const QByteArray name = key.toUtf8();
        if (!qEnvironmentVariableIsSet(name.constData()))
            qputenv(name.constData(), value.toUtf8());
    }
    QStringList problems;
    for (const QString &problem : settings.problems)
        problems << path + QStringLiteral(": ") + problem;
    return problems;
}

QString giveStoreToFolderOwner(const QString &storePath) {
    if (::geteuid() != 0 || storePath.isEmpty() || store::Database::isPostgresUri(storePath))
        return {};
    const QFileInfo store(storePath);
    struct stat folder {};
    if (::stat(QFile::encodeName(store.absolutePath()).constData(), &folder) != 0 ||
        folder.st_uid == 0)
        return {};
    for (const QString &suffix :
         {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")}) {
        const QByteArray file = QFile::encodeName(store.absoluteFilePath() + suffix);
        struct stat status {};
        if (::lstat(file.constData(), &status) != 0 || !S_ISREG(status.st_mode) ||
            status.st_uid != 0)
            continue;
        if (::chown(file.constData(), folder.st_uid, folder.st_gid) != 0)
            return QStringLiteral("cannot give %1 to the owner of its folder (uid %2): %3")
                .arg(QFile::decodeName(file))
                .arg(folder.st_uid)
                .arg(QString::fromLocal8Bit(std::strerror(errno)));
    }
    return {};
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
