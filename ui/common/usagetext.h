#pragma once

#include <QString>

namespace portico::store {
struct UsageAggregate;
}

namespace portico::ui {

// How the usage pages write a cost, a key and a route, so the Dashboard, the Usage page and a
// key's summary show the same line the same way.

// "$0.0123": dollars, as config.yaml prices models, to four decimals (a cent is too coarse for
// one request), in the user's locale.
QString costText(double usd);
// The key's name with "(deleted)" after a deleted key; "(no key)" for requests without one.
QString usageKeyText(const store::UsageAggregate &line);
// The route; "(no route)" for requests that named none.
QString usageRouteText(const QString &route);

} // namespace portico::ui
