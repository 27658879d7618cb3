#pragma once

#include "store/records.h"
#include "store/result.h"

namespace portico::store {

class Database;

// The audit trail: who changed what. Rows are written by KeyStore/GroupStore inside their own
// transactions (detail::writeAudit); this reads them.
class AuditLog {
public:
    explicit AuditLog(Database &db);
    Result<QList<AuditEntry>> entries(int limit = -1) const; // newest first

private:
    Database &m_db;
};

} // namespace portico::store
