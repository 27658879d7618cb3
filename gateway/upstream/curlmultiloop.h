#pragma once

#include "upstream/transferloop.h"
#include "upstream/upstreamclient.h"

#include <QObject>
#include <QTimer>

#include <curl/curl.h>

#include <memory>
#include <unordered_map>
#include <vector>

class QSocketNotifier;

// Private to portico_upstream: a libcurl multi handle driven by the event loop of the thread
// that starts the calls.
namespace portico::upstream::detail {

class CallState;
class Transfer;

// One per thread that starts calls (each HTTP worker thread of the gateway), living in that
// thread: libcurl's sockets are watched by the thread's own event loop (QSocketNotifier) and its
// timers are a QTimer, so a request is served start to finish on one thread, with no hand-over
// to another thread and back. Every method runs in the loop's thread.
class CurlMultiLoop : public QObject, public TransferLoop {
    Q_OBJECT
public:
    CurlMultiLoop();
    ~CurlMultiLoop() override; // ends what still runs (shutDown())

    void add(const std::shared_ptr<CallState> &state, const UpstreamRequest &request);
    void remove(const std::shared_ptr<CallState> &state) override;
    void setPaused(const std::shared_ptr<CallState> &state, bool paused) override;
    // Ends every transfer (their calls get finished(Cancelled)); later add()s fail the same way.
    void shutDown();

    // True while libcurl is working inside this loop: its callbacks must not re-enter it, so
    // what they produce is delivered when it has returned (deliverAfterwards()).
    bool isWorking() const override { return m_working; }

private:
    struct Watch {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
    };

    static int onSocket(CURL *easy, curl_socket_t socket, int what, void *self, void *);
    static int onTimer(CURLM *multi, long timeoutMs, void *self);
    void watch(curl_socket_t socket, int what);
    void act(curl_socket_t socket, int events);
    void collectFinished();
    void finish(CURL *easy, CURLcode result);
    void release(CURL *easy);

    CURLM *m_multi = nullptr;
    QTimer m_timer;
    bool m_working = false;
    bool m_shutDown = false;
    std::unordered_map<curl_socket_t, Watch> m_watches;
    std::unordered_map<CallState *, std::unique_ptr<Transfer>> m_transfers;
    // Easy handles of finished transfers, reset and kept for the next ones.
    std::vector<CURL *> m_idleEasy;
};

} // namespace portico::upstream::detail
