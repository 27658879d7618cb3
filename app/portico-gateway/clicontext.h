#pragma once

#include "config/gatewayconfig.h"
#include "store/result.h"

#include <QJsonValue>
#include <QString>

#include <memory>
#include <optional>

namespace portico::store {
class Database;
}

namespace portico::cli {

class CommandLine;

// Exit statuses of portico-gateway.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1; // the operation failed; the store is unchanged
inline constexpr int kExitUsage = 2;  // the command line is wrong

// What every command needs: the parsed line, the store and the config (both opened on demand,
// so a usage error never touches them), and the output conventions (human or JSON, errors on
// stderr saying what to do).
class CliContext {
public:
    explicit CliContext(const CommandLine &commandLine);
    ~CliContext();

    const CommandLine &commandLine() const { return m_commandLine; }
    bool json() const { return m_json; }

    // Both as the desktop app finds them (app/common/startup.h).
    QString databasePath() const;
    // Empty: the built-in config.
    QString configPath() const;
    // For messages: the config file, or "the built-in config".
    QString configLabel() const;
    // "cli:" + the user name, for the audit trail.
    static QString actor();

    // Opens the store; on failure prints why and returns null.
    store::Database *database();
    std::shared_ptr<store::Database> sharedDatabase();

    // Parses the config once. Null when it does not load (the problems are in configProblems()).
    const config::GatewayConfig *config();
    const QList<config::Problem> &configProblems();

    // Output. Text goes out as UTF-8 whatever the locale.
    static void printOut(const QString &text); // stdout, as is
    static void printErr(const QString &text); // stderr, with anything like a key redacted
    static QString redacted(const QString &text);
    void printJson(const QJsonValue &value) const;
    // A note for people (stderr), suppressed in JSON mode.
    void note(const QString &text) const;
    // A warning on stderr (also in JSON mode: stdout stays one JSON document).
    void warn(const QString &text) const;

    // Prints an error (stderr; {"error": {...}} in JSON mode) and returns kExitFailed.
    int fail(const QString &code, const QString &message) const;
    int fail(const store::Error &error, const QString &hint = {}) const;
    static QString errorCodeName(const store::Error &error);
    // A malformed option value: prints it with a hint to --help and returns kExitUsage.
    int usageError(const QString &message) const;

private:
    const CommandLine &m_commandLine;
    bool m_json = false;
    std::shared_ptr<store::Database> m_database;
    bool m_databaseTried = false;
    std::optional<config::LoadResult> m_config;
};

} // namespace portico::cli
