#pragma once

// What the store tests share: every test function starts on a new, empty store in a temporary
// folder, with a KeyStore and a GroupStore acting as kActor; and ways to look at what the store
// holds.

#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "store/records.h"

#include <QObject>
#include <QTemporaryDir>

#include <memory>

namespace portico::test {

inline const QString kActor = QStringLiteral("test:store");

// The base of each store test class: Qt Test runs init() and cleanup() around every test function
// of the derived class.
class StoreTestCase : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

protected:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<store::Database> m_db;
    std::unique_ptr<store::KeyStore> m_keys;
    std::unique_ptr<store::GroupStore> m_groups;
};

// Every row of every table, as text, so a failing call can be shown to have changed nothing.
QString dumpAll(store::Database &db);

// The first column of the first row `sql` returns, or -1 when the query fails.
qint64 countRows(store::Database &db, const QString &sql);

// A usage row of 10 + 5 tokens for 0.25 USD, its request id made from `time`.
store::UsageRecord usageRow(const QString &keyUuid, const QString &keyName, const QString &route,
                            const QDateTime &time, int status = 200);

} // namespace portico::test
