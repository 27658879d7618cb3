// portico-gateway: the headless gateway and the admin command line (keys, groups, routes,
// config, usage, serve). See `portico-gateway --help`.
#include "clicontext.h"
#include "commandline.h"
#include "commands.h"
#include "common/startup.h"

#include <QCoreApplication>

int main(int argc, char *argv[]) {
    using namespace portico::cli;
    portico::app::protectProcess();

    // Qt's own UNIX event dispatcher (poll) rather than GLib's: the gateway's threads run
    // nothing that needs GLib, and GLib's main loop costs several percent of the CPU per request
    // under load (docs/PERFORMANCE.md). Read by Qt when the first event loop is created.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    portico::app::setApplicationIdentity();

    CommandLine commandLine(allCommands());
    switch (commandLine.parse(QCoreApplication::arguments().mid(1))) {
    case CommandLine::Outcome::Help:
        CliContext::printOut(commandLine.helpText());
        return kExitOk;
    case CommandLine::Outcome::Version:
        CliContext::printOut(
            QStringLiteral("portico-gateway %1\n").arg(QCoreApplication::applicationVersion()));
        return kExitOk;
    case CommandLine::Outcome::UsageError:
        CliContext::printErr(QStringLiteral("portico-gateway: ") + commandLine.errorMessage() +
                             QLatin1Char('\n'));
        return kExitUsage;
    case CommandLine::Outcome::Run:
        break;
    }
    // The installed service's settings, under whatever is already in the environment (the order:
    // app/common/startup.h). After parsing, so --help and --version never depend on the file.
    for (const QString &problem : portico::app::applySystemSettings())
        CliContext::printErr(QStringLiteral("portico-gateway: warning: ") + problem +
                             QLatin1Char('\n'));
    CliContext context(commandLine);
    return commandLine.command()->run(context);
}
