// KeyLimiter admitting from several worker threads at once: the check against a limit and the
// reservation of the request's share are one step, so the last room under a limit goes to one
// request only.
#include "proxy/accesscache.h"
#include "proxy/keylimiter.h"

#include <QDateTime>
#include <QTest>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

using namespace portico;

class TestKeyLimiter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Two threads (the gateway's two workers) ask for $7 each against a $70 budget and never
    // finish: exactly 10 are admitted, in every round. Before the fix the check and the
    // reservation took the lock twice, and a round now and then admitted 11 (CI, 2026-12-04).
    void budgetNotOvershotByConcurrentAdmissions() {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (int round = 0; round < 300; ++round) {
            proxy::KeyLimiter limiter(nullptr);
            proxy::AccessCache::Key key;
            key.uuid = QStringLiteral("key-%1").arg(round);
            key.name = QStringLiteral("budgeted");
            key.limits.budgetUsd = 70.0;
            key.limits.budgetPeriod = store::BudgetPeriod::Day;
            std::atomic<int> admitted{0};
            std::mutex ticketsMutex;
            std::vector<std::shared_ptr<proxy::KeyLimiter::Ticket>> tickets; // held: unsettled
            const auto ask = [&] {
                for (int i = 0; i < 20; ++i) {
                    proxy::KeyLimiter::Decision decision =
                        limiter.admit(key, QStringLiteral("priced"), {7.0, 7.0}, now);
                    if (decision.refusal)
                        continue;
                    ++admitted;
                    const std::lock_guard lock(ticketsMutex);
                    tickets.push_back(std::move(decision.ticket));
                }
            };
            std::thread first(ask);
            std::thread second(ask);
            first.join();
            second.join();
            QCOMPARE(admitted.load(), 10);
        }
    }
};

QTEST_GUILESS_MAIN(TestKeyLimiter)
#include "test_keylimiter.moc"
