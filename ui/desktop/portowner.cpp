#include "ui/desktop/portowner.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QTcpServer>

namespace portico::ui {

namespace {
constexpr char kListenState[] = "0A"; // TCP_LISTEN in /proc/net/tcp's "st" column

// The inodes of the sockets listening on `port` (any address) in one /proc/net/tcp* table.
void listeningInodes(const QString &table, quint16 port, QSet<QByteArray> &inodes) {
    QFile file(table);
    if (!file.open(QIODevice::ReadOnly))
        return;
    file.readLine(); // the header
    while (!file.atEnd()) {
        const QList<QByteArray> fields = file.readLine().simplified().split(' ');
        // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
        if (fields.size() < 10 || fields.at(3) != kListenState)
            continue;
        const QByteArray &local = fields.at(1);
        const qsizetype colon = local.lastIndexOf(':');
        bool ok = false;
        if (colon < 0 || local.mid(colon + 1).toUShort(&ok, 16) != port || !ok)
            continue;
        if (fields.at(9) != "0")
            inodes.insert(fields.at(9));
    }
}
} // namespace

std::optional<PortOwner> findPortOwner(quint16 port) {
    QSet<QByteArray> inodes;
    listeningInodes(QStringLiteral("/proc/net/tcp"), port, inodes);
    listeningInodes(QStringLiteral("/proc/net/tcp6"), port, inodes);
    if (inodes.isEmpty())
        return std::nullopt;
    QSet<QString> links;
    for (const QByteArray &inode : std::as_const(inodes))
        links.insert(QStringLiteral("socket:[%1]").arg(QString::fromLatin1(inode)));
    const QStringList pids =
        QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &pid : pids) {
        bool numeric = false;
        const qint64 id = pid.toLongLong(&numeric);
        if (!numeric)
            continue;
        // Unreadable for other users' processes: skipped.
        const QDir fds(QStringLiteral("/proc/%1/fd").arg(pid));
        const QStringList entries =
            fds.entryList(QDir::Files | QDir::System | QDir::NoDotAndDotDot);
        for (const QString &fd : entries) {
            // The link reads "socket:[INODE]"; Qt makes it absolute against the folder.
            if (!links.contains(QFileInfo(fds.filePath(fd)).symLinkTarget().section(u'/', -1)))
                continue;
            QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
            PortOwner owner;
            owner.pid = id;
            if (comm.open(QIODevice::ReadOnly))
                owner.name = QString::fromLocal8Bit(comm.readAll().trimmed());
            return owner;
        }
    }
    return std::nullopt;
}

bool portIsFree(const QHostAddress &address, quint16 port) {
    QTcpServer probe;
    return probe.listen(address, port);
}

quint16 nextFreePort(const QHostAddress &address, quint16 after) {
    for (int port = after + 1; port <= 65535 && port <= after + 100; ++port) {
        if (portIsFree(address, quint16(port)))
            return quint16(port);
    }
    return 0;
}

QString portInUseText(quint16 port) {
    if (const auto owner = findPortOwner(port); owner && !owner->name.isEmpty())
        return QCoreApplication::translate("PortOwner", "Port %1 is in use by %2 (process %3).")
            .arg(port)
            .arg(owner->name)
            .arg(owner->pid);
    return QCoreApplication::translate("PortOwner", "Port %1 is in use by another program.")
        .arg(port);
}

} // namespace portico::ui
