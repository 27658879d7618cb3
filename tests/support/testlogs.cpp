#include "testlogs.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include <atomic>

namespace portico::testsupport {

namespace {

constexpr char kLogDirVariable[] = "PORTICO_TEST_LOG_DIR";

QString executableName() {
    // Not applicationName(): some tests set it to something of their own.
    const QString path = QCoreApplication::applicationFilePath();
    return path.isEmpty() ? QStringLiteral("unknown") : QFileInfo(path).fileName();
}

} // namespace

QString testLogDir() {
    return qEnvironmentVariable(kLogDirVariable);
}

QString testLogPath(const QString &name) {
    const QString dir = testLogDir();
    if (dir.isEmpty()) {
        static std::atomic_bool warned = false;
        if (!warned.exchange(true))
            qWarning("%s is not set: this test's logs are not kept for test_logscan",
                     kLogDirVariable);
        return {};
    }
    QDir().mkpath(dir);
    return QDir(dir).filePath(executableName() + QLatin1Char('.') + name);
}

void saveTestLog(const QString &name, const QByteArray &bytes) {
    if (bytes.isEmpty())
        return;
    const QString path = testLogPath(name);
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append)) {
        qWarning("cannot write the test log %s: %s", qPrintable(path),
                 qPrintable(file.errorString()));
        return;
    }
    QByteArray header = "### ";
    if (const char *function = QTest::currentTestFunction())
        header += function;
    if (const char *tag = QTest::currentDataTag())
        header += QByteArray("[") + tag + ']';
    file.write(header + '\n');
    file.write(bytes);
    if (!bytes.endsWith('\n'))
        file.write("\n");
}

bool printsNewKey(const QStringList &arguments) {
    const qsizetype keys = arguments.indexOf(QStringLiteral("keys"));
    return keys >= 0 && keys + 1 < arguments.size() &&
           (arguments.at(keys + 1) == QLatin1String("create") ||
            arguments.at(keys + 1) == QLatin1String("rotate"));
}

} // namespace portico::testsupport
