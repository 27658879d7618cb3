#include "ui/storewatcher.h"

#include "store/changelistener.h"
#include "store/database.h"
#include "store/storeprobe.h"

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

    m_problemTimer.setInterval(1000);
    connect(&m_problemTimer, &QTimer::timeout, this, &StoreWatcher::checkProblem);
    m_problemTimer.start();

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
    const bool readFailed = counter < 0;
    if (readFailed != m_readFailed) {
        m_readFailed = readFailed;
        checkProblem();
    }
    if (readFailed)
        return; // the pages keep what they show; they reload once the store answers again
    if (counter != m_lastCounter) {
        m_lastCounter = counter;
        m_coalesce.start();
    }
}

void StoreWatcher::checkProblem() {
    // Nobody may write for a while (no traffic, no admin at work): try now and then whether the
    // store takes writes again. Only on SQLite, where the try is local and quick; on PostgreSQL
    // the embedded gateway's retries of its usage rows tell.
    if (!m_readFailed && !m_database->isPostgres() &&
        !store::Database::lastWriteFault().isEmpty() && ++m_secondsSinceProbe >= 3) {
        m_secondsSinceProbe = 0;
        (void)store::probeWrite(*m_database); // sets or clears lastWriteFault()
    }
    QString problem;
    if (m_readFailed) {
        problem = tr("The store cannot be read. The pages show what they last read; they are "
                     "updated when it answers again.");
    } else if (const QString fault = store::Database::lastWriteFault(); !fault.isEmpty()) {
        problem = tr("The store cannot be written: changes are not saved, and the gateway keeps "
                     "the usage rows in memory until it can write them. %1")
                      .arg(fault);
    }
    if (problem == m_problem)
        return;
    m_problem = problem;
    Q_EMIT storeProblemChanged(m_problem);
}

} // namespace portico::ui
