#include "http/listener.h"

namespace portico::http {

Listener::Listener(std::function<void(qintptr)> onConnection, QObject *parent)
    : QTcpServer(parent)
    , m_onConnection(std::move(onConnection)) {}

void Listener::incomingConnection(qintptr descriptor) {
    m_onConnection(descriptor);
}

} // namespace portico::http
