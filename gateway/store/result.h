#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace portico::store {

// Why an operation on the store failed. The message is meant for a person: it says what to check
// and never contains a secret.
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
    Code code = Code::Database;
    QString message;
};

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
