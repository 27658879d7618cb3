#pragma once

#include <QObject>
#include <QString>

#include <chrono>

namespace QKeychain {
class ReadPasswordJob;
}

namespace portico::ui {

// The passwords of PostgreSQL stores, kept in the OS keychain through QtKeychain (the Secret
// Service on Linux, such as GNOME Keyring or KeePassXC; KWallet; the macOS Keychain; Windows'
// Credential Manager). Never in the settings file, never in a log.
//
// One entry per store, in the service "Portico", named USER@HOST:PORT/DBNAME: the store's
// address without its TLS mode, never the password. The keychain's jobs are asynchronous: each
// operation answers with a signal. When no keychain answers (no Secret Service on the session
// bus, say), the operations fail, keychain() says so, and the caller keeps the password for the
// session only.
class StorePasswords : public QObject {
    Q_OBJECT
public:
    enum class Keychain { Unknown, Available, Unavailable };
    Q_ENUM(Keychain)

    explicit StorePasswords(QObject *parent = nullptr);

    // The keychain's service name for Portico's entries.
    static QString service();
    // The entry for the PostgreSQL store at `address` (a URI, with or without a password):
    // USER@HOST:PORT/DBNAME. Empty for anything else (an SQLite file has no password).
    static QString entryName(const QString &address);

    // What the keychain's last answer in this process said (the keychain is the session's, so
    // every StorePasswords shares it): Unknown until a job has finished.
    static Keychain keychain();
    // Why the keychain is unavailable, in QtKeychain's words (for a tooltip); empty otherwise.
    static QString keychainProblem();
    // What the app tells the user when there is no keychain.
    static QString sessionOnlyText();

    // Asks the keychain for an entry that need not exist, to learn whether it answers;
    // keychainChecked() follows.
    void checkKeychain();
    // Saves `password` as the entry of the store at `address`; saved() follows.
    void save(const QString &address, const QString &password);
    // Reads the entry of the store at `address`; passwordRead() follows.
    void read(const QString &address);
    // Removes the entry of the store at `address`, if any; forgotten() follows.
    void forget(const QString &address);

    // read(), waiting for the answer, at most `limit`. Empty when no password is saved, the
    // keychain is unavailable or did not answer in time. For start-up only: see the .cpp.
    QString readNow(const QString &address, std::chrono::milliseconds limit);

Q_SIGNALS:
    void keychainChecked(portico::ui::StorePasswords::Keychain keychain);
    // `ok` false: not saved (keychain() tells whether there is no keychain at all).
    void saved(const QString &address, bool ok);
    // `password` empty: none saved, or no keychain.
    void passwordRead(const QString &address, const QString &password);
    // `ok` true also when there was no entry to remove.
    void forgotten(const QString &address, bool ok);

private:
    QKeychain::ReadPasswordJob *startRead(const QString &entry);
};

} // namespace portico::ui
