// portico: the desktop admin app, with the gateway of `portico-gateway serve` embedded on its own
// threads. Uses the same store and config as the command line, so both see the same keys.
#include "embeddedgateway.h"

#include "config/configmanager.h"
#include "http/httpserver.h"
#include "metering/gatewaylog.h"
#include "store/database.h"
#include "ui/appcontext.h"
#include "ui/mainwindow.h"
#include "ui/screenshotwalker.h"
#include "ui/storewatcher.h"
#include "ui/translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QIcon>
#include <QMessageBox>
#include <QStandardPaths>

#include <pwd.h>
#include <unistd.h>

namespace {

QString optionOrEnvironment(const QCommandLineParser &parser, const QString &option,
                            const char *variable) {
    if (parser.isSet(option))
        return parser.value(option);
    return qEnvironmentVariable(variable);
}

// Like the command line: --config, then PORTICO_CONFIG, then the user's config.yaml if it
// exists, else the built-in config (empty path).
QString configPath(const QCommandLineParser &parser) {
    const QString chosen = optionOrEnvironment(parser, QStringLiteral("config"), "PORTICO_CONFIG");
    if (!chosen.isEmpty())
        return chosen;
    const QString user = QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation))
                             .filePath(QStringLiteral("config.yaml"));
    return QFileInfo::exists(user) ? user : QString();
}

QString actor() {
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty()) {
        if (const passwd *entry = ::getpwuid(::geteuid()))
            user = QString::fromLocal8Bit(entry->pw_name);
    }
    return QStringLiteral("desktop:") + (user.isEmpty() ? QString::number(::geteuid()) : user);
}

} // namespace

int main(int argc, char *argv[]) {
    using namespace portico;

    QApplication app(argc, argv);
    // The same names as portico-gateway, so both find the same store and config folders.
    QApplication::setOrganizationName(QStringLiteral("Portico"));
    QApplication::setApplicationName(QStringLiteral("portico"));
    QApplication::setApplicationDisplayName(QStringLiteral("Portico"));
    QApplication::setApplicationVersion(QStringLiteral(PORTICO_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("portico"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("portico")));
    ui::installTranslations(app);

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
    parser.process(app);

    QString databasePath = optionOrEnvironment(parser, QStringLiteral("db"), "PORTICO_DB");
    if (databasePath.isEmpty())
        databasePath = store::Database::defaultPath();
    auto opened = store::Database::open(databasePath);
    if (!opened) {
        QMessageBox::critical(
            nullptr, QApplication::translate("main", "Portico"),
            QApplication::translate("main", "Cannot open the store %1:\n%2")
                .arg(QDir::toNativeSeparators(databasePath), opened.error().message));
        return 1;
    }
    std::shared_ptr<store::Database> database = opened.value();

    const QString config = configPath(parser);
    auto configManager = std::make_shared<config::ConfigManager>(config);
    if (!config.isEmpty())
        configManager->setWatchFile(true);

    // One log for the embedded gateway and the Logs page, kept across gateway restarts.
    auto gatewayLog = std::make_shared<metering::GatewayLog>();
    proxy::GatewayOptions options;
    options.log = gatewayLog;
    QString listen = optionOrEnvironment(parser, QStringLiteral("listen"), "PORTICO_LISTEN");
    if (listen.isEmpty())
        listen = QStringLiteral("127.0.0.1:8000");
    QString listenError;
    if (!http::parseListenAddress(listen, &options.address, &options.port, &listenError)) {
        QMessageBox::critical(nullptr, QApplication::translate("main", "Portico"),
                              QApplication::translate("main", "--listen %1 is not HOST:PORT: %2")
                                  .arg(listen, listenError));
        return 2;
    }

    app::EmbeddedGateway gateway(database, configManager, options);

    ui::StoreWatcher watcher(database);
    ui::AppContext context;
    context.database = database;
    context.config = configManager;
    context.actor = actor();
    context.gatewayBaseUrl = [&gateway] { return gateway.baseUrl(); };
    context.storeWatcher = &watcher;
    context.gatewayLog = gatewayLog;

    ui::MainWindow window(context);
    QObject::connect(&gateway, &app::EmbeddedGateway::statusChanged, &window,
                     &ui::MainWindow::setGatewayStatus);
    QObject::connect(&window, &ui::MainWindow::startGatewayRequested, &gateway,
                     &app::EmbeddedGateway::start);
    QObject::connect(&window, &ui::MainWindow::stopGatewayRequested, &gateway,
                     &app::EmbeddedGateway::stop);
    QObject::connect(&window, &ui::MainWindow::gatewayPortRequested, &gateway,
                     &app::EmbeddedGateway::setPort);
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

    // scripts/screenshots.sh: walk the documented states, save them, quit.
    std::unique_ptr<ui::ScreenshotWalker> walker;
    if (const QString dir = qEnvironmentVariable("PORTICO_SCREENSHOT_DIR"); !dir.isEmpty()) {
        walker = std::make_unique<ui::ScreenshotWalker>(window, dir);
        walker->start();
    }
    return app.exec();
}
