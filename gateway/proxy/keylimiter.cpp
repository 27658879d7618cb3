#include "proxy/keylimiter.h"

#include "metering/periodicworker.h"
#include "store/database.h"
#include "store/limitcounters.h"

#include <QLoggingCategory>
#include <QMutexLocker>

#include <algorithm>
#include <cmath>

namespace portico::proxy {

namespace {

Q_LOGGING_CATEGORY(lcLimits, "portico.gateway.limits")

namespace windows = store::limitwindows;

constexpr int kSaveIntervalMs = 1000;
constexpr qint64 kMinuteMs = 60'000;
// Spending windows are kept a month and a day (the longest budget period and then some);
// the per-minute ones an hour, which is plenty for a restart to pick them up.
constexpr qint64 kKeepSpendMs = 32LL * 24 * 3600 * 1000;
constexpr qint64 kKeepMinutesMs = 3600LL * 1000;

QString counterKey(const QString &subject, QLatin1String measure, qint64 windowStart) {
    return subject + u'\n' + measure + u'\n' + QString::number(windowStart);
}

QString money(double usd) {
    return QStringLiteral("$") + QString::number(usd, 'f', usd < 1 ? 4 : 2);
}

QString isoTime(qint64 ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

qint64 secondsUntil(qint64 endMs, qint64 nowMs) {
    return std::max<qint64>(1, (endMs - nowMs + 999) / 1000);
}

} // namespace

// A limited subject of one request: a key or a group, with the limits it has.
struct KeyLimiter::Limited {
    QString subject;
    QString description; // "This API key", "The group 'team'"
    store::Limits limits;
};

struct KeyLimiter::Ticket::State {
    struct Window {
        qint64 start = -1;
        double used = 0;
    };
    struct Counts {
        Window requests;
        Window tokens;
        Window spend;
        store::BudgetPeriod period = store::BudgetPeriod::Month;
        double reservedTokens = 0;
        double reservedUsd = 0;
        qint64 parallel = 0;
    };

    QMutex mutex;
    QHash<QString, Counts> subjects;
    // What the store held at start, for windows this process has not counted in yet.
    QHash<QString, double> loaded;
    // Counted and not yet added to the store: subject\nmeasure\nwindow start -> amount.
    QHash<QString, double> unsaved;
    std::atomic<qint64> lastPruneMs{0};

    // The window of `measure` that starts at `start`, emptied (or read from the store's
    // counts) when a new one begins.
    Window &current(const QString &subject, Window &window, QLatin1String measure, qint64 start) {
        if (window.start != start) {
            window.start = start;
            window.used = loaded.take(counterKey(subject, measure, start));
        }
        return window;
    }
    void count(const QString &subject, Window &window, QLatin1String measure, double amount) {
        if (amount == 0)
            return;
        window.used += amount;
        unsaved[counterKey(subject, measure, window.start)] += amount;
    }
    // Settles a request: gives back what it reserved and counts what it used.
    void release(const QList<Ticket::Hold> &holds, const Reservation &reservation, double tokens,
                 double costUsd, qint64 nowMs) {
        const QLatin1String tokensMeasure(windows::kTokens);
        const QLatin1String spendMeasure(windows::kSpendUsd);
        QMutexLocker locker(&mutex);
        for (const Ticket::Hold &hold : holds) {
            Counts &counts = subjects[hold.subject];
            counts.parallel = std::max<qint64>(0, counts.parallel - 1);
            // One measure: its share held in the store is corrected to what was used; a
            // reservation held here is given back and the use counted in the current window.
            const auto settle = [&](bool inStore, Window &window, QLatin1String measure,
                                    qint64 heldWindow, qint64 currentWindow, double &reserved,
                                    double reservedByRequest, double used) {
                if (inStore) {
                    correct(hold.subject, window, measure, heldWindow, used - reservedByRequest);
                    return;
                }
                reserved = std::max(0.0, reserved - reservedByRequest);
                count(hold.subject, current(hold.subject, window, measure, currentWindow), measure,
                      used);
            };
            settle(hold.tokensInStore, counts.tokens, tokensMeasure, hold.minuteStart,
                   windows::minuteStart(nowMs), counts.reservedTokens, reservation.tokens, tokens);
            settle(hold.spendInStore, counts.spend, spendMeasure, hold.spendStart,
                   windows::periodStart(counts.period, nowMs), counts.reservedUsd,
                   reservation.costUsd, costUsd);
        }
    }
    // Replaces a share held in the store's counter of the window that starts at `start` by
    // what the request used: `delta` (used minus held) is added there, and here when that
    // window is still the current one.
    void correct(const QString &subject, Window &window, QLatin1String measure, qint64 start,
                 double delta) {
        if (delta == 0)
            return;
        if (window.start == start)
            window.used += delta;
        unsaved[counterKey(subject, measure, start)] += delta;
    }
};

KeyLimiter::Ticket::Ticket(std::shared_ptr<State> state, QList<Hold> holds, Reservation reservation)
    : m_state(std::move(state))
    , m_holds(std::move(holds))
    , m_reservation(reservation) {}

KeyLimiter::Ticket::~Ticket() {
    if (!m_settled)
        settle(0, 0);
}

void KeyLimiter::Ticket::settle(double tokens, double costUsd) {
    if (m_settled)
        return;
    m_settled = true;
    m_state->release(m_holds, m_reservation, tokens, costUsd, QDateTime::currentMSecsSinceEpoch());
}

KeyLimiter::KeyLimiter(std::shared_ptr<store::Database> database,
                       std::function<bool()> storeReachable)
    : m_state(std::make_shared<Ticket::State>())
    , m_database(std::move(database))
    , m_storeReachable(std::move(storeReachable))
    , m_holdInStore(m_database && m_database->isPostgres()) {}

KeyLimiter::~KeyLimiter() {
    stop();
}

void KeyLimiter::start() {
    if (!m_database || m_saver)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto counters = store::LimitCounterStore(*m_database).load(now - kKeepSpendMs);
    if (!counters) {
        qCWarning(lcLimits).noquote() << "Cannot read the limits' counters; counting starts at 0:"
                                      << counters.error().message;
    } else {
        QMutexLocker locker(&m_state->mutex);
        for (const store::LimitCounter &counter : *counters)
            m_state->loaded.insert(counterKey(counter.subject,
                                              QLatin1String(counter.measure.toLatin1()),
                                              counter.windowStart),
                                   counter.used);
    }
    m_saver = std::make_unique<metering::PeriodicWorker>(QStringLiteral("portico-limits"),
                                                         kSaveIntervalMs, [this] { flush(); });
    m_saver->start();
}

void KeyLimiter::stop() {
    if (m_saver) {
        m_saver->stop();
        m_saver.reset();
    }
    flush();
}

void KeyLimiter::flush() {
    if (!m_database)
        return;
    QHash<QString, double> unsaved;
    bool counting = false;
    {
        QMutexLocker locker(&m_state->mutex);
        unsaved.swap(m_state->unsaved);
        counting = !m_state->subjects.isEmpty();
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // Old windows are forgotten about once a minute, not on every save.
    const bool prune = now - m_state->lastPruneMs.load() >= kMinuteMs;
    store::LimitCounterStore counters(*m_database);
    if (!unsaved.isEmpty() || prune) {
        QList<store::LimitCounter> deltas;
        deltas.reserve(unsaved.size());
        for (auto it = unsaved.cbegin(); it != unsaved.cend(); ++it) {
            const QStringList parts = it.key().split(u'\n');
            deltas.append(
                {parts.value(0), parts.value(1), parts.value(2).toLongLong(), it.value()});
        }
        const store::Status saved =
            counters.add(deltas, prune ? now - kKeepSpendMs : 0, prune ? now - kKeepMinutesMs : 0);
        if (!saved) {
            // Kept for the next attempt: the counts must not be lost while the store is busy.
            QMutexLocker locker(&m_state->mutex);
            for (auto it = unsaved.cbegin(); it != unsaved.cend(); ++it)
                m_state->unsaved[it.key()] += it.value();
            qCWarning(lcLimits).noquote()
                << "Cannot save the limits' counters, will retry:" << saved.error().message;
            return;
        }
        if (prune)
            m_state->lastPruneMs = now;
    }
    if (!counting)
        return;
    // What every gateway on the store counted, this one included: several gateways on one
    // store share their limits, each learning the others' counts within about a second.
    const auto totals = counters.load(windows::periodStart(store::BudgetPeriod::Month, now));
    if (!totals)
        return;
    QMutexLocker locker(&m_state->mutex);
    for (const store::LimitCounter &total : *totals) {
        const QString key =
            counterKey(total.subject, QLatin1String(total.measure.toLatin1()), total.windowStart);
        const auto subject = m_state->subjects.find(total.subject);
        Ticket::State::Window *window = nullptr;
        if (subject != m_state->subjects.end()) {
            if (total.measure == QLatin1String(windows::kRequests))
                window = &subject->requests;
            else if (total.measure == QLatin1String(windows::kTokens))
                window = &subject->tokens;
            else if (total.measure == QLatin1String(windows::kSpendUsd))
                window = &subject->spend;
        }
        if (window && window->start == total.windowStart)
            // The store has what was saved; what was counted since is not there yet.
            window->used = total.used + m_state->unsaved.value(key);
        else
            m_state->loaded.insert(key, total.used);
    }
}

namespace {

// Which limit refused a request.
enum class Exceeded { Parallel, Requests, Tokens, Budget };

ApiError refusal(Exceeded exceeded, const QString &description, const store::Limits &limits,
                 double spent, double heldUsd, qint64 nowMs) {
    const qint64 retryMinute = secondsUntil(windows::minuteEnd(nowMs), nowMs);
    switch (exceeded) {
    case Exceeded::Parallel:
        return ApiError::tooManyRequests(
            QStringLiteral("parallel_limit_exceeded"),
            QStringLiteral("%1 already has %2 requests in progress, its limit. Retry when one "
                           "has finished, or raise the limit (portico-gateway keys set-limits / "
                           "groups set-limits --max-parallel).")
                .arg(description)
                .arg(limits.maxParallel.value_or(0)),
            1);
    case Exceeded::Requests:
        return ApiError::tooManyRequests(
            QStringLiteral("rate_limit_exceeded"),
            QStringLiteral("%1 has made the %2 requests it may make per minute. Retry in %3 "
                           "seconds, or raise the limit (--rpm).")
                .arg(description)
                .arg(limits.requestsPerMinute.value_or(0))
                .arg(retryMinute),
            retryMinute);
    case Exceeded::Tokens:
        return ApiError::tooManyRequests(
            QStringLiteral("tokens_limit_exceeded"),
            QStringLiteral("%1 has used the %2 tokens it may use per minute (counting the "
                           "requests in progress). Retry in %3 seconds, or raise the limit "
                           "(--tpm).")
                .arg(description)
                .arg(limits.tokensPerMinute.value_or(0))
                .arg(retryMinute),
            retryMinute);
    case Exceeded::Budget:
        break;
    }
    const double budget = limits.budgetUsd.value_or(0);
    const qint64 periodEnd = windows::periodEnd(limits.budgetPeriod, nowMs);
    const bool day = limits.budgetPeriod == store::BudgetPeriod::Day;
    ApiError error = ApiError::tooManyRequests(
        QStringLiteral("budget_exceeded"),
        QStringLiteral("%1 has used its budget of %2 per %3 (%4 spent%5). The budget resets at "
                       "%6. Raise it with --budget, or wait.")
            .arg(description, money(budget), day ? QStringLiteral("day") : QStringLiteral("month"),
                 money(spent),
                 heldUsd > 0
                     ? QStringLiteral(", %1 held by requests in progress").arg(money(heldUsd))
                     : QString(),
                 isoTime(periodEnd)),
        secondsUntil(periodEnd, nowMs));
    error.type = QStringLiteral("insufficient_quota");
    return error;
}

} // namespace

KeyLimiter::Decision KeyLimiter::admit(const AccessCache::Key &key, const QString &route,
                                       const Reservation &reservation, qint64 nowMs) {
    QList<Limited> limited;
    if (!key.limits.isEmpty())
        limited.append({windows::keySubject(key.uuid), QStringLiteral("This API key"), key.limits});
    for (const AccessCache::LimitedGroup &group : key.limitedGroups) {
        if (group.routes.contains(route))
            limited.append({windows::groupSubject(group.uuid),
                            QStringLiteral("The group '%1' of this API key").arg(group.name),
                            group.limits});
    }
    Decision decision;
    if (limited.isEmpty())
        return decision; // most keys: no lock, nothing to count

    using State = Ticket::State;
    State &state = *m_state;
    const qint64 minute = windows::minuteStart(nowMs);
    const qint64 minuteEnd = windows::minuteEnd(nowMs);
    const QLatin1String requestsMeasure(windows::kRequests);
    const QLatin1String tokensMeasure(windows::kTokens);
    const QLatin1String spendMeasure(windows::kSpendUsd);

    // The tightest requests and tokens limits, for the x-ratelimit-* headers.
    std::optional<std::pair<qint64, double>> requestsHeader; // limit, remaining
    std::optional<std::pair<qint64, double>> tokensHeader;
    const auto tighter = [](std::optional<std::pair<qint64, double>> &slot, qint64 limit,
                            double remaining) {
        remaining = std::max(0.0, remaining);
        if (!slot || remaining < slot->second)
            slot = std::make_pair(limit, remaining);
    };
    const auto rateHeaders = [&]() {
        QList<http::Header> headers;
        const QByteArray reset = QByteArray::number(secondsUntil(minuteEnd, nowMs)) + "s";
        if (requestsHeader) {
            headers.append(
                {"x-ratelimit-limit-requests", QByteArray::number(requestsHeader->first)});
            headers.append({"x-ratelimit-remaining-requests",
                            QByteArray::number(qint64(std::floor(requestsHeader->second)))});
            headers.append({"x-ratelimit-reset-requests", reset});
        }
        if (tokensHeader) {
            headers.append({"x-ratelimit-limit-tokens", QByteArray::number(tokensHeader->first)});
            headers.append({"x-ratelimit-remaining-tokens",
                            QByteArray::number(qint64(std::floor(tokensHeader->second)))});
            headers.append({"x-ratelimit-reset-tokens", reset});
        }
        return headers;
    };
    const auto refuse = [&](ApiError error) {
        error.headers += rateHeaders();
        decision.refusal = std::move(error);
        decision.headers.clear();
        return decision;
    };

    // Counted here alone (SQLite, or PostgreSQL out of reach): the check and the reservation
    // happen under one lock. Checked, unlocked and then reserved, two workers could both pass
    // the check for the last room under a limit (a $70 budget answered 11 requests of $7).
    const bool countHereAlone = !m_holdInStore || (m_storeReachable && !m_storeReachable());
    QList<Ticket::Hold> holds;
    const auto reserveHere = [&] {
        for (const Limited &subject : std::as_const(limited)) {
            State::Counts &counts = state.subjects[subject.subject];
            state.count(subject.subject,
                        state.current(subject.subject, counts.requests, requestsMeasure, minute),
                        requestsMeasure, 1);
            ++counts.parallel;
            counts.reservedTokens += reservation.tokens;
            counts.reservedUsd += reservation.costUsd;
            holds.append({subject.subject, minute,
                          windows::periodStart(subject.limits.budgetPeriod, nowMs), false, false});
        }
    };

    // First against what this gateway knows (its own counts, and the others' as last read):
    // most refusals need no store at all.
    {
        QMutexLocker locker(&state.mutex);
        for (const Limited &subject : std::as_const(limited)) {
            State::Counts &counts = state.subjects[subject.subject];
            const store::Limits &limits = subject.limits;
            counts.period = limits.budgetPeriod;
            State::Window &requests =
                state.current(subject.subject, counts.requests, requestsMeasure, minute);
            State::Window &tokens =
                state.current(subject.subject, counts.tokens, tokensMeasure, minute);
            if (limits.requestsPerMinute)
                tighter(requestsHeader, *limits.requestsPerMinute,
                        double(*limits.requestsPerMinute) - requests.used - 1);
            if (limits.tokensPerMinute)
                tighter(tokensHeader, *limits.tokensPerMinute,
                        double(*limits.tokensPerMinute) - tokens.used - counts.reservedTokens -
                            reservation.tokens);

            if (limits.maxParallel && counts.parallel >= *limits.maxParallel)
                return refuse(
                    refusal(Exceeded::Parallel, subject.description, limits, 0, 0, nowMs));
            if (limits.requestsPerMinute && requests.used >= double(*limits.requestsPerMinute))
                return refuse(
                    refusal(Exceeded::Requests, subject.description, limits, 0, 0, nowMs));
            if (limits.tokensPerMinute) {
                const double limit = double(*limits.tokensPerMinute);
                if (reservation.tokens > limit)
                    return refuse(ApiError::tooManyRequests(
                        QStringLiteral("tokens_limit_exceeded"),
                        QStringLiteral("This request may use up to %1 tokens (its prompt "
                                       "and max_tokens), more than the %2 tokens per "
                                       "minute %3 may use. Lower max_tokens or shorten the "
                                       "prompt.")
                            .arg(qint64(reservation.tokens))
                            .arg(*limits.tokensPerMinute)
                            .arg(subject.description.at(0).toLower() + subject.description.mid(1)),
                        secondsUntil(minuteEnd, nowMs)));
                if (tokens.used + counts.reservedTokens + reservation.tokens > limit)
                    return refuse(
                        refusal(Exceeded::Tokens, subject.description, limits, 0, 0, nowMs));
            }
            if (limits.budgetUsd) {
                State::Window &spend =
                    state.current(subject.subject, counts.spend, spendMeasure,
                                  windows::periodStart(limits.budgetPeriod, nowMs));
                if (spend.used + counts.reservedUsd + reservation.costUsd > *limits.budgetUsd)
                    return refuse(refusal(Exceeded::Budget, subject.description, limits, spend.used,
                                          counts.reservedUsd, nowMs));
            }
        }
        // The request's requests now, its tokens and cost reserved until it ends.
        if (countHereAlone)
            reserveHere();
    }

    if (countHereAlone) {
        // Reserved above.
    } else if (!holdInStore(limited, reservation, nowMs, decision, holds)) {
        // The store could not take the holds after all: counted here alone.
        QMutexLocker locker(&state.mutex);
        reserveHere();
    } else if (decision.refusal) {
        return refuse(*decision.refusal);
    }
    decision.ticket = std::shared_ptr<Ticket>(new Ticket(m_state, holds, reservation));
    decision.headers = rateHeaders();
    return decision;
}

bool KeyLimiter::holdInStore(const QList<Limited> &limited, const Reservation &reservation,
                             qint64 nowMs, Decision &decision, QList<Ticket::Hold> &holds) {
    if (!m_holdInStore || (m_storeReachable && !m_storeReachable()))
        return false;
    const qint64 minute = windows::minuteStart(nowMs);
    // Only the limited measures go through the store; the others are counted as usual.
    struct Taken {
        qsizetype subject;
        Exceeded measure;
    };
    QList<store::LimitHold> wanted;
    QList<Taken> taken;
    for (qsizetype i = 0; i < limited.size(); ++i) {
        const store::Limits &limits = limited[i].limits;
        const QString &subject = limited[i].subject;
        if (limits.requestsPerMinute) {
            wanted.append({subject, QLatin1String(windows::kRequests), minute, 1.0,
                           double(*limits.requestsPerMinute)});
            taken.append({i, Exceeded::Requests});
        }
        if (limits.tokensPerMinute) {
            wanted.append({subject, QLatin1String(windows::kTokens), minute, reservation.tokens,
                           double(*limits.tokensPerMinute)});
            taken.append({i, Exceeded::Tokens});
        }
        if (limits.budgetUsd) {
            wanted.append({subject, QLatin1String(windows::kSpendUsd),
                           windows::periodStart(limits.budgetPeriod, nowMs), reservation.costUsd,
                           *limits.budgetUsd});
            taken.append({i, Exceeded::Budget});
        }
    }
    if (wanted.isEmpty())
        return false; // max_parallel only: counted per gateway

    const auto held = store::LimitCounterStore(*m_database).hold(wanted);
    if (!held) {
        qCWarning(lcLimits).noquote()
            << "Cannot take a request's share of the limits in the store; this gateway counts "
               "it alone:"
            << held.error().message;
        return false;
    }
    using State = Ticket::State;
    State &state = *m_state;
    QMutexLocker locker(&state.mutex);
    if (*held >= 0) {
        // Another gateway got there first: the store's count is the one to go by.
        const Taken &over = taken[*held];
        const Limited &subject = limited[over.subject];
        double spent = 0;
        if (over.measure == Exceeded::Budget) {
            State::Counts &counts = state.subjects[subject.subject];
            spent = state
                        .current(subject.subject, counts.spend, QLatin1String(windows::kSpendUsd),
                                 wanted[*held].windowStart)
                        .used;
        }
        decision.refusal =
            refusal(over.measure, subject.description, subject.limits, spent, 0, nowMs);
        return true;
    }
    const QLatin1String requestsMeasure(windows::kRequests);
    const QLatin1String tokensMeasure(windows::kTokens);
    const QLatin1String spendMeasure(windows::kSpendUsd);
    for (const Limited &subject : limited) {
        State::Counts &counts = state.subjects[subject.subject];
        const store::Limits &limits = subject.limits;
        const qint64 spendStart = windows::periodStart(limits.budgetPeriod, nowMs);
        ++counts.parallel;
        State::Window &requests =
            state.current(subject.subject, counts.requests, requestsMeasure, minute);
        if (limits.requestsPerMinute)
            requests.used += 1; // in the store already
        else
            state.count(subject.subject, requests, requestsMeasure, 1);
        Ticket::Hold hold{subject.subject, minute, spendStart, bool(limits.tokensPerMinute),
                          bool(limits.budgetUsd)};
        if (hold.tokensInStore)
            state.current(subject.subject, counts.tokens, tokensMeasure, minute).used +=
                reservation.tokens;
        else
            counts.reservedTokens += reservation.tokens;
        if (hold.spendInStore)
            state.current(subject.subject, counts.spend, spendMeasure, spendStart).used +=
                reservation.costUsd;
        else
            counts.reservedUsd += reservation.costUsd;
        holds.append(hold);
    }
    return true;
}

} // namespace portico::proxy
