#pragma once

#include <QString>

namespace portico::ui {

// Start at login, the freedesktop way: an entry in $XDG_CONFIG_HOME/autostart (default
// ~/.config/autostart) that desktops run when the user logs in. Written and removed from the
// settings dialog; the entry starts the app with --background (in the tray when there is one).
namespace autostart {

// $XDG_CONFIG_HOME/autostart/portico.desktop, or ~/.config/autostart/portico.desktop.
QString entryPath();
bool isEnabled();
// Writes the entry for `program` (default: this executable) or removes it. On failure returns
// false and says why in `error`.
bool setEnabled(bool enabled, QString *error, const QString &program = {});
// The entry's text for `program`.
QByteArray entryText(const QString &program);

} // namespace autostart
} // namespace portico::ui
