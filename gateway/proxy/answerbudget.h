#pragma once

#include <QtGlobal>

#include <atomic>
#include <memory>

namespace portico::proxy {

// The memory all non-streamed upstream answers may take at once, across the worker threads. An
// answer is read whole before it goes out (its usage is in it, and a broken answer must still
// become a clean 502), so each one held costs its size; with a thousand clients that is the
// gateway's largest cost. An answer holds its share from its first byte until the client has
// taken it (Responder::keepUntilSent): a client that does not read keeps its share, not more.
// Thread-safe.
class AnswerBudget {
public:
    // One answer's share. Gives it back when destroyed.
    class Hold {
    public:
        ~Hold();
        Hold(const Hold &) = delete;
        Hold &operator=(const Hold &) = delete;
        // Takes `bytes` more; false (and nothing taken) when the budget has not that much left.
        bool grow(qint64 bytes);
        qint64 size() const { return m_size; }

    private:
        friend class AnswerBudget;
        struct Shared;
        explicit Hold(std::shared_ptr<Shared> shared);
        std::shared_ptr<Shared> m_shared;
        qint64 m_size = 0;
    };

    explicit AnswerBudget(qint64 limitBytes);
    std::shared_ptr<Hold> open();
    qint64 limit() const;
    qint64 used() const;

private:
    std::shared_ptr<Hold::Shared> m_shared;
};

} // namespace portico::proxy
