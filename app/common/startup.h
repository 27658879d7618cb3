#pragma once

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <optional>

// What the desktop app and portico-gateway work out the same way as they start: their names
// (which decide the folders below), where the store and config.yaml are, and who they act as.
//
// Why here and not in gateway/: these are choices of the programs a person runs, not of the
// engine. The store and the config take a path and an actor as given, so a test, a service or
// another front end can pass its own; only these two programs share the defaults, so the code
// sits beside them, in one place, and they cannot drift apart.
namespace portico::app {

// First thing in main() of both programs: files this process creates are its owner's only
// (umask 077: the store, its -wal and -shm, the log file, exports), whatever umask it was started
// with; and no core dump is written (RLIMIT_CORE 0, soft and hard), so the one-time key shown on
// creation and the providers' keys from config.yaml and secrets.yaml cannot land in one.
// PR_SET_DUMPABLE is left alone on purpose: clearing it would also stop the same user from
// reading /proc/PID/fd and attaching a debugger or profiler (bench/run.sh reads /proc/PID/fd).
void protectProcess();

// Organization "Portico", application "portico" and the version: the desktop app and the command
// line use the same names so QStandardPaths gives both the same store and config folders. Call
// right after creating the application object.
void setApplicationIdentity();

// The value of `option` if the command line has it (even empty), for the functions below. Works
// with QCommandLineParser and with portico-gateway's own parser.
template <typename Parser>
std::optional<QString> givenOption(const Parser &parser, const QString &option) {
    if (!parser.isSet(option))
        return std::nullopt;
    return parser.value(option);
}

// --db if given (even empty: Database::open() then says a path is needed), else PORTICO_DB if
// set, else store::Database::defaultPath().
QString databasePath(const std::optional<QString> &given);

// <user config folder>/config.yaml, used when it exists and no --config is given.
QString userConfigPath();
// --config if given, else PORTICO_CONFIG if set, else userConfigPath() if it exists, else empty:
// the built-in config.
QString configPath(const std::optional<QString> &given);

// The settings of the installed service: /etc/portico/portico.conf, or the file PORTICO_SYSTEM_CONF
// names (empty: none). The systemd unit reads it as its EnvironmentFile=, and portico-gateway (not
// the desktop app) reads it too, so an admin's command line on that machine finds the service's
// store and config: --db/--config > the environment > this file > the user's own defaults.
// The package makes it 0640 root:portico: root and the portico user read it, an ordinary user
// cannot and keeps the per-user store the desktop app shares with the command line.
QString systemSettingsPath();

struct SystemSettings {
    QList<QPair<QString, QString>> values; // in file order
    QStringList problems;                  // "line N: why", for lines that are skipped
};
// KEY=VALUE lines as systemd's EnvironmentFile= reads them, in the subset Portico writes: blank
// lines and lines starting with # or ; are skipped, spaces around the key and the value are
// dropped, a value wholly in "..." or '...' loses its quotes. Lines that are not KEY=VALUE are
// reported and skipped.
SystemSettings parseSystemSettings(const QByteArray &text);

// Reads systemSettingsPath() and sets each variable that is not set in the environment already.
// A missing or unreadable file does nothing (the ordinary user's case). Returns the problems found
// (as "FILE: line N: why"), for a warning; they never stop the command.
QStringList applySystemSettings();

// Run as root on a SQLite store whose folder belongs to another user (the service's
// /var/lib/portico, owned by portico): gives that user the store and its -wal, -shm and -journal
// files where root owns them, so the service can still open a store an admin created or touched.
// SQLite already gives the -wal and -shm files it makes later the owner of the store file (its
// unix VFS does so when running as root). Anywhere else it does nothing. Returns a problem, or
// empty.
QString giveStoreToFolderOwner(const QString &storePath);

enum class Program { Desktop, CommandLine };
// Who makes a change, for the audit trail: "desktop:<user>" or "cli:<user>", the user being $USER,
// else the name of the effective uid, else the uid itself.
QString actor(Program program);

} // namespace portico::app
