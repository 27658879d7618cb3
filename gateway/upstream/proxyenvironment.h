#pragma once

#include <QByteArray>

namespace portico::upstream {

// The hosts libcurl reaches without a proxy (CURLOPT_NOPROXY). Setting that option replaces what
// libcurl would read from the environment, so the user's own list is kept: `no_proxy`, else
// `NO_PROXY` (libcurl's order), followed by the loopback names, which are never proxied (a local
// model server behind a corporate proxy setting would otherwise be unreachable). "*" (no proxy
// for any host) stays "*". The proxies themselves (http_proxy, HTTPS_PROXY, ALL_PROXY, ...) are
// left to libcurl, which reads them from the environment as usual.
inline constexpr char kLoopbackNoProxy[] = "localhost,127.0.0.1,::1";
QByteArray noProxyHosts(const QByteArray &userNoProxy);
// noProxyHosts() of this process's environment, read at each call (cheap): a test or an
// embedding application may change it between calls.
QByteArray noProxyHostsFromEnvironment();

} // namespace portico::upstream
