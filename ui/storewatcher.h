#pragma once

#include <QObject>
#include <QTimer>

#include <memory>

namespace portico::store {
class ChangeListener;
class Database;
} // namespace portico::store

namespace portico::ui {

// Tells the pages that the store changed: at once for changes made in this process
// (Database::changed), and within a second for changes made by another process (the command
// line, another gateway): on SQLite by polling the committed change counter, on PostgreSQL from
// its NOTIFY (store::ChangeListener, on a thread of its own: the window never waits on the
// network).
class StoreWatcher : public QObject {
    Q_OBJECT
public:
    explicit StoreWatcher(std::shared_ptr<store::Database> database, QObject *parent = nullptr,
                          int pollIntervalMs = 300);
    ~StoreWatcher() override;

Q_SIGNALS:
    void storeChanged();

private:
    void poll();

    std::shared_ptr<store::Database> m_database;
    QTimer m_pollTimer;
    QTimer m_coalesce; // several changes in a burst reload the pages once
    qint64 m_lastCounter = -1;
    std::unique_ptr<store::ChangeListener> m_listener;
};

} // namespace portico::ui
