#include "ui/store/storepasswords.h"

#include "store/database.h"

#include <qt6keychain/keychain.h>

#include <QEventLoop>
#include <QTimer>
#include <QUrl>

namespace portico::ui {

namespace {

// The keychain belongs to the user's session, so what one job learned holds for the whole
// process. Only touched from the GUI thread, where the jobs report.
StorePasswords::Keychain g_keychain = StorePasswords::Keychain::Unknown;
QString g_keychainProblem;

// Reads an entry that nobody saves: its answer says whether a keychain is there.
constexpr char kProbeEntry[] = "portico-keychain-check";

// Records what a finished job says about the keychain itself. A missing entry, or access
// refused by the user, still means that a keychain answered; QtKeychain reports a missing
// backend (no Secret Service on the bus, no D-Bus at all, no libsecret) as NoBackendAvailable
// or OtherError, depending on the backend it tried.
void noteKeychain(const QKeychain::Job *job) {
    switch (job->error()) {
    case QKeychain::NoError:
    case QKeychain::EntryNotFound:
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        g_keychain = StorePasswords::Keychain::Available;
        g_keychainProblem.clear();
        break;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError:
        g_keychain = StorePasswords::Keychain::Unavailable;
        g_keychainProblem = job->errorString();
        break;
    }
}

// Jobs are never given a parent: QtKeychain's Secret Service backend calls back into a job
// after it finished talking to the bus, so a job must live until then even when the object that
// started it (a dialog) is gone. They delete themselves once finished (autoDelete, the default).
// insecureFallback stays off, its default: QtKeychain then never writes a password to a
// QSettings file when no keychain is there.
template <typename Job> Job *newJob(const QString &entry) {
    auto *job = new Job(StorePasswords::service());
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(entry);
    return job;
}

} // namespace

StorePasswords::StorePasswords(QObject *parent)
    : QObject(parent) {}

QString StorePasswords::service() {
    return QStringLiteral("Portico");
}

QString StorePasswords::entryName(const QString &address) {
    if (!store::Database::isPostgresUri(address))
        return {};
    const QUrl url(address);
    return url.userName() + u'@' + url.host() + u':' + QString::number(url.port(5432)) + u'/' +
           url.path().mid(1);
}

StorePasswords::Keychain StorePasswords::keychain() {
    return g_keychain;
}

QString StorePasswords::keychainProblem() {
    return g_keychainProblem;
}

QString StorePasswords::sessionOnlyText() {
    return tr("No system keychain available: the password is kept for this session only.");
}

QKeychain::ReadPasswordJob *StorePasswords::startRead(const QString &entry) {
    auto *job = newJob<QKeychain::ReadPasswordJob>(entry);
    job->start();
    return job;
}

void StorePasswords::checkKeychain() {
    auto *job = startRead(QLatin1String(kProbeEntry));
    connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job *finished) {
        noteKeychain(finished);
        Q_EMIT keychainChecked(g_keychain);
    });
}

void StorePasswords::save(const QString &address, const QString &password) {
    const QString entry = entryName(address);
    if (entry.isEmpty() || password.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [this, address] { Q_EMIT saved(address, false); }, Qt::QueuedConnection);
        return;
    }
    auto *job = newJob<QKeychain::WritePasswordJob>(entry);
    job->setTextData(password);
    connect(job, &QKeychain::Job::finished, this, [this, address](QKeychain::Job *finished) {
        noteKeychain(finished);
        Q_EMIT saved(address, finished->error() == QKeychain::NoError);
    });
    job->start();
}

void StorePasswords::read(const QString &address) {
    const QString entry = entryName(address);
    if (entry.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [this, address] { Q_EMIT passwordRead(address, {}); }, Qt::QueuedConnection);
        return;
    }
    auto *job = startRead(entry);
    connect(job, &QKeychain::Job::finished, this, [this, address, job](QKeychain::Job *finished) {
        noteKeychain(finished);
        Q_EMIT passwordRead(address,
                            finished->error() == QKeychain::NoError ? job->textData() : QString());
    });
}

void StorePasswords::forget(const QString &address) {
    const QString entry = entryName(address);
    if (entry.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [this, address] { Q_EMIT forgotten(address, true); }, Qt::QueuedConnection);
        return;
    }
    auto *job = newJob<QKeychain::DeletePasswordJob>(entry);
    connect(job, &QKeychain::Job::finished, this, [this, address](QKeychain::Job *finished) {
        noteKeychain(finished);
        Q_EMIT forgotten(address, finished->error() == QKeychain::NoError ||
                                      finished->error() == QKeychain::EntryNotFound);
    });
    job->start();
}

QString StorePasswords::readNow(const QString &address, std::chrono::milliseconds limit) {
    const QString entry = entryName(address);
    if (entry.isEmpty())
        return {};
    // Why wait here, in a local event loop: the app needs the password before it can open the
    // store and build a window on it, and it calls this before that window exists (at start-up,
    // or between the window of one store and the next), so no user event can re-enter it. Why
    // bounded: a keychain that never answers (say, an unlock prompt that nobody sees) must not
    // stop the app from starting; after `limit` it goes on with libpq's own sources
    // (PGPASSWORD, ~/.pgpass) as if nothing was saved. A Secret Service on the session bus
    // answers in milliseconds, and so does a session without one.
    QString password;
    QEventLoop loop;
    auto *job = startRead(entry);
    // `loop` is the context: once this function returns, a late answer reaches nothing here.
    connect(job, &QKeychain::Job::finished, &loop, [&](QKeychain::Job *finished) {
        noteKeychain(finished);
        if (finished->error() == QKeychain::NoError)
            password = job->textData();
        loop.quit();
    });
    QTimer::singleShot(limit, &loop, &QEventLoop::quit);
    loop.exec(QEventLoop::ExcludeUserInputEvents);
    return password;
}

} // namespace portico::ui
