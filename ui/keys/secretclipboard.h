#pragma once

#include <QString>

namespace portico::ui {

// Copies a secret the way password managers do: the clipboard entry is marked as secret
// ("x-kde-passwordManagerHint" = "secret", so clipboard managers do not keep a history of it) and
// cleared after a while if it still holds the secret, and when the application quits before that
// (QCoreApplication::aboutToQuit): a clipboard left to the system or a clipboard manager at exit
// would outlive the timer. Only a hash of the secret is kept meanwhile.
class SecretClipboard {
public:
    static constexpr int kDefaultClearAfterMs = 60'000;
    static void copy(const QString &secret, int clearAfterMs = kDefaultClearAfterMs);
};

} // namespace portico::ui
