#include "desktopapp.h"

#include "common/startup.h"
#include "config/configmanager.h"
#include "embeddedgateway.h"
#include "http/httpserver.h"
#include "metering/gatewaylog.h"
#include "store/database.h"
#include "ui/appcontext.h"
#include "ui/mainwindow.h"
#include "ui/storewatcher.h"
#include "ui/translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <QMessageBox>

namespace portico::app {

int runDesktopApp(int &argc, char **argv, const std::function<void(ui::MainWindow &)> &shown) {
    QApplication application(argc, argv);
    setApplicationIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("Portico"));
    QApplication::setDesktopFileName(QStringLiteral("portico"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("portico")));
    ui::installTranslations(application);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Portico: API keys, groups and routes, with a local "
                                        "OpenAI-compatible gateway."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("db"),
         QApplication::translate("main", "The SQLite store (env PORTICO_DB; default: %1).")
             .arg(store::Database::defaultPath()),
         QStringLiteral("path")},
        {QStringLiteral("config"),
         QApplication::translate("main", "The config.yaml to use (env PORTICO_CONFIG)."),
         QStringLiteral("path")},
        {QStringLiteral("listen"),
         QApplication::translate("main", "Where the gateway listens (env PORTICO_LISTEN; default "
                                         "127.0.0.1:8000)."),
         QStringLiteral("host:port")},
        {QStringLiteral("no-gateway"),
         QApplication::translate("main", "Do not start the embedded gateway.")},
    });
    parser.process(application);

    const QString storePath = databasePath(givenOption(parser, QStringLiteral("db")));
    auto opened = store::Database::open(storePath);
    if (!opened) {
        QMessageBox::critical(
            nullptr, QApplication::translate("main", "Portico"),
            QApplication::translate("main", "Cannot open the store %1:\n%2")
                .arg(QDir::toNativeSeparators(storePath), opened.error().message));
        return 1;
    }
    std::shared_ptr<store::Database> database = opened.value();

    const QString config = configPath(givenOption(parser, QStringLiteral("config")));
    auto configManager = std::make_shared<config::ConfigManager>(config);
    if (!config.isEmpty())
        configManager->setWatchFile(true);

    // One log for the embedded gateway and the Logs page, kept across gateway restarts.
    auto gatewayLog = std::make_shared<metering::GatewayLog>();
    proxy::GatewayOptions options;
    options.log = gatewayLog;
    QString listen = parser.isSet(QStringLiteral("listen"))
                         ? parser.value(QStringLiteral("listen"))
                         : qEnvironmentVariable("PORTICO_LISTEN");
    if (listen.isEmpty())
        listen = QStringLiteral("127.0.0.1:8000");
    QString listenError;
    if (!http::parseListenAddress(listen, &options.address, &options.port, &listenError)) {
        QMessageBox::critical(nullptr, QApplication::translate("main", "Portico"),
                              QApplication::translate("main", "--listen %1 is not HOST:PORT: %2")
                                  .arg(listen, listenError));
        return 2;
    }

    EmbeddedGateway gateway(database, configManager, options);

    ui::StoreWatcher watcher(database);
    ui::AppContext context;
    context.database = database;
    context.config = configManager;
    context.actor = actor(Program::Desktop);
    context.gatewayBaseUrl = [&gateway] { return gateway.baseUrl(); };
    context.storeWatcher = &watcher;
    context.gatewayLog = gatewayLog;

    ui::MainWindow window(context);
    QObject::connect(&gateway, &EmbeddedGateway::statusChanged, &window,
                     &ui::MainWindow::setGatewayStatus);
    QObject::connect(&window, &ui::MainWindow::startGatewayRequested, &gateway,
                     &EmbeddedGateway::start);
    QObject::connect(&window, &ui::MainWindow::stopGatewayRequested, &gateway,
                     &EmbeddedGateway::stop);
    QObject::connect(&window, &ui::MainWindow::gatewayPortRequested, &gateway,
                     &EmbeddedGateway::setPort);
    if (configManager->lastLoadFailed()) {
        QStringList problems;
        for (const auto &problem : configManager->lastProblems())
            problems.append(problem.toString());
        window.setGatewayStatus(false, {},
                                QApplication::translate("main", "%1 does not load: %2")
                                    .arg(config, problems.join(u'\n')));
    } else if (!parser.isSet(QStringLiteral("no-gateway"))) {
        window.showGatewayStarting();
        gateway.start();
    }
    window.show();
    if (shown)
        shown(window);
    return QApplication::exec();
}

} // namespace portico::app
