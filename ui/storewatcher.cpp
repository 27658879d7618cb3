#include "ui/storewatcher.h"

#include "store/changelistener.h"
#include "store/database.h"

namespace portico::ui {

StoreWatcher::StoreWatcher(std::shared_ptr<store::Database> database, QObject *parent,
                           int pollIntervalMs)
    : QObject(parent)
    , m_database(std::move(database)) {
    // Changes arrive in bursts (a group delete touches many keys); pages reload once per burst.
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(50);
    connect(&m_coalesce, &QTimer::timeout, this, &StoreWatcher::storeChanged);

    // Database::changed is emitted in the writing thread; the queued connection brings it here.
    connect(
        m_database.get(), &store::Database::changed, this, [this] { m_coalesce.start(); },
        Qt::QueuedConnection);

    if (m_database->isPostgres()) {
        // Called in the listener's thread: the coalescing timer is started in this one.
        m_listener = std::make_unique<store::ChangeListener>(m_database, [this] {
            QMetaObject::invokeMethod(
                this, [this] { m_coalesce.start(); }, Qt::QueuedConnection);
        });
        return;
    }
    m_lastCounter = m_database->changeCounter();
    m_pollTimer.setInterval(pollIntervalMs);
    connect(&m_pollTimer, &QTimer::timeout, this, &StoreWatcher::poll);
    m_pollTimer.start();
}

StoreWatcher::~StoreWatcher() {
    // Stops the listener's thread before the object its callback points at goes.
    m_listener.reset();
}

void StoreWatcher::poll() {
    // Another process (the command line, another gateway) only shows in the committed counter.
    const qint64 counter = m_database->changeCounter();
    if (counter != m_lastCounter) {
        m_lastCounter = counter;
        m_coalesce.start();
    }
}

} // namespace portico::ui
