#include "proxy/answerbudget.h"

namespace portico::proxy {

// Shared with the holds, which may outlive the budget (an answer still in a closing connection's
// buffer when the gateway stops).
struct AnswerBudget::Hold::Shared {
    qint64 limit = 0;
    std::atomic<qint64> used{0};
};

AnswerBudget::Hold::Hold(std::shared_ptr<Shared> shared)
    : m_shared(std::move(shared)) {}

AnswerBudget::Hold::~Hold() {
    if (m_size > 0)
        m_shared->used.fetch_sub(m_size);
}

bool AnswerBudget::Hold::grow(qint64 bytes) {
    if (bytes <= 0)
        return true;
    qint64 used = m_shared->used.load();
    do {
        if (used + bytes > m_shared->limit)
            return false;
    } while (!m_shared->used.compare_exchange_weak(used, used + bytes));
    m_size += bytes;
    return true;
}

AnswerBudget::AnswerBudget(qint64 limitBytes)
    : m_shared(std::make_shared<Hold::Shared>()) {
    m_shared->limit = limitBytes;
}

std::shared_ptr<AnswerBudget::Hold> AnswerBudget::open() {
    return std::shared_ptr<Hold>(new Hold(m_shared));
}

qint64 AnswerBudget::limit() const {
    return m_shared->limit;
}

qint64 AnswerBudget::used() const {
    return m_shared->used.load();
}

} // namespace portico::proxy
