#include "http/httpserver.h"

#include "http/listener.h"
#include "http/serverstate.h"
#include "http/worker.h"

#include "eventloop/epolldispatcher.h"

#include <QAbstractEventDispatcher>
#include <QThread>

#include <vector>

#include <sys/resource.h>

namespace portico::http {

void Responder::reportDisconnected() {
    if (m_listener)
        m_listener->responderDisconnected();
    Q_EMIT disconnected();
}

void Responder::reportDrained() {
    if (m_listener)
        m_listener->responderDrained();
    Q_EMIT drained();
}

namespace {

QString hostPort(const QHostAddress &address, quint16 port) {
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
                             : address.toString();
    return host + QLatin1Char(':') + QString::number(port);
}

} // namespace

class Server::Private {
public:
    void startWorkers();
    void stopWorkers();
    void hand(qintptr descriptor);

    std::shared_ptr<ServerState> state = std::make_shared<ServerState>();
    std::unique_ptr<Listener> listener;
    std::vector<QThread *> threads;
    std::vector<Worker *> workers;
    size_t nextWorker = 0;
    QString errorString;
};

void Server::Private::startWorkers() {
    if (!workers.empty())
        return;
    const int count = std::max(1, state->limits.workerThreads);
    for (int i = 0; i < count; ++i) {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("portico-http-%1").arg(i));
        // Its loop on epoll where there is one (eventloop/epolldispatcher.h says why); the
        // thread owns the dispatcher.
        if (QAbstractEventDispatcher *dispatcher = eventloop::createServingDispatcher())
            thread->setEventDispatcher(dispatcher);
        auto *worker = new Worker(state);
        worker->moveToThread(thread);
        // Deferred deletes still pending when the loop ends are run by QThread on exit.
        QObject::connect(thread, &QThread::finished, worker, &QObject::deleteLater);
        thread->start();
        threads.push_back(thread);
        workers.push_back(worker);
    }
}

void Server::Private::stopWorkers() {
    for (Worker *worker : workers) {
        if (worker->thread() == QThread::currentThread())
            worker->closeAll();
        else
            QMetaObject::invokeMethod(worker, &Worker::closeAll, Qt::BlockingQueuedConnection);
    }
    for (QThread *thread : threads) {
        thread->quit();
        thread->wait();
        delete thread;
    }
    threads.clear();
    workers.clear();
    nextWorker = 0;
}

void Server::Private::hand(qintptr descriptor) {
    const int open = state->openConnections.fetch_add(1) + 1;
    const bool reject = open > state->limits.maxConnections;
    if (reject)
        state->openConnections.fetch_sub(1);
    Worker *worker = workers[nextWorker++ % workers.size()];
    QMetaObject::invokeMethod(
        worker, [worker, descriptor, reject] { worker->adopt(descriptor, !reject, reject); },
        Qt::QueuedConnection);
}

Server::Server(Handler handler, Limits limits, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>()) {
    d->state->handler = std::move(handler);
    d->state->limits = limits;
}

Server::~Server() {
    close();
}

void Server::setRejectionHandler(RejectionHandler handler) {
    Q_ASSERT(!isListening()); // the workers read the state without a lock
    d->state->rejectionHandler = std::move(handler);
}

void Server::setHeadCheck(HeadCheck check) {
    Q_ASSERT(!isListening()); // the workers read the state without a lock
    d->state->headCheck = std::move(check);
}

namespace {

// Descriptors kept for everything but client connections (the store, the log, the listener,
// libraries).
constexpr int kReservedDescriptors = 128;

// Raises the soft limit of open files to the hard one (the common soft default, 1,024, is less
// than 1,000 clients plus their upstream connections); the limit in force.
rlim_t raiseOpenFileLimit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 1024;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            return raised.rlim_cur;
    }
    return limit.rlim_cur;
}

} // namespace

bool Server::listen(const QHostAddress &address, quint16 port) {
    // Each client may hold an upstream connection too: refuse clients (503) before the process
    // runs out of descriptors, rather than failing accept() or an upstream call.
    const rlim_t openFiles = raiseOpenFileLimit();
    const auto fitting =
        qint64(std::max<rlim_t>(openFiles, 2 * kReservedDescriptors) - kReservedDescriptors) / 2;
    if (d->state->limits.maxConnections > fitting) {
        qWarning("portico::http: %d connections would need more open files than the limit "
                 "of %lld allows; accepting at most %lld (raise the hard limit, e.g. "
                 "LimitNOFILE= in the systemd unit)",
                 d->state->limits.maxConnections, static_cast<long long>(openFiles),
                 static_cast<long long>(fitting));
        d->state->limits.maxConnections = int(fitting);
    }
    if (isListening()) {
        d->errorString = QStringLiteral("The server is already listening on %1.")
                             .arg(hostPort(this->address(), this->port()));
        return false;
    }
    d->errorString.clear();
    auto listener = std::make_unique<Listener>([this](qintptr descriptor) { d->hand(descriptor); });
    listener->setListenBacklogSize(std::clamp(d->state->limits.maxConnections, 128, 4096));
    if (!listener->listen(address, port)) {
        const QString where = hostPort(address, port);
        switch (listener->serverError()) {
        case QAbstractSocket::AddressInUseError:
            d->errorString = QStringLiteral("%1 is already in use: stop the program using it or "
                                            "choose another address with --listen")
                                 .arg(where);
            break;
        case QAbstractSocket::SocketAccessError:
            d->errorString = QStringLiteral("%1 needs administrator rights (ports below 1024): "
                                            "choose another address with --listen")
                                 .arg(where);
            break;
        case QAbstractSocket::SocketAddressNotAvailableError:
            d->errorString = QStringLiteral("%1 is not an address of this machine: choose "
                                            "another address with --listen, for example "
                                            "127.0.0.1:8000")
                                 .arg(where);
            break;
        default:
            d->errorString =
                QStringLiteral("cannot listen on %1: %2").arg(where, listener->errorString());
            break;
        }
        return false;
    }
    d->startWorkers();
    d->listener = std::move(listener);
    return true;
}

void Server::close() {
    if (d->listener) {
        d->listener->close();
        d->listener.reset();
    }
    d->stopWorkers();
}

bool Server::isListening() const {
    return d->listener && d->listener->isListening();
}

QHostAddress Server::address() const {
    return d->listener ? d->listener->serverAddress() : QHostAddress();
}

quint16 Server::port() const {
    return d->listener ? d->listener->serverPort() : 0;
}

QString Server::errorString() const {
    return d->errorString;
}

int Server::openConnections() const {
    return d->state->openConnections.load();
}

bool parseListenAddress(const QString &text, QHostAddress *address, quint16 *port, QString *error) {
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    const QString input = text.trimmed();
    if (input.isEmpty())
        return fail(QStringLiteral("The listen address is empty: write HOST:PORT, for example "
                                   "127.0.0.1:8000."));

    QString host;
    QString portText;
    if (input.startsWith(QLatin1Char('['))) {
        const qsizetype close = input.indexOf(QLatin1Char(']'));
        if (close < 0)
            return fail(QStringLiteral("\"%1\" has no closing \"]\": write IPv6 addresses as "
                                       "[::1]:8000.")
                            .arg(input));
        host = input.mid(1, close - 1);
        const QString rest = input.mid(close + 1);
        if (!rest.startsWith(QLatin1Char(':')))
            return fail(QStringLiteral("\"%1\" has no port: write [%2]:8000.").arg(input, host));
        portText = rest.mid(1);
        if (host.isEmpty())
            return fail(QStringLiteral("\"%1\" has an empty IPv6 address.").arg(input));
    } else if (input.count(QLatin1Char(':')) > 1) {
        return fail(QStringLiteral("\"%1\" is ambiguous: write IPv6 addresses in brackets, for "
                                   "example [::1]:8000.")
                        .arg(input));
    } else if (input.contains(QLatin1Char(':'))) {
        const qsizetype colon = input.indexOf(QLatin1Char(':'));
        host = input.left(colon);
        portText = input.mid(colon + 1);
    } else {
        portText = input;
        bool digits = true;
        for (QChar c : input)
            digits = digits && c.isDigit();
        if (!digits)
            return fail(QStringLiteral("\"%1\" has no port: write HOST:PORT, for example "
                                       "127.0.0.1:8000.")
                            .arg(input));
    }

    if (portText.isEmpty())
        return fail(QStringLiteral("\"%1\" has no port: write HOST:PORT, for example "
                                   "127.0.0.1:8000.")
                        .arg(input));
    bool digits = portText.size() <= 5;
    for (QChar c : portText)
        digits = digits && c.isDigit() && c.unicode() < 128;
    const uint portValue = digits ? portText.toUInt() : 0;
    if (!digits || portValue > 65535)
        return fail(QStringLiteral("\"%1\" is not a valid port: use a number from 1 to 65535 "
                                   "(0 picks a free port).")
                        .arg(portText));

    QHostAddress hostAddress;
    if (host.isEmpty() || host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) {
        hostAddress = QHostAddress(QHostAddress::LocalHost);
    } else if (!hostAddress.setAddress(host)) {
        return fail(QStringLiteral("\"%1\" is not an IP address: use 127.0.0.1 (this machine "
                                   "only), 0.0.0.0 (all interfaces), [::1] or localhost.")
                        .arg(host));
    }
    if (address)
        *address = hostAddress;
    if (port)
        *port = static_cast<quint16>(portValue);
    if (error)
        error->clear();
    return true;
}

} // namespace portico::http
