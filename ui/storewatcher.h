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

    // Empty while the store works; else one sentence for the window's banner saying that the
    // store cannot be read or written, and why. Checked every second from what this process
    // already knows (its last read of the change counter on SQLite, and
    // store::Database::lastWriteFault()), so it never waits on the store.
    QString storeProblem() const { return m_problem; }

Q_SIGNALS:
    void storeChanged();
    // storeProblem() changed (empty: the store works again).
    void storeProblemChanged(const QString &problem);

private:
    void poll();
    void checkProblem();

    std::shared_ptr<store::Database> m_database;
    QTimer m_pollTimer;
    QTimer m_coalesce; // several changes in a burst reload the pages once
    qint64 m_lastCounter = -1;
    bool m_readFailed = false; // the last read of the change counter failed (SQLite)
    QTimer m_problemTimer;
    QString m_problem;
    int m_secondsSinceProbe = 0;
    std::unique_ptr<store::ChangeListener> m_listener;
};

} // namespace portico::ui
