#pragma once

#include <memory>
#include <vector>

// Private to portico_upstream: what a call asks of the loop that runs its transfer, whichever
// client runs it (libcurl's, or the plain one for http:// upstreams).
namespace portico::upstream::detail {

class CallState;

class TransferLoop {
public:
    virtual ~TransferLoop() = default;

    // Drops the call's transfer; an unfinished one closes its connection (telling the upstream).
    virtual void remove(const std::shared_ptr<CallState> &state) = 0;
    virtual void setPaused(const std::shared_ptr<CallState> &state, bool paused) = 0;
    // True while the loop is inside its own work: what a transfer produces is then handed to the
    // call when the loop has returned (deliverAfterwards()), never nested in it.
    virtual bool isWorking() const = 0;
    void deliverAfterwards(std::shared_ptr<CallState> state) {
        m_deliveries.push_back(std::move(state));
    }

protected:
    // What transfers produced, handed to their calls now that the loop's own work is done: a
    // handler may cancel its call or start another one (callstate.cpp).
    void deliverPending();
    bool hasPendingDeliveries() const { return !m_deliveries.empty(); }

private:
    std::vector<std::shared_ptr<CallState>> m_deliveries;
    // What deliverPending() works through, kept between calls with its room: swapping in a new
    // vector each time cost an allocation a request.
    std::vector<std::shared_ptr<CallState>> m_delivering;
};

} // namespace portico::upstream::detail
