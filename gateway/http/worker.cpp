#include "http/worker.h"

#include "http/connection.h"

#if defined(Q_OS_UNIX)
#include <unistd.h>
#endif

namespace portico::http {

Worker::Worker(std::shared_ptr<ServerState> state)
    : m_state(std::move(state)) {}

void Worker::adopt(qintptr descriptor, bool counted, bool reject) {
    auto *connection = new Connection(m_state, this);
    connect(connection, &Connection::closed, this,
            [this](Connection *closed) { m_connections.remove(closed); });
    m_connections.insert(connection);
    if (!connection->start(descriptor, counted, reject)) {
        delete connection;
#if defined(Q_OS_UNIX)
        ::close(static_cast<int>(descriptor));
#endif
    }
}

void Worker::closeAll() {
    const QSet<Connection *> connections = std::exchange(m_connections, {});
    for (Connection *connection : connections) {
        connection->closeNow();
        delete connection;
    }
}

} // namespace portico::http
