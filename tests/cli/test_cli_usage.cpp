// `portico-gateway usage --by / --group / --csv` driven as a real process on a temporary store
// (SQLite, or PostgreSQL in the test's PostgreSQL variant, see teststore.h) whose usage rows are
// written through store::UsageStore; every figure the command prints is checked against sums
// computed here from the inserted rows. No test prints an API key.
#include "store/database.h"
#include "store/records.h"
#include "store/usagestore.h"
#include "testlogs.h"
#include "teststore.h"
#include "usagesums.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <functional>
#include <limits>
#include <optional>

using portico::store::UsageRecord;
using portico::testsupport::UsageSums;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

// RFC 4180, strictly: records end with CRLF (also the last one), a quoted field may hold
// commas, doubled quotes and line breaks, a quote inside an unquoted field is an error.
std::optional<QList<QStringList>> parseCsv(const QString &text) {
    enum class State { FieldStart, Unquoted, Quoted, QuoteInQuoted };
    QList<QStringList> records;
    QStringList record;
    QString field;
    State state = State::FieldStart;
    const auto endField = [&] {
        record << field;
        field.clear();
        state = State::FieldStart;
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        const bool lineEnd = c == QLatin1Char('\r');
        if (lineEnd && state != State::Quoted) {
            if (i + 1 >= text.size() || text.at(i + 1) != QLatin1Char('\n'))
                return std::nullopt;
            ++i;
            endField();
            records << record;
            record.clear();
            continue;
        }
        if (c == QLatin1Char('\n') && state != State::Quoted)
            return std::nullopt; // a bare LF ends no record
        switch (state) {
        case State::FieldStart:
            if (c == QLatin1Char('"'))
                state = State::Quoted;
            else if (c == QLatin1Char(','))
                endField();
            else {
                field += c;
                state = State::Unquoted;
            }
            break;
        case State::Unquoted:
            if (c == QLatin1Char(','))
                endField();
            else if (c == QLatin1Char('"'))
                return std::nullopt;
            else
                field += c;
            break;
        case State::Quoted:
            if (c == QLatin1Char('"'))
                state = State::QuoteInQuoted;
            else
                field += c;
            break;
        case State::QuoteInQuoted:
            if (c == QLatin1Char('"')) {
                field += c;
                state = State::Quoted;
            } else if (c == QLatin1Char(',')) {
                endField();
            } else {
                return std::nullopt;
            }
            break;
        }
    }
    if (state != State::FieldStart || !record.isEmpty() || !field.isEmpty())
        return std::nullopt; // the last record is not terminated
    return records;
}

bool closeTo(double actual, double expected) {
    return qAbs(actual - expected) <= 1e-9 * std::max(1.0, qAbs(expected));
}

QString dimensionOf(const UsageRecord &row, const QString &by) {
    if (by == QLatin1String("key"))
        return row.keyUuid;
    if (by == QLatin1String("route"))
        return row.route;
    if (by == QLatin1String("model"))
        return row.modelId;
    return row.time.toUTC().date().toString(Qt::ISODate);
}

QString dimensionOf(const QJsonObject &line, const QString &by) {
    if (by == QLatin1String("key"))
        return line.value(QStringLiteral("key_uuid")).toString(); // null: no key, ""
    if (by == QLatin1String("route"))
        return line.value(QStringLiteral("route")).toString();
    if (by == QLatin1String("model"))
        return line.value(QStringLiteral("model_id")).toString();
    return line.value(QStringLiteral("day")).toString();
}

const QStringList kRawColumns{
    QStringLiteral("time"),          QStringLiteral("request_id"),
    QStringLiteral("key_uuid"),      QStringLiteral("key_name"),
    QStringLiteral("route"),         QStringLiteral("model_id"),
    QStringLiteral("provider"),      QStringLiteral("stream"),
    QStringLiteral("status"),        QStringLiteral("error_code"),
    QStringLiteral("prompt_tokens"), QStringLiteral("completion_tokens"),
    QStringLiteral("cost_usd"),      QStringLiteral("latency_ms"),
    QStringLiteral("ttft_ms"),
};

} // namespace

class TestCliUsage : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_db;
    QList<UsageRecord> m_rows; // oldest first, all times distinct
    QString m_alice, m_bob, m_carol, m_dave;
    // On alice's key: a comma, a quote and non-ASCII text.
    const QString m_aliceName = QStringLiteral("Zo\u00eb, \"the\" \u2713 \u6771\u4eac");
    // As recorded on carol's rows: also a line break (rows keep any text they were written with).
    const QString m_carolRowName = QStringLiteral("Carol \"C\", ops\r\nsecond line \u00e9");

    QString path(const QString &name) const { return m_dir.filePath(name); }

    Run run(QStringList arguments) const {
        arguments << QStringLiteral("--db") << m_db;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("PORTICO_DB"));
        env.remove(QStringLiteral("PORTICO_CONFIG"));
        // Never the user's real data or config folders.
        env.insert(QStringLiteral("XDG_DATA_HOME"), path(QStringLiteral("xdg-data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), path(QStringLiteral("xdg-config")));
        env.insert(QStringLiteral("USER"), QStringLiteral("cli-usage-test"));
        QProcess process;
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(PORTICO_GATEWAY_BINARY), arguments);
        Run result;
        if (!process.waitForStarted(60'000) || !process.waitForFinished(120'000)) {
            process.kill();
            process.waitForFinished();
            result.err = "portico-gateway did not finish";
            return result;
        }
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
        result.out = process.readAllStandardOutput();
        result.err = process.readAllStandardError();
        // Kept for the suite-wide key scan; `keys create` prints the new key on stdout by design.
        portico::testsupport::saveTestLog(QStringLiteral("stderr.log"), result.err);
        if (!portico::testsupport::printsNewKey(arguments))
            portico::testsupport::saveTestLog(QStringLiteral("stdout.log"), result.out);
        return result;
    }

    QJsonObject runJson(const QStringList &arguments) const {
        const Run result = run(arguments + QStringList{QStringLiteral("--json")});
        if (result.exitCode != 0)
            qWarning() << "failed:" << arguments << result.exitCode << result.err;
        return result.json();
    }

    QString createKey(const QString &name, const QString &group) const {
        // The created key is in the output; only its uuid is read.
        return runJson({QStringLiteral("keys"), QStringLiteral("create"), name,
                        QStringLiteral("--group"), group})
            .value(QStringLiteral("uuid"))
            .toString();
    }

    // What each --by line must say, summed from the matching inserted rows.
    QMap<QString, UsageSums> expectedBy(const QString &by,
                                        const std::function<bool(const UsageRecord &)> &matches,
                                        UsageSums *totals = nullptr) const {
        QMap<QString, UsageSums> lines;
        UsageSums all;
        for (const UsageRecord &row : m_rows) {
            if (!matches(row))
                continue;
            lines[dimensionOf(row, by)].add(row);
            all.add(row);
        }
        if (totals)
            *totals = all;
        return lines;
    }

    // One --by answer against the sums of the matching inserted rows.
    void verifyAggregates(const QStringList &arguments, const QString &by,
                          const std::function<bool(const UsageRecord &)> &matches) const {
        UsageSums expectedTotals;
        const QMap<QString, UsageSums> expected = expectedBy(by, matches, &expectedTotals);
        QVERIFY(!expected.isEmpty());
        const QJsonObject result = runJson(arguments + QStringList{QStringLiteral("--by"), by});
        const QJsonArray lines = result.value(QStringLiteral("rows")).toArray();
        QCOMPARE(lines.size(), expected.size());

        qint64 previousRequests = std::numeric_limits<qint64>::max();
        QString previousDay;
        QSet<QString> seen;
        for (const QJsonValue &value : lines) {
            const QJsonObject line = value.toObject();
            const QString id = dimensionOf(line, by);
            QVERIFY2(expected.contains(id), qPrintable(id));
            QVERIFY2(!seen.contains(id), qPrintable(id));
            seen.insert(id);
            const UsageSums &e = expected.value(id);
            QCOMPARE(line.value(QStringLiteral("requests")).toInteger(), e.requests);
            QCOMPARE(line.value(QStringLiteral("errors")).toInteger(), e.errors);
            QCOMPARE(line.value(QStringLiteral("stream_requests")).toInteger(), e.streamRequests);
            QCOMPARE(line.value(QStringLiteral("prompt_tokens")).toInteger(), e.promptTokens);
            QCOMPARE(line.value(QStringLiteral("completion_tokens")).toInteger(),
                     e.completionTokens);
            QCOMPARE(line.value(QStringLiteral("total_tokens")).toInteger(),
                     e.promptTokens + e.completionTokens);
            QVERIFY2(closeTo(line.value(QStringLiteral("cost_usd")).toDouble(), e.costUsd),
                     qPrintable(id));
            QVERIFY(closeTo(line.value(QStringLiteral("avg_latency_ms")).toDouble(),
                            e.averageLatencyMs()));
            const qint64 p95 = line.value(QStringLiteral("p95_latency_ms")).toInteger();
            QVERIFY(p95 >= e.minLatencyMs && p95 <= e.maxLatencyMs);
            QCOMPARE(line.value(QStringLiteral("max_latency_ms")).toInteger(), e.maxLatencyMs);
            QCOMPARE(QDateTime::fromString(line.value(QStringLiteral("last_time")).toString(),
                                           Qt::ISODateWithMs),
                     e.lastTime);
            if (by == QLatin1String("key")) {
                QCOMPARE(line.value(QStringLiteral("deleted")).toBool(), id == m_dave);
                if (id.isEmpty()) {
                    QVERIFY(line.value(QStringLiteral("key_uuid")).isNull());
                    QVERIFY(line.value(QStringLiteral("key_name")).isNull());
                } else {
                    QCOMPARE(line.value(QStringLiteral("key_name")).toString(), e.keyName);
                }
            }
            if (by == QLatin1String("day")) {
                QVERIFY(previousDay < id); // oldest first
                previousDay = id;
            } else {
                const qint64 requests = line.value(QStringLiteral("requests")).toInteger();
                QVERIFY(requests <= previousRequests); // most requests first
                previousRequests = requests;
            }
        }

        const QJsonObject totals = result.value(QStringLiteral("totals")).toObject();
        QCOMPARE(totals.value(QStringLiteral("requests")).toInteger(), expectedTotals.requests);
        QCOMPARE(totals.value(QStringLiteral("errors")).toInteger(), expectedTotals.errors);
        QCOMPARE(totals.value(QStringLiteral("prompt_tokens")).toInteger(),
                 expectedTotals.promptTokens);
        QVERIFY(
            closeTo(totals.value(QStringLiteral("cost_usd")).toDouble(), expectedTotals.costUsd));
    }

    // A --csv answer (raw rows) against the inserted rows that match, field by field.
    void verifyRawCsv(const QByteArray &out, const QList<UsageRecord> &expected) const {
        const auto records = parseCsv(QString::fromUtf8(out));
        QVERIFY2(records.has_value(), "the CSV does not parse as RFC 4180");
        QVERIFY(!records->isEmpty());
        QCOMPARE(records->first(), kRawColumns);
        QCOMPARE(records->size() - 1, expected.size());
        for (qsizetype i = 0; i < expected.size(); ++i) {
            const QStringList &fields = records->at(i + 1);
            QCOMPARE(fields.size(), kRawColumns.size());
            const UsageRecord &row = expected.at(i);
            QCOMPARE(QDateTime::fromString(fields.at(0), Qt::ISODateWithMs), row.time);
            QCOMPARE(fields.at(1), row.requestId);
            QCOMPARE(fields.at(2), row.keyUuid);
            QCOMPARE(fields.at(3), row.keyName);
            QCOMPARE(fields.at(4), row.route);
            QCOMPARE(fields.at(5), row.modelId);
            QCOMPARE(fields.at(6), row.provider);
            QCOMPARE(fields.at(7), row.stream ? QStringLiteral("true") : QStringLiteral("false"));
            QCOMPARE(fields.at(8).toInt(), row.status);
            QCOMPARE(fields.at(9), row.errorCode);
            QCOMPARE(fields.at(10).toLongLong(), row.promptTokens);
            QCOMPARE(fields.at(11).toLongLong(), row.completionTokens);
            bool ok = false;
            const double cost = fields.at(12).toDouble(&ok);
            QVERIFY(ok);
            QVERIFY2(cost == row.costUsd, qPrintable(fields.at(12))); // read back exactly
            QCOMPARE(fields.at(13).toLongLong(), row.latencyMs);
            if (row.ttftMs < 0)
                QCOMPARE(fields.at(14), QString());
            else
                QCOMPARE(fields.at(14).toLongLong(), row.ttftMs);
        }
    }

    QList<UsageRecord> rowsWhere(const std::function<bool(const UsageRecord &)> &matches) const {
        QList<UsageRecord> result;
        for (const UsageRecord &row : m_rows) {
            if (matches(row))
                result << row;
        }
        return result;
    }

    bool inTeam(const UsageRecord &row) const {
        // dave was in the team, but a deleted key is no current member.
        return row.keyUuid == m_alice || row.keyUuid == m_bob;
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY(QFile::exists(QStringLiteral(PORTICO_GATEWAY_BINARY)));
        m_db = portico::test::testStorePath(m_dir.path(), QStringLiteral("usage.db"));
        QVERIFY(!m_db.isEmpty());
        for (const char *group : {"team", "ops"})
            QCOMPARE(run({QStringLiteral("groups"), QStringLiteral("create"),
                          QString::fromLatin1(group)})
                         .exitCode,
                     0);
        m_alice = createKey(m_aliceName, QStringLiteral("team"));
        m_bob = createKey(QStringLiteral("bob"), QStringLiteral("team"));
        m_carol = createKey(QStringLiteral("carol"), QStringLiteral("ops"));
        m_dave = createKey(QStringLiteral("dave"), QStringLiteral("team"));
        QVERIFY(!m_alice.isEmpty() && !m_bob.isEmpty() && !m_carol.isEmpty() && !m_dave.isEmpty());

        // About three days of traffic: successes, streams, rate-limited and upstream failures,
        // refused requests without a key (some on no route), costs with many decimals.
        const QDateTime base(QDate(2026, 3, 1), QTime(0, 0), Qt::UTC);
        for (int i = 0; i < 240; ++i) {
            UsageRecord row;
            row.time = base.addMSecs(qint64(i) * 17 * 60'000 + (i * 37) % 1000);
            row.requestId = QStringLiteral("req-%1").arg(i);
            const int who = i % 5;
            if (who == 4) {
                row.route = i % 3 == 0 ? QString() : QStringLiteral("demo");
                row.status = 401;
                row.errorCode = QStringLiteral("invalid_api_key");
                row.latencyMs = 1 + i % 3;
                m_rows << row;
                continue;
            }
            const QString uuids[] = {m_alice, m_bob, m_carol, m_dave};
            const QString names[] = {m_aliceName, QStringLiteral("bob"), m_carolRowName,
                                     QStringLiteral("dave")};
            row.keyUuid = uuids[who];
            row.keyName = names[who];
            if ((i / 5) % 2 == 0) {
                row.route = QStringLiteral("demo");
                row.modelId = QStringLiteral("echo");
                row.provider = QStringLiteral("mock");
            } else {
                row.route = QStringLiteral("assistant");
                row.modelId = i % 3 == 0 ? QStringLiteral("remote") : QStringLiteral("remote-2");
                row.provider = QStringLiteral("openai");
            }
            row.stream = i % 2 == 0;
            row.latencyMs = 5 + (i * 97) % 4000;
            if (i % 11 == 0) {
                row.status = 429;
                row.errorCode = QStringLiteral("rate_limited");
            } else if (i % 13 == 0) {
                row.status = 502;
                row.errorCode = QStringLiteral("upstream_error");
            } else {
                row.status = 200;
                row.promptTokens = 10 + (i * 31) % 500;
                row.completionTokens = (i * 17) % 300;
                row.costUsd = double(row.promptTokens) * 0.0000015 +
                              double(row.completionTokens) * 0.000002 + 1e-7 / (1 + i);
                if (row.stream)
                    row.ttftMs = row.latencyMs / 3;
            }
            m_rows << row;
        }
        {
            auto database = portico::store::Database::open(m_db);
            QVERIFY2(database.ok(), qPrintable(database.error().message));
            portico::store::UsageStore usage(*database.value());
            QVERIFY(usage.insert(m_rows).ok());
        }
        QCOMPARE(run({QStringLiteral("keys"), QStringLiteral("delete"), QStringLiteral("dave")})
                     .exitCode,
                 0);
    }

    void byMatchesTheRows_data() {
        QTest::addColumn<QString>("by");
        for (const char *by : {"key", "route", "model", "day"})
            QTest::newRow(by) << QString::fromLatin1(by);
    }

    void byMatchesTheRows() {
        QFETCH(QString, by);
        verifyAggregates({QStringLiteral("usage")}, by, [](const UsageRecord &) { return true; });
    }

    void byWithFilters() {
        // Whole hours: the roll-up answers exactly what the raw rows would.
        const QDateTime since(QDate(2026, 3, 2), QTime(0, 0), Qt::UTC);
        const QDateTime until(QDate(2026, 3, 3), QTime(6, 0), Qt::UTC);
        verifyAggregates(
            {QStringLiteral("usage"), QStringLiteral("--since"), QStringLiteral("2026-03-02"),
             QStringLiteral("--until"), QStringLiteral("2026-03-03T06:00:00Z")},
            QStringLiteral("key"),
            [&](const UsageRecord &row) { return row.time >= since && row.time < until; });
        verifyAggregates(
            {QStringLiteral("usage"), QStringLiteral("--since"), QStringLiteral("2026-03-02"),
             QStringLiteral("--until"), QStringLiteral("2026-03-03T06:00:00Z")},
            QStringLiteral("day"),
            [&](const UsageRecord &row) { return row.time >= since && row.time < until; });
        verifyAggregates(
            {QStringLiteral("usage"), QStringLiteral("--route"), QStringLiteral("demo")},
            QStringLiteral("model"),
            [](const UsageRecord &row) { return row.route == QLatin1String("demo"); });
        verifyAggregates({QStringLiteral("usage"), QStringLiteral("--key"), m_aliceName},
                         QStringLiteral("day"),
                         [&](const UsageRecord &row) { return row.keyUuid == m_alice; });
        // A deleted key by its uuid.
        verifyAggregates({QStringLiteral("usage"), QStringLiteral("--key"), m_dave},
                         QStringLiteral("route"),
                         [&](const UsageRecord &row) { return row.keyUuid == m_dave; });
    }

    void groupFilter() {
        verifyAggregates(
            {QStringLiteral("usage"), QStringLiteral("--group"), QStringLiteral("team")},
            QStringLiteral("key"), [&](const UsageRecord &row) { return inTeam(row); });
        verifyAggregates({QStringLiteral("usage"), QStringLiteral("--group"),
                          QStringLiteral("team"), QStringLiteral("--route"),
                          QStringLiteral("assistant")},
                         QStringLiteral("model"), [&](const UsageRecord &row) {
                             return inTeam(row) && row.route == QLatin1String("assistant");
                         });

        // Without --by: the rows of the group's keys and their totals.
        const QList<UsageRecord> teamRows =
            rowsWhere([&](const UsageRecord &row) { return inTeam(row); });
        const QJsonObject listing =
            runJson({QStringLiteral("usage"), QStringLiteral("--group"), QStringLiteral("team")});
        const QJsonArray rows = listing.value(QStringLiteral("rows")).toArray();
        QCOMPARE(rows.size(), teamRows.size());
        for (qsizetype i = 0; i < rows.size(); ++i)
            QCOMPARE(rows.at(i)[QStringLiteral("request_id")].toString(), teamRows.at(i).requestId);
        const QJsonArray totals = listing.value(QStringLiteral("totals")).toArray();
        QCOMPARE(totals.size(), 2);
        const QMap<QString, UsageSums> expected =
            expectedBy(QStringLiteral("key"), [&](const UsageRecord &row) { return inTeam(row); });
        for (const QJsonValue &total : totals) {
            const UsageSums e = expected.value(total[QStringLiteral("key_uuid")].toString());
            QCOMPARE(total[QStringLiteral("requests")].toInteger(), e.requests);
            QCOMPARE(total[QStringLiteral("errors")].toInteger(), e.errors);
            QCOMPARE(total[QStringLiteral("completion_tokens")].toInteger(), e.completionTokens);
            QVERIFY(closeTo(total[QStringLiteral("cost_usd")].toDouble(), e.costUsd));
        }

        // By uuid too, with the newest rows only.
        const QString teamUuid =
            runJson({QStringLiteral("groups"), QStringLiteral("show"), QStringLiteral("team")})
                .value(QStringLiteral("uuid"))
                .toString();
        QVERIFY(!teamUuid.isEmpty());
        const QJsonArray newest =
            runJson({QStringLiteral("usage"), QStringLiteral("--group"), teamUuid,
                     QStringLiteral("--limit"), QStringLiteral("3")})
                .value(QStringLiteral("rows"))
                .toArray();
        QCOMPARE(newest.size(), 3);
        QCOMPARE(newest.at(2)[QStringLiteral("request_id")].toString(),
                 teamRows.constLast().requestId);

        const Run csv = run({QStringLiteral("usage"), QStringLiteral("--group"),
                             QStringLiteral("team"), QStringLiteral("--csv")});
        QCOMPARE(csv.exitCode, 0);
        verifyRawCsv(csv.out, teamRows);
    }

    void csvRoundTrips() {
        const Run csv = run({QStringLiteral("usage"), QStringLiteral("--csv")});
        QCOMPARE(csv.exitCode, 0);
        QVERIFY(csv.err.isEmpty());
        // The awkward names are really in there (quoted), not lost on the way.
        QVERIFY(csv.out.contains(m_carolRowName.toUtf8().replace("\"", "\"\"")));
        verifyRawCsv(csv.out, m_rows);

        // Filters apply; --limit keeps the newest rows.
        const Run demo =
            run({QStringLiteral("usage"), QStringLiteral("--csv"), QStringLiteral("--route"),
                 QStringLiteral("demo"), QStringLiteral("--key"), m_carol});
        QCOMPARE(demo.exitCode, 0);
        verifyRawCsv(demo.out, rowsWhere([&](const UsageRecord &row) {
                         return row.route == QLatin1String("demo") && row.keyUuid == m_carol;
                     }));
        const Run newest = run({QStringLiteral("usage"), QStringLiteral("--csv"),
                                QStringLiteral("--limit"), QStringLiteral("4")});
        QCOMPARE(newest.exitCode, 0);
        verifyRawCsv(newest.out, m_rows.mid(m_rows.size() - 4));

        // Nothing matching: the header alone.
        const Run none = run({QStringLiteral("usage"), QStringLiteral("--csv"),
                              QStringLiteral("--since"), QStringLiteral("2030-01-01")});
        QCOMPARE(none.exitCode, 0);
        verifyRawCsv(none.out, {});
    }

    void csvOfAggregatesMatchesJson() {
        const QJsonArray lines =
            runJson({QStringLiteral("usage"), QStringLiteral("--by"), QStringLiteral("key")})
                .value(QStringLiteral("rows"))
                .toArray();
        const Run csv = run({QStringLiteral("usage"), QStringLiteral("--by"), QStringLiteral("key"),
                             QStringLiteral("--csv")});
        QCOMPARE(csv.exitCode, 0);
        const auto records = parseCsv(QString::fromUtf8(csv.out));
        QVERIFY(records.has_value());
        QCOMPARE(records->size(), lines.size() + 1);
        const QStringList header = records->first();
        for (const char *column :
             {"key_uuid", "key_name", "deleted", "requests", "errors", "prompt_tokens",
              "completion_tokens", "cost_usd", "avg_latency_ms", "p95_latency_ms", "last_time"})
            QVERIFY2(header.contains(QLatin1String(column)), column);
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const QJsonObject line = lines.at(i).toObject();
            const QStringList &fields = records->at(i + 1);
            QCOMPARE(fields.size(), header.size());
            QCOMPARE(header.size(), line.size());
            for (qsizetype c = 0; c < header.size(); ++c) {
                const QJsonValue value = line.value(header.at(c));
                const QString &field = fields.at(c);
                switch (value.type()) {
                case QJsonValue::Null:
                    QCOMPARE(field, QString());
                    break;
                case QJsonValue::Bool:
                    QCOMPARE(field,
                             value.toBool() ? QStringLiteral("true") : QStringLiteral("false"));
                    break;
                case QJsonValue::Double:
                    QVERIFY2(closeTo(field.toDouble(), value.toDouble()), qPrintable(field));
                    break;
                default:
                    QCOMPARE(field, value.toString());
                }
            }
        }
        // The deleted key is there with its name; the no-key line has empty key fields.
        bool sawDave = false;
        bool sawCarol = false;
        for (const QStringList &fields : records->mid(1)) {
            if (fields.at(header.indexOf(QStringLiteral("key_uuid"))) == m_dave) {
                sawDave = true;
                QCOMPARE(fields.at(header.indexOf(QStringLiteral("key_name"))),
                         QStringLiteral("dave"));
                QCOMPARE(fields.at(header.indexOf(QStringLiteral("deleted"))),
                         QStringLiteral("true"));
            }
            if (fields.at(header.indexOf(QStringLiteral("key_uuid"))) == m_carol) {
                sawCarol = true;
                QCOMPARE(fields.at(header.indexOf(QStringLiteral("key_name"))), m_carolRowName);
            }
        }
        QVERIFY(sawDave && sawCarol);
    }

    void humanTables() {
        const Run byKey =
            run({QStringLiteral("usage"), QStringLiteral("--by"), QStringLiteral("key")});
        QCOMPARE(byKey.exitCode, 0);
        const QString text = QString::fromUtf8(byKey.out);
        for (const QString &part :
             {QStringLiteral("REQUESTS"), QStringLiteral("P95 LATENCY"), QStringLiteral("Total"),
              QStringLiteral("dave (deleted)"), QStringLiteral("(no key)"), m_aliceName,
              QString::number(m_rows.size())})
            QVERIFY2(text.contains(part), qPrintable(part));
        // One line per key, a header and the total: the recorded line break is not printed.
        QCOMPARE(text.count(QLatin1Char('\n')), 5 + 2);
        // Aligned: the REQUESTS column starts at the same place on every line.
        const QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        const qsizetype column = lines.first().indexOf(QStringLiteral("REQUESTS"));
        const qsizetype uuidColumn = lines.first().indexOf(QStringLiteral("UUID"));
        QVERIFY(column > 0 && uuidColumn > 0);
        for (const QString &line : lines.mid(1)) {
            if (line.contains(m_aliceName))
                continue; // wide characters: columns are aligned in cells, not in UTF-16 units
            QVERIFY2(line.at(column - 1) == QLatin1Char(' ') && line.at(column) != QLatin1Char(' '),
                     qPrintable(line));
        }

        for (const char *by : {"route", "model", "day"}) {
            const Run result =
                run({QStringLiteral("usage"), QStringLiteral("--by"), QString::fromLatin1(by)});
            QCOMPARE(result.exitCode, 0);
            QVERIFY(result.out.contains("Total"));
        }
        const Run day =
            run({QStringLiteral("usage"), QStringLiteral("--by"), QStringLiteral("day")});
        for (const char *date : {"2026-03-01", "2026-03-02", "2026-03-03"})
            QVERIFY2(day.out.contains(date), date);
    }

    void wrongUse() {
        const Run both =
            run({QStringLiteral("usage"), QStringLiteral("--csv"), QStringLiteral("--json")});
        QCOMPARE(both.exitCode, 2);
        QCOMPARE(run({QStringLiteral("usage"), QStringLiteral("--csv"), QStringLiteral("--json"),
                      QStringLiteral("--by"), QStringLiteral("key")})
                     .exitCode,
                 2);
        const Run badBy =
            run({QStringLiteral("usage"), QStringLiteral("--by"), QStringLiteral("provider")});
        QCOMPARE(badBy.exitCode, 2);
        QVERIFY(badBy.err.contains("provider"));

        QCOMPARE(run({QStringLiteral("usage"), QStringLiteral("--group"), QStringLiteral("team"),
                      QStringLiteral("--group"), QStringLiteral("ops")})
                     .exitCode,
                 2);

        const QList<QStringList> unknownGroup{
            {},
            {QStringLiteral("--by"), QStringLiteral("key")},
            {QStringLiteral("--csv")},
            {QStringLiteral("--json")},
        };
        for (const QStringList &extra : unknownGroup) {
            const Run result = run(QStringList{QStringLiteral("usage"), QStringLiteral("--group"),
                                               QStringLiteral("nosuchgroup")} +
                                   extra);
            QCOMPARE(result.exitCode, 1);
            QVERIFY2(result.err.contains("nosuchgroup"), result.err.constData());
            QVERIFY2(result.out.isEmpty(), result.out.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestCliUsage)
#include "test_cli_usage.moc"
