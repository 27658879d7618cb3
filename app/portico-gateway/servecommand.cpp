// serve [--listen HOST:PORT] [--workers N] [--idle-timeout SECONDS] [--max-connections N]
//       [--max-body-bytes N] [--max-answer-bytes N] [--answer-budget-bytes N]
//       [--log-file PATH] [--no-metering]
#include "clicontext.h"
#include "commands.h"
#include "signalwatcher.h"

#include "config/configmanager.h"
#include "http/httpserver.h"
#include "metering/gatewaylog.h"
#include "proxy/gateway.h"
#include "store/database.h"

#include <QCoreApplication>

#include <csignal>
#include <limits>

namespace portico::cli {

namespace {

QString problemLines(const QList<config::Problem> &problems) {
    QString text;
    for (const config::Problem &problem : problems)
        text += problem.toString() + QLatin1Char('\n');
    return text;
}

// Reads a positive whole number option; false (after printing a usage error) when malformed.
bool readNumber(CliContext &context, const QString &name, qint64 maximum, qint64 *value,
                int *exitCode) {
    if (!context.commandLine().isSet(name))
        return true;
    bool ok = false;
    const QString text = context.commandLine().value(name);
    const qint64 number = text.toLongLong(&ok);
    if (!ok || number < 1 || number > maximum) {
        *exitCode = context.usageError(QStringLiteral("--%1 '%2' must be a whole number from 1 "
                                                      "to %3.")
                                           .arg(name, text)
                                           .arg(maximum));
        return false;
    }
    *value = number;
    return true;
}

int serve(CliContext &context) {
    const CommandLine &line = context.commandLine();
    QString listen = line.value(QStringLiteral("listen"));
    if (listen.isEmpty())
        listen = qEnvironmentVariable("PORTICO_LISTEN");
    if (listen.isEmpty())
        listen = QStringLiteral("127.0.0.1:8000");

    proxy::GatewayOptions options;
    QString addressError;
    if (!http::parseListenAddress(listen, &options.address, &options.port, &addressError)) {
        return context.usageError(
            QStringLiteral("--listen '%1' is not HOST:PORT (%2).").arg(listen, addressError));
    }
    int exitCode = kExitUsage;
    qint64 workers = options.workerThreads;
    qint64 idleSeconds = options.idleTimeoutMs / 1000;
    qint64 maxConnections = options.maxConnections;
    qint64 maxBodyBytes = options.maxBodyBytes;
    qint64 maxAnswerBytes = options.maxUpstreamAnswerBytes;
    qint64 answerBudgetBytes = options.upstreamAnswerBudgetBytes;
    if (!readNumber(context, QStringLiteral("workers"), 256, &workers, &exitCode) ||
        !readNumber(context, QStringLiteral("idle-timeout"), 24 * 3600, &idleSeconds, &exitCode) ||
        !readNumber(context, QStringLiteral("max-connections"), 1'000'000, &maxConnections,
                    &exitCode) ||
        !readNumber(context, QStringLiteral("max-body-bytes"), std::numeric_limits<qint32>::max(),
                    &maxBodyBytes, &exitCode) ||
        !readNumber(context, QStringLiteral("max-answer-bytes"), std::numeric_limits<qint32>::max(),
                    &maxAnswerBytes, &exitCode) ||
        !readNumber(context, QStringLiteral("answer-budget-bytes"),
                    std::numeric_limits<qint64>::max() / 2, &answerBudgetBytes, &exitCode))
        return exitCode;
    options.workerThreads = int(workers);
    options.idleTimeoutMs = int(idleSeconds * 1000);
    options.maxConnections = int(maxConnections);
    options.maxBodyBytes = maxBodyBytes;
    options.maxUpstreamAnswerBytes = maxAnswerBytes;
    options.upstreamAnswerBudgetBytes = answerBudgetBytes;
    options.metering = !line.isSet(QStringLiteral("no-metering"));

    QString logFile = line.value(QStringLiteral("log-file"));
    if (logFile.isEmpty())
        logFile = QStringLiteral("-");
    // No ring of recent entries: nothing in a headless gateway reads it (the desktop's Logs page
    // does), and keeping it cost every request a copy of its line.
    options.log = std::make_shared<metering::GatewayLog>(0);
    QString logError;
    if (!options.log->setJsonOutput(logFile, &logError))
        return context.fail(QStringLiteral("log-file"), logError);

    std::shared_ptr<store::Database> database = context.sharedDatabase();
    if (!database)
        return kExitFailed;

    const QString configPath = context.configPath();
    // Loads at once: a config that does not load now stops the start.
    auto configManager = std::make_shared<config::ConfigManager>(configPath);
    if (configManager->lastLoadFailed()) {
        CliContext::printErr(problemLines(configManager->lastProblems()));
        return context.fail(QStringLiteral("config"),
                            QStringLiteral("%1 does not load, so the gateway cannot start. Fix "
                                           "the problems above (check them with "
                                           "'portico-gateway config check') and start again.")
                                .arg(context.configLabel()));
    }
    CliContext::printErr(problemLines(configManager->lastProblems())); // warnings only
    const QString configLabel = configPath.isEmpty() ? QStringLiteral("built-in") : configPath;
    QObject::connect(configManager.get(), &config::ConfigManager::loadFailed,
                     [configLabel](const QList<config::Problem> &problems) {
                         CliContext::printErr(
                             problemLines(problems) +
                             QStringLiteral("portico-gateway: %1 does not load: still serving "
                                            "the last good config. Fix it and save again.\n")
                                 .arg(configLabel));
                     });
    QObject::connect(configManager.get(), &config::ConfigManager::configChanged,
                     [configLabel, manager = configManager.get()]() {
                         CliContext::printErr(QStringLiteral("portico-gateway: reloaded %1: %2 "
                                                             "route(s).\n")
                                                  .arg(configLabel)
                                                  .arg(manager->current()->routes.size()));
                     });
    if (!configPath.isEmpty())
        configManager->setWatchFile(true);

    proxy::Gateway gateway(database, configManager, options);
    SignalWatcher signalWatcher({SIGINT, SIGTERM, SIGHUP});
    QObject::connect(&signalWatcher, &SignalWatcher::signalReceived,
                     [&gateway, manager = configManager.get()](int signalNumber) {
                         if (signalNumber == SIGHUP) {
                             manager->reload();
                             return;
                         }
                         CliContext::printErr(QStringLiteral("portico-gateway: stopping (%1).\n")
                                                  .arg(signalNumber == SIGINT
                                                           ? QStringLiteral("SIGINT")
                                                           : QStringLiteral("SIGTERM")));
                         gateway.stop();
                         QCoreApplication::quit();
                     });

    if (!gateway.start()) {
        return context.fail(
            QStringLiteral("listen"),
            QStringLiteral("the gateway cannot start: %1").arg(gateway.errorString()));
    }
    QString address = gateway.listenAddress();
    if (address.isEmpty())
        address = listen;
    CliContext::printErr(QStringLiteral("Portico gateway listening on http://%1 (store: %2, "
                                        "config: %3)\n")
                             .arg(address, database->path(), configLabel));
    return QCoreApplication::exec();
}

} // namespace

QList<CommandSpec> serveCommands() {
    return {
        {{QStringLiteral("serve")},
         {},
         {{QStringLiteral("listen"), QStringLiteral("HOST:PORT"),
           QStringLiteral("where to listen (env PORTICO_LISTEN; default 127.0.0.1:8000)")},
          {QStringLiteral("workers"), QStringLiteral("N"),
           QStringLiteral("HTTP worker threads (default 2)")},
          {QStringLiteral("idle-timeout"), QStringLiteral("SECONDS"),
           QStringLiteral("close idle keep-alive connections after this long (default 60)")},
          {QStringLiteral("max-connections"), QStringLiteral("N"),
           QStringLiteral("refuse connections beyond this many (default 1024)")},
          {QStringLiteral("max-body-bytes"), QStringLiteral("N"),
           QStringLiteral("refuse larger request bodies with 413 (default 10 MiB)")},
          {QStringLiteral("max-answer-bytes"), QStringLiteral("N"),
           QStringLiteral("refuse larger non-streamed upstream answers with 502 (default 16 MiB)")},
          {QStringLiteral("answer-budget-bytes"), QStringLiteral("N"),
           QStringLiteral("memory for all non-streamed upstream answers held at once; past it "
                          "503 (default 256 MiB)")},
          {QStringLiteral("log-file"), QStringLiteral("PATH"),
           QStringLiteral("append the structured log as JSON lines to PATH ('-': stderr, the "
                          "default)")},
          {QStringLiteral("no-metering"), QString(),
           QStringLiteral("benchmarks only: write no usage rows, request log lines or request "
                          "metrics (bench/run.sh measures their cost)")}},
         QStringLiteral("Run the OpenAI-compatible gateway until SIGINT or SIGTERM."),
         QStringLiteral("The config is watched and reloaded when it changes (and on SIGHUP); "
                        "a broken file is refused\nand the last good config keeps serving. A "
                        "broken config at startup is an error (exit status 1)."),
         serve},
    };
}

} // namespace portico::cli
