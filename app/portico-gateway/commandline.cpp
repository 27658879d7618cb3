#include "commandline.h"

#include "clicontext.h"
#include "common/startup.h"
#include "store/database.h"

#include <QCoreApplication>
#include <QSet>

namespace portico::cli {

namespace {

QString programName() {
    return QStringLiteral("portico-gateway");
}

QString formatOptions(const QList<OptionSpec> &options) {
    QStringList lefts;
    int width = 0;
    for (const OptionSpec &option : options) {
        QString left = QStringLiteral("  --") + option.name;
        if (option.takesValue())
            left += QLatin1Char(' ') + option.valueName;
        width = qMax(width, int(left.size()));
        lefts << left;
    }
    QString text;
    for (qsizetype i = 0; i < options.size(); ++i) {
        QString line = lefts[i].leftJustified(width + 2) + options[i].description;
        text += line + QLatin1Char('\n');
    }
    return text;
}

} // namespace

QString CommandSpec::usageLine() const {
    QString line = path.join(QLatin1Char(' '));
    for (const QString &argument : arguments)
        line += QLatin1Char(' ') + argument;
    for (const OptionSpec &option : options) {
        line += QStringLiteral(" [--") + option.name;
        if (option.takesValue())
            line += QLatin1Char(' ') + option.valueName;
        line += QLatin1Char(']');
        // `usage` and `audit` filter by one group; the key commands take several.
        if (option.name == QLatin1String("group") && path.value(0) != QLatin1String("usage") &&
            path.value(0) != QLatin1String("audit"))
            line += QStringLiteral("...");
    }
    return line;
}

CommandLine::CommandLine(QList<CommandSpec> commands)
    : m_commands(std::move(commands)) {
    QSet<QString> seen;
    const QList<OptionSpec> globals = globalOptions();
    for (const OptionSpec &option : globals) {
        m_allOptions << option;
        seen.insert(option.name);
    }
    for (const CommandSpec &command : std::as_const(m_commands)) {
        for (const OptionSpec &option : command.options) {
            // One name has one meaning across commands, so the line can be read before the
            // command is known.
            Q_ASSERT(!seen.contains(option.name) ||
                     findOption(option.name)->takesValue() == option.takesValue());
            if (!seen.contains(option.name)) {
                m_allOptions << option;
                seen.insert(option.name);
            }
        }
    }
}

QList<OptionSpec> CommandLine::globalOptions() {
    return {
        {QStringLiteral("db"), QStringLiteral("PATH"),
         QStringLiteral("the store: an SQLite file, or postgresql://USER@HOST:PORT/DBNAME (env "
                        "PORTICO_DB, then /etc/portico/portico.conf; default: %1)")
             .arg(store::Database::defaultPath())},
        {QStringLiteral("config"), QStringLiteral("FILE"),
         QStringLiteral("config.yaml to use (env PORTICO_CONFIG, then /etc/portico/portico.conf; "
                        "default: %1 if it exists, "
                        "else the built-in config with the 'demo' route)")
             .arg(app::userConfigPath())},
        {QStringLiteral("json"), {}, QStringLiteral("print machine-readable JSON on stdout")},
        {QStringLiteral("help"), {}, QStringLiteral("show help (also: -h, or 'help COMMAND')")},
        {QStringLiteral("version"), {}, QStringLiteral("show the version")},
    };
}

const OptionSpec *CommandLine::findOption(const QString &name) const {
    for (const OptionSpec &option : m_allOptions) {
        if (option.name == name)
            return &option;
    }
    return nullptr;
}

QString CommandLine::helpHint() const {
    QString scope;
    if (m_command)
        scope = QLatin1Char(' ') + m_command->path.join(QLatin1Char(' '));
    else if (!m_helpGroup.isEmpty())
        scope = QLatin1Char(' ') + m_helpGroup;
    return QStringLiteral("Run '%1%2 --help' for usage.").arg(programName(), scope);
}

CommandLine::Outcome CommandLine::usageError(const QString &message) {
    m_error = message + QLatin1Char('\n') + helpHint();
    return Outcome::UsageError;
}

CommandLine::Outcome CommandLine::parse(const QStringList &arguments) {
    bool onlyPositionals = false;
    QString firstBadOption;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString &word = arguments[i];
        if (onlyPositionals) {
            m_words << word;
        } else if (word == QLatin1String("--")) {
            onlyPositionals = true;
        } else if (word == QLatin1String("-h")) {
            m_options.append({QStringLiteral("help"), {}});
        } else if (word.startsWith(QLatin1String("--")) && word.size() > 2) {
            QString name = word.mid(2);
            QString value;
            bool inlineValue = false;
            const qsizetype equals = name.indexOf(QLatin1Char('='));
            if (equals >= 0) {
                value = name.mid(equals + 1);
                name.truncate(equals);
                inlineValue = true;
            }
            const OptionSpec *spec = findOption(name);
            if (!spec) {
                if (firstBadOption.isEmpty())
                    firstBadOption = QStringLiteral("unknown option '--%1'.").arg(name);
                continue;
            }
            if (spec->takesValue() && !inlineValue) {
                if (i + 1 >= arguments.size()) {
                    if (firstBadOption.isEmpty())
                        firstBadOption = QStringLiteral("option '--%1' needs a value (%2).")
                                             .arg(name, spec->valueName);
                    continue;
                }
                value = arguments[++i];
            } else if (!spec->takesValue() && inlineValue) {
                if (firstBadOption.isEmpty())
                    firstBadOption = QStringLiteral("option '--%1' takes no value.").arg(name);
                continue;
            }
            m_options.append({name, value});
        } else if (word.startsWith(QLatin1Char('-')) && word.size() > 1) {
            if (firstBadOption.isEmpty())
                firstBadOption =
                    QStringLiteral("unknown option '%1' (to pass a value starting with '-', put "
                                   "'--' before it).")
                        .arg(word);
        } else {
            m_words << word;
        }
    }

    // Resolve the command first, so a bad option can point at the right --help.
    if (!m_words.isEmpty() && m_words.first() == QLatin1String("help")) {
        m_words.removeFirst();
        m_options.append({QStringLiteral("help"), {}});
    }
    const bool wantsHelp = isSet(QStringLiteral("help"));
    if (m_words.isEmpty()) {
        if (wantsHelp)
            return Outcome::Help;
        if (isSet(QStringLiteral("version")))
            return Outcome::Version;
        if (!firstBadOption.isEmpty())
            return usageError(firstBadOption);
        return usageError(QStringLiteral("missing command."));
    }

    bool knownGroup = false;
    for (const CommandSpec &command : std::as_const(m_commands)) {
        if (command.path.first() != m_words.first())
            continue;
        knownGroup = true;
        if (command.path.size() == 1 ||
            (m_words.size() >= 2 && command.path.at(1) == m_words.at(1))) {
            m_command = &command;
            break;
        }
    }
    if (!knownGroup) {
        return usageError(QStringLiteral("unknown command '%1'. The commands are keys, groups, "
                                         "routes, config, usage, audit and serve.")
                              .arg(m_words.first()));
    }
    if (!m_command) {
        m_helpGroup = m_words.first();
        if (wantsHelp)
            return Outcome::Help;
        QStringList subcommands;
        for (const CommandSpec &command : std::as_const(m_commands)) {
            if (command.path.first() == m_helpGroup)
                subcommands << command.path.value(1);
        }
        const QString known = subcommands.join(QStringLiteral(", "));
        if (m_words.size() < 2)
            return usageError(
                QStringLiteral("missing %1 command (one of: %2).").arg(m_helpGroup, known));
        return usageError(QStringLiteral("unknown %1 command '%2' (one of: %3).")
                              .arg(m_helpGroup, m_words.at(1), known));
    }
    if (wantsHelp)
        return Outcome::Help;
    if (!firstBadOption.isEmpty())
        return usageError(firstBadOption);

    for (const auto &[name, value] : std::as_const(m_options)) {
        bool allowed = false;
        for (const OptionSpec &option : globalOptions())
            allowed = allowed || option.name == name;
        for (const OptionSpec &option : m_command->options)
            allowed = allowed || option.name == name;
        if (!allowed) {
            return usageError(QStringLiteral("option '--%1' does not apply to '%2'.")
                                  .arg(name, m_command->path.join(QLatin1Char(' '))));
        }
    }

    m_arguments = m_words.mid(m_command->path.size());
    const qsizetype expected = m_command->arguments.size();
    if (m_arguments.size() < expected) {
        return usageError(QStringLiteral("missing argument %1 for '%2' (usage: %3 %4).")
                              .arg(m_command->arguments.at(m_arguments.size()),
                                   m_command->path.join(QLatin1Char(' ')), programName(),
                                   m_command->usageLine()));
    }
    if (m_arguments.size() > expected) {
        return usageError(QStringLiteral("unexpected argument '%1' for '%2' (usage: %3 %4); "
                                         "quote names that contain spaces.")
                              .arg(m_arguments.at(expected), m_command->path.join(QLatin1Char(' ')),
                                   programName(), m_command->usageLine()));
    }
    if (isSet(QStringLiteral("version")))
        return Outcome::Version;
    return Outcome::Run;
}

bool CommandLine::isSet(const QString &option) const {
    for (const auto &entry : m_options) {
        if (entry.first == option)
            return true;
    }
    return false;
}

QString CommandLine::value(const QString &option) const {
    QString result;
    for (const auto &entry : m_options) {
        if (entry.first == option)
            result = entry.second;
    }
    return result;
}

QStringList CommandLine::values(const QString &option) const {
    QStringList result;
    for (const auto &entry : m_options) {
        if (entry.first == option)
            result << entry.second;
    }
    return result;
}

QString CommandLine::helpText() const {
    if (m_command)
        return commandHelp(*m_command);
    if (!m_helpGroup.isEmpty())
        return groupHelp(m_helpGroup);
    return topLevelHelp();
}

QString CommandLine::topLevelHelp() const {
    QString text = QStringLiteral("Usage: %1 COMMAND [ARGUMENTS] [OPTIONS]\n\n"
                                  "The headless Portico gateway and its admin command line: API "
                                  "keys, groups, routes, usage, the audit trail, and the "
                                  "OpenAI-compatible gateway itself.\n\nCommands:\n")
                       .arg(programName());
    int width = 0;
    for (const CommandSpec &command : m_commands)
        width = qMax(width, int(command.path.join(QLatin1Char(' ')).size()));
    for (const CommandSpec &command : m_commands) {
        text += QStringLiteral("  ") +
                command.path.join(QLatin1Char(' ')).leftJustified(width + 2) + command.summary +
                QLatin1Char('\n');
    }
    text += QStringLiteral("\nGlobal options (before or after the command):\n") +
            formatOptions(globalOptions());
    text +=
        QStringLiteral(
            "\nKEY and GROUP are a uuid or a unique name. Times are ISO 8601 (UTC when no zone is "
            "given).\nExit status: 0 success, 1 the operation failed (nothing was changed), 2 the "
            "command line is wrong.\nRun '%1 COMMAND --help' for the details of a command.\n")
            .arg(programName());
    return text;
}

QString CommandLine::groupHelp(const QString &group) const {
    QString text = QStringLiteral("Usage: %1 %2 COMMAND [ARGUMENTS] [OPTIONS]\n\nCommands:\n")
                       .arg(programName(), group);
    for (const CommandSpec &command : m_commands) {
        if (command.path.first() == group)
            text += QStringLiteral("  %1\n      %2\n").arg(command.usageLine(), command.summary);
    }
    text += QStringLiteral("\nGlobal options (before or after the command):\n") +
            formatOptions(globalOptions());
    return text;
}

QString CommandLine::commandHelp(const CommandSpec &command) const {
    QString text = QStringLiteral("Usage: %1 %2\n\n%3\n")
                       .arg(programName(), command.usageLine(), command.summary);
    if (!command.details.isEmpty())
        text += QLatin1Char('\n') + command.details + QLatin1Char('\n');
    if (!command.options.isEmpty())
        text += QStringLiteral("\nOptions:\n") + formatOptions(command.options);
    text += QStringLiteral("\nGlobal options (before or after the command):\n") +
            formatOptions(globalOptions());
    return text;
}

} // namespace portico::cli
