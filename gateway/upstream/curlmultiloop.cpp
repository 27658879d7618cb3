#include "upstream/curlmultiloop.h"

#include "upstream/callstate.h"
#include "upstream/transfer.h"

#include <QSocketNotifier>

#include <mutex>

namespace portico::upstream::detail {

namespace {

// Enough idle connections kept alive that a burst of hundreds of concurrent calls to one
// upstream can all reuse theirs next time.
constexpr long kMaxCachedConnections = 1024;
// Easy handles kept for reuse: a worker rarely has more calls at once than this.
constexpr std::size_t kMaxIdleEasy = 256;

} // namespace

CurlMultiLoop::CurlMultiLoop() {
    static std::once_flag globalInit;
    std::call_once(globalInit, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    m_multi = curl_multi_init();
    curl_multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, kMaxCachedConnections);
    curl_multi_setopt(m_multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
    curl_multi_setopt(m_multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &CurlMultiLoop::onSocket);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &CurlMultiLoop::onTimer);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] { act(CURL_SOCKET_TIMEOUT, 0); });
}

CurlMultiLoop::~CurlMultiLoop() {
    shutDown();
    for (CURL *easy : m_idleEasy)
        curl_easy_cleanup(easy);
    m_idleEasy.clear();
    curl_multi_cleanup(m_multi);
    // libcurl closed its connections in curl_multi_cleanup and said so through onSocket; any
    // watch left is for a socket that is gone.
    for (auto &[socket, watch] : m_watches) {
        delete watch.read;
        delete watch.write;
    }
}

void CurlMultiLoop::add(const std::shared_ptr<CallState> &state, const UpstreamRequest &request) {
    if (m_shutDown) {
        state->pushFinished(FailureKind::Cancelled,
                            QStringLiteral("the upstream client has shut down"));
        return;
    }
    CURL *easy = nullptr;
    if (!m_idleEasy.empty()) {
        easy = m_idleEasy.back();
        m_idleEasy.pop_back();
    } else {
        easy = curl_easy_init();
    }
    auto transfer = std::make_unique<Transfer>(state, request, easy);
    // Starts nothing yet: libcurl asks for a timer of 0 ms, and the transfer begins when the
    // event loop runs it.
    if (curl_multi_add_handle(m_multi, easy) != CURLM_OK) {
        transfer.reset();
        release(easy);
        state->pushFinished(FailureKind::Other,
                            QStringLiteral("the upstream client cannot start a call"));
        return;
    }
    m_transfers.emplace(state.get(), std::move(transfer));
}

void CurlMultiLoop::remove(const std::shared_ptr<CallState> &state) {
    const auto found = m_transfers.find(state.get());
    if (found == m_transfers.end())
        return;
    // Removing an unfinished transfer closes its connection, which tells the upstream.
    CURL *easy = found->second->easy();
    curl_multi_remove_handle(m_multi, easy);
    m_transfers.erase(found);
    release(easy);
}

void CurlMultiLoop::setPaused(const std::shared_ptr<CallState> &state, bool paused) {
    const auto found = m_transfers.find(state.get());
    if (found == m_transfers.end())
        return;
    // Resuming may hand over held data at once (the write callback runs inside this call).
    // This runs inside a handler of the call, so what comes is delivered from the event loop,
    // after that handler has returned, never nested in it.
    m_working = true;
    curl_easy_pause(found->second->easy(), paused ? CURLPAUSE_RECV : CURLPAUSE_CONT);
    m_working = false;
    if (hasPendingDeliveries())
        QMetaObject::invokeMethod(
            this, [this] { collectFinished(); }, Qt::QueuedConnection);
}

void CurlMultiLoop::shutDown() {
    m_shutDown = true;
    m_timer.stop();
    const QString message = QStringLiteral("the upstream client has shut down");
    auto transfers = std::move(m_transfers);
    m_transfers.clear();
    for (auto &[state, transfer] : transfers) {
        curl_multi_remove_handle(m_multi, transfer->easy());
        CURL *easy = transfer->easy();
        transfer.reset();
        release(easy);
        state->pushFinished(FailureKind::Cancelled, message);
    }
}

int CurlMultiLoop::onSocket(CURL *, curl_socket_t socket, int what, void *self, void *) {
    static_cast<CurlMultiLoop *>(self)->watch(socket, what);
    return 0;
}

int CurlMultiLoop::onTimer(CURLM *, long timeoutMs, void *self) {
    auto *loop = static_cast<CurlMultiLoop *>(self);
    // libcurl may not be called from inside its own callback: the timer fires from the loop.
    if (timeoutMs < 0)
        loop->m_timer.stop();
    else
        loop->m_timer.start(int(std::min<long>(timeoutMs, 24L * 3600 * 1000)));
    return 0;
}

void CurlMultiLoop::watch(curl_socket_t socket, int what) {
    if (what == CURL_POLL_REMOVE) {
        const auto found = m_watches.find(socket);
        if (found == m_watches.end())
            return;
        // Possibly inside the notifier's own signal: let the event loop delete it.
        for (QSocketNotifier *notifier : {found->second.read, found->second.write}) {
            if (notifier) {
                notifier->setEnabled(false);
                notifier->deleteLater();
            }
        }
        m_watches.erase(found);
        return;
    }
    Watch &watch = m_watches[socket];
    const bool wantRead = what == CURL_POLL_IN || what == CURL_POLL_INOUT;
    const bool wantWrite = what == CURL_POLL_OUT || what == CURL_POLL_INOUT;
    const auto ensure = [&](QSocketNotifier *&notifier, QSocketNotifier::Type type, bool wanted,
                            int events) {
        if (!wanted) {
            if (notifier && notifier->isEnabled())
                notifier->setEnabled(false);
            return;
        }
        if (!notifier) {
            notifier = new QSocketNotifier(qintptr(socket), type, this);
            connect(notifier, &QSocketNotifier::activated, this,
                    [this, socket, events] { act(socket, events); });
        } else if (!notifier->isEnabled()) {
            notifier->setEnabled(true);
        }
    };
    ensure(watch.read, QSocketNotifier::Read, wantRead, CURL_CSELECT_IN);
    ensure(watch.write, QSocketNotifier::Write, wantWrite, CURL_CSELECT_OUT);
}

void CurlMultiLoop::act(curl_socket_t socket, int events) {
    if (m_working)
        return;
    int running = 0;
    m_working = true;
    curl_multi_socket_action(m_multi, socket, events, &running);
    m_working = false;
    collectFinished();
}

void CurlMultiLoop::collectFinished() {
    int left = 0;
    while (CURLMsg *message = curl_multi_info_read(m_multi, &left)) {
        if (message->msg == CURLMSG_DONE)
            finish(message->easy_handle, message->data.result);
    }
    // What libcurl's callbacks produced, now that libcurl has returned.
    deliverPending();
}

void CurlMultiLoop::finish(CURL *easy, CURLcode result) {
    char *priv = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
    auto *transfer = reinterpret_cast<Transfer *>(priv);
    const std::shared_ptr<CallState> state = transfer->state();
    m_working = true; // complete() pushes events: delivered below with the others
    transfer->complete(result);
    m_working = false;
    curl_multi_remove_handle(m_multi, easy);
    m_transfers.erase(state.get());
    release(easy);
}

void CurlMultiLoop::release(CURL *easy) {
    if (m_idleEasy.size() < kMaxIdleEasy && !m_shutDown) {
        curl_easy_reset(easy);
        m_idleEasy.push_back(easy);
    } else {
        curl_easy_cleanup(easy);
    }
}

} // namespace portico::upstream::detail
