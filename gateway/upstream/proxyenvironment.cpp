#include "upstream/proxyenvironment.h"

#include <QList>
#include <QtGlobal>

namespace portico::upstream {

QByteArray noProxyHosts(const QByteArray &userNoProxy) {
    const QByteArray user = userNoProxy.trimmed();
    if (user == "*")
        return user;
    QByteArray hosts;
    for (const QByteArray &entry : user.split(',')) {
        const QByteArray host = entry.trimmed();
        if (host.isEmpty())
            continue;
        hosts += host;
        hosts += ',';
    }
    return hosts + QByteArray(kLoopbackNoProxy);
}

QByteArray noProxyHostsFromEnvironment() {
    QByteArray user = qgetenv("no_proxy");
    if (user.trimmed().isEmpty())
        user = qgetenv("NO_PROXY");
    return noProxyHosts(user);
}

} // namespace portico::upstream
