#include "singleinstance.h"

#include <QCryptographicHash>
#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QStandardPaths>

#include <unistd.h>

namespace portico::app {

namespace {
constexpr char kRaise[] = "raise\n";
// Generous: the other instance may be busy starting (opening its store) when asked.
constexpr int kConnectMs = 2000;
constexpr int kWriteMs = 2000;
} // namespace

SingleInstance::SingleInstance(QString name, QObject *parent)
    : QObject(parent)
    , m_name(std::move(name)) {}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::serverName() {
    const QString data =
        QDir::cleanPath(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation));
    const QByteArray hash =
        QCryptographicHash::hash(data.toUtf8(), QCryptographicHash::Sha256).toHex().left(12);
    return QStringLiteral("portico-%1-%2").arg(::getuid()).arg(QString::fromLatin1(hash));
}

bool SingleInstance::tellOther() {
    QLocalSocket socket;
    socket.connectToServer(m_name);
    if (!socket.waitForConnected(kConnectMs))
        return false;
    socket.write(kRaise);
    if (!socket.waitForBytesWritten(kWriteMs))
        return false;
    socket.disconnectFromServer();
    if (socket.state() != QLocalSocket::UnconnectedState)
        socket.waitForDisconnected(kWriteMs);
    return true;
}

SingleInstance::Outcome SingleInstance::start() {
    // Twice at most: if another instance took the socket between our failed connect and our
    // listen, the second round reaches it.
    for (int round = 0; round < 2; ++round) {
        if (tellOther())
            return Outcome::OtherRaised;
        // Nobody answers: a socket file, if any, was left by an instance that crashed.
        QLocalServer::removeServer(m_name);
        auto *server = new QLocalServer(this);
        // Other users may not connect (a socket in /tmp otherwise accepts anyone).
        server->setSocketOptions(QLocalServer::UserAccessOption);
        if (server->listen(m_name)) {
            m_server = server;
            connect(m_server, &QLocalServer::newConnection, this, [this] {
                while (QLocalSocket *peer = m_server->nextPendingConnection()) {
                    connect(peer, &QLocalSocket::disconnected, peer, &QObject::deleteLater);
                    const auto read = [this, peer] {
                        while (peer->canReadLine()) {
                            if (peer->readLine() == kRaise)
                                Q_EMIT raiseRequested();
                        }
                    };
                    connect(peer, &QLocalSocket::readyRead, this, read);
                    read(); // what arrived with the connection
                }
            });
            return Outcome::Primary;
        }
        m_error = server->errorString();
        delete server;
    }
    return Outcome::Failed;
}

} // namespace portico::app
