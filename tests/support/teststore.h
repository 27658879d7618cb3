#pragma once

// Where a test's store lives. Normally an SQLite file in the test's temporary folder; when the
// test runs in its PostgreSQL variant (ctest's *_postgresql tests: PORTICO_TEST_POSTGRES_URI_FILE
// names a file holding the URI of the suite's throwaway PostgreSQL server, see
// scripts/pg-test-server.sh), a new, empty PostgreSQL database on that server instead. The same
// test code then checks both backends.

#include <QString>

namespace portico::test {

// True in the PostgreSQL variant of a test.
bool usesPostgres();

// A path or URI for store::Database::open(): `folder`/`fileName` on SQLite; on PostgreSQL the URI
// of a database created for this call (empty when it cannot be created; qWarning says why).
QString testStorePath(const QString &folder,
                      const QString &fileName = QStringLiteral("portico.db"));

// The files that hold the store at `path` (as testStorePath() gave it): the SQLite file and its
// journals, or every file of the PostgreSQL test server's data folder (after a CHECKPOINT, so
// that what was committed is on disk).
QStringList storeFiles(const QString &path);

} // namespace portico::test
