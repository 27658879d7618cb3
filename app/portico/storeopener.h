#pragma once

#include "store/result.h"
#include "ui/store/storepasswords.h"

#include <QObject>
#include <QString>

#include <chrono>
#include <memory>

namespace portico::store {
class Database;
}

namespace portico::app {

// Opens the desktop app's store and remembers it for the next start: the address in the
// settings ("store/address", never a password), a PostgreSQL store's password in the system
// keychain when the user asked for it (ui::StorePasswords), or for this session only.
class StoreOpener : public QObject {
    Q_OBJECT
public:
    struct Request {
        QString address;              // a file, or a PostgreSQL URI (normally without password)
        QString password;             // typed in File → Open Store; empty: see open()
        bool rememberPassword = true; // the dialog's "Remember password in the system keychain"
        bool rememberAddress = false; // true for a store chosen in File → Open Store
    };
    // Where the password of an opened PostgreSQL store came from.
    enum class PasswordSource {
        None,     // a file, or libpq's own sources (PGPASSWORD, ~/.pgpass) or the URI's
        Typed,    // the request's
        Keychain, // the entry saved in the system keychain
    };
    struct Opened {
        std::shared_ptr<store::Database> database;
        PasswordSource passwordSource = PasswordSource::None;
    };

    explicit StoreOpener(QObject *parent = nullptr);

    // The settings key of the store opened last with File → Open Store.
    static QString addressSetting();
    // Its value: a file or a PostgreSQL URI without password; empty when none was.
    static QString rememberedAddress();

    // How long open() waits for the keychain (StorePasswords::readNow()).
    void setKeychainWait(std::chrono::milliseconds wait) { m_keychainWait = wait; }

    // Opens the store. A PostgreSQL store's password: the typed one, else the one saved in the
    // keychain (unless the URI holds one), else libpq finds one. Once the store is open, and
    // only then: the address is remembered when asked; with rememberPassword a typed password is
    // saved in the keychain (in the background: passwordNotSaved() if that fails), without it
    // the saved entry is removed.
    store::Result<Opened> open(const Request &request);

    ui::StorePasswords &passwords() { return m_passwords; }

Q_SIGNALS:
    // A typed password could not be saved in the keychain, so it is kept for this session only;
    // `message` says so to the user.
    void passwordNotSaved(const QString &message);

private:
    ui::StorePasswords m_passwords;
    std::chrono::milliseconds m_keychainWait{std::chrono::seconds(30)};
};

} // namespace portico::app
