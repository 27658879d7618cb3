// A flood of refusals without a key costs the store and the log a bounded amount per client
// address and minute (RefusalFolder): the first 20 have a row and a line each, the rest one
// folded row ("folded:N") and one line, while /metrics counts every one of them. On the real
// gateway over loopback, with a real store.

#include "gatewayfixture.h"
#include "httptestclient.h"

#include "metering/gatewaylog.h"
#include "proxy/gateway.h"
#include "proxy/refusalfolder.h"
#include "store/usagestore.h"

#include <QRegularExpression>
#include <QTest>

using namespace portico;

namespace {

constexpr int kFlood = 500;
constexpr int kRecorded = 20; // GatewayOptions::refusalsPerMinute's default

const QByteArray kConfig = "chat_models:\n  - model_id: demo\n    model: mock/echo\n"
                           "routes:\n  demo: { chat_models: [demo] }\n";

qint64 minuteOf(qint64 ms) {
    return ms / proxy::RefusalFolder::kWindowMs;
}

// The sum of portico_requests_total over the samples with `status`.
qint64 requestsWithStatus(const QByteArray &metrics, int status) {
    static const QRegularExpression sample(
        QStringLiteral("^portico_requests_total\\{([^}]*)\\} (\\d+)$"),
        QRegularExpression::MultilineOption);
    qint64 total = 0;
    auto it = sample.globalMatch(QString::fromUtf8(metrics));
    while (it.hasNext()) {
        const auto match = it.next();
        if (match.captured(1).contains(QStringLiteral("status=\"%1\"").arg(status)))
            total += match.captured(2).toLongLong();
    }
    return total;
}

} // namespace

class TestRefusalFolding : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void floodWithoutKeyIsFolded();
    void foldingOffKeepsEveryRow();
    void throttledRefusalsAreFoldedToo();
    void addressesBeyondTheBoundShareOneBucket();
    void minutesRollForwardOnly();

private:
    struct Flood {
        qint64 ownRows = 0;    // rows of their own
        qint64 foldedRows = 0; // "folded:N" rows
        qint64 counted = 0;    // requests the rows stand for
        qint64 requestLines = 0;
        qint64 foldedLines = 0;
        qint64 metrics = 0;  // portico_requests_total for the flood's status
        qint64 minutes = 0;  // clock minutes the flood spanned
        qint64 answered = 0; // answered with the flood's status
    };
    // Sends `count` requests without a key (`path`, answered `status`) to a fresh gateway, stops
    // it (which writes the current minute's folded row) and counts what the store and the log
    // hold.
    Flood flood(int refusalsPerMinute, int failedAuthPerMinute, const QByteArray &method,
                const QByteArray &path, int status, int count);
};

TestRefusalFolding::Flood TestRefusalFolding::flood(int refusalsPerMinute, int failedAuthPerMinute,
                                                    const QByteArray &method,
                                                    const QByteArray &path, int status, int count) {
    Flood result;
    // Each flood on a store of its own.
    test::GatewayFixture fixture;
    QString error;
    if (!fixture.open(kConfig, {QStringLiteral("demo")}, &error)) {
        qWarning() << error;
        return result;
    }
    store::UsageStore usage(*fixture.database);

    proxy::GatewayOptions options;
    options.refusalsPerMinute = refusalsPerMinute;
    options.failedAuthPerMinute = failedAuthPerMinute;
    options.log = std::make_shared<metering::GatewayLog>(100'000);
    auto gateway = fixture.startGateway(options, &error);
    if (!gateway) {
        qWarning() << error;
        return result;
    }
    const qint64 firstMinute = minuteOf(QDateTime::currentMSecsSinceEpoch());
    for (int i = 0; i < count; ++i) {
        const auto response = HttpTestClient::fetch(
            gateway->port(), method, path, {{"Content-Type", "application/json"}},
            method == "POST" ? QByteArray("{}") : QByteArray());
        result.answered += response.status == status ? 1 : 0;
    }
    result.minutes = minuteOf(QDateTime::currentMSecsSinceEpoch()) - firstMinute + 1;
    result.metrics =
        requestsWithStatus(HttpTestClient::fetch(gateway->port(), "GET", "/metrics").body, status);
    gateway->stop();

    const auto rows = usage.rows(store::UsageQuery{});
    if (!rows) {
        qWarning() << rows.error().message;
        return result;
    }
    for (const store::UsageRecord &row : *rows) {
        if (row.requestId.startsWith(QLatin1String("folded:"))) {
            ++result.foldedRows;
            result.counted += row.requestId.mid(7).toLongLong();
        } else {
            ++result.ownRows;
            ++result.counted;
        }
    }
    for (const metering::LogEntry &entry : options.log->entries()) {
        result.requestLines += entry.event == QLatin1String("request") ? 1 : 0;
        result.foldedLines += entry.event == QLatin1String("refusals_folded") ? 1 : 0;
    }
    return result;
}

void TestRefusalFolding::floodWithoutKeyIsFolded() {
    // An unknown endpoint without a key: the failed-authentication throttle never sees it.
    const Flood f = flood(kRecorded, 20, "GET", "/v1/nothing-here", 404, kFlood);
    QCOMPARE(f.answered, qint64(kFlood));
    // At most K rows and lines of their own and one folded row and line per minute the flood
    // spanned (one, unless it crossed a minute's end).
    QVERIFY2(f.ownRows <= kRecorded * f.minutes,
             qPrintable(QStringLiteral("%1 rows of their own").arg(f.ownRows)));
    QVERIFY2(f.foldedRows >= 1 && f.foldedRows <= f.minutes,
             qPrintable(QStringLiteral("%1 folded rows").arg(f.foldedRows)));
    QVERIFY(f.ownRows + f.foldedRows <= (kRecorded + 1) * f.minutes);
    QVERIFY(f.requestLines + f.foldedLines <= (kRecorded + 1) * f.minutes);
    QCOMPARE(f.foldedLines, f.foldedRows);
    QCOMPARE(f.requestLines, f.ownRows);
    // Nothing is lost: the rows stand for every request, and /metrics counted each.
    QCOMPARE(f.counted, qint64(kFlood));
    QCOMPARE(f.metrics, qint64(kFlood));
}

void TestRefusalFolding::foldingOffKeepsEveryRow() {
    const Flood f = flood(0, 20, "GET", "/v1/nothing-here", 404, 60);
    QCOMPARE(f.ownRows, qint64(60));
    QCOMPARE(f.foldedRows, qint64(0));
    QCOMPARE(f.requestLines, qint64(60));
}

void TestRefusalFolding::throttledRefusalsAreFoldedToo() {
    // No key on a real endpoint: 401, then 429 from the throttle (which used to leave no row at
    // all); none is lost from the rows.
    const Flood f = flood(kRecorded, 20, "POST", "/v1/chat/completions", 401, 100);
    QCOMPARE(f.answered, qint64(20));
    QVERIFY(f.ownRows + f.foldedRows <= (kRecorded + 1) * f.minutes);
    QCOMPARE(f.counted, qint64(100));
}

void TestRefusalFolding::addressesBeyondTheBoundShareOneBucket() {
    proxy::RefusalFolder folder(2, 3);
    const qint64 t = 1'800'000'000'000 - 1'800'000'000'000 % proxy::RefusalFolder::kWindowMs;
    int recorded = 0;
    for (int a = 1; a <= 10; ++a) {
        const QHostAddress address(QStringLiteral("10.0.0.%1").arg(a));
        for (int i = 0; i < 5; ++i)
            recorded += folder.admit(address, 401, t + a * 10 + i) ? 1 : 0;
    }
    // Three addresses tracked with 2 rows each; the other seven fold at once.
    QCOMPARE(recorded, 6);
    QVERIFY(folder.takeEnded(t + 59'000).isEmpty()); // the minute is not over
    const auto ended = folder.takeEnded(t + 60'000);
    QCOMPARE(ended.size(), 4); // three addresses and the bucket
    qint64 folded = 0;
    int buckets = 0;
    for (const auto &one : ended) {
        folded += one.count;
        buckets += one.address.isNull() ? 1 : 0;
        QCOMPARE(one.row.requestId, QStringLiteral("folded:%1").arg(one.count));
        QCOMPARE(one.row.errorCode, QStringLiteral("refusals_folded"));
        QCOMPARE(one.row.status, 401);
        QVERIFY(one.row.keyUuid.isEmpty());
    }
    QCOMPARE(buckets, 1);
    QCOMPARE(folded, qint64(50 - 6));
    QVERIFY(folder.takeAll().isEmpty());
}

void TestRefusalFolding::minutesRollForwardOnly() {
    proxy::RefusalFolder folder(1);
    const qint64 t = 1'800'000'000'000 - 1'800'000'000'000 % proxy::RefusalFolder::kWindowMs;
    const QHostAddress address(QStringLiteral("192.0.2.1"));
    QVERIFY(folder.admit(address, 404, t + 60'001)); // the next minute, read first
    // A thread that read the clock just before: counted in the new minute, not closing it.
    QVERIFY(!folder.admit(address, 404, t + 59'999));
    QVERIFY(folder.takeEnded(t + 60'002).isEmpty());
    const auto all = folder.takeAll();
    QCOMPARE(all.size(), 1);
    QCOMPARE(all.first().count, qint64(1));
}

QTEST_MAIN(TestRefusalFolding)
#include "test_refusalfolding.moc"
