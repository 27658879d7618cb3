#include "ui/desktop/autostart.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace portico::ui::autostart {

namespace {
// An Exec= argument quoted as the Desktop Entry Specification asks: inside double quotes, '"',
// '`', '$' and '\' are escaped with a backslash; then the file format escapes '\' once more.
// '%' would be a field code, so it is doubled.
QString quotedExecArgument(const QString &argument) {
    QString quoted;
    for (const QChar c : argument) {
        if (c == u'"' || c == u'`' || c == u'$' || c == u'\\')
            quoted += u'\\';
        quoted += c;
    }
    quoted.replace(QStringLiteral("\\"), QStringLiteral("\\\\"));
    quoted.replace(QStringLiteral("%"), QStringLiteral("%%"));
    return u'"' + quoted + u'"';
}
} // namespace

QString entryPath() {
    QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
    // The specification says a relative value is invalid and is to be ignored.
    if (base.isEmpty() || QDir::isRelativePath(base))
        base = QDir::homePath() + QStringLiteral("/.config");
    return base + QStringLiteral("/autostart/portico.desktop");
}

bool isEnabled() {
    return QFileInfo::exists(entryPath());
}

QByteArray entryText(const QString &program) {
    QString text = QStringLiteral("[Desktop Entry]\n"
                                  "Type=Application\n"
                                  "Name=Portico\n"
                                  "Comment=Keeps the Portico gateway running after login\n"
                                  "Icon=portico\n"
                                  "Terminal=false\n"
                                  "X-GNOME-Autostart-enabled=true\n");
    text += QStringLiteral("Exec=%1 --background\n").arg(quotedExecArgument(program));
    return text.toUtf8();
}

bool setEnabled(bool enabled, QString *error, const QString &program) {
    const QString path = entryPath();
    if (!enabled) {
        if (!QFileInfo::exists(path) || QFile::remove(path))
            return true;
        if (error)
            *error = QCoreApplication::translate("Autostart", "Cannot remove %1.")
                         .arg(QDir::toNativeSeparators(path));
        return false;
    }
    const QString folder = QFileInfo(path).absolutePath();
    QSaveFile file(path);
    if (!QDir().mkpath(folder) || !file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QCoreApplication::translate("Autostart", "Cannot write %1: %2")
                         .arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    file.write(entryText(program.isEmpty() ? QCoreApplication::applicationFilePath() : program));
    if (!file.commit()) {
        if (error)
            *error = QCoreApplication::translate("Autostart", "Cannot write %1: %2")
                         .arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

} // namespace portico::ui::autostart
