#include "ui/mainwindow.h"

#include "store/database.h"
#include "ui/store/openstoredialog.h"

#include "ui/appcontext.h"
#include "ui/audit/auditpage.h"
#include "ui/audit/historysection.h"
#include "ui/common/errorlabel.h"
#include "ui/dashboard/dashboardpage.h"
#include "ui/desktop/portowner.h"
#include "ui/keys/keyspage.h"
#include "ui/logs/logspage.h"
#include "ui/messagebox.h"
#include "ui/storewatcher.h"
#include "ui/usage/usagepage.h"

#if __has_include("ui/groups/groupspage.h")
#include "ui/groups/groupspage.h"
#define PORTICO_HAS_GROUPS_PAGE 1
#endif
#if __has_include("ui/routes/routespage.h")
#include "ui/routes/routespage.h"
#define PORTICO_HAS_ROUTES_PAGE 1
#endif

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QVBoxLayout>

namespace portico::ui {

namespace {
const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kStateKey = QStringLiteral("mainWindow/state");
const QString kPageKey = QStringLiteral("mainWindow/page");
const QString kKeysSplitterKey = QStringLiteral("keysPage/splitter");

#if !defined(PORTICO_HAS_GROUPS_PAGE) || !defined(PORTICO_HAS_ROUTES_PAGE)
// A page that is not built yet still gets its place in the navigation.
QWidget *placeholderPage(const QString &text, QWidget *parent) {
    auto *label = new QLabel(text, parent);
    label->setAlignment(Qt::AlignCenter);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}
#endif
} // namespace

MainWindow::MainWindow(AppContext &context, QWidget *parent)
    : QMainWindow(parent)
    , m_context(context) {
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Portico"));

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    m_navigation = new QListWidget(central);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setIconSize(QSize(20, 20));
    m_navigation->setSpacing(2);
    m_navigation->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Expanding);
    m_navigation->setAutoFillBackground(true);
    m_navigation->setBackgroundRole(QPalette::AlternateBase);
    m_pages = new QStackedWidget(central);
    m_pages->setObjectName(QStringLiteral("pages"));
    // One notice for the whole window while the store cannot be read or written
    // (StoreWatcher::storeProblem), rather than an error on every page; it goes when the store
    // works again.
    m_storeBanner = makeErrorLabel(QStringLiteral("storeBanner"), central);
    m_storeBanner->setMargin(8);
    m_storeBanner->setAutoFillBackground(true);
    m_storeBanner->setBackgroundRole(QPalette::ToolTipBase);
    auto *column = new QVBoxLayout;
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(m_storeBanner);
    column->addWidget(m_pages, 1);
    layout->addWidget(m_navigation);
    layout->addLayout(column, 1);
    setCentralWidget(central);
    if (m_context.storeWatcher) {
        connect(m_context.storeWatcher, &StoreWatcher::storeProblemChanged, this,
                &MainWindow::showStoreProblem);
        showStoreProblem(m_context.storeWatcher->storeProblem());
    }

    m_keysPage = new KeysPage(m_context, m_pages);
    addPage(m_keysPage, tr("Keys"), QStringLiteral("dialog-password"));
#ifdef PORTICO_HAS_GROUPS_PAGE
    addPage(new GroupsPage(m_context, m_pages), tr("Groups"), QStringLiteral("system-users"));
#else
    addPage(placeholderPage(tr("Groups"), m_pages), tr("Groups"), QStringLiteral("system-users"));
#endif
#ifdef PORTICO_HAS_ROUTES_PAGE
    addPage(new RoutesPage(m_context, m_pages), tr("Routes"), QStringLiteral("network-server"));
#else
    addPage(placeholderPage(tr("Routes"), m_pages), tr("Routes"), QStringLiteral("network-server"));
#endif
    auto *dashboardPage = new DashboardPage(m_context, m_pages);
    addPage(dashboardPage, tr("Dashboard"), QStringLiteral("utilities-system-monitor"));
    connect(dashboardPage, &DashboardPage::showKeysRequested, this,
            [this] { setCurrentPage(KeysPageIndex); });
    auto *usagePage = new UsagePage(m_context, m_pages);
    addPage(usagePage, tr("Usage"), QStringLiteral("office-chart-bar"));
    connect(usagePage, &UsagePage::statusMessage, this,
            [this](const QString &message) { statusBar()->showMessage(message, 5000); });
    addPage(new LogsPage(m_context, m_pages), tr("Logs"), QStringLiteral("text-x-generic"));
    m_auditPage = new AuditPage(m_context, m_pages);
    addPage(m_auditPage, tr("Audit"), QStringLiteral("document-open-recent"));
    // Every page is built: each History section (key detail panel, Groups page) opens the Audit
    // page on its key or group.
    for (auto *history : m_pages->findChildren<HistorySection *>()) {
        connect(history, &HistorySection::showAllRequested, this,
                [this](const QString &objectType, const QString &uuid) {
                    m_auditPage->showObject(objectType, uuid);
                    setCurrentPage(AuditPageIndex);
                });
    }
    {
        // Wide enough for the longest title in any language, icon and padding included.
        int width = 0;
        for (int i = 0; i < m_navigation->count(); ++i)
            width = qMax(width, fontMetrics().horizontalAdvance(m_navigation->item(i)->text()));
        m_navigation->setFixedWidth(width + m_navigation->iconSize().width() + 48);
    }
    connect(m_navigation, &QListWidget::currentRowChanged, m_pages,
            &QStackedWidget::setCurrentIndex);
    m_navigation->setCurrentRow(KeysPageIndex);

    buildMenus();
    buildStatusBar();
    connect(m_keysPage, &KeysPage::statusMessage, this,
            [this](const QString &message) { statusBar()->showMessage(message, 5000); });

    resize(1200, 760);
    restoreSettings();
    setGatewayStatus(false, {}, {});
}

MainWindow::~MainWindow() = default;

void MainWindow::addPage(QWidget *page, const QString &title, const QString &iconName) {
    m_pages->addWidget(page);
    auto *item = new QListWidgetItem(QIcon::fromTheme(iconName), title, m_navigation);
    item->setSizeHint(QSize(0, fontMetrics().height() + 16));
}

int MainWindow::currentPage() const {
    return m_pages->currentIndex();
}

void MainWindow::setCurrentPage(int page) {
    if (page >= 0 && page < m_pages->count())
        m_navigation->setCurrentRow(page);
}

void MainWindow::buildMenus() {
    auto *file = menuBar()->addMenu(tr("&File"));
    auto *openStore = file->addAction(tr("&Open Store…"), this, &MainWindow::openStore);
    openStore->setObjectName(QStringLiteral("openStoreAction"));
    auto *settings = file->addAction(tr("&Settings…"), this, &MainWindow::settingsRequested);
    settings->setObjectName(QStringLiteral("settingsAction"));
    settings->setShortcut(QKeySequence::Preferences);
    settings->setMenuRole(QAction::PreferencesRole);
    file->addSeparator();
    auto *quit = file->addAction(tr("&Quit"), this, &MainWindow::closeForGood);
    quit->setObjectName(QStringLiteral("quitAction"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    auto *keys = menuBar()->addMenu(tr("&Keys"));
    // The key commands switch to the Keys page first, so they work from any page.
    auto showKeys = [this] { setCurrentPage(KeysPageIndex); };
    for (QAction *action : {m_keysPage->newKeyAction(), m_keysPage->findAction()})
        connect(action, &QAction::triggered, this, showKeys, Qt::DirectConnection);
    keys->addAction(m_keysPage->newKeyAction());
    keys->addAction(m_keysPage->renameAction());
    keys->addAction(m_keysPage->rotateAction());
    keys->addAction(m_keysPage->deleteKeyAction());
    keys->addSeparator();
    keys->addAction(m_keysPage->copyUuidAction());
    keys->addAction(m_keysPage->findAction());
    // Window-wide shortcuts need the actions on the window itself.
    addAction(m_keysPage->newKeyAction());
    addAction(m_keysPage->findAction());

    auto *view = menuBar()->addMenu(tr("&View"));
    const QStringList titles = {tr("&Keys"),  tr("&Groups"), tr("&Routes"), tr("&Dashboard"),
                                tr("&Usage"), tr("&Logs"),   tr("&Audit")};
    for (int i = 0; i < m_pages->count() && i < titles.size(); ++i) {
        auto *action = view->addAction(titles.at(i), this, [this, i] {
            setCurrentPage(i);
            m_pages->currentWidget()->setFocus();
        });
        action->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)));
    }

    auto *gateway = menuBar()->addMenu(tr("&Gateway"));
    m_startGateway = gateway->addAction(tr("&Start Gateway"), this, [this] {
        showGatewayStarting();
        Q_EMIT startGatewayRequested();
    });
    m_startGateway->setObjectName(QStringLiteral("startGatewayAction"));
    m_stopGateway =
        gateway->addAction(tr("S&top Gateway"), this, &MainWindow::stopGatewayRequested);
    m_stopGateway->setObjectName(QStringLiteral("stopGatewayAction"));
    auto *port = gateway->addAction(tr("Use Another &Port…"), this, &MainWindow::chooseAnotherPort);
    port->setObjectName(QStringLiteral("choosePortAction"));

    auto *help = menuBar()->addMenu(tr("&Help"));
    auto *about = help->addAction(tr("&About Portico"), this, &MainWindow::showAbout);
    about->setMenuRole(QAction::AboutRole);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::buildStatusBar() {
    m_gatewayStatus = new QLabel(statusBar());
    m_gatewayStatus->setObjectName(QStringLiteral("gatewayStatusLabel"));
    m_gatewayStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_choosePortButton = new QPushButton(tr("Use Another Port…"), statusBar());
    m_choosePortButton->setObjectName(QStringLiteral("choosePortButton"));
    m_choosePortButton->setFlat(true);
    m_choosePortButton->hide();
    connect(m_choosePortButton, &QPushButton::clicked, this, &MainWindow::chooseAnotherPort);
    // Which store the window shows: on a shared one, changes may come from anywhere.
    m_storeLabel = new QLabel(statusBar());
    m_storeLabel->setObjectName(QStringLiteral("storeLabel"));
    const QString store = m_context.database ? m_context.database->path() : QString();
    m_storeLabel->setText(m_context.database && m_context.database->isPostgres()
                              ? tr("Shared store: %1").arg(store)
                              : tr("Store: %1").arg(QFileInfo(store).fileName()));
    m_storeLabel->setToolTip(QDir::toNativeSeparators(store));
    m_storeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addPermanentWidget(m_storeLabel);
    statusBar()->addPermanentWidget(m_gatewayStatus);
    statusBar()->addPermanentWidget(m_choosePortButton);
}

void MainWindow::openStore() {
    OpenStoreDialog dialog(m_context.database ? m_context.database->path() : QString(), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    Q_EMIT openStoreRequested(dialog.storeAddress(), dialog.password(), dialog.rememberPassword());
}

void MainWindow::setGatewayStatus(bool listening, const QString &address, const QString &error) {
    m_gatewayListening = listening;
    m_gatewayAddress = address;
    m_gatewayError = error;
    m_gatewayStatus->setText(gatewayStatusText());
    m_gatewayStatus->setToolTip(error);
    m_startGateway->setEnabled(!listening);
    m_stopGateway->setEnabled(listening);
    m_choosePortButton->setVisible(!listening && !error.isEmpty());
}

void MainWindow::showGatewayStarting() {
    m_gatewayStatus->setText(tr("Gateway starting…"));
    m_gatewayStatus->setToolTip({});
    m_startGateway->setEnabled(false);
    m_choosePortButton->hide();
}

QString MainWindow::gatewayStatusText() const {
    if (m_gatewayListening)
        return tr("Gateway listening on http://%1").arg(m_gatewayAddress);
    if (!m_gatewayError.isEmpty())
        return tr("Gateway not running: %1").arg(m_gatewayError);
    return tr("Gateway stopped");
}

void MainWindow::chooseAnotherPort() {
    quint16 current = 8000;
    if (const int colon = m_gatewayAddress.lastIndexOf(u':'); colon >= 0)
        current = m_gatewayAddress.mid(colon + 1).toUShort();
    // Who holds the port, when that can be found, and a port that is free now.
    QHostAddress host(QHostAddress::LocalHost);
    if (const int colon = m_gatewayAddress.lastIndexOf(u':'); colon > 0)
        host.setAddress(m_gatewayAddress.left(colon).remove(u'[').remove(u']'));
    const quint16 proposal = nextFreePort(host, current);
    const QString held = !m_gatewayListening && !portIsFree(host, current)
                             ? portInUseText(current) + u'\n'
                             : QString();
    const auto port = MessageBox::getInteger(
        this, tr("Use Another Port"),
        held + tr("Port for the gateway on this computer (1024–65535):"),
        proposal ? proposal : (current < 65535 ? current + 1 : 8001), 1024, 65535);
    if (port) {
        showGatewayStarting();
        Q_EMIT gatewayPortRequested(quint16(*port));
    }
}

void MainWindow::showAbout() {
    QMessageBox::about(
        this, tr("About Portico"),
        tr("<h3>Portico %1</h3><p>A desktop admin app with a local, OpenAI-compatible AI "
           "gateway.</p><p>API keys authenticate requests; groups give keys access to the "
           "routes of config.yaml.</p>")
            .arg(QApplication::applicationVersion().toHtmlEscaped()));
}

void MainWindow::restoreSettings() {
    QSettings settings;
    if (const QByteArray geometry = settings.value(kGeometryKey).toByteArray(); !geometry.isEmpty())
        restoreGeometry(geometry);
    restoreState(settings.value(kStateKey).toByteArray());
    m_keysPage->splitter()->restoreState(settings.value(kKeysSplitterKey).toByteArray());
    setCurrentPage(settings.value(kPageKey, int(KeysPageIndex)).toInt());
}

void MainWindow::saveSettings() const {
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    settings.setValue(kKeysSplitterKey, m_keysPage->splitter()->saveState());
    settings.setValue(kPageKey, currentPage());
}

void MainWindow::closeForGood() {
    m_closingForGood = true;
    close();
}

void MainWindow::showAndRaise() {
    if (isMinimized())
        showNormal();
    else
        show();
    raise();
    activateWindow();
}

void MainWindow::closeEvent(QCloseEvent *event) {
    saveSettings();
    if (!m_closingForGood && m_hideOnClose && m_hideOnClose()) {
        event->ignore();
        hide();
        return;
    }
    QMainWindow::closeEvent(event);
}

void MainWindow::showStoreProblem(const QString &problem) {
    m_storeBanner->setText(problem);
    m_storeBanner->setVisible(!problem.isEmpty());
}

QString MainWindow::storeBannerText() const {
    return m_storeBanner->isVisibleTo(this) ? m_storeBanner->text() : QString();
}

} // namespace portico::ui
