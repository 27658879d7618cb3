#include "store/changelistener.h"

#include "store/database.h"

#include <QLoggingCategory>
#include <QSqlDriver>
#include <QSqlQuery>
#include <QThread>
#include <QTimer>

#include <atomic>

namespace portico::store {

namespace {
Q_LOGGING_CATEGORY(lcChanges, "portico.store.changes")
// How often the listening connection is checked, and made again when it was lost.
constexpr int kCheckIntervalMs = 1000;
} // namespace

class ChangeListener::Worker : public QObject {
public:
    Worker(std::shared_ptr<Database> database, std::function<void()> changed)
        : m_database(std::move(database))
        , m_changed(std::move(changed)) {}

    void start() {
        m_check = new QTimer(this);
        m_check->setInterval(kCheckIntervalMs);
        QObject::connect(m_check, &QTimer::timeout, this, [this] { check(); });
        m_check->start();
        check();
    }

    std::atomic<bool> active{false};

private:
    // Subscribes when not listening yet; otherwise makes sure the connection still works (the
    // driver says nothing when the server goes away).
    void check() {
        QSqlDatabase connection = m_database->connection();
        if (active) {
            QSqlQuery ping(connection);
            if (connection.isOpen() && ping.exec(QStringLiteral("SELECT 1")))
                return;
            qCWarning(lcChanges) << "Lost the connection that listens for changes; reconnecting.";
            active = false;
            connection.close();
            connection = m_database->connection();
        }
        if (!connection.isOpen())
            return; // tried again at the next check
        QSqlDriver *driver = connection.driver();
        if (!driver->subscribeToNotification(QLatin1String(Database::kChangeChannel))) {
            connection.close();
            return;
        }
        QObject::disconnect(m_subscription);
        m_subscription = QObject::connect(
            driver, &QSqlDriver::notification, this,
            [this](const QString &name, QSqlDriver::NotificationSource, const QVariant &) {
                if (name == QLatin1String(Database::kChangeChannel))
                    m_changed();
            });
        active = true;
        // Whatever changed while nobody listened.
        m_changed();
    }

    std::shared_ptr<Database> m_database;
    std::function<void()> m_changed;
    QTimer *m_check = nullptr;
    QMetaObject::Connection m_subscription;
};

ChangeListener::ChangeListener(std::shared_ptr<Database> database, std::function<void()> changed) {
    if (!database || !database->isPostgres())
        return;
    m_thread = std::make_unique<QThread>();
    m_thread->setObjectName(QStringLiteral("portico-change-listener"));
    m_worker = new Worker(std::move(database), std::move(changed));
    m_worker->moveToThread(m_thread.get());
    QObject::connect(m_thread.get(), &QThread::started, m_worker,
                     [worker = m_worker] { worker->start(); });
    QObject::connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
}

ChangeListener::~ChangeListener() {
    if (!m_thread)
        return;
    m_thread->quit();
    m_thread->wait();
}

bool ChangeListener::isActive() const {
    return m_worker && m_worker->active.load();
}

} // namespace portico::store
