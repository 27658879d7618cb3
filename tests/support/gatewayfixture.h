#pragma once

// The set-up the gateway tests share: a temporary folder with a config.yaml and a store (on
// PostgreSQL in a test's PostgreSQL variant, see teststore.h), one
// group "users" that grants the routes the test names, keys in that group, and a real gateway on
// a free loopback port. Steps return false and say why in *error, for QVERIFY2.

#include "config/configmanager.h"
#include "proxy/gateway.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "teststore.h"

#include <QFile>
#include <QTemporaryDir>

#include <memory>

namespace portico::test {

class GatewayFixture {
public:
    bool open(const QByteArray &configYaml, const QStringList &grantedRoutes, QString *error) {
        if (!dir.isValid())
            return fail(error, QStringLiteral("no temporary folder"));
        if (!writeConfig(configYaml))
            return fail(error, QStringLiteral("cannot write config.yaml"));
        config = std::make_shared<config::ConfigManager>(configPath());
        if (config->lastLoadFailed())
            return fail(error, QStringLiteral("the test's config.yaml does not load"));
        auto opened = store::Database::open(testStorePath(dir.path()));
        if (!opened)
            return fail(error, opened.error().message);
        database = opened.value();
        store::GroupStore groups(*database, QStringLiteral("test"));
        if (!groups.createGroup(QStringLiteral("users")))
            return fail(error, QStringLiteral("cannot create the group"));
        for (const QString &route : grantedRoutes) {
            if (!groups.addRoute(QStringLiteral("users"), route))
                return fail(error, QStringLiteral("cannot grant ") + route);
        }
        return true;
    }

    QString configPath() const { return dir.filePath(QStringLiteral("config.yaml")); }

    bool writeConfig(const QByteArray &yaml) const {
        QFile file(configPath());
        return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
               file.write(yaml) == yaml.size();
    }

    // A new key in "users"; its plaintext (empty on failure), and its uuid in *uuid.
    QString createKey(const QString &name, QString *uuid = nullptr) const {
        store::KeyStore keys(*database, QStringLiteral("test"));
        const auto created = keys.createKey(name, {QStringLiteral("users")});
        if (!created)
            return {};
        if (uuid)
            *uuid = created->record.uuid;
        return created->key;
    }

    // Port 0 is always used: the gateway picks a free port (Gateway::port()).
    std::unique_ptr<proxy::Gateway> startGateway(proxy::GatewayOptions options,
                                                 QString *error) const {
        options.port = 0;
        auto gateway = std::make_unique<proxy::Gateway>(database, config, options);
        if (!gateway->start()) {
            *error = gateway->errorString();
            return nullptr;
        }
        return gateway;
    }

    QTemporaryDir dir;
    std::shared_ptr<store::Database> database;
    std::shared_ptr<config::ConfigManager> config;

private:
    static bool fail(QString *error, const QString &why) {
        *error = why;
        return false;
    }
};

} // namespace portico::test
