#pragma once

// The workload of the large-store monitoring test: every usage row is a formula of its number n,
// written once in SQL (to fill the store in one statement, millions of rows in seconds) and once
// in C++ (to know what the pages must show). Both must stay in step: the test fails otherwise.
//
// Five keys with uneven traffic, one of them deleted (its requests stop a quarter of the way
// before the end) and one renamed half-way; requests without a key, refused with 401; four
// routes over five models with their prices; streamed and not; successes and errors (400, 401,
// 429, 500, 502, 504) with their latencies. The rows span 45 days up to `endMs`, with no row in
// the two hours around the 30-day mark, so "the last 30 days" holds the same rows whichever
// whole hour the period starts at during the test.

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <array>
#include <functional>
#include <limits>

namespace portico::test {

class UsageWorkload {
public:
    static constexpr qint64 kHourMs = 3600000;
    static constexpr qint64 kDayMs = 24 * kHourMs;
    static constexpr qint64 kSpanMs = 45 * kDayMs;
    static constexpr qint64 kGapMs = 2 * kHourMs;
    static constexpr int kKeys = 5;
    static constexpr int kDeletedKey = 4;
    static constexpr int kRenamedKey = 1;
    static constexpr int kNoKey = -1;

    struct Model {
        const char *route;
        const char *id;
        const char *provider;
        double inputPerMillion;
        double outputPerMillion;
    };
    static constexpr std::array<Model, 5> kModels = {{
        {"assistant", "gpt-4o-mini", "openai", 0.15, 0.60},
        {"assistant", "local-llama", "openai", 0.0, 0.0}, // the route's fallback
        {"demo", "demo", "mock", 0.0, 0.0},
        {"premium", "gpt-4o", "openai", 2.50, 10.00},
        {"embed", "text-embedding-3-small", "openai", 0.02, 0.0},
    }};
    static constexpr std::array<const char *, 4> kRoutes = {"assistant", "demo", "premium",
                                                            "embed"};
    static constexpr std::array<const char *, kKeys> kKeyNames = {
        "ci-pipeline", "support-bot", "data-science", "mobile-app", "intern-2023"};
    static constexpr const char *kRenamedKeyOldName = "helpdesk-bot";

    struct Row {
        qint64 time = 0;
        int key = kNoKey;
        int model = 0;
        int status = 200;
        bool stream = false;
        qint64 promptTokens = 0;
        qint64 completionTokens = 0;
        double costUsd = 0.0;
        qint64 latencyMs = 0;
        qint64 ttftMs = -1;
    };

    UsageWorkload() = default;
    UsageWorkload(qint64 rowCount, qint64 endMs)
        : m_rows(rowCount)
        , m_start(endMs - kSpanMs)
        , m_step((kSpanMs - kGapMs) / rowCount)
        , m_gapOffset(kSpanMs - 30 * kDayMs - kHourMs) {}

    qint64 rowCount() const { return m_rows; }
    // The key is deleted from this row on: its requests stop.
    qint64 deletedFrom() const { return m_rows * 3 / 4; }
    qint64 renamedFrom() const { return m_rows / 2; }

    static int routeOf(int model) {
        const auto it = std::find_if(kRoutes.begin(), kRoutes.end(), [&](const char *route) {
            return qstrcmp(route, kModels[size_t(model)].route) == 0;
        });
        return int(it - kRoutes.begin());
    }

    QString keyNameAt(int key, qint64 n) const {
        if (key == kNoKey)
            return {};
        if (key == kRenamedKey && n < renamedFrom())
            return QLatin1String(kRenamedKeyOldName);
        return QLatin1String(kKeyNames[size_t(key)]);
    }

    Row row(qint64 n) const {
        Row r;
        const qint64 offset = n * m_step;
        r.time = m_start + offset + (offset >= m_gapOffset ? kGapMs : 0);
        const qint64 h = (n * 2654435761LL) % 4294967296LL;
        const qint64 keyPick = (n * 61) % 100;
        r.key = keyPick < 35   ? 0
                : keyPick < 60 ? 1
                : keyPick < 75 ? 2
                : keyPick < 87 ? 3
                : keyPick < 97 ? (n < deletedFrom() ? kDeletedKey : 0)
                               : kNoKey;
        const qint64 routePick = (n / 3) % 10;
        r.model = routePick < 4   ? ((n / 11) % 10 == 0 ? 1 : 0)
                  : routePick < 7 ? 2
                  : routePick < 9 ? 3
                                  : 4;
        const qint64 statusPick = (h / 4096) % 1000;
        r.status = r.key == kNoKey    ? 401
                   : statusPick < 920 ? 200
                   : statusPick < 950 ? 429
                   : statusPick < 965 ? 502
                   : statusPick < 975 ? 504
                   : statusPick < 985 ? 400
                                      : 500;
        const bool reachedUpstream = r.status == 200 || r.status >= 500;
        r.promptTokens = reachedUpstream ? 20 + (n * 7919) % 1500 : 0;
        r.completionTokens = r.status == 200 && r.model != 4 ? 5 + (n * 104729) % 700 : 0;
        const Model &model = kModels[size_t(r.model)];
        r.costUsd = (double(r.promptTokens) * model.inputPerMillion +
                     double(r.completionTokens) * model.outputPerMillion) /
                    1000000.0;
        r.stream = r.model != 4 && n % 3 != 0;
        r.latencyMs = r.status == 200   ? 100 + h % 6000
                      : r.status == 504 ? 30000 + n % 1000
                      : r.status >= 500 ? 500 + (n * 31) % 2000
                                        : 1 + n % 5;
        r.ttftMs = r.stream && r.status == 200 ? 40 + r.latencyMs / 5 : -1;
        return r;
    }

    // One INSERT ... SELECT that writes row(0) .. row(rowCount - 1), oldest first, in a few
    // microseconds a row. Its recursive CTE computes each row's choices (time, hash, key, model,
    // status) once, as columns of its step, where SQLite would otherwise recompute an expression
    // at every use; the outer SELECT derives the rest from them. Binds, in order: the uuids of
    // the kKeys keys, then their current names.
    QString insertSql() const {
        QString keyUuids = QStringLiteral("CASE k");
        QString keyNames = QStringLiteral("CASE k");
        for (int i = 0; i < kKeys; ++i) {
            keyUuids += QStringLiteral(" WHEN %1 THEN ?").arg(i);
            keyNames += QStringLiteral(" WHEN %1 THEN ?").arg(i);
        }
        keyUuids += QStringLiteral(" END");
        keyNames += QStringLiteral(" END");
        const auto perModel = [](const std::function<QString(const Model &)> &value) -> QString {
            QString sql = QStringLiteral("CASE m");
            for (size_t i = 0; i < kModels.size(); ++i)
                sql += QStringLiteral(" WHEN %1 THEN %2").arg(i).arg(value(kModels[i]));
            return sql + QStringLiteral(" END");
        };
        const auto text = [](const char *value) -> QString {
            return QLatin1Char('\'') + QLatin1String(value) + QLatin1Char('\'');
        };
        const auto price = [](double perMillion) { return QString::number(perMillion, 'f', 2); };

        // The step computes row {n} (= n + 1) from row n; the seed row -1 is left out.
        QString sql = QStringLiteral(
            "WITH RECURSIVE generated(n, time, h, k, m, status) AS ("
            "SELECT -1, 0, 0, 0, 0, 0 UNION ALL SELECT {n}, "
            "$START + {n} * $STEP + CASE WHEN {n} * $STEP >= $GAP_OFFSET THEN $GAP ELSE 0 END, "
            "({n} * 2654435761) % 4294967296, "
            "CASE WHEN ({n} * 61) % 100 < 35 THEN 0 WHEN ({n} * 61) % 100 < 60 THEN 1 "
            "WHEN ({n} * 61) % 100 < 75 THEN 2 WHEN ({n} * 61) % 100 < 87 THEN 3 "
            "WHEN ({n} * 61) % 100 < 97 THEN (CASE WHEN {n} < $DELETED_FROM THEN 4 ELSE 0 END) "
            "ELSE -1 END, "
            "CASE WHEN ({n} / 3) % 10 < 4 THEN (CASE WHEN ({n} / 11) % 10 = 0 THEN 1 ELSE 0 END) "
            "WHEN ({n} / 3) % 10 < 7 THEN 2 WHEN ({n} / 3) % 10 < 9 THEN 3 ELSE 4 END, "
            "CASE WHEN ({n} * 61) % 100 >= 97 THEN 401 WHEN $PICK < 920 THEN 200 "
            "WHEN $PICK < 950 THEN 429 WHEN $PICK < 965 THEN 502 WHEN $PICK < 975 THEN 504 "
            "WHEN $PICK < 985 THEN 400 ELSE 500 END "
            "FROM generated WHERE n < $ROWS - 1), "
            "measured AS (SELECT n, time, h, k, m, status, "
            "CASE WHEN status = 200 OR status >= 500 THEN 20 + (n * 7919) % 1500 ELSE 0 END "
            "AS prompt, "
            "CASE WHEN status = 200 AND m <> 4 THEN 5 + (n * 104729) % 700 ELSE 0 END "
            "AS completion, "
            "CASE WHEN m <> 4 AND n % 3 <> 0 THEN 1 ELSE 0 END AS stream, "
            "CASE WHEN status = 200 THEN 100 + h % 6000 WHEN status = 504 THEN 30000 + n % 1000 "
            "WHEN status >= 500 THEN 500 + (n * 31) % 2000 ELSE 1 + n % 5 END AS latency "
            "FROM generated WHERE n >= 0) "
            "INSERT INTO usage (time, request_id, key_uuid, key_name, route, model_id, provider, "
            "stream, status, error_code, prompt_tokens, completion_tokens, cost_usd, latency_ms, "
            "ttft_ms) "
            "SELECT time, printf('req_%08x%024x', h, n), $KEY_UUIDS, "
            "CASE WHEN k = $RENAMED AND n < $RENAMED_FROM THEN '$OLD_NAME' ELSE $KEY_NAMES END, "
            "$ROUTES, CASE WHEN k < 0 THEN NULL ELSE $MODEL_IDS END, "
            "CASE WHEN k < 0 THEN NULL ELSE $PROVIDERS END, stream, status, "
            "CASE status WHEN 200 THEN NULL WHEN 400 THEN 'invalid_request_error' "
            "WHEN 401 THEN 'invalid_api_key' WHEN 429 THEN 'rate_limit_exceeded' "
            "WHEN 502 THEN 'upstream_error' WHEN 504 THEN 'upstream_timeout' "
            "ELSE 'internal_error' END, "
            "prompt, completion, "
            "(prompt * $INPUT_PRICES + completion * $OUTPUT_PRICES) / 1000000.0, "
            "latency, CASE WHEN stream = 1 AND status = 200 THEN 40 + latency / 5 ELSE -1 END "
            "FROM measured");
        const QList<QPair<QString, QString>> values = {
            {QStringLiteral("$PICK"),
             QStringLiteral("((({n} * 2654435761) % 4294967296) / 4096) % 1000")},
            {QStringLiteral("{n}"), QStringLiteral("(n + 1)")},
            {QStringLiteral("$ROWS"), QString::number(m_rows)},
            {QStringLiteral("$START"), QString::number(m_start)},
            {QStringLiteral("$STEP"), QString::number(m_step)},
            {QStringLiteral("$GAP_OFFSET"), QString::number(m_gapOffset)},
            {QStringLiteral("$GAP"), QString::number(kGapMs)},
            {QStringLiteral("$DELETED_FROM"), QString::number(deletedFrom())},
            {QStringLiteral("$RENAMED_FROM"), QString::number(renamedFrom())},
            {QStringLiteral("$RENAMED"), QString::number(kRenamedKey)},
            {QStringLiteral("$OLD_NAME"), QLatin1String(kRenamedKeyOldName)},
            {QStringLiteral("$KEY_UUIDS"), keyUuids},
            {QStringLiteral("$KEY_NAMES"), keyNames},
            {QStringLiteral("$ROUTES"), perModel([&](const Model &m) { return text(m.route); })},
            {QStringLiteral("$MODEL_IDS"), perModel([&](const Model &m) { return text(m.id); })},
            {QStringLiteral("$PROVIDERS"),
             perModel([&](const Model &m) { return text(m.provider); })},
            {QStringLiteral("$INPUT_PRICES"),
             perModel([&](const Model &m) { return price(m.inputPerMillion); })},
            {QStringLiteral("$OUTPUT_PRICES"),
             perModel([&](const Model &m) { return price(m.outputPerMillion); })},
        };
        // In this order: $PICK holds {n}; $GAP_OFFSET before $GAP, $RENAMED_FROM before $RENAMED.
        for (const auto &[name, value] : values)
            sql.replace(name, value);
        return sql;
    }

    // What a set of rows adds up to.
    struct Sums {
        qint64 requests = 0;
        qint64 errors = 0;
        qint64 streamRequests = 0;
        qint64 promptTokens = 0;
        qint64 completionTokens = 0;
        double costUsd = 0.0;
        qint64 latencySumMs = 0;
        qint64 ttftSumMs = 0;
        qint64 ttftCount = 0; // requests that produced a token
        qint64 lastTime = -1;
        qint64 lastRow = -1; // the number of the latest row, for the name it carried

        void add(const Row &row, qint64 n) {
            ++requests;
            errors += row.status >= 400 ? 1 : 0;
            streamRequests += row.stream ? 1 : 0;
            promptTokens += row.promptTokens;
            completionTokens += row.completionTokens;
            costUsd += row.costUsd;
            latencySumMs += row.latencyMs;
            if (row.ttftMs >= 0) {
                ttftSumMs += row.ttftMs;
                ++ttftCount;
            }
            if (row.time > lastTime) {
                lastTime = row.time;
                lastRow = n;
            }
        }
        void add(const Sums &other) {
            requests += other.requests;
            errors += other.errors;
            streamRequests += other.streamRequests;
            promptTokens += other.promptTokens;
            completionTokens += other.completionTokens;
            costUsd += other.costUsd;
            latencySumMs += other.latencySumMs;
            ttftSumMs += other.ttftSumMs;
            ttftCount += other.ttftCount;
            if (other.lastTime > lastTime) {
                lastTime = other.lastTime;
                lastRow = other.lastRow;
            }
        }
    };

    // Rows in one UTC hour with one key, model and status: what the expected figures of any
    // period (whole hours, like the roll-up), key, route or status choice are summed from.
    struct Cell {
        qint64 hourStart = 0;
        int key = kNoKey;
        int model = 0;
        int status = 0;
        Sums sums;
    };

    // Which cells a view counts. Hours are matched as the roll-up does: a cell counts when its
    // hour starts in [floor-to-hour(since), until).
    struct Selection {
        qint64 since = std::numeric_limits<qint64>::min();
        qint64 until = std::numeric_limits<qint64>::max();
        QList<int> keys; // empty: any
        int route = -1;  // index in kRoutes; -1: any
        int statusFrom = -1;
        int statusTo = -1;

        bool matches(const Cell &cell) const {
            const qint64 from =
                since == std::numeric_limits<qint64>::min() ? since : since - since % kHourMs;
            if (cell.hourStart < from || cell.hourStart >= until)
                return false;
            if (!keys.isEmpty() && !keys.contains(cell.key))
                return false;
            if (route >= 0 && routeOf(cell.model) != route)
                return false;
            if (statusFrom >= 0 && cell.status < statusFrom)
                return false;
            if (statusTo >= 0 && cell.status > statusTo)
                return false;
            return true;
        }
    };

    // Sums every row into its cell (a loop over all rows: a fraction of a second for millions).
    QList<Cell> tally() const {
        QList<Cell> cells;
        QHash<quint64, qsizetype> index;
        for (qint64 n = 0; n < m_rows; ++n) {
            const Row r = row(n);
            const qint64 hour = r.time - r.time % kHourMs;
            const quint64 id = (quint64(hour / kHourMs) << 24) | (quint64(r.key + 1) << 16) |
                               (quint64(r.model) << 12) | quint64(r.status);
            auto found = index.constFind(id);
            if (found == index.constEnd()) {
                Cell cell;
                cell.hourStart = hour;
                cell.key = r.key;
                cell.model = r.model;
                cell.status = r.status;
                cells.append(cell);
                found = index.insert(id, cells.size() - 1);
            }
            cells[*found].sums.add(r, n);
        }
        return cells;
    }

private:
    qint64 m_rows = 0;
    qint64 m_start = 0;
    qint64 m_step = 0;
    qint64 m_gapOffset = 0; // rows from this offset after the start move on by kGapMs
};

} // namespace portico::test
