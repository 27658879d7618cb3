#include "upstream/curlmultiloop.h"

#include "upstream/callstate.h"
#include "upstream/transfer.h"

namespace portico::upstream::detail {

namespace {

constexpr int kPollTimeoutMs = 1000;
// Enough idle connections kept alive that a burst of hundreds of concurrent calls to one
// upstream can all reuse theirs next time.
constexpr long kMaxCachedConnections = 1024;

} // namespace

CurlMultiLoop::CurlMultiLoop() {
    static std::once_flag globalInit;
    std::call_once(globalInit, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    m_multi = curl_multi_init();
    curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, kMaxCachedConnections);
    curl_multi_setopt(m_multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
    curl_multi_setopt(m_multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
    m_thread = std::thread([this] { run(); });
}

CurlMultiLoop::~CurlMultiLoop() {
    stop();
}

void CurlMultiLoop::add(const std::shared_ptr<CallState> &state, const UpstreamRequest &request) {
    // The easy handle is set up here, on the caller's thread, to keep the loop thread free.
    enqueue({CommandKind::Add, state, std::make_unique<Transfer>(state, request)});
}

void CurlMultiLoop::remove(const std::shared_ptr<CallState> &state) {
    enqueue({CommandKind::Remove, state, nullptr});
}

void CurlMultiLoop::setPaused(const std::shared_ptr<CallState> &state, bool paused) {
    enqueue({paused ? CommandKind::Pause : CommandKind::Resume, state, nullptr});
}

void CurlMultiLoop::enqueue(Command command) {
    std::lock_guard lock(m_mutex);
    if (m_stopping) {
        if (command.kind == CommandKind::Add)
            command.state->pushFinished(FailureKind::Cancelled,
                                        QStringLiteral("the upstream client has shut down"));
        return;
    }
    m_commands.push_back(std::move(command));
    curl_multi_wakeup(m_multi);
}

void CurlMultiLoop::stop() {
    {
        std::lock_guard lock(m_mutex);
        if (!m_stopping) {
            m_stopping = true;
            curl_multi_wakeup(m_multi);
        }
    }
    if (m_thread.joinable())
        m_thread.join();
    std::lock_guard lock(m_mutex);
    if (m_multi) {
        curl_multi_cleanup(m_multi);
        m_multi = nullptr;
    }
}

void CurlMultiLoop::run() {
    std::vector<Command> batch;
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            batch.swap(m_commands);
            if (m_stopping)
                break;
        }
        for (Command &command : batch)
            apply(command);
        batch.clear();
        int running = 0;
        curl_multi_perform(m_multi, &running);
        collectFinished();
        // Returns early on socket activity, on libcurl's own timers and on curl_multi_wakeup().
        curl_multi_poll(m_multi, nullptr, 0, kPollTimeoutMs, nullptr);
    }
    shutDown(batch);
}

void CurlMultiLoop::apply(Command &command) {
    const auto found = m_transfers.find(command.state.get());
    switch (command.kind) {
    case CommandKind::Add:
        if (command.state->isCancelled())
            return;
        if (curl_multi_add_handle(m_multi, command.transfer->easy()) != CURLM_OK) {
            command.state->pushFinished(FailureKind::Other,
                                        QStringLiteral("the upstream client cannot start a call"));
            return;
        }
        m_transfers.emplace(command.state.get(), std::move(command.transfer));
        return;
    case CommandKind::Remove:
        // Removing an unfinished transfer closes its connection, which tells the upstream.
        if (found != m_transfers.end()) {
            curl_multi_remove_handle(m_multi, found->second->easy());
            m_transfers.erase(found);
        }
        return;
    case CommandKind::Pause:
    case CommandKind::Resume:
        if (found != m_transfers.end())
            curl_easy_pause(found->second->easy(),
                            command.kind == CommandKind::Pause ? CURLPAUSE_RECV : CURLPAUSE_CONT);
        return;
    }
}

void CurlMultiLoop::collectFinished() {
    int left = 0;
    while (CURLMsg *message = curl_multi_info_read(m_multi, &left)) {
        if (message->msg == CURLMSG_DONE)
            finish(message->easy_handle, message->data.result);
    }
}

void CurlMultiLoop::finish(CURL *easy, CURLcode result) {
    char *priv = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
    auto *transfer = reinterpret_cast<Transfer *>(priv);
    const auto found = m_transfers.find(transfer->state().get());
    transfer->complete(result);
    curl_multi_remove_handle(m_multi, easy);
    if (found != m_transfers.end())
        m_transfers.erase(found);
}

void CurlMultiLoop::shutDown(std::vector<Command> &unapplied) {
    const QString message = QStringLiteral("the upstream client has shut down");
    for (Command &command : unapplied) {
        if (command.kind == CommandKind::Add)
            command.state->pushFinished(FailureKind::Cancelled, message);
    }
    unapplied.clear();
    for (auto &[state, transfer] : m_transfers) {
        curl_multi_remove_handle(m_multi, transfer->easy());
        state->pushFinished(FailureKind::Cancelled, message);
    }
    m_transfers.clear();
}

} // namespace portico::upstream::detail
