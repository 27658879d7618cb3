#pragma once

#include <QHostAddress>
#include <QString>

#include <optional>

namespace portico::ui {

// Which program holds a TCP port, to explain a port already in use. Linux only: the listening
// socket's inode comes from /proc/net/tcp and /proc/net/tcp6, its process from the
// /proc/PID/fd/* links; another user's processes cannot be read, and then nothing is found.
struct PortOwner {
    qint64 pid = 0;
    QString name; // /proc/PID/comm
};
std::optional<PortOwner> findPortOwner(quint16 port);

// Whether a listener could bind `address`:`port` now.
bool portIsFree(const QHostAddress &address, quint16 port);
// The first free port after `after` (up to 100 tried, never above 65535); 0 when none is.
quint16 nextFreePort(const QHostAddress &address, quint16 after);

// "Port 8000 is in use by python3 (process 1234)." or "… by another program."
QString portInUseText(quint16 port);

} // namespace portico::ui
