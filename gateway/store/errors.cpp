#include "store/result.h"

namespace portico::store {

namespace {

using Reason = Error::Reason;
using Subject = Error::Subject;

// "key", "group", "route": how the English messages name what they speak of.
QString noun(Subject subject) {
    static const char *const nouns[] = {"object", "key", "group", "route"}; // Subject's order
    return QLatin1String(nouns[int(subject)]);
}

Error::Code codeOf(Reason reason) {
    switch (reason) {
    case Reason::NameEmpty:
    case Reason::NameNotText:
    case Reason::NameTooLong:
    case Reason::NameHasControl:
    case Reason::NameHasApiKey:
        return Error::Code::InvalidName;
    case Reason::NameTaken:
        return Error::Code::Duplicate;
    case Reason::NotFound:
    case Reason::NotFoundKeyLike:
    case Reason::NotMember:
    case Reason::RouteNotGranted:
        return Error::Code::NotFound;
    case Reason::InvalidLimit:
    case Reason::InvalidAddress:
    case Reason::InvalidGrace:
        return Error::Code::InvalidInput;
    case Reason::NoRandomness:
    case Reason::Unspecified:
        break;
    }
    return Error::Code::Database;
}

// The command that lists what `subject` names, for "check ..." advice.
QString listCommand(Subject subject) {
    return QStringLiteral("`portico-gateway %1s list`").arg(noun(subject));
}

QString englishMessage(Reason reason, Subject subject, const QStringList &args) {
    const QString kind = noun(subject);
    const auto arg = [&args](qsizetype i) { return args.value(i); };
    switch (reason) {
    case Reason::NameEmpty:
        return QStringLiteral("The %1 name is empty. Give the %1 a name.").arg(kind);
    case Reason::NameNotText:
        return QStringLiteral("The %1 name is not valid text (broken UTF-16). Type the name again.")
            .arg(kind);
    case Reason::NameTooLong:
        return QStringLiteral("The %1 name is %2 characters long; the limit is %3. Choose a "
                              "shorter name.")
            .arg(kind, arg(0), arg(1));
    case Reason::NameHasControl:
        return QStringLiteral("The %1 name contains a control character (a newline, tab or "
                              "similar). Use a name on one line without control characters.")
            .arg(kind);
    case Reason::NameHasApiKey:
        return QStringLiteral("The %1 name contains an API key. Names are shown in lists and "
                              "logs; choose a name without the key.")
            .arg(kind);
    case Reason::NameTaken:
        return QStringLiteral("A %1 named '%2' already exists. Choose another name.")
            .arg(kind, arg(0));
    case Reason::NotFound:
        return QStringLiteral("No %1 with UUID or name '%2'. Check %3.")
            .arg(subject == Subject::Key ? QStringLiteral("API key") : kind, arg(0),
                 listCommand(subject));
    case Reason::NotFoundKeyLike:
        // Someone may paste the key itself: it is never stored, and must not be echoed back.
        if (subject == Subject::Key)
            return QStringLiteral("No API key with that UUID or name. The value looks like an API "
                                  "key itself: keys are never stored in clear, so refer to a key "
                                  "by its UUID or name. Check %1.")
                .arg(listCommand(subject));
        return QStringLiteral("No %1 with that UUID or name (the value looks like an API key). "
                              "Check %2.")
            .arg(kind, listCommand(subject));
    case Reason::NotMember:
        return QStringLiteral("The key '%1' is not in the group '%2', so there is nothing to "
                              "remove. Check `portico-gateway keys show %3`.")
            .arg(arg(0), arg(1), arg(2));
    case Reason::RouteNotGranted:
        return QStringLiteral("The group '%1' does not grant a route named '%2', so there is "
                              "nothing to remove. Check `portico-gateway groups show %3`.")
            .arg(arg(0), arg(1), arg(2));
    case Reason::NoRandomness:
        return QStringLiteral("The system's random number generator failed, so no key was "
                              "created. Try again; if it persists, check the system's entropy "
                              "source.");
    case Reason::InvalidLimit:
        if (arg(0) == QLatin1String("budget"))
            return QStringLiteral("The budget '%1' is not valid: give an amount in USD of at "
                                  "least 0, or 'none' to remove it.")
                .arg(arg(1));
        return QStringLiteral("The limit %1 '%2' is not valid: give a whole number of at least "
                              "1, or 'none' to remove it.")
            .arg(arg(0), arg(1));
    case Reason::InvalidAddress:
        return QStringLiteral("'%1' is not an IP address or CIDR range. Give IPv4 or IPv6 "
                              "addresses or ranges such as 192.168.1.0/24 or 2001:db8::/32, "
                              "separated by commas, or 'any'.")
            .arg(arg(0));
    case Reason::InvalidGrace:
        return QStringLiteral("The grace period '%1' is not valid: give a duration of 0 or "
                              "more, such as 1h or 7d.")
            .arg(arg(0));
    case Reason::Unspecified:
        break;
    }
    return QStringLiteral("The store failed.");
}

} // namespace

Error makeError(Error::Reason reason, Error::Subject subject, const QStringList &args) {
    return Error{codeOf(reason), englishMessage(reason, subject, args), reason, subject, args};
}

} // namespace portico::store
