#pragma once

#include "store/result.h"

#include <QList>
#include <QString>

#include <functional>

namespace portico::store {

class Database;

// What a copy moved, table by table, and the usage totals it checked on both sides.
struct StoreCopyReport {
    struct Table {
        QString name;
        qint64 rows = 0;
    };
    QList<Table> tables;
    qint64 usagePromptTokens = 0;
    qint64 usageCompletionTokens = 0;
    double usageCostUsd = 0;
};

// Copies everything a store holds (keys and their secrets, groups, grants, limits, usage with its
// hourly and daily roll-ups, the audit trail, the limits' counters) from `source` into `target`,
// which must be empty; between SQLite and PostgreSQL in either direction. The target is written in
// one transaction, so a failed copy leaves it empty; afterwards the row counts of every table and
// the usage totals are compared on both sides. `progress(table, rowsSoFar)` is called as it goes.
Result<StoreCopyReport>
copyStore(Database &source, Database &target,
          const std::function<void(const QString &table, qint64 rows)> &progress = {});

} // namespace portico::store
