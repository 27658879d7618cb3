#include "ui/store/openstoredialog.h"

#include "store/database.h"
#include "ui/store/storepasswords.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QUrl>
#include <QUrlQuery>
#include <QVBoxLayout>

namespace portico::ui {

OpenStoreDialog::OpenStoreDialog(const QString &current, QWidget *parent)
    : QDialog(parent) {
    setWindowTitle(tr("Open Store"));
    setObjectName(QStringLiteral("openStoreDialog"));
    auto *layout = new QVBoxLayout(this);

    m_sqlite = new QRadioButton(tr("A file on this computer (SQLite)"), this);
    m_sqlite->setObjectName(QStringLiteral("storeSqlite"));
    layout->addWidget(m_sqlite);
    auto *fileRow = new QHBoxLayout;
    m_file = new QLineEdit(this);
    m_file->setObjectName(QStringLiteral("storeFile"));
    auto *browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString chosen = QFileDialog::getSaveFileName(
            this, tr("Store File"), m_file->text(), tr("Portico stores (*.db);;All files (*)"),
            nullptr, QFileDialog::DontConfirmOverwrite);
        if (!chosen.isEmpty())
            m_file->setText(QDir::toNativeSeparators(chosen));
    });
    fileRow->addSpacing(24);
    fileRow->addWidget(m_file, 1);
    fileRow->addWidget(browse);
    layout->addLayout(fileRow);
    m_fileWidgets = {m_file, browse};

    m_postgres = new QRadioButton(tr("A PostgreSQL database shared by several gateways"), this);
    m_postgres->setObjectName(QStringLiteral("storePostgres"));
    layout->addWidget(m_postgres);
    auto *form = new QFormLayout;
    form->setContentsMargins(24, 0, 0, 0);
    m_host = new QLineEdit(QStringLiteral("localhost"), this);
    m_host->setObjectName(QStringLiteral("storeHost"));
    m_port = new QSpinBox(this);
    m_port->setObjectName(QStringLiteral("storePort"));
    m_port->setRange(1, 65535);
    m_port->setValue(5432);
    m_database = new QLineEdit(QStringLiteral("portico"), this);
    m_database->setObjectName(QStringLiteral("storeDatabase"));
    m_user = new QLineEdit(qEnvironmentVariable("USER"), this);
    m_user->setObjectName(QStringLiteral("storeUser"));
    m_tlsMode = new QComboBox(this);
    m_tlsMode->setObjectName(QStringLiteral("storeTlsMode"));
    // libpq's sslmode values, shown as they are: they are what PostgreSQL's docs speak of.
    for (const char *mode : {"prefer", "require", "verify-ca", "verify-full", "disable"})
        m_tlsMode->addItem(QLatin1String(mode), QLatin1String(mode));
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("storePassword"));
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("Host:"), m_host);
    form->addRow(tr("Port:"), m_port);
    form->addRow(tr("Database:"), m_database);
    form->addRow(tr("User:"), m_user);
    form->addRow(tr("TLS mode:"), m_tlsMode);
    form->addRow(tr("Password:"), m_password);
    m_rememberPassword = new QCheckBox(tr("Remember password in the system keychain"), this);
    m_rememberPassword->setObjectName(QStringLiteral("storeRememberPassword"));
    m_rememberPassword->setChecked(true);
    form->addRow(QString(), m_rememberPassword);
    auto *passwordNote =
        new QLabel(tr("The password is never written to the settings file. Leave it empty to use "
                      "the one saved in the system keychain, else PGPASSWORD or ~/.pgpass."),
                   this);
    passwordNote->setWordWrap(true);
    form->addRow(QString(), passwordNote);
    m_keychainNote = new QLabel(this);
    m_keychainNote->setObjectName(QStringLiteral("storeKeychainNote"));
    m_keychainNote->setWordWrap(true);
    m_keychainNote->hide();
    form->addRow(QString(), m_keychainNote);
    layout->addLayout(form);
    m_serverWidgets = {m_host,    m_port,     m_database,         m_user,
                       m_tlsMode, m_password, m_rememberPassword, passwordNote};

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("storeError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: palette(highlight);"));
    m_error->hide();
    layout->addWidget(m_error);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &OpenStoreDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    // Starts from the store in use.
    if (store::Database::isPostgresUri(current)) {
        const QUrl url(current);
        m_postgres->setChecked(true);
        m_host->setText(url.host());
        if (url.port() > 0)
            m_port->setValue(url.port());
        m_database->setText(url.path().mid(1));
        m_user->setText(url.userName());
        const QString mode = QUrlQuery(url).queryItemValue(QStringLiteral("sslmode"));
        if (const int index = m_tlsMode->findData(mode); index >= 0)
            m_tlsMode->setCurrentIndex(index);
    } else {
        m_sqlite->setChecked(true);
        m_file->setText(QDir::toNativeSeparators(current));
    }
    connect(m_sqlite, &QRadioButton::toggled, this, &OpenStoreDialog::updateEnabled);
    updateEnabled();
}

void OpenStoreDialog::updateEnabled() {
    for (QWidget *widget : std::as_const(m_fileWidgets))
        widget->setEnabled(m_sqlite->isChecked());
    for (QWidget *widget : std::as_const(m_serverWidgets))
        widget->setEnabled(m_postgres->isChecked());
    if (m_postgres->isChecked())
        checkKeychain();
    showKeychain();
}

// Asked only once PostgreSQL is chosen: opening a closed wallet (KWallet) asks the user for its
// password, which someone choosing a file should not see.
void OpenStoreDialog::checkKeychain() {
    if (m_keychainAsked)
        return;
    m_keychainAsked = true;
    // An earlier answer in this session shows at once (showKeychain()); the check runs all the
    // same, in case the keychain came or went since.
    auto *passwords = new StorePasswords(this);
    connect(passwords, &StorePasswords::keychainChecked, this, &OpenStoreDialog::showKeychain);
    passwords->checkKeychain();
}

void OpenStoreDialog::showKeychain() {
    const bool unavailable = StorePasswords::keychain() == StorePasswords::Keychain::Unavailable;
    if (unavailable) {
        // Said here, where the password is typed, rather than in a message box after opening.
        m_keychainNote->setText(StorePasswords::sessionOnlyText());
        m_keychainNote->setToolTip(StorePasswords::keychainProblem());
        m_rememberPassword->setChecked(false);
    }
    m_rememberPassword->setEnabled(m_postgres->isChecked() && !unavailable);
    const bool show = unavailable && m_postgres->isChecked();
    if (show != m_keychainNote->isVisibleTo(this)) {
        m_keychainNote->setVisible(show);
        // The note may come after the dialog is on screen: it grows to show it whole.
        if (isVisible())
            adjustSize();
    }
}

QString OpenStoreDialog::storeAddress() const {
    if (m_sqlite->isChecked())
        return QDir::fromNativeSeparators(m_file->text().trimmed());
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setHost(m_host->text().trimmed());
    url.setPort(m_port->value());
    url.setUserName(m_user->text().trimmed());
    url.setPath(QLatin1Char('/') + m_database->text().trimmed());
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("sslmode"), m_tlsMode->currentData().toString());
    url.setQuery(query);
    return url.toString();
}

QString OpenStoreDialog::password() const {
    return m_postgres->isChecked() ? m_password->text() : QString();
}

bool OpenStoreDialog::rememberPassword() const {
    return m_postgres->isChecked() && m_rememberPassword->isChecked() &&
           StorePasswords::keychain() != StorePasswords::Keychain::Unavailable;
}

QString OpenStoreDialog::withPassword(const QString &address, const QString &password) {
    if (password.isEmpty() || !store::Database::isPostgresUri(address))
        return address;
    QUrl url(address);
    url.setPassword(password);
    return url.toString();
}

void OpenStoreDialog::accept() {
    QString problem;
    if (m_sqlite->isChecked() && m_file->text().trimmed().isEmpty())
        problem = tr("Choose a file for the store.");
    else if (m_postgres->isChecked() &&
             (m_host->text().trimmed().isEmpty() || m_database->text().trimmed().isEmpty() ||
              m_user->text().trimmed().isEmpty()))
        problem = tr("Enter the host, the database and the user.");
    if (!problem.isEmpty()) {
        m_error->setText(problem);
        m_error->show();
        return;
    }
    QDialog::accept();
}

} // namespace portico::ui
