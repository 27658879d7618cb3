#pragma once

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSpinBox;

namespace portico::ui {

// File → Open Store…: an SQLite file on this machine, or a PostgreSQL database shared with other
// gateways and admins (host, port, database, user, TLS mode, password, and whether to remember
// the password in the system keychain). It only says what was chosen; opening the store is the
// app's job. The password never goes into the address. When PostgreSQL is chosen the dialog asks
// the keychain whether it is there (StorePasswords), and says so when it is not.
class OpenStoreDialog : public QDialog {
    Q_OBJECT
public:
    // `current`: the store in use (a file, or a PostgreSQL URI without its password).
    explicit OpenStoreDialog(const QString &current, QWidget *parent = nullptr);

    // A file path, or postgresql://USER@HOST:PORT/DBNAME?sslmode=MODE.
    QString storeAddress() const;
    // Empty when none was typed (the app then reads the keychain, then libpq PGPASSWORD or
    // ~/.pgpass).
    QString password() const;
    // Whether the password goes into the system keychain (false also when there is none, or for
    // a file); false means the saved one, if any, is removed.
    bool rememberPassword() const;

    // `address` with `password` put in, for store::Database::open(); never shown or saved.
    static QString withPassword(const QString &address, const QString &password);

    void accept() override;

private:
    void updateEnabled();
    void checkKeychain();
    void showKeychain();

    QRadioButton *m_sqlite = nullptr;
    QRadioButton *m_postgres = nullptr;
    QLineEdit *m_file = nullptr;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_database = nullptr;
    QLineEdit *m_user = nullptr;
    QComboBox *m_tlsMode = nullptr;
    QLineEdit *m_password = nullptr;
    QCheckBox *m_rememberPassword = nullptr;
    QLabel *m_keychainNote = nullptr;
    bool m_keychainAsked = false;
    QLabel *m_error = nullptr;
    QList<QWidget *> m_fileWidgets;
    QList<QWidget *> m_serverWidgets;
};

} // namespace portico::ui
