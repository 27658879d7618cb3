#include "ui/desktop/settingsdialog.h"

#include "config/gatewayconfig.h"
#include "store/database.h"
#include "ui/common/pluralunit.h"
#include "ui/desktop/portowner.h"
#include "ui/translations.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

namespace portico::ui {

namespace {
// The host part of the listen address, as `portico-gateway serve --listen` takes it: an IP
// address, or "localhost" for 127.0.0.1.
std::optional<QHostAddress> parseHost(const QString &text) {
    const QString host = text.trimmed();
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    QHostAddress address;
    if (!address.setAddress(host))
        return std::nullopt;
    return address;
}

QLabel *noteLabel(QWidget *parent) {
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}
} // namespace

SettingsDialog::SettingsDialog(const Values &current, bool trayAvailable,
                               const QString &listeningHost, quint16 listeningPort, QWidget *parent)
    : QDialog(parent)
    , m_initial(current)
    , m_listeningHost(listeningHost)
    , m_listeningPort(listeningPort) {
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));
    auto *layout = new QVBoxLayout(this);

    // The gateway.
    auto *gatewayBox = new QGroupBox(tr("Gateway"), this);
    auto *gatewayForm = new QFormLayout(gatewayBox);
    auto *listenRow = new QHBoxLayout;
    m_host = new QLineEdit(current.settings.listenHost, gatewayBox);
    m_host->setObjectName(QStringLiteral("listenHostEdit"));
    m_host->setToolTip(tr("127.0.0.1: this computer only. 0.0.0.0: every network of this "
                          "computer (set gateway.metrics_token in config.yaml then)."));
    m_port = new QSpinBox(gatewayBox);
    m_port->setObjectName(QStringLiteral("portSpin"));
    m_port->setRange(1, 65535);
    m_port->setValue(current.settings.port);
    listenRow->addWidget(m_host, 1);
    listenRow->addWidget(new QLabel(tr("Port:"), gatewayBox));
    listenRow->addWidget(m_port);
    gatewayForm->addRow(tr("Listen on:"), listenRow);
    auto *portRow = new QHBoxLayout;
    m_portProblem = new QLabel(gatewayBox);
    m_portProblem->setObjectName(QStringLiteral("portProblemLabel"));
    m_portProblem->setWordWrap(true);
    m_portProblem->setTextFormat(Qt::PlainText);
    m_usePort = new QPushButton(gatewayBox);
    m_usePort->setObjectName(QStringLiteral("usePortButton"));
    portRow->addWidget(m_portProblem, 1);
    portRow->addWidget(m_usePort);
    gatewayForm->addRow(portRow);
    m_portProblem->hide();
    m_usePort->hide();
    connect(m_usePort, &QPushButton::clicked, this, [this] {
        m_port->setValue(m_proposedPort);
        m_portProblem->hide();
        m_usePort->hide();
    });
    m_startGateway = new QCheckBox(tr("Start the gateway when Portico starts"), gatewayBox);
    m_startGateway->setObjectName(QStringLiteral("startGatewayCheck"));
    m_startGateway->setChecked(current.settings.startGatewayOnLaunch);
    gatewayForm->addRow(m_startGateway);
    layout->addWidget(gatewayBox);

    // Store and config.yaml.
    auto *filesBox = new QGroupBox(tr("Store and configuration"), this);
    auto *filesForm = new QFormLayout(filesBox);
    auto *storeRow = new QHBoxLayout;
    m_store = new QLineEdit(QDir::toNativeSeparators(current.storeAddress), filesBox);
    m_store->setObjectName(QStringLiteral("storePathEdit"));
    auto *browseStore = new QPushButton(tr("Browse…"), filesBox);
    browseStore->setObjectName(QStringLiteral("browseStoreButton"));
    connect(browseStore, &QPushButton::clicked, this, &SettingsDialog::browseStore);
    storeRow->addWidget(m_store, 1);
    storeRow->addWidget(browseStore);
    filesForm->addRow(tr("Store file:"), storeRow);
    if (store::Database::isPostgresUri(current.storeAddress)) {
        // A shared store is chosen, with its password, in File → Open Store.
        m_store->setText(current.storeAddress);
        m_store->setReadOnly(true);
        browseStore->setEnabled(false);
        auto *note = noteLabel(filesBox);
        note->setText(tr("A shared PostgreSQL store: File → Open Store changes it."));
        filesForm->addRow(note);
    }
    auto *configRow = new QHBoxLayout;
    m_config = new QLineEdit(QDir::toNativeSeparators(current.settings.configPath), filesBox);
    m_config->setObjectName(QStringLiteral("configPathEdit"));
    m_config->setPlaceholderText(tr("Built-in (the demo route)"));
    auto *browseConfig = new QPushButton(tr("Browse…"), filesBox);
    browseConfig->setObjectName(QStringLiteral("browseConfigButton"));
    connect(browseConfig, &QPushButton::clicked, this, &SettingsDialog::browseConfig);
    m_openConfig = new QPushButton(tr("Open"), filesBox);
    m_openConfig->setObjectName(QStringLiteral("openConfigButton"));
    m_openConfig->setToolTip(tr("Open config.yaml in the editor of this desktop"));
    connect(m_openConfig, &QPushButton::clicked, this, &SettingsDialog::openConfig);
    configRow->addWidget(m_config, 1);
    configRow->addWidget(browseConfig);
    configRow->addWidget(m_openConfig);
    filesForm->addRow(tr("Config file:"), configRow);
    m_configCheck = new QLabel(filesBox);
    m_configCheck->setObjectName(QStringLiteral("configCheckLabel"));
    m_configCheck->setWordWrap(true);
    m_configCheck->setTextFormat(Qt::PlainText);
    m_configCheck->setTextInteractionFlags(Qt::TextSelectableByMouse);
    filesForm->addRow(tr("Check:"), m_configCheck);
    layout->addWidget(filesBox);
    // The check runs as the path is typed, once typing pauses.
    m_checkTimer = new QTimer(this);
    m_checkTimer->setSingleShot(true);
    m_checkTimer->setInterval(300);
    connect(m_checkTimer, &QTimer::timeout, this, &SettingsDialog::checkConfig);
    connect(m_config, &QLineEdit::textChanged, m_checkTimer, qOverload<>(&QTimer::start));

    // The desktop.
    auto *desktopBox = new QGroupBox(tr("Desktop"), this);
    auto *desktopForm = new QFormLayout(desktopBox);
    m_closeToTray = new QCheckBox(tr("Keep the gateway running in the tray when the window closes"),
                                  desktopBox);
    m_closeToTray->setObjectName(QStringLiteral("closeToTrayCheck"));
    m_closeToTray->setChecked(current.settings.closeToTray.value_or(false));
    connect(m_closeToTray, &QCheckBox::toggled, this, [this] { m_closeToTrayTouched = true; });
    desktopForm->addRow(m_closeToTray);
    if (!trayAvailable) {
        m_closeToTray->setEnabled(false);
        m_closeToTray->setToolTip(tr("This desktop shows no tray: closing the window quits."));
    } else if (!current.settings.closeToTray) {
        m_closeToTray->setToolTip(tr("Not chosen yet: the first close of the window asks."));
    }
    m_autostart = new QCheckBox(tr("Start Portico when I log in"), desktopBox);
    m_autostart->setObjectName(QStringLiteral("autostartCheck"));
    m_autostart->setChecked(current.autostart);
    desktopForm->addRow(m_autostart);
    m_language = new QComboBox(desktopBox);
    m_language->setObjectName(QStringLiteral("languageCombo"));
    // Each language by its own name ("Italiano", "Deutsch"), as in a list of languages.
    const auto nativeName = [](const QLocale &locale) {
        QString name = locale.nativeLanguageName();
        if (!name.isEmpty())
            name[0] = name[0].toUpper(); // "italiano" → "Italiano"
        return name;
    };
    m_language->addItem(tr("Same as the system (%1)").arg(nativeName(QLocale::system())),
                        QString());
    for (const QString &language : shippedLanguages()) {
        const QString name = nativeName(QLocale(language));
        m_language->addItem(name.isEmpty() ? language : name, language);
    }
    const int languageIndex = m_language->findData(current.settings.language);
    m_language->setCurrentIndex(languageIndex < 0 ? 0 : languageIndex);
    auto *languageNote = noteLabel(desktopBox);
    languageNote->setText(tr("A new language shows after Portico restarts."));
    desktopForm->addRow(tr("Language:"), m_language);
    desktopForm->addRow(languageNote);
    layout->addWidget(desktopBox);

    // Usage.
    auto *usageBox = new QGroupBox(tr("Usage"), this);
    auto *usageForm = new QFormLayout(usageBox);
    m_retention = new QSpinBox(usageBox);
    m_retention->setObjectName(QStringLiteral("retentionSpin"));
    m_retention->setRange(0, DesktopSettings::kMaxRetentionDays);
    m_retention->setSpecialValueText(tr("Keep for ever"));
    m_retention->setValue(current.settings.usageRetentionDays);
    showUnitInPlural(m_retention, [](int days) {
        return tr("%n day(s)", "retention, after the spin box's number", days);
    });
    usageForm->addRow(tr("Keep each request for:"), m_retention);
    m_retentionNote = noteLabel(usageBox);
    m_retentionNote->setObjectName(QStringLiteral("retentionNote"));
    usageForm->addRow(m_retentionNote);
    layout->addWidget(usageBox);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("settingsErrorLabel"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setStyleSheet(QStringLiteral("color: palette(highlighted-text); background: "
                                          "#b3261e; padding: 6px; border-radius: 3px;"));
    m_error->hide();
    layout->addWidget(m_error);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("okButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    layout->addWidget(buttons);

    checkConfig();
    // Wide enough for a path and the check's lines without cutting them short.
    setMinimumWidth(qMax(minimumSizeHint().width(), fontMetrics().averageCharWidth() * 90));
}

SettingsDialog::Values SettingsDialog::values() const {
    Values chosen = m_initial;
    // "localhost" is kept as the address it stands for.
    const auto host = parseHost(m_host->text());
    chosen.settings.listenHost = host ? host->toString() : m_host->text().trimmed();
    chosen.settings.port = quint16(m_port->value());
    chosen.settings.startGatewayOnLaunch = m_startGateway->isChecked();
    if (m_closeToTrayTouched)
        chosen.settings.closeToTray = m_closeToTray->isChecked();
    chosen.settings.language = m_language->currentData().toString();
    chosen.settings.usageRetentionDays = m_retention->value();
    chosen.settings.configPath = QDir::fromNativeSeparators(m_config->text().trimmed());
    if (!m_store->isReadOnly())
        chosen.storeAddress = QDir::fromNativeSeparators(m_store->text().trimmed());
    chosen.autostart = m_autostart->isChecked();
    return chosen;
}

QString SettingsDialog::configCheckText() const {
    return m_configCheck->text();
}

QString SettingsDialog::errorText() const {
    return m_error->isHidden() ? QString() : m_error->text();
}

void SettingsDialog::checkConfig() {
    // The same load as `portico-gateway config check` (config::loadConfigFile), so the verdict
    // here and on the command line agree.
    const QString path = QDir::fromNativeSeparators(m_config->text().trimmed());
    m_openConfig->setEnabled(!path.isEmpty() && QFileInfo::exists(path));
    m_configRetentionDays = 0;
    if (path.isEmpty()) {
        const auto loaded = config::parseConfig(config::builtInConfigText(),
                                                QStringLiteral("config.yaml (built-in)"), {});
        m_configOk = loaded.config && loaded.problems.isEmpty();
        m_configCheck->setText(tr("The built-in config: the demo route only."));
    } else if (!QFileInfo(path).isFile()) {
        m_configOk = false;
        m_configCheck->setText(tr("There is no file %1.").arg(QDir::toNativeSeparators(path)));
    } else {
        const config::LoadResult loaded = config::loadConfigFile(path);
        m_configOk = loaded.config && loaded.problems.isEmpty();
        if (loaded.config)
            m_configRetentionDays = loaded.config->usage.rawRetentionDays;
        QStringList lines;
        if (m_configOk) {
            lines << tr("OK: %1 routes, %2 models")
                         .arg(loaded.config->routes.size())
                         .arg(loaded.config->chatModels.size() +
                              loaded.config->embeddingModels.size());
        } else {
            lines << (loaded.config
                          ? tr("Loads, with %n warning(s):", nullptr, int(loaded.problems.size()))
                          : tr("Does not load; the gateway keeps its last good config:"));
            constexpr int kShown = 5;
            for (int i = 0; i < loaded.problems.size() && i < kShown; ++i)
                lines << loaded.problems.at(i).toString();
            if (loaded.problems.size() > kShown)
                lines << tr("… and %n more (portico-gateway config check lists them all).", nullptr,
                            int(loaded.problems.size() - kShown));
        }
        m_configCheck->setText(lines.join(u'\n'));
    }
    QPalette palette = m_configCheck->palette();
    palette.setColor(QPalette::WindowText,
                     m_configOk ? QColor(0x1b, 0x7f, 0x3b) : QColor(0xb3, 0x26, 0x1e));
    m_configCheck->setPalette(palette);
    m_retentionNote->setText(
        m_configRetentionDays > 0
            ? tr("config.yaml sets usage.raw_retention_days to %n day(s); that wins over this "
                 "setting.",
                 nullptr, m_configRetentionDays)
            : tr("Older requests are deleted by the gateway in this app; the hourly and daily "
                 "totals stay. config.yaml's usage.raw_retention_days, when set, wins."));
}

void SettingsDialog::browseStore() {
    const QString chosen = QFileDialog::getSaveFileName(
        this, tr("Store File"), m_store->text(), tr("SQLite stores (*.db *.sqlite);;All files (*)"),
        nullptr, QFileDialog::DontConfirmOverwrite);
    if (!chosen.isEmpty())
        m_store->setText(QDir::toNativeSeparators(chosen));
}

void SettingsDialog::browseConfig() {
    const QString chosen = QFileDialog::getOpenFileName(
        this, tr("Config File"), m_config->text(), tr("YAML files (*.yaml *.yml);;All files (*)"));
    if (!chosen.isEmpty())
        m_config->setText(QDir::toNativeSeparators(chosen));
}

void SettingsDialog::openConfig() {
    const QString path = QDir::fromNativeSeparators(m_config->text().trimmed());
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(path)))
        showError(tr("No program on this desktop opens %1.").arg(QDir::toNativeSeparators(path)));
}

void SettingsDialog::showPortProblem(const QString &text, quint16 proposal) {
    m_proposedPort = proposal;
    m_portProblem->setText(text);
    m_portProblem->show();
    m_usePort->setText(tr("Use Port %1").arg(proposal));
    m_usePort->setVisible(proposal != 0);
    m_port->setFocus();
}

void SettingsDialog::showError(const QString &text) {
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

void SettingsDialog::accept() {
    showError({});
    m_portProblem->hide();
    m_usePort->hide();
    const auto host = parseHost(m_host->text());
    if (!host) {
        m_host->setFocus();
        return showError(tr("\"%1\" is not an IP address: use 127.0.0.1 for this computer only, "
                            "or 0.0.0.0 for every network.")
                             .arg(m_host->text().trimmed()));
    }
    const quint16 port = quint16(m_port->value());
    if (port < 1024 && port != m_initial.settings.port) {
        m_port->setFocus();
        return showError(tr("Ports below 1024 need administrator rights; choose one from 1024 "
                            "to 65535."));
    }
    // Where the gateway listens now needs no check: it holds that port itself.
    const bool same =
        m_listeningPort != 0 && port == m_listeningPort && parseHost(m_listeningHost) == host;
    if (!same && !portIsFree(*host, port)) {
        const quint16 proposal = nextFreePort(*host, port);
        showPortProblem(
            portInUseText(port) + u' ' +
                (proposal ? tr("Port %1 is free.").arg(proposal) : tr("Choose another port.")),
            proposal);
        return showError(tr("The gateway cannot listen on port %1.").arg(port));
    }
    if (!m_store->isReadOnly()) {
        const QString store = QDir::fromNativeSeparators(m_store->text().trimmed());
        if (store.isEmpty() || QDir::isRelativePath(store)) {
            m_store->setFocus();
            return showError(tr("The store file needs a full path, like %1.")
                                 .arg(QDir::toNativeSeparators(store::Database::defaultPath())));
        }
        if (!QFileInfo(QFileInfo(store).absolutePath()).isDir()) {
            m_store->setFocus();
            return showError(tr("The folder of the store file, %1, does not exist.")
                                 .arg(QDir::toNativeSeparators(QFileInfo(store).absolutePath())));
        }
    }
    const QString config = QDir::fromNativeSeparators(m_config->text().trimmed());
    if (!config.isEmpty() && !QFileInfo(config).isFile()) {
        m_config->setFocus();
        return showError(tr("There is no config file %1; leave the field empty for the "
                            "built-in one.")
                             .arg(QDir::toNativeSeparators(config)));
    }
    QDialog::accept();
}

} // namespace portico::ui
