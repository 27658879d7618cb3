#include "ui/storeerrortext.h"

#include <QCoreApplication>

namespace portico::ui {

// Holds the translation context (portico::ui::StoreErrorText) of the texts below.
class StoreErrorText {
    Q_DECLARE_TR_FUNCTIONS(StoreErrorText)

public:
    static QString text(const store::Error &error);
};

QString StoreErrorText::text(const store::Error &error) {
    using Reason = store::Error::Reason;
    using Subject = store::Error::Subject;
    const bool key = error.subject == Subject::Key;
    const bool group = error.subject == Subject::Group;
    const auto arg = [&error](qsizetype i) { return error.args.value(i); };
    switch (error.reason) {
    case Reason::NameEmpty:
        return key     ? tr("Enter a name for the key.")
               : group ? tr("Enter a name for the group.")
                       : tr("Enter a name for the route.");
    case Reason::NameNotText:
        return tr("The name is not valid text. Type it again.");
    case Reason::NameTooLong:
        return tr("The name is too long: %1 characters, at most %2.").arg(arg(0), arg(1));
    case Reason::NameHasControl:
        return tr("The name cannot contain control characters or line breaks.");
    case Reason::NameHasApiKey:
        return tr("The name contains an API key. Names are shown in lists and logs: choose a "
                  "name without the key.");
    case Reason::NameTaken:
        return key ? tr("A key named “%1” already exists.").arg(arg(0))
                   : tr("A group named “%1” already exists.").arg(arg(0));
    case Reason::NotFound:
        return key ? tr("No key with UUID or name “%1”: it may have been deleted meanwhile.")
                         .arg(arg(0))
                   : tr("No group with UUID or name “%1”: it may have been deleted meanwhile.")
                         .arg(arg(0));
    case Reason::NotFoundKeyLike:
        return key ? tr("No key with that UUID or name. The value looks like an API key itself: "
                        "refer to a key by its UUID or name.")
                   : tr("No group with that UUID or name (the value looks like an API key).");
    case Reason::NotMember:
        return tr("The key “%1” is not in the group “%2”.").arg(arg(0), arg(1));
    case Reason::RouteNotGranted:
        return tr("The group “%1” does not grant the route “%2”.").arg(arg(0), arg(1));
    case Reason::NoRandomness:
        return tr("The system's random number generator failed, so no key was created. Try "
                  "again.");
    case Reason::InvalidLimit:
        return arg(0) == QLatin1String("budget")
                   ? tr("The budget “%1” is not valid: enter an amount in USD of at least 0.")
                         .arg(arg(1))
                   : tr("The limit “%1” is not valid: enter a whole number of at least 1.")
                         .arg(arg(1));
    case Reason::InvalidAddress:
        return tr("“%1” is not an IP address or CIDR range, such as 192.168.1.0/24 or "
                  "2001:db8::/32.")
            .arg(arg(0));
    case Reason::InvalidGrace:
        return tr("The grace period “%1” is not valid: it must be 0 or more.").arg(arg(0));
    case Reason::Unspecified:
        break;
    }
    return error.message;
}

QString storeErrorText(const store::Error &error) {
    return StoreErrorText::text(error);
}

} // namespace portico::ui
