#pragma once

#include "http/httpserver.h"
#include "proxy/accesscache.h"
#include "proxy/apierror.h"

#include <QHash>
#include <QMutex>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace portico::store {
class Database;
}
namespace portico::metering {
class PeriodicWorker;
}

namespace portico::proxy {

// The limits and budgets of keys and groups (store::Limits): requests and tokens per minute,
// requests in parallel, and spending per UTC day or month. A request must fit the key's limits
// and those of every group of the key that grants the route.
//
// Tokens and spending are reserved when a request is admitted (its prompt, estimated, plus
// max_tokens when the client gave one) and settled from the real usage when it ends, so that
// concurrent requests cannot overshoot by more than what the requests in flight use beyond their
// reservations. The counts live in memory and are added to the store's limit_counters about once
// a second, and read back then: a restarted gateway goes on counting where it stopped, and
// several gateways on one store learn each other's counts within about a second.
//
// On PostgreSQL, where several gateways share the store, that second would let N gateways
// overshoot together, so a request also takes its share of every limited counter (requests,
// tokens, spending) in the store, atomically, before it runs (LimitCounterStore::hold): however
// many gateways there are, a limit is exceeded by no more than the requests in flight use beyond
// their reservations. max_parallel stays per gateway. When the store does not answer, the
// gateway goes on with its own counts (then each gateway may use what it last saw remaining).
// Thread-safe.
class KeyLimiter {
public:
    // What a request may use at most, as far as it is known before it runs.
    struct Reservation {
        double tokens = 0;
        double costUsd = 0;
    };

    // An admitted request's hold on its limits: settle() it with what the request used; one
    // destroyed unsettled gives back what it held (a request that never reached the upstream).
    class Ticket {
    public:
        ~Ticket();
        Ticket(const Ticket &) = delete;
        Ticket &operator=(const Ticket &) = delete;
        void settle(double tokens, double costUsd);

    private:
        friend class KeyLimiter;
        struct State;
        // What the request holds of one subject's limits.
        struct Hold {
            QString subject;
            qint64 minuteStart = 0;     // the window of its request and tokens
            qint64 spendStart = 0;      // the budget period it was admitted in
            bool tokensInStore = false; // its tokens are added in the store's counter already
            bool spendInStore = false;  // its cost likewise
        };
        Ticket(std::shared_ptr<State> state, QList<Hold> holds, Reservation reservation);
        std::shared_ptr<State> m_state;
        QList<Hold> m_holds;
        Reservation m_reservation;
        bool m_settled = false;
    };

    struct Decision {
        std::optional<ApiError> refusal; // set when refused
        // Held while the request runs; null when no limit applies.
        std::shared_ptr<Ticket> ticket;
        // OpenAI's x-ratelimit-* headers for the tightest requests and tokens limits.
        QList<http::Header> headers;
    };

    // `database` may be null: counts then stay in memory. `storeReachable` (may be empty) says
    // whether the store answered lately; when it did not, a shared store is not asked.
    explicit KeyLimiter(std::shared_ptr<store::Database> database,
                        std::function<bool()> storeReachable = {});
    ~KeyLimiter();
    KeyLimiter(const KeyLimiter &) = delete;
    KeyLimiter &operator=(const KeyLimiter &) = delete;

    // Reads the current windows from the store and starts saving every second.
    void start();
    // Saves what is left and stops.
    void stop();

    Decision admit(const AccessCache::Key &key, const QString &route,
                   const Reservation &reservation, qint64 nowMs);

    // Adds the counts not saved yet to the store now (tests, shutdown).
    void flush();

private:
    struct Limited;
    // Takes the request's share of the subjects' limited counters in the shared store: true
    // when it holds them (or refused, with the refusal in `decision`), false when the store
    // could not be asked (the request is then counted in memory only).
    bool holdInStore(const QList<Limited> &limited, const Reservation &reservation, qint64 nowMs,
                     Decision &decision, QList<Ticket::Hold> &holds);

    std::shared_ptr<Ticket::State> m_state;
    std::shared_ptr<store::Database> m_database;
    std::function<bool()> m_storeReachable;
    // PostgreSQL: every limited request takes its share of the counters in the store before it
    // runs, so that the limits hold across gateways (see the class comment).
    bool m_holdInStore = false;
    std::unique_ptr<metering::PeriodicWorker> m_saver;
};

} // namespace portico::proxy
