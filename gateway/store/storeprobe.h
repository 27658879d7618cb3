#pragma once

#include "store/result.h"

namespace portico::store {

class Database;

// Whether the store takes writes again after Database::lastWriteFault() said it did not: one
// real write that leaves nothing behind (a row of meta inserted and deleted in one transaction,
// which still writes its page). Success clears lastWriteFault(); failure sets it again. For the
// window's banner, which must go away when the disk has room again without anyone writing.
Status probeWrite(Database &db);

} // namespace portico::store
