#pragma once

#include <QMainWindow>

#include <functional>

class QAction;
class QLabel;
class QListWidget;
class QPushButton;
class QStackedWidget;

namespace portico::ui {

struct AppContext;
class AuditPage;
class KeysPage;

// The shell: navigation on the left (Keys, Groups, Routes, Dashboard, Usage, Logs, Audit),
// the pages in a stack, menus, and a status bar saying whether the embedded gateway listens.
// The window does not own the gateway: it asks for start/stop through signals and is told the
// outcome through setGatewayStatus(), so it never waits for the gateway's thread.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(AppContext &context, QWidget *parent = nullptr);
    ~MainWindow() override;

    enum Page {
        KeysPageIndex,
        GroupsPageIndex,
        RoutesPageIndex,
        DashboardPageIndex,
        UsagePageIndex,
        LogsPageIndex,
        AuditPageIndex
    };
    int currentPage() const;
    void setCurrentPage(int page);
    KeysPage *keysPage() const { return m_keysPage; }
    AuditPage *auditPage() const { return m_auditPage; }

    QString gatewayStatusText() const;
    bool isGatewayListening() const { return m_gatewayListening; }
    // The banner's text while the store cannot be read or written; empty while it is hidden.
    QString storeBannerText() const;

    // Asked when the window's close button is used (not File → Quit): true hides the window
    // instead of closing it, the app going on in the tray (DesktopController decides).
    void setHideOnClose(std::function<bool()> hideOnClose) {
        m_hideOnClose = std::move(hideOnClose);
    }
    // Closes for good, whatever setHideOnClose() says: File → Quit, the tray's Quit, a store
    // switch.
    void closeForGood();
    // Shows the window again from the tray or a second launch, in front.
    void showAndRaise();

public Q_SLOTS:
    // listening: where ("127.0.0.1:8000"); not listening: why (empty when stopped on purpose).
    void setGatewayStatus(bool listening, const QString &address, const QString &error);
    // Until the gateway's thread reports back.
    void showGatewayStarting();

Q_SIGNALS:
    void startGatewayRequested();
    void stopGatewayRequested();
    // The user chose another port after the configured one was taken.
    void gatewayPortRequested(quint16 port);
    // File → Open Store… was confirmed: `address` (a file or a PostgreSQL URI without password),
    // the password typed, if any, and whether to keep it in the system keychain. The app opens
    // it and rebuilds the window on it.
    void openStoreRequested(const QString &address, const QString &password, bool rememberPassword);
    // File → Settings…; the app opens the settings dialog (DesktopController).
    void settingsRequested();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void buildStatusBar();
    void addPage(QWidget *page, const QString &title, const QString &iconName);
    void chooseAnotherPort();
    void openStore();
    void restoreSettings();
    void saveSettings() const;
    void showAbout();
    void showStoreProblem(const QString &problem);

    AppContext &m_context;
    QListWidget *m_navigation = nullptr;
    QStackedWidget *m_pages = nullptr;
    KeysPage *m_keysPage = nullptr;
    AuditPage *m_auditPage = nullptr;

    QLabel *m_storeBanner = nullptr;
    QLabel *m_gatewayStatus = nullptr;
    QLabel *m_storeLabel = nullptr;
    QPushButton *m_choosePortButton = nullptr;
    QAction *m_startGateway = nullptr;
    QAction *m_stopGateway = nullptr;
    bool m_gatewayListening = false;
    QString m_gatewayAddress;
    QString m_gatewayError;
    std::function<bool()> m_hideOnClose;
    bool m_closingForGood = false;
};

} // namespace portico::ui
