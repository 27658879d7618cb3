#pragma once

#include <QTcpServer>

#include <functional>

namespace portico::http {

// Accepts connections and passes their descriptors on, without making a QTcpSocket in the
// listening thread: the socket is created in the worker thread that serves it.
class Listener : public QTcpServer {
    Q_OBJECT
public:
    explicit Listener(std::function<void(qintptr)> onConnection, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    std::function<void(qintptr)> m_onConnection;
};

} // namespace portico::http
