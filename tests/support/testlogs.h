#pragma once

// Where tests leave what the programs under test logged, so that test_logscan can check, after
// the whole ctest run, that no log contains an API key. ctest gives every test
// PORTICO_TEST_LOG_DIR (cmake/PorticoCommon.cmake); a test run by hand without it saves nothing.

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace portico::testsupport {

// PORTICO_TEST_LOG_DIR, or empty when it is not set.
QString testLogDir();

// "<PORTICO_TEST_LOG_DIR>/<test executable>.<name>", or empty (with one warning per process)
// when PORTICO_TEST_LOG_DIR is not set. Files are named after the executable so that test_logscan
// can tell which test wrote them.
QString testLogPath(const QString &name);

// Appends `bytes` to the test log `name`, after a "### <test function>[<data tag>]" line that says
// which test function produced them. Empty `bytes` write nothing.
void saveTestLog(const QString &name, const QByteArray &bytes);

// True when `arguments` make portico-gateway create a key: such a command prints the new key on
// stdout by contract (its one-time display), so that stdout is not a log and is not saved.
bool printsNewKey(const QStringList &arguments);

} // namespace portico::testsupport
