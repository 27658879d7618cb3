// The heap trimmer (gateway/metering/heaptrimmer.h): a heap left in pieces by a burst is
// trimmed once, and not again until its free memory grows again.
#include "gatewayfixture.h"
#include "metering/gatewaylog.h"
#include "metering/heaptrimmer.h"
#include "proxy/gateway.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

#include <algorithm>
#include <cstdlib>
#include <vector>

using portico::metering::GatewayLog;
using portico::metering::HeapTrimmer;

namespace {

// This process's resident memory, from /proc/self/status; -1 when it cannot be read.
qint64 residentBytes() {
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    }
    return -1;
}

// What a burst leaves: many blocks of a few pages, then every other one freed, so that the free
// memory lies in holes between blocks still in use, which free() alone cannot give back.
class FragmentedHeap {
public:
    explicit FragmentedHeap(int blocks) {
        for (int i = 0; i < blocks; ++i) {
            char *block = static_cast<char *>(std::malloc(kBlockBytes));
            // Touched, so that the pages are resident.
            for (size_t at = 0; at < kBlockBytes; at += 512)
                block[at] = char(i);
            m_blocks.push_back(block);
        }
    }
    void freeEveryOther() {
        for (size_t i = 0; i < m_blocks.size(); i += 2) {
            std::free(m_blocks[i]);
            m_blocks[i] = nullptr;
        }
    }
    ~FragmentedHeap() {
        for (char *block : m_blocks)
            std::free(block);
    }
    FragmentedHeap(const FragmentedHeap &) = delete;
    FragmentedHeap &operator=(const FragmentedHeap &) = delete;

    static constexpr size_t kBlockBytes = 16 * 1024; // under the threshold where malloc mmaps

private:
    std::vector<char *> m_blocks;
};

} // namespace

class TestHeapTrimmer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        if (HeapTrimmer::freeBytes() < 0)
            QSKIP("this C library does not report its heap's free memory");
        // Under a sanitizer, malloc is the sanitizer's, and the C library's heap does not see
        // these blocks.
        FragmentedHeap probe(256);
        const qint64 allocated = HeapTrimmer::freeBytes();
        probe.freeEveryOther();
        if (HeapTrimmer::freeBytes() - allocated < 1024 * 1024)
            QSKIP("malloc is not the C library's here (a sanitizer's?)");
    }

    void aBurstsHolesAreTrimmedOnce() {
        GatewayLog log;
        HeapTrimmer trimmer(&log);
        trimmer.check(); // whatever the test framework left free sets the baseline
        QVERIFY(!trimmer.check());

        FragmentedHeap heap(4000); // 64 MB
        // The trimmer checks during a burst too: the free memory it used lowers the baseline.
        QVERIFY(!trimmer.check());
        heap.freeEveryOther(); // 32 MB free in 2,000 holes
        const qint64 freeBefore = HeapTrimmer::freeBytes();
        const qint64 residentBefore = residentBytes();
        QVERIFY2(freeBefore > 30 * 1024 * 1024, qPrintable(QString::number(freeBefore)));
        QVERIFY(trimmer.check());
        const qint64 residentAfter = residentBytes();
        // The holes' whole pages went back: 3 of each hole's 4 at least.
        QVERIFY2(residentBefore - residentAfter > 20 * 1024 * 1024,
                 qPrintable(QStringLiteral("%1 -> %2").arg(residentBefore).arg(residentAfter)));

        // The holes are still free memory to malloc, but trimmed: not again.
        QVERIFY(!trimmer.check());
        QVERIFY(!trimmer.check());

        // One line for the one trim (the set-up's first check may have made one before).
        const QList<portico::metering::LogEntry> entries = log.entries();
        QVERIFY(!entries.isEmpty());
        QCOMPARE(entries.last().event, QStringLiteral("heap_trimmed"));
        QVERIFY2(entries.last().message.contains(QStringLiteral(" less resident, in ")),
                 qPrintable(entries.last().message));
        qInfo("%s", qPrintable(entries.last().message));
    }

    void growthAfterATrimIsTrimmedAgain() {
        HeapTrimmer trimmer;
        trimmer.check();
        FragmentedHeap first(1000);
        trimmer.check();
        first.freeEveryOther(); // 8 MB free
        QVERIFY(trimmer.check());
        QVERIFY(!trimmer.check());
        FragmentedHeap second(1000);
        trimmer.check();
        second.freeEveryOther(); // 8 MB more
        QVERIFY(trimmer.check());
    }

    void smallGrowthIsLeftAlone() {
        HeapTrimmer trimmer;
        trimmer.check();
        FragmentedHeap heap(200);
        trimmer.check();
        heap.freeEveryOther(); // 1.6 MB free: under the growth worth a trim
        QVERIFY(!trimmer.check());
    }

    // A running gateway trims: the heap is the process's, so a burst's holes made here are the
    // gateway's too, and its log says so within a check or two.
    void aRunningGatewayTrims() {
        portico::test::GatewayFixture fixture;
        QString error;
        QVERIFY2(fixture.open("chat_models:\n  - model_id: demo\n    model: mock/echo\n"
                              "routes:\n  demo: { chat_models: [demo] }\n",
                              {QStringLiteral("demo")}, &error),
                 qPrintable(error));
        portico::proxy::GatewayOptions options;
        options.log = std::make_shared<GatewayLog>();
        const auto gateway = fixture.startGateway(options, &error);
        QVERIFY2(gateway, qPrintable(error));
        FragmentedHeap heap(2000);
        heap.freeEveryOther(); // 16 MB free in 1,000 holes
        const auto trimmed = [&options] {
            const QList<portico::metering::LogEntry> entries = options.log->entries();
            return std::any_of(entries.cbegin(), entries.cend(), [](const auto &entry) {
                return entry.event == QStringLiteral("heap_trimmed");
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(trimmed(), 3 * HeapTrimmer::kIntervalMs);
    }

    // Started and stopped with the gateway: stop() returns promptly and start() twice is one
    // thread.
    void startAndStop() {
        HeapTrimmer trimmer;
        trimmer.start();
        trimmer.start();
        QElapsedTimer clock;
        clock.start();
        trimmer.stop();
        QVERIFY(clock.elapsed() < HeapTrimmer::kIntervalMs);
        trimmer.stop();
    }
};

QTEST_GUILESS_MAIN(TestHeapTrimmer)
#include "test_heaptrimmer.moc"
