#pragma once

#include "store/result.h"

#include <QString>

namespace portico::store {

// What a valid name of a key, group or route is, in one place: the store refuses anything else,
// and the desktop app checks with it as the user types. Trimmed, 1..kMaxNameLength code points
// (an emoji counts once), valid UTF-16, no control, line or paragraph separator characters
// (they break one-line listings), and nothing shaped like an API key (names are shown in lists,
// logs and the audit trail, so a pasted key would leak).
// Returns the trimmed name, or an InvalidName error whose reason says what is wrong.
Result<QString> validateName(const QString &name, Error::Subject subject);
inline constexpr int kMaxNameLength = 200;

// True when `text` contains something shaped like an API key: such text is never echoed.
bool containsApiKey(const QString &text);

} // namespace portico::store
