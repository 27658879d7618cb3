#include "store/storeprobe.h"

#include "store/database.h"
#include "store/storeinternal.h"

namespace portico::store {

Status probeWrite(Database &db) {
    Transaction transaction(db);
    if (!transaction.isOpen())
        return transaction.error();
    const QString doing = QStringLiteral("checking that the store can be written");
    if (Status s = detail::run(transaction.connection(),
                               QStringLiteral("INSERT INTO meta (key, value) VALUES (?, ?)"),
                               {QStringLiteral("write_probe"), QStringLiteral("probe")}, doing);
        !s)
        return s;
    if (Status s =
            detail::run(transaction.connection(), QStringLiteral("DELETE FROM meta WHERE key = ?"),
                        {QStringLiteral("write_probe")}, doing);
        !s)
        return s;
    // Not an admin change: nobody needs to reload.
    return transaction.commitQuietly();
}

} // namespace portico::store
