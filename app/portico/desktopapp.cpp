#include "desktopapp.h"

#include "common/startup.h"
#include "config/configmanager.h"
#include "desktopcontroller.h"
#include "embeddedgateway.h"
#include "http/httpserver.h"
#include "metering/gatewaylog.h"
#include "singleinstance.h"
#include "store/database.h"
#include "storeopener.h"
#include "ui/appcontext.h"
#include "ui/desktop/desktopsettings.h"
#include "ui/desktop/traycontroller.h"
#include "ui/mainwindow.h"
#include "ui/secrets/providerkeys.h"
#include "ui/storewatcher.h"
#include "ui/translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QIcon>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QSystemTrayIcon>

#include <cstdio>
#include <utility>

namespace portico::app {

namespace {
// Whether the embedded gateway starts on a shared (PostgreSQL) store; off by default.
constexpr char kGatewayOnSharedStoreSetting[] = "gateway/startOnSharedStore";
} // namespace

int runDesktopApp(int &argc, char **argv, const std::function<void(ui::MainWindow &)> &shown) {
    QApplication application(argc, argv);
    setApplicationIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("Portico"));
    QApplication::setDesktopFileName(QStringLiteral("portico"));
    QApplication::setWindowIcon(QIcon::fromTheme(QStringLiteral("portico")));
    // The language chosen in the settings, else the system's.
    const ui::DesktopSettings desktopSettings = ui::DesktopSettings::load();
    const QLocale locale = ui::localeForLanguage(desktopSettings.language);
    if (!desktopSettings.language.isEmpty())
        QLocale::setDefault(locale);
    ui::installTranslations(application, locale);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Portico: API keys, groups and routes, with a local "
                                        "OpenAI-compatible gateway."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOptions({
        {QStringLiteral("db"),
         QApplication::translate("main", "The store: an SQLite file or a PostgreSQL URI (env "
                                         "PORTICO_DB; default: the last one opened, else %1).")
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
        {QStringLiteral("background"),
         QApplication::translate("main", "Start in the tray, without the window (when the "
                                         "desktop has a tray; start at login uses it).")},
    });
    parser.process(application);

    // One app per user: a second launch raises the first one's window and ends.
    SingleInstance instance(SingleInstance::serverName());
    switch (instance.start()) {
    case SingleInstance::Outcome::OtherRaised:
        std::fputs("portico: already running; its window was raised.\n", stdout);
        return 0;
    case SingleInstance::Outcome::Failed:
        // Not a reason to refuse to start: the user asked for the app.
        std::fprintf(stderr, "portico: cannot check for another instance: %s\n",
                     qPrintable(instance.errorString()));
        break;
    case SingleInstance::Outcome::Primary:
        break;
    }
    // Whether there is a tray is asked once: the tray and every pass's window share it.
    ui::TrayController tray(QSystemTrayIcon::isSystemTrayAvailable());
    // Without a tray, nothing would show and nothing could bring the window back.
    const bool background = parser.isSet(QStringLiteral("background")) && tray.isTrayAvailable();

    // The store: --db or PORTICO_DB when given, else the one last opened with File → Open Store,
    // else the default file. A PostgreSQL store's password comes from the system keychain when
    // it was saved there, else from libpq (StoreOpener); it is never written to the settings.
    QSettings settings;
    const bool storeGiven =
        parser.isSet(QStringLiteral("db")) || !qEnvironmentVariableIsEmpty("PORTICO_DB");
    StoreOpener opener;
    StoreOpener::Request storeRequest;
    storeRequest.address = databasePath(givenOption(parser, QStringLiteral("db")));
    if (const QString remembered = StoreOpener::rememberedAddress();
        !storeGiven && !remembered.isEmpty())
        storeRequest.address = remembered;

    // config.yaml: --config or PORTICO_CONFIG, else the one chosen in the settings, else the
    // usual lookup.
    const bool configGiven =
        parser.isSet(QStringLiteral("config")) || !qEnvironmentVariableIsEmpty("PORTICO_CONFIG");
    QString config = configPath(givenOption(parser, QStringLiteral("config")));
    if (!configGiven && !desktopSettings.configPath.isEmpty())
        config = desktopSettings.configPath;
    // Upstream API keys set on the Routes page (Set API Key) live in the system keychain, and
    // config.yaml's `!secret NAME` looks there first: the names the file refers to are fetched
    // before it is loaded (ui/secrets/providerkeys.h says why, and how later edits are followed).
    // A config file chosen later in the settings is followed the same way, in the background.
    ui::ProviderKeys providerKeys(std::make_unique<ui::SystemProviderKeychain>());
    providerKeys.fetchNow(ui::ProviderKeys::secretNamesOf(config), std::chrono::seconds(5));
    const auto makeConfigManager = [&providerKeys](const QString &path) {
        auto manager = std::make_shared<config::ConfigManager>(path, providerKeys.source());
        providerKeys.follow(manager);
        if (!path.isEmpty())
            manager->setWatchFile(true);
        return manager;
    };
    auto configManager = makeConfigManager(config);

    // One log for the embedded gateway and the Logs page, kept across gateway restarts.
    auto gatewayLog = std::make_shared<metering::GatewayLog>();
    proxy::GatewayOptions options;
    options.log = gatewayLog;
    options.fallbackRawRetentionDays = desktopSettings.usageRetentionDays;
    // --listen, else PORTICO_LISTEN, else the settings (default 127.0.0.1:8000).
    QString listen = parser.isSet(QStringLiteral("listen"))
                         ? parser.value(QStringLiteral("listen"))
                         : qEnvironmentVariable("PORTICO_LISTEN");
    if (listen.isEmpty()) {
        const QString &host = desktopSettings.listenHost;
        listen = (host.contains(u':') ? u'[' + host + u']' : host) + u':' +
                 QString::number(desktopSettings.port);
    }
    QString listenError;
    if (!http::parseListenAddress(listen, &options.address, &options.port, &listenError)) {
        QMessageBox::critical(nullptr, QApplication::translate("main", "Portico"),
                              QApplication::translate("main", "--listen %1 is not HOST:PORT: %2")
                                  .arg(listen, listenError));
        return 2;
    }

    // One pass per store: File → Open Store ends the pass and the next one opens the new store,
    // with a new window, gateway and watcher on it.
    std::shared_ptr<store::Database> previous;
    bool first = true;
    bool sameStore = false; // the next pass keeps the store (only config.yaml changed)
    bool wasListening = false;
    for (;;) {
        std::shared_ptr<store::Database> database;
        auto opened = sameStore ? store::Result<StoreOpener::Opened>(StoreOpener::Opened{previous})
                                : opener.open(storeRequest);
        const bool reopenedOnNewConfig = std::exchange(sameStore, false);
        if (opened) {
            database = opened->database;
        } else {
            const QString where = store::Database::isPostgresUri(storeRequest.address)
                                      ? storeRequest.address
                                      : QDir::toNativeSeparators(storeRequest.address);
            QMessageBox::critical(nullptr, QApplication::translate("main", "Portico"),
                                  QApplication::translate("main", "Cannot open the store %1:\n%2")
                                      .arg(where, opened.error().message));
            if (!previous)
                return 1;
            // Back to the store that worked.
            database = previous;
        }
        previous.reset();

        EmbeddedGateway gateway(database, configManager, options);
        ui::StoreWatcher watcher(database);
        ui::AppContext context;
        context.database = database;
        context.config = configManager;
        context.actor = actor(Program::Desktop);
        context.gatewayBaseUrl = [&gateway] { return gateway.baseUrl(); };
        context.storeWatcher = &watcher;
        context.gatewayLog = gatewayLog;
        context.providerKeys = &providerKeys;

        ui::MainWindow window(context);
        connectWindow(gateway, window);
        bool switching = false;
        QObject::connect(
            &window, &ui::MainWindow::openStoreRequested, &window,
            [&](const QString &address, const QString &password, bool rememberPassword) {
                switching = true;
                previous = database;
                storeRequest = {address, password, rememberPassword, /*rememberAddress=*/true};
                window.closeForGood();
            });
        DesktopController controller(window, gateway, tray, database->path(), config);
        QObject::connect(
            &controller, &DesktopController::storeChangeRequested, &window,
            [&](const QString &address) { Q_EMIT window.openStoreRequested(address, {}, true); });
        // A new config.yaml: the window and gateway are made again on it, on the same store.
        QObject::connect(&controller, &DesktopController::configChangeRequested, &window,
                         [&](const QString &path) {
                             switching = true;
                             config = path;
                             configManager = makeConfigManager(path);
                             previous = database;
                             sameStore = true;
                             window.closeForGood();
                         });
        QObject::connect(&controller, &DesktopController::quitRequested, &application,
                         &QApplication::quit, Qt::QueuedConnection);
        QObject::connect(&instance, &SingleInstance::raiseRequested, &window,
                         &ui::MainWindow::showAndRaise);
        // Saving a typed password in the keychain ends while this window shows.
        QObject::connect(
            &opener, &StoreOpener::passwordNotSaved, &window,
            [&window](const QString &message) { window.statusBar()->showMessage(message); });
        // On a shared store other machines usually serve: the embedded gateway waits to be
        // asked (Gateway → Start), unless the settings say otherwise.
        // After a new config.yaml on the same store, the gateway runs again if it ran.
        const bool startGateway =
            reopenedOnNewConfig
                ? wasListening
                : !parser.isSet(QStringLiteral("no-gateway")) &&
                      desktopSettings.startGatewayOnLaunch &&
                      (!database->isPostgres() ||
                       settings.value(QLatin1String(kGatewayOnSharedStoreSetting), false).toBool());
        if (configManager->lastLoadFailed()) {
            QStringList problems;
            for (const auto &problem : configManager->lastProblems())
                problems.append(problem.toString());
            window.setGatewayStatus(false, {},
                                    QApplication::translate("main", "%1 does not load: %2")
                                        .arg(config, problems.join(u'\n')));
        } else if (startGateway) {
            window.showGatewayStarting();
            gateway.start();
        }
        if (!(background && first))
            window.show();
        if (shown && first)
            shown(window);
        first = false;
        const int code = QApplication::exec();
        // The next pass's gateway listens where this one did (the settings may have moved it).
        options = gateway.options();
        wasListening = gateway.isListening();
        if (!switching)
            return code;
        // The next pass opens the chosen store; StoreOpener remembers its address (without
        // password) once it opened.
    }
}

} // namespace portico::app
