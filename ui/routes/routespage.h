#pragma once

#include <QMap>
#include <QStringList>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;
class QTreeWidget;

namespace portico::config {
struct GatewayConfig;
struct RouteConfig;
} // namespace portico::config

namespace portico::ui {

struct AppContext;

// The Routes page: what config.yaml offers (each route with its models, providers, limits and
// fallbacks), which groups grant each route, a curl example to try one, and the problems of the
// file, so a broken edit of config.yaml is explained where the routes are shown.
class RoutesPage : public QWidget {
    Q_OBJECT
public:
    explicit RoutesPage(AppContext &ctx, QWidget *parent = nullptr);

    // The route whose example is shown, empty if none.
    QString selectedRoute() const;
    bool selectRoute(const QString &name);
    // The ready-to-paste curl example for `route`, with the gateway's address.
    QString curlExample(const QString &route) const;

public Q_SLOTS:
    // Reads the config and the groups again, keeping the selected route.
    void refresh();
    // Asks the config manager to read config.yaml again and shows the outcome.
    void reloadConfig();
    // Opens Set API Key for the selected route's first model that calls a provider.
    void setApiKey();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void buildUi();
    void populateRoutes(const config::GatewayConfig &config);
    void populateProblems();
    void updateStatus();
    void updateExample();
    QString baseUrl() const;
    QString limitsText(const config::RouteConfig &route) const;
    QString windowText(qint64 seconds) const;

    AppContext &m_ctx;
    QMap<QString, QStringList> m_grantingGroups; // route -> group names

    QLabel *m_pathLabel = nullptr;
    QPushButton *m_reloadButton = nullptr;
    QPushButton *m_apiKeyButton = nullptr;
    QLabel *m_statusLabel = nullptr;
    QTableWidget *m_table = nullptr;
    QLabel *m_missingLabel = nullptr;
    QLabel *m_exampleTitle = nullptr;
    QPlainTextEdit *m_example = nullptr;
    QPushButton *m_copyButton = nullptr;
    QLabel *m_copiedLabel = nullptr;
    QLabel *m_gatewayNote = nullptr;
    QTreeWidget *m_problems = nullptr;
    QLabel *m_problemsSummary = nullptr;
};

} // namespace portico::ui
