#include "clicontext.h"

#include "commandline.h"
#include "common/startup.h"
#include "store/apikeyformat.h"
#include "store/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace portico::cli {

CliContext::CliContext(const CommandLine &commandLine)
    : m_commandLine(commandLine)
    , m_json(commandLine.isSet(QStringLiteral("json"))) {}

CliContext::~CliContext() = default;

QString CliContext::databasePath() const {
    return app::databasePath(app::givenOption(m_commandLine, QStringLiteral("db")));
}

QString CliContext::configPath() const {
    return app::configPath(app::givenOption(m_commandLine, QStringLiteral("config")));
}

QString CliContext::configLabel() const {
    const QString path = configPath();
    return path.isEmpty() ? QStringLiteral("the built-in config") : path;
}

QString CliContext::actor() {
    return app::actor(app::Program::CommandLine);
}

std::shared_ptr<store::Database> CliContext::sharedDatabase() {
    if (m_databaseTried)
        return m_database;
    m_databaseTried = true;
    const QString path = databasePath();
    auto opened = store::Database::open(path);
    if (!opened.ok()) {
        QString message = QStringLiteral("cannot open the store: ") + opened.error().message;
        if (!message.contains(QLatin1String("--db")))
            message += QStringLiteral(" Check that %1 is writable, or choose another store with "
                                      "--db PATH.")
                           .arg(path);
        fail(QStringLiteral("store"), message);
        return nullptr;
    }
    m_database = opened.value();
    // An admin's `sudo portico-gateway keys create ...` on the service's store must not leave it,
    // or its -wal/-shm, owned by root: the service (user portico) could no longer open it.
    if (const QString problem = app::giveStoreToFolderOwner(path); !problem.isEmpty())
        warn(problem);
    return m_database;
}

store::Database *CliContext::database() {
    return sharedDatabase().get();
}

const config::GatewayConfig *CliContext::config() {
    if (!m_config) {
        const QString path = configPath();
        if (path.isEmpty()) {
            m_config = config::parseConfig(config::builtInConfigText(),
                                           QStringLiteral("config.yaml (built-in)"), {});
        } else {
            m_config = config::loadConfigFile(path);
        }
    }
    return m_config->config ? &*m_config->config : nullptr;
}

const QList<config::Problem> &CliContext::configProblems() {
    config();
    return m_config->problems;
}

void CliContext::printOut(const QString &text) {
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

QString CliContext::redacted(const QString &text) {
    // Whatever a user typed may be echoed in a message; an API key pasted by mistake must not be.
    return store::apikey::redacted(text);
}

void CliContext::printErr(const QString &text) {
    const QByteArray bytes = redacted(text).toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

void CliContext::printJson(const QJsonValue &value) const {
    QByteArray bytes;
    if (value.isArray())
        bytes = QJsonDocument(value.toArray()).toJson(QJsonDocument::Indented);
    else
        bytes = QJsonDocument(value.toObject()).toJson(QJsonDocument::Indented);
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void CliContext::note(const QString &text) const {
    if (!m_json)
        printErr(text + QLatin1Char('\n'));
}

void CliContext::warn(const QString &text) const {
    printErr(QStringLiteral("portico-gateway: warning: ") + text + QLatin1Char('\n'));
}

int CliContext::fail(const QString &code, const QString &message) const {
    if (m_json) {
        QJsonObject error{{QStringLiteral("message"), message}, {QStringLiteral("code"), code}};
        printErr(QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("error"), error}})
                                       .toJson(QJsonDocument::Compact)) +
                 QLatin1Char('\n'));
    } else {
        printErr(QStringLiteral("portico-gateway: error: ") + message + QLatin1Char('\n'));
    }
    return kExitFailed;
}

QString CliContext::errorCodeName(const store::Error &error) {
    switch (error.code) {
    case store::Error::Code::NotFound:
        return QStringLiteral("not_found");
    case store::Error::Code::Ambiguous:
        return QStringLiteral("ambiguous");
    case store::Error::Code::Duplicate:
        return QStringLiteral("duplicate");
    case store::Error::Code::InvalidName:
        return QStringLiteral("invalid_name");
    case store::Error::Code::InvalidInput:
        return QStringLiteral("invalid_input");
    case store::Error::Code::SchemaTooNew:
        return QStringLiteral("schema_too_new");
    case store::Error::Code::Database:
        return QStringLiteral("database");
    }
    return QStringLiteral("error");
}

int CliContext::fail(const store::Error &error, const QString &hint) const {
    QString message = error.message;
    if (!hint.isEmpty())
        message += QLatin1Char(' ') + hint;
    return fail(errorCodeName(error), message);
}

int CliContext::usageError(const QString &message) const {
    const QString hint = QStringLiteral("Run 'portico-gateway %1 --help' for usage.")
                             .arg(m_commandLine.command()->path.join(QLatin1Char(' ')));
    if (m_json) {
        fail(QStringLiteral("usage"), message + QLatin1Char(' ') + hint);
    } else {
        printErr(QStringLiteral("portico-gateway: ") + message + QLatin1Char('\n') + hint +
                 QLatin1Char('\n'));
    }
    return kExitUsage;
}

} // namespace portico::cli
