// Runs last in every ctest run (the cleanup of the portico_test_logs fixture): no log written
// during the suite contains an API key. It scans every file the tests left in
// PORTICO_TEST_LOG_DIR (gateway logs of `serve` processes and in-process gateways, command-line
// output; see tests/support/testlogs.h) and ctest's own record of every test's output. And it
// checks that it scanned what the run produced, so that a helper that stopped saving logs cannot
// let it pass on nothing.

#include "keyscanner.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace portico;

namespace {

// Written by the fixture's setup test (resetlogdir.cmake) when the run starts.
constexpr char kRunStamp[] = ".run-started";

QByteArray readFile(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList listFromEnvironment(const char *name) {
    return qEnvironmentVariable(name).split(QLatin1Char(','), Qt::SkipEmptyParts);
}

// Refused requests (401: missing, malformed, unknown, disabled or expired key) in JSON-lines text.
int authFailures(const QByteArray &text) {
    int count = 0;
    for (const QByteArray &line : text.split('\n')) {
        if (!line.startsWith('{'))
            continue;
        const QJsonObject entry = QJsonDocument::fromJson(line).object();
        if (entry.value(QStringLiteral("status")).toInt() == 401)
            ++count;
    }
    return count;
}

// Where each test's part of ctest's record starts: "3/41 Test: name".
const QRegularExpression &testStart() {
    static const QRegularExpression start(QStringLiteral("^\\d+/\\d+ Test: (.+)$"),
                                          QRegularExpression::MultilineOption);
    return start;
}

// The test whose output holds line `line` (1-based) of ctest's record.
QString testAtLine(const QByteArray &record, int line) {
    const QString text = QString::fromUtf8(record);
    qsizetype lineStart = 0;
    for (int i = 1; i < line && lineStart >= 0; ++i) {
        lineStart = text.indexOf(QLatin1Char('\n'), lineStart);
        if (lineStart >= 0)
            ++lineStart;
    }
    QString name;
    QRegularExpressionMatchIterator it = testStart().globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        if (lineStart < 0 || match.capturedStart() > lineStart)
            break;
        name = match.captured(1).trimmed();
    }
    return name;
}

// The tests that passed in ctest's record ("3/41 Test: name" ... "Test Passed.").
QStringList passedTests(const QByteArray &record) {
    const QRegularExpression &start = testStart();
    const QString text = QString::fromUtf8(record);
    QStringList passed;
    QRegularExpressionMatchIterator it = start.globalMatch(text);
    QString name;
    qsizetype from = -1;
    auto close = [&](qsizetype end) {
        if (from >= 0 &&
            QStringView(text).sliced(from, end - from).contains(QLatin1String("\nTest Passed.")))
            passed.append(name);
    };
    while (it.hasNext()) {
        const QRegularExpressionMatch match = it.next();
        close(match.capturedStart());
        name = match.captured(1).trimmed();
        from = match.capturedEnd();
    }
    close(text.size());
    return passed;
}

} // namespace

class TestLogScan : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void noKeyInTheTestLogs();
    void noKeyInTheCtestRecord();
    void everyLogWritingTestLeftItsLogs();

private:
    QString findCtestRecord() const;

    QString m_logDir;
    QStringList m_files; // every file the tests left, but the run stamp
    qint64 m_bytes = 0;
    QString m_record; // ctest's record of this run, or empty
    QStringList m_passed;
};

// ctest writes each test's output to Testing/Temporary/LastTest.log.tmp as the test ends (the
// file becomes LastTest.log when the run is over), in the folder ctest runs in: usually the top
// of the build tree, else a folder above this test's working folder. Only a record written
// during this run counts.
QString TestLogScan::findCtestRecord() const {
    const QDateTime runStart = QFileInfo(QDir(m_logDir).filePath(QLatin1String(kRunStamp)))
                                   .fileTime(QFileDevice::FileModificationTime);
    QStringList folders{QStringLiteral(PORTICO_BINARY_DIR)};
    for (QDir dir = QDir::current();;) {
        folders.append(dir.absolutePath());
        if (!dir.cdUp())
            break;
    }
    QString newest;
    QDateTime newestTime;
    for (const QString &folder : std::as_const(folders)) {
        for (const char *name : {"LastTest.log.tmp", "LastTest.log"}) {
            const QFileInfo info(folder + QStringLiteral("/Testing/Temporary/") +
                                 QLatin1String(name));
            const QDateTime modified = info.fileTime(QFileDevice::FileModificationTime);
            if (!info.isFile() || !runStart.isValid() || modified < runStart)
                continue;
            if (newest.isEmpty() || modified > newestTime) {
                newest = info.absoluteFilePath();
                newestTime = modified;
            }
        }
    }
    return newest;
}

void TestLogScan::initTestCase() {
    m_logDir = qEnvironmentVariable("PORTICO_TEST_LOG_DIR");
    QVERIFY2(!m_logDir.isEmpty(), "PORTICO_TEST_LOG_DIR is not set: run this test with ctest");
    QVERIFY2(QFileInfo::exists(QDir(m_logDir).filePath(QLatin1String(kRunStamp))),
             qPrintable(m_logDir + QStringLiteral(" was not prepared by the test_logs_reset "
                                                  "fixture: run this test with ctest")));
    QDirIterator it(m_logDir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (it.fileName() == QLatin1String(kRunStamp))
            continue;
        m_files.append(path);
        m_bytes += it.fileInfo().size();
    }
    m_files.sort();
    m_record = findCtestRecord();
    if (!m_record.isEmpty())
        m_passed = passedTests(readFile(m_record));
    qInfo().noquote() << QStringLiteral("%1 test logs (%2 bytes) in %3; ctest record: %4 (%5 "
                                        "tests passed before this one)")
                             .arg(m_files.size())
                             .arg(m_bytes)
                             .arg(m_logDir, m_record.isEmpty() ? QStringLiteral("none") : m_record)
                             .arg(m_passed.size());
}

void TestLogScan::noKeyInTheTestLogs() {
    QStringList found;
    for (const QString &path : std::as_const(m_files)) {
        for (const testsupport::KeyFinding &finding :
             testsupport::scanForKeys(readFile(path), path))
            found.append(testsupport::describe(finding));
    }
    QVERIFY2(found.isEmpty(),
             qPrintable(QStringLiteral("API keys in the logs:\n") + found.join(QLatin1Char('\n'))));
}

void TestLogScan::noKeyInTheCtestRecord() {
    QVERIFY2(!m_record.isEmpty(),
             "ctest has no record of this run (Testing/Temporary/LastTest.log.tmp): run this test "
             "with ctest, after the others");
    const QByteArray record = readFile(m_record);
    QVERIFY2(!m_passed.isEmpty(), "ctest's record names no test that passed before this one");
    QStringList found;
    for (testsupport::KeyFinding finding : testsupport::scanForKeys(record, m_record)) {
        finding.section = QStringLiteral("the output of ") + testAtLine(record, finding.line);
        found.append(testsupport::describe(finding));
    }
    // The record is renamed Testing/Temporary/LastTest.log when the run is over.
    QVERIFY2(found.isEmpty(), qPrintable(QStringLiteral("API keys in the tests' output (ctest's "
                                                        "record, LastTest.log after the run):\n") +
                                         found.join(QLatin1Char('\n'))));
}

void TestLogScan::everyLogWritingTestLeftItsLogs() {
    // A test named here that passed in this run must have left logs (and, for some, refused
    // requests in them): else its logs were not saved and the scan above proved nothing for it.
    const QStringList writers = listFromEnvironment("PORTICO_LOGSCAN_WRITERS");
    const QStringList withAuthFailures = listFromEnvironment("PORTICO_LOGSCAN_AUTH_FAILURES");
    QVERIFY(!writers.isEmpty());
    int checked = 0;
    for (const QString &test : writers) {
        if (!m_passed.contains(test))
            continue;
        ++checked;
        qint64 bytes = 0;
        int refused = 0;
        for (const QString &path : std::as_const(m_files)) {
            if (!QFileInfo(path).fileName().startsWith(test + QLatin1Char('.')))
                continue;
            const QByteArray text = readFile(path);
            bytes += text.size();
            refused += authFailures(text);
        }
        QVERIFY2(bytes > 0,
                 qPrintable(test + QStringLiteral(" passed but left no log in ") + m_logDir));
        if (withAuthFailures.contains(test)) {
            QVERIFY2(refused > 0, qPrintable(test + QStringLiteral(" passed but its logs hold no "
                                                                   "refused request (401)")));
        }
        qInfo().noquote() << QStringLiteral("%1: %2 bytes of logs, %3 refused requests")
                                 .arg(test)
                                 .arg(bytes)
                                 .arg(refused);
    }
    if (checked == 0)
        qInfo("no test that writes gateway logs ran before this one");
}

QTEST_GUILESS_MAIN(TestLogScan)
#include "test_logscan.moc"
