#include "storeopener.h"

#include "store/database.h"
#include "ui/store/openstoredialog.h"

#include <QSettings>
#include <QUrl>

namespace portico::app {

StoreOpener::StoreOpener(QObject *parent)
    : QObject(parent) {
    connect(&m_passwords, &ui::StorePasswords::saved, this, [this](const QString &, bool ok) {
        if (ok)
            return;
        Q_EMIT passwordNotSaved(
            ui::StorePasswords::keychain() == ui::StorePasswords::Keychain::Unavailable
                ? ui::StorePasswords::sessionOnlyText()
                : tr("The system keychain did not save the password: it is kept for this "
                     "session only."));
    });
}

QString StoreOpener::addressSetting() {
    return QStringLiteral("store/address");
}

QString StoreOpener::rememberedAddress() {
    return QSettings().value(addressSetting()).toString();
}

store::Result<StoreOpener::Opened> StoreOpener::open(const Request &request) {
    Opened opened;
    QString password = request.password;
    const bool postgres = store::Database::isPostgresUri(request.address);
    if (postgres && !password.isEmpty()) {
        opened.passwordSource = PasswordSource::Typed;
    } else if (postgres && request.rememberPassword && QUrl(request.address).password().isEmpty()) {
        // The keychain first, then libpq's own sources: a password the user chose to keep
        // here is the one they expect to be used.
        password = m_passwords.readNow(request.address, m_keychainWait);
        if (!password.isEmpty())
            opened.passwordSource = PasswordSource::Keychain;
    }

    auto database =
        store::Database::open(ui::OpenStoreDialog::withPassword(request.address, password));
    if (!database)
        return database.error();
    opened.database = database.value();

    if (request.rememberAddress) {
        // Database::path() is the address without its password.
        QSettings().setValue(addressSetting(), opened.database->path());
    }
    // Saved once it proved right, so a mistyped password is not kept.
    if (postgres && !request.rememberPassword)
        m_passwords.forget(request.address);
    else if (opened.passwordSource == PasswordSource::Typed)
        m_passwords.save(request.address, password);
    return opened;
}

} // namespace portico::app
