#pragma once

#include "commandline.h"

#include <QList>

// The commands of portico-gateway, one family per source file.
namespace portico::cli {

// objectcommands.cpp: one table for both, what differs in keycommands.cpp and groupcommands.cpp
QList<CommandSpec> keyCommands();
QList<CommandSpec> groupCommands();
QList<CommandSpec> routeCommands(); // routecommands.cpp: routes list, config check
QList<CommandSpec> usageCommands(); // usagecommand.cpp
QList<CommandSpec> serveCommands(); // servecommand.cpp
QList<CommandSpec> auditCommands(); // auditcommand.cpp
QList<CommandSpec> storeCommands(); // storecommand.cpp: store copy

inline QList<CommandSpec> allCommands() {
    return keyCommands() + groupCommands() + routeCommands() + usageCommands() + auditCommands() +
           storeCommands() + serveCommands();
}

} // namespace portico::cli
