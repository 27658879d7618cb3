#pragma once

#include "store/records.h"
#include "store/result.h"

namespace portico::store {

class Database;

// The usage history: one row per gateway request, kept after its key is deleted.
class UsageStore {
public:
    explicit UsageStore(Database &db);

    // Writes all rows in one transaction (the gateway batches them off the request path).
    Status insert(const QList<UsageRecord> &rows);
    // Rows matching the filter, oldest first.
    Result<QList<UsageRecord>> rows(const UsageFilter &filter) const;
    // Totals per key (key_uuid, key_name as recorded) for rows matching the filter.
    Result<QList<UsageTotals>> totalsByKey(const UsageFilter &filter) const;

private:
    Database &m_db;
};

// The audit trail: who changed what. Rows are written by KeyStore/GroupStore inside their own
// transactions; this reads them.
class AuditLog {
public:
    explicit AuditLog(Database &db);
    Result<QList<AuditEntry>> entries(int limit = -1) const; // newest first

private:
    Database &m_db;
};

} // namespace portico::store
