#pragma once

#include "http/httpserver.h"
#include "proxy/accesscache.h"
#include "proxy/apierror.h"

#include <QHash>
#include <QMutex>
#include <QString>

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
        Ticket(std::shared_ptr<State> state, QStringList subjects, Reservation reservation);
        std::shared_ptr<State> m_state;
        QStringList m_subjects;
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

    // `database` may be null: counts then stay in memory.
    explicit KeyLimiter(std::shared_ptr<store::Database> database);
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
    std::shared_ptr<Ticket::State> m_state;
    std::shared_ptr<store::Database> m_database;
    std::unique_ptr<metering::PeriodicWorker> m_saver;
};

} // namespace portico::proxy
