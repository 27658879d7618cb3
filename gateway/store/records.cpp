#include "store/records.h"

#include <QSet>

namespace portico::store {

QString toString(KeyState state) {
    return state == KeyState::Active ? QStringLiteral("active") : QStringLiteral("disabled");
}

int ApiKeyRecord::accessibleRouteCount() const {
    QSet<QString> names;
    for (const RouteGrant &grant : routes)
        names.insert(grant.route);
    return int(names.size());
}

} // namespace portico::store
