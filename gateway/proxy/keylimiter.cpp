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

// A limited subject of one request: a key or a group, with the limits it has.
struct Limited {
    QString subject;
    QString description; // "This API key", "The group 'team'"
    store::Limits limits;
};

} // namespace

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
    void release(const QStringList &subjectNames, const Reservation &reservation, double tokens,
                 double costUsd, qint64 nowMs) {
        QMutexLocker locker(&mutex);
        for (const QString &subject : subjectNames) {
            Counts &counts = subjects[subject];
            counts.parallel = std::max<qint64>(0, counts.parallel - 1);
            counts.reservedTokens = std::max(0.0, counts.reservedTokens - reservation.tokens);
            counts.reservedUsd = std::max(0.0, counts.reservedUsd - reservation.costUsd);
            const QLatin1String tokensMeasure(windows::kTokens);
            const QLatin1String spendMeasure(windows::kSpendUsd);
            count(subject,
                  current(subject, counts.tokens, tokensMeasure, windows::minuteStart(nowMs)),
                  tokensMeasure, tokens);
            count(subject,
                  current(subject, counts.spend, spendMeasure,
                          windows::periodStart(counts.period, nowMs)),
                  spendMeasure, costUsd);
        }
    }
};

KeyLimiter::Ticket::Ticket(std::shared_ptr<State> state, QStringList subjects,
                           Reservation reservation)
    : m_state(std::move(state))
    , m_subjects(std::move(subjects))
    , m_reservation(reservation) {}

KeyLimiter::Ticket::~Ticket() {
    if (!m_settled)
        settle(0, 0);
}

void KeyLimiter::Ticket::settle(double tokens, double costUsd) {
    if (m_settled)
        return;
    m_settled = true;
    m_state->release(m_subjects, m_reservation, tokens, costUsd,
                     QDateTime::currentMSecsSinceEpoch());
}

KeyLimiter::KeyLimiter(std::shared_ptr<store::Database> database)
    : m_state(std::make_shared<Ticket::State>())
    , m_database(std::move(database)) {}

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
    const auto refuse = [&](const QString &code, const QString &message, qint64 retryAfter) {
        ApiError error = ApiError::tooManyRequests(code, message, retryAfter);
        error.headers += rateHeaders();
        decision.refusal = error;
        return decision;
    };

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
            return refuse(QStringLiteral("parallel_limit_exceeded"),
                          QStringLiteral("%1 already has %2 requests in progress, its limit. "
                                         "Retry when one has finished, or raise the limit "
                                         "(portico-gateway keys set-limits / groups set-limits "
                                         "--max-parallel).")
                              .arg(subject.description)
                              .arg(*limits.maxParallel),
                          1);
        if (limits.requestsPerMinute && requests.used >= double(*limits.requestsPerMinute))
            return refuse(QStringLiteral("rate_limit_exceeded"),
                          QStringLiteral("%1 has made the %2 requests it may make per minute. "
                                         "Retry in %3 seconds, or raise the limit (--rpm).")
                              .arg(subject.description)
                              .arg(*limits.requestsPerMinute)
                              .arg(secondsUntil(minuteEnd, nowMs)),
                          secondsUntil(minuteEnd, nowMs));
        if (limits.tokensPerMinute) {
            const double limit = double(*limits.tokensPerMinute);
            if (reservation.tokens > limit)
                return refuse(
                    QStringLiteral("tokens_limit_exceeded"),
                    QStringLiteral("This request may use up to %1 tokens (its prompt "
                                   "and max_tokens), more than the %2 tokens per "
                                   "minute %3 may use. Lower max_tokens or shorten the "
                                   "prompt.")
                        .arg(qint64(reservation.tokens))
                        .arg(*limits.tokensPerMinute)
                        .arg(subject.description.at(0).toLower() + subject.description.mid(1)),
                    secondsUntil(minuteEnd, nowMs));
            if (tokens.used + counts.reservedTokens + reservation.tokens > limit)
                return refuse(QStringLiteral("tokens_limit_exceeded"),
                              QStringLiteral("%1 has used the %2 tokens it may use per minute "
                                             "(counting the requests in progress). Retry in %3 "
                                             "seconds, or raise the limit (--tpm).")
                                  .arg(subject.description)
                                  .arg(*limits.tokensPerMinute)
                                  .arg(secondsUntil(minuteEnd, nowMs)),
                              secondsUntil(minuteEnd, nowMs));
        }
        if (limits.budgetUsd) {
            const qint64 periodStart = windows::periodStart(limits.budgetPeriod, nowMs);
            const qint64 periodEnd = windows::periodEnd(limits.budgetPeriod, nowMs);
            State::Window &spend =
                state.current(subject.subject, counts.spend, spendMeasure, periodStart);
            const double budget = *limits.budgetUsd;
            if (spend.used + counts.reservedUsd + reservation.costUsd > budget) {
                const bool day = limits.budgetPeriod == store::BudgetPeriod::Day;
                ApiError error = ApiError::tooManyRequests(
                    QStringLiteral("budget_exceeded"),
                    QStringLiteral("%1 has used its budget of %2 per %3 (%4 spent%5). The budget "
                                   "resets at %6. Raise it with --budget, or wait.")
                        .arg(subject.description, money(budget),
                             day ? QStringLiteral("day") : QStringLiteral("month"),
                             money(spend.used),
                             counts.reservedUsd > 0
                                 ? QStringLiteral(", %1 held by requests in progress")
                                       .arg(money(counts.reservedUsd))
                                 : QString(),
                             isoTime(periodEnd)),
                    secondsUntil(periodEnd, nowMs));
                error.type = QStringLiteral("insufficient_quota");
                error.headers += rateHeaders();
                decision.refusal = error;
                return decision;
            }
        }
    }

    // Everything fits: count the request and hold its reservation in every subject.
    QStringList subjects;
    for (const Limited &subject : std::as_const(limited)) {
        State::Counts &counts = state.subjects[subject.subject];
        state.count(subject.subject, counts.requests, requestsMeasure, 1);
        ++counts.parallel;
        counts.reservedTokens += reservation.tokens;
        counts.reservedUsd += reservation.costUsd;
        subjects.append(subject.subject);
    }
    locker.unlock();
    decision.ticket = std::shared_ptr<Ticket>(new Ticket(m_state, subjects, reservation));
    decision.headers = rateHeaders();
    return decision;
}

} // namespace portico::proxy
