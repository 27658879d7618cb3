#pragma once

#include "upstream/upstreamclient.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

// Private to portico_upstream: the thread that owns the libcurl multi handle.
namespace portico::upstream::detail {

class CallState;
struct Transfer;

// Every curl call on the multi handle and its easy handles happens on this loop's thread; other
// threads only queue commands and wake it up.
class CurlMultiLoop {
public:
    CurlMultiLoop();
    ~CurlMultiLoop();
    CurlMultiLoop(const CurlMultiLoop &) = delete;
    CurlMultiLoop &operator=(const CurlMultiLoop &) = delete;

    void add(const std::shared_ptr<CallState> &state, const UpstreamRequest &request);
    void remove(const std::shared_ptr<CallState> &state);
    void setPaused(const std::shared_ptr<CallState> &state, bool paused);
    // Ends every transfer (their calls get finished(Cancelled)) and joins the thread.
    void stop();

private:
    enum class CommandKind { Add, Remove, Pause, Resume };
    struct Command {
        CommandKind kind;
        std::shared_ptr<CallState> state;
        std::unique_ptr<Transfer> transfer; // Add only
    };

    void enqueue(Command command);
    void run();
    void apply(Command &command);
    void collectFinished();
    void finish(CURL *easy, CURLcode result);
    void shutDown(std::vector<Command> &unapplied);

    std::mutex m_mutex;
    std::vector<Command> m_commands;
    bool m_stopping = false;
    CURLM *m_multi = nullptr;
    std::thread m_thread;

    // Loop thread only.
    std::unordered_map<CallState *, std::unique_ptr<Transfer>> m_transfers;
};

} // namespace portico::upstream::detail
