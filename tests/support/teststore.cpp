#include "teststore.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUuid>

namespace portico::test {

namespace {

QString serverUri() {
    const QString file = qEnvironmentVariable("PORTICO_TEST_POSTGRES_URI_FILE");
    if (file.isEmpty())
        return {};
    QFile uri(file);
    if (!uri.open(QIODevice::ReadOnly)) {
        qWarning("cannot read the PostgreSQL test server's URI from %s", qPrintable(file));
        return {};
    }
    return QString::fromUtf8(uri.readAll()).trimmed();
}

} // namespace

QStringList storeFiles(const QString &path) {
    if (!usesPostgres())
        return {path, path + QStringLiteral("-wal"), path + QStringLiteral("-journal")};
    {
        const QUrl url(path);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"),
                                                    QStringLiteral("teststore-checkpoint"));
        db.setHostName(url.host());
        db.setPort(url.port());
        db.setUserName(url.userName());
        db.setDatabaseName(url.path().mid(1));
        if (db.open())
            QSqlQuery(db).exec(QStringLiteral("CHECKPOINT"));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("teststore-checkpoint"));
    // The server's folder is the URI file's sibling (tests/CMakeLists.txt); its "cluster" file
    // names where the data is (scripts/pg-test-server.sh).
    QString folder = qEnvironmentVariable("PORTICO_TEST_POSTGRES_URI_FILE");
    folder.chop(int(QStringLiteral(".uri").size()));
    QFile cluster(folder + QStringLiteral("/cluster"));
    if (cluster.open(QIODevice::ReadOnly))
        folder = QString::fromUtf8(cluster.readAll()).trimmed();
    QStringList files;
    QDirIterator it(folder + QStringLiteral("/data"), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files.append(it.next());
    return files;
}

bool usesPostgres() {
    return !qEnvironmentVariable("PORTICO_TEST_POSTGRES_URI_FILE").isEmpty();
}

QString testStorePath(const QString &folder, const QString &fileName) {
    if (!usesPostgres())
        return QDir(folder).filePath(fileName);
    const QString server = serverUri();
    if (server.isEmpty())
        return {};
    const QUrl url(server);
    const QString database =
        QStringLiteral("portico_test_") + QUuid::createUuid().toString(QUuid::Id128).left(16);
    const QString connectionName = QStringLiteral("teststore-") + database;
    bool created = false;
    {
        QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connectionName);
        admin.setHostName(url.host());
        admin.setPort(url.port());
        admin.setUserName(url.userName());
        admin.setDatabaseName(url.path().mid(1));
        if (admin.open()) {
            QSqlQuery query(admin);
            created = query.exec(QStringLiteral("CREATE DATABASE ") + database);
            if (!created)
                qWarning("cannot create a test database: %s", qPrintable(query.lastError().text()));
        } else {
            qWarning("cannot reach the PostgreSQL test server: %s",
                     qPrintable(admin.lastError().text()));
        }
        admin.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
    if (!created)
        return {};
    QUrl store = url;
    store.setPath(QLatin1Char('/') + database);
    return store.toString();
}

} // namespace portico::test
