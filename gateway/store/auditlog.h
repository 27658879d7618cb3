#pragma once

#include "store/records.h"
#include "store/result.h"

#include <QDateTime>
#include <QString>

namespace portico::store {

class Database;

// Which audit rows to read. Every field is optional; the rows come newest first.
struct AuditQuery {
    // A key (uuid or name; a deleted key by its uuid): its own rows. Membership changes are
    // written on the key, so they are included.
    QString keyRef;
    // A group (uuid or name; a deleted group by its uuid): its own rows and the key rows that
    // name it by uuid (a key added to it or removed from it).
    QString groupRef;
    // An exact action ("key.rename") or a prefix of one ("key." for every key action).
    QString action;
    QDateTime since; // rows at or after
    QDateTime until; // rows before
    // Keyset paging: only rows with an id below this one (the last id of the previous page).
    qint64 beforeId = 0;
    int limit = -1; // -1: all
};

// The audit trail: who changed what. Rows are written by KeyStore/GroupStore inside their own
// transactions (detail::writeAudit); this reads them.
class AuditLog {
public:
    explicit AuditLog(Database &db);
    Result<QList<AuditEntry>> entries(int limit = -1) const; // newest first
    // The rows `query` selects, newest first (by id, the order the changes were committed).
    Result<QList<AuditEntry>> query(const AuditQuery &query) const;

    // The stored actor "cli:alice" as {"alice", "cli"}; one without a source as {actor, ""}.
    static std::pair<QString, QString> splitActor(const QString &stored);

private:
    Database &m_db;
};

} // namespace portico::store
