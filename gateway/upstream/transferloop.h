#pragma once

#include <memory>

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
    virtual void deliverAfterwards(std::shared_ptr<CallState> state) = 0;
};

} // namespace portico::upstream::detail
