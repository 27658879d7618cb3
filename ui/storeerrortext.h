#pragma once

#include "store/result.h"

#include <QString>

namespace portico::ui {

// A store error in the user's language, said again from its reason, subject and arguments (the
// store's own `message` is English and speaks of command-line commands). An error the store
// words only in English (the database driver's text) is shown as the store says it.
QString storeErrorText(const store::Error &error);

} // namespace portico::ui
