#pragma once

#include "http/serverstate.h"

#include <QObject>
#include <QSet>

#include <memory>

namespace portico::http {

class Connection;

// The connections of one worker thread. Lives in that thread; every method runs there.
class Worker : public QObject {
    Q_OBJECT
public:
    explicit Worker(std::shared_ptr<ServerState> state);

    void adopt(qintptr descriptor, bool counted, bool reject);
    void closeAll();

private:
    std::shared_ptr<ServerState> m_state;
    QSet<Connection *> m_connections;
};

} // namespace portico::http
