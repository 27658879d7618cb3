#pragma once

#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace portico::store {

// Why an operation on the store failed. `message` is meant for a person reading English (the
// command line prints it): it says what to check and never contains a secret. A program that
// speaks another language (the desktop app) says it again from `reason`, `subject` and `args`.
struct Error {
    enum class Code {
        NotFound,     // no key/group with that uuid or name
        Ambiguous,    // a name matches several objects: use the uuid
        Duplicate,    // the name is taken
        InvalidName,  // empty after trimming, too long, or control characters
        InvalidInput, // any other bad argument
        SchemaTooNew, // the database was written by a newer Portico
        Database,     // the SQL driver failed (disk full, locked too long, ...)
    };
    // Exactly what failed; `args` below say which values each reason carries, in order.
    enum class Reason {
        Unspecified,     // only `message` says it (the driver's text, a migration, ...)
        NameEmpty,       // the name is empty after trimming
        NameNotText,     // the name is broken UTF-16
        NameTooLong,     // args: length in code points, the limit
        NameHasControl,  // a control, line or paragraph separator character
        NameHasApiKey,   // the name contains something shaped like an API key
        NameTaken,       // args: the name
        NotFound,        // args: the uuid or name asked for
        NotFoundKeyLike, // the uuid or name asked for looks like an API key, so it is not echoed
        NotMember,       // args: key name, group name, key uuid
        RouteNotGranted, // args: group name, route, group uuid
        NoRandomness,    // the system's random number generator failed
        InvalidLimit,    // args: the limit's name ("rpm", "budget"), the value given
        InvalidAddress,  // args: the address or range given
        InvalidGrace,    // args: the grace period given, in seconds
    };
    // What the reason speaks of.
    enum class Subject { None, Key, Group, Route };

    Error() = default;
    Error(Code code_, QString message_, Reason reason_ = Reason::Unspecified,
          Subject subject_ = Subject::None, QStringList args_ = {})
        : code(code_)
        , message(std::move(message_))
        , reason(reason_)
        , subject(subject_)
        , args(std::move(args_)) {}

    Code code = Code::Database;
    QString message;
    Reason reason = Reason::Unspecified;
    Subject subject = Subject::None;
    QStringList args;
};

// An Error for `reason`, with its code and its English message (rendered in errors.cpp, the one
// place that words the store's errors).
Error makeError(Error::Reason reason, Error::Subject subject = Error::Subject::None,
                const QStringList &args = {});

// A value or an Error. Kept tiny on purpose: C++20 has no std::expected.
template <typename T> class Result {
public:
    Result(T value)
        : m_value(std::move(value)) {}
    Result(Error error)
        : m_error(std::move(error)) {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return *m_value; }
    T &value() & { return *m_value; }
    T &&value() && { return std::move(*m_value); }
    const T *operator->() const { return &*m_value; }
    const T &operator*() const { return *m_value; }
    const Error &error() const { return m_error; }

private:
    std::optional<T> m_value;
    Error m_error;
};

// Result of an operation that returns nothing but may fail.
class Status {
public:
    Status() = default;
    Status(Error error)
        : m_failed(true)
        , m_error(std::move(error)) {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return m_error; }

private:
    bool m_failed = false;
    Error m_error;
};

} // namespace portico::store
