// portico-bench-seed: fills a store with many API keys for bench/run.sh (scenario S6), far faster
// than one `portico-gateway keys create` process per key.
//
//   portico-bench-seed --db PATH --keys N [--group NAME]... [--prefix NAME]
//
// Creates N keys named PREFIX-0 ... PREFIX-(N-1) (prefix "seed") in the given groups, through
// store::KeyStore like every other writer, so each key has its secret row, group links and audit
// row exactly as in real use. On SQLite it turns off the fsync of each commit
// (PRAGMA synchronous = OFF) on its own connection only: a crash would lose the seeded keys of a
// throwaway bench store, nothing else. The keys themselves are never printed or kept: the bench
// needs them in the store, not in its hands. Prints "seeded N keys in S s" on stderr.
#include "store/database.h"
#include "store/keystore.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlQuery>
#include <QStringList>

#include <cstdio>

namespace {

int usage(int status) {
    std::fputs("usage: portico-bench-seed --db PATH --keys N [--group NAME]... [--prefix NAME]\n",
               status == 0 ? stdout : stderr);
    return status;
}

} // namespace

int main(int argc, char *argv[]) {
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments().mid(1);
    QString path;
    QString prefix = QStringLiteral("seed");
    QStringList groups;
    qint64 count = -1;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &arg = arguments.at(i);
        const bool hasValue = i + 1 < arguments.size();
        if (arg == QLatin1String("--db") && hasValue)
            path = arguments.at(++i);
        else if (arg == QLatin1String("--keys") && hasValue)
            count = arguments.at(++i).toLongLong();
        else if (arg == QLatin1String("--group") && hasValue)
            groups.append(arguments.at(++i));
        else if (arg == QLatin1String("--prefix") && hasValue)
            prefix = arguments.at(++i);
        else if (arg == QLatin1String("-h") || arg == QLatin1String("--help"))
            return usage(0);
        else
            return usage(2);
    }
    if (path.isEmpty() || count < 0)
        return usage(2);

    auto opened = portico::store::Database::open(path);
    if (!opened) {
        std::fprintf(stderr, "portico-bench-seed: cannot open the store: %s\n",
                     qPrintable(opened.error().message));
        return 1;
    }
    std::shared_ptr<portico::store::Database> database = std::move(opened).value();
    if (!database->isPostgres()) {
        QSqlQuery pragma(database->connection());
        pragma.exec(QStringLiteral("PRAGMA synchronous = OFF"));
    }
    portico::store::KeyStore keys(*database, QStringLiteral("bench:seed"));
    QElapsedTimer clock;
    clock.start();
    for (qint64 i = 0; i < count; ++i) {
        const auto created = keys.createKey(prefix + QLatin1Char('-') + QString::number(i), groups);
        if (!created) {
            std::fprintf(stderr, "portico-bench-seed: key %lld: %s\n", static_cast<long long>(i),
                         qPrintable(created.error().message));
            return 1;
        }
    }
    std::fprintf(stderr, "seeded %lld keys in %.1f s\n", static_cast<long long>(count),
                 double(clock.elapsed()) / 1000.0);
    return 0;
}
