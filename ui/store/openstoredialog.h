#pragma once

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSpinBox;

namespace portico::ui {

// File → Open Store…: an SQLite file on this machine, or a PostgreSQL database shared with other
// gateways and admins (host, port, database, user, TLS mode, password). It only says what was
// chosen; opening the store is the app's job. The password never goes into the address.
class OpenStoreDialog : public QDialog {
    Q_OBJECT
public:
    // `current`: the store in use (a file, or a PostgreSQL URI without its password).
    explicit OpenStoreDialog(const QString &current, QWidget *parent = nullptr);

    // A file path, or postgresql://USER@HOST:PORT/DBNAME?sslmode=MODE.
    QString storeAddress() const;
    // Empty when none was typed (libpq then reads PGPASSWORD or ~/.pgpass).
    QString password() const;

    // `address` with `password` put in, for store::Database::open(); never shown or saved.
    static QString withPassword(const QString &address, const QString &password);

    void accept() override;

private:
    void updateEnabled();

    QRadioButton *m_sqlite = nullptr;
    QRadioButton *m_postgres = nullptr;
    QLineEdit *m_file = nullptr;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_database = nullptr;
    QLineEdit *m_user = nullptr;
    QComboBox *m_tlsMode = nullptr;
    QLineEdit *m_password = nullptr;
    QLabel *m_error = nullptr;
    QList<QWidget *> m_fileWidgets;
    QList<QWidget *> m_serverWidgets;
};

} // namespace portico::ui
