#pragma once

// Shared set-up of the GUI tests: a real store in a temporary folder, a real config file, the
// store watcher, and QSettings kept away from the user's files.

#include "config/configmanager.h"
#include "gatewaytestlog.h"
#include "metering/gatewaylog.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "teststore.h"
#include "ui/appcontext.h"
#include "ui/storewatcher.h"

#include <QApplication>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace portico::test {

inline const QByteArray kTestConfig = QByteArrayLiteral("chat_models:\n"
                                                        "  - model_id: demo\n"
                                                        "    model: mock/echo\n"
                                                        "routes:\n"
                                                        "  demo:\n"
                                                        "    chat_models: [demo]\n"
                                                        "  assistant:\n"
                                                        "    chat_models: [demo]\n");

// Call from initTestCase(): settings and standard paths go to temporary places.
inline void isolateSettings(const QTemporaryDir &dir) {
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       dir.filePath(QStringLiteral("settings")));
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                       dir.filePath(QStringLiteral("settings")));
}

// isolateSettings(), and the application's name, which QSettings() and the single-instance name
// are made of (a test of its own for each program, so runs in parallel never share them).
inline void isolateApplication(const QTemporaryDir &dir, const QString &applicationName) {
    isolateSettings(dir);
    QCoreApplication::setOrganizationName(QStringLiteral("PorticoTest"));
    QCoreApplication::setApplicationName(applicationName);
}

// A loopback port nothing listened on a moment ago (0 if none could be found).
inline quint16 freePort() {
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost, 0))
        return 0;
    return server.serverPort();
}

// Call from initTestCase() of a test that may touch the system keychain (File → Open Store on a
// PostgreSQL store, ui::StorePasswords): unless the test runs under tests/ui/with-test-keyring.sh
// (a private session bus with a real Secret Service of its own, PORTICO_TEST_KEYRING set), the
// session bus is one that does not exist. So the test sees no keychain, as in CI, and never
// reaches the keychain of the developer running it.
inline bool usesTestKeyring() {
    return qEnvironmentVariableIsSet("PORTICO_TEST_KEYRING");
}
inline void isolateKeychain(const QTemporaryDir &dir) {
    if (!usesTestKeyring())
        qputenv("DBUS_SESSION_BUS_ADDRESS",
                QByteArrayLiteral("unix:path=") +
                    QFile::encodeName(dir.filePath(QStringLiteral("no-session-bus"))));
}

class UiFixture {
public:
    // What an embedded gateway logged is kept for the suite-wide key scan (tests/logscan).
    ~UiFixture() {
        if (context.gatewayLog)
            testsupport::saveGatewayLog(QStringLiteral("gateway.jsonl"), *context.gatewayLog);
    }

    bool open() {
        if (!dir.isValid())
            return false;
        const QString configFile = dir.filePath(QStringLiteral("config.yaml"));
        QFile file(configFile);
        if (!file.open(QIODevice::WriteOnly) || file.write(kTestConfig) != kTestConfig.size())
            return false;
        file.close();
        // On PostgreSQL in a test's PostgreSQL variant (teststore.h).
        auto opened = store::Database::open(testStorePath(dir.path()));
        if (!opened) {
            qWarning("store: %s", qPrintable(opened.error().message));
            return false;
        }
        database = opened.value();
        config = std::make_shared<config::ConfigManager>(configFile);
        if (config->lastLoadFailed())
            return false;
        watcher = std::make_unique<ui::StoreWatcher>(database, nullptr, 100);
        context.database = database;
        context.config = config;
        context.actor = QStringLiteral("test:ui");
        context.gatewayBaseUrl = [] { return QString(); };
        context.storeWatcher = watcher.get();
        // As in the desktop app: one log for the embedded gateway (GatewayOptions::log) and the
        // Logs page.
        context.gatewayLog = std::make_shared<metering::GatewayLog>();
        return true;
    }

    store::KeyStore keys() { return store::KeyStore(*database, QStringLiteral("test:setup")); }
    store::GroupStore groups() {
        return store::GroupStore(*database, QStringLiteral("test:setup"));
    }

    QString createGroup(const QString &name, const QStringList &routes = {}) {
        auto group = groups().createGroup(name);
        if (!group)
            return {};
        for (const auto &route : routes)
            groups().addRoute(group->uuid, route);
        return group->uuid;
    }

    // Creates a key; the plaintext is dropped: tests that need it go through the UI.
    QString createKey(const QString &name, const QStringList &groupUuids = {}) {
        auto created = keys().createKey(name, groupUuids);
        return created ? created->record.uuid : QString();
    }

    QTemporaryDir dir;
    std::shared_ptr<store::Database> database;
    std::shared_ptr<config::ConfigManager> config;
    std::unique_ptr<ui::StoreWatcher> watcher;
    ui::AppContext context;
};

// The widget of type T named `name` under `parent`, or under any top-level widget.
template <typename T> T *findWidget(const QString &name, QObject *parent = nullptr) {
    if (parent) {
        if (auto *found = parent->findChild<T *>(name))
            return found;
    }
    for (QWidget *top : QApplication::topLevelWidgets()) {
        if (auto *candidate = qobject_cast<T *>(top);
            candidate && (name.isEmpty() || top->objectName() == name) && top->isVisible())
            return candidate;
        if (auto *found = top->findChild<T *>(name))
            return found;
    }
    return nullptr;
}

// The visible top-level dialog of type T.
template <typename T> T *visibleDialog() {
    for (QWidget *top : QApplication::topLevelWidgets()) {
        if (auto *dialog = qobject_cast<T *>(top); dialog && dialog->isVisible())
            return dialog;
    }
    return nullptr;
}

} // namespace portico::test
