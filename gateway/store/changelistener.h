#pragma once

#include <QObject>

#include <functional>
#include <memory>

class QThread;

namespace portico::store {

class Database;

// Hears about admin changes committed by any process on a PostgreSQL store at once: every change
// sends NOTIFY on Database::kChangeChannel in its own transaction, and this LISTENs on a
// connection of its own, in a thread of its own. After the connection is lost and made again it
// calls `changed` too (a resync: notifications sent meanwhile are lost). On SQLite it does
// nothing (isActive() is false): there the change counter is polled.
class ChangeListener {
public:
    ChangeListener(std::shared_ptr<Database> database, std::function<void()> changed);
    ~ChangeListener(); // stops the thread
    ChangeListener(const ChangeListener &) = delete;
    ChangeListener &operator=(const ChangeListener &) = delete;

    // True while it listens (PostgreSQL, connected).
    bool isActive() const;

private:
    class Worker;
    std::unique_ptr<QThread> m_thread;
    Worker *m_worker = nullptr; // lives in m_thread
};

} // namespace portico::store
