#pragma once

// Turns a store of the current schema back into what schema version 4 had, with its data, so
// tests can check that migration 5 brings a real version-4 file forward (test_migrations,
// test_usagerollup). Undoes migration 5 exactly: keep it in step with database.cpp.

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStringList>

namespace portico::test {

inline QStringList schemaVersion4Statements() {
    return {
        QStringLiteral("DROP INDEX audit_object_idx"),
        QStringLiteral("DROP TABLE limit_counters"),
        QStringLiteral("DROP INDEX usage_old_secret_idx"),
        QStringLiteral("ALTER TABLE usage DROP COLUMN tokens_estimated"),
        QStringLiteral("ALTER TABLE usage DROP COLUMN old_secret"),
        QStringLiteral("ALTER TABLE api_keys DROP COLUMN allowed_ips"),
        QStringLiteral("DROP TABLE object_limits"),
        QStringLiteral("DROP TABLE key_secrets"),
        QStringLiteral("UPDATE meta SET value = '4' WHERE key = 'schema_version'"),
    };
}

// Runs them on `connection`; false when one fails.
inline bool downgradeToSchemaVersion4(const QSqlDatabase &connection) {
    for (const QString &statement : schemaVersion4Statements()) {
        QSqlQuery query(connection);
        if (!query.exec(statement))
            return false;
    }
    return true;
}

} // namespace portico::test
