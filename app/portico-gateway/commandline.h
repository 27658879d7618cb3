#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace portico::cli {

class CliContext;

struct OptionSpec {
    QString name;      // without the leading "--"
    QString valueName; // empty: a flag
    QString description;
    bool takesValue() const { return !valueName.isEmpty(); }
};

// One command of the command line ("keys create"), what it takes and who runs it.
struct CommandSpec {
    QStringList path;          // {"keys", "create"}
    QStringList arguments;     // required positional arguments, in order: {"NAME"}
    QList<OptionSpec> options; // options of this command (the global ones apply everywhere)
    QString summary;           // one line
    QString details;           // paragraphs shown by --help
    std::function<int(CliContext &context)> run;
    QString usageLine() const;
};

// The parsed command line: global options may appear anywhere, before or after the command,
// so the whole line is read first and the command resolved afterwards.
class CommandLine {
public:
    enum class Outcome { Run, Help, Version, UsageError };

    explicit CommandLine(QList<CommandSpec> commands);

    // `arguments` without the program name.
    Outcome parse(const QStringList &arguments);

    // After Run or Help: the resolved command (null for the top-level help).
    const CommandSpec *command() const { return m_command; }
    // After UsageError: what is wrong and how to get help.
    QString errorMessage() const { return m_error; }
    // After Help: the text to print.
    QString helpText() const;

    // Positional arguments after the command path.
    const QStringList &arguments() const { return m_arguments; }
    QString argument(int index) const { return m_arguments.value(index); }
    bool isSet(const QString &option) const;
    QString value(const QString &option) const; // last occurrence; empty if absent
    QStringList values(const QString &option) const;

    static QList<OptionSpec> globalOptions();

private:
    const OptionSpec *findOption(const QString &name) const;
    QString topLevelHelp() const;
    QString groupHelp(const QString &group) const;
    QString commandHelp(const CommandSpec &command) const;
    QString helpHint() const;
    Outcome usageError(const QString &message);

    QList<CommandSpec> m_commands;
    QList<OptionSpec> m_allOptions;
    const CommandSpec *m_command = nullptr;
    QString m_helpGroup; // "keys" when help is asked for a group without a command
    QStringList m_words;
    QStringList m_arguments;
    QList<QPair<QString, QString>> m_options;
    QString m_error;
};

} // namespace portico::cli
