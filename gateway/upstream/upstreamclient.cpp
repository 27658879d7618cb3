#include "upstream/upstreamclient.h"

#include "upstream/callstate.h"
#include "upstream/curlmultiloop.h"

#include <QThread>

#include <atomic>
#include <mutex>
#include <unordered_map>

namespace portico::upstream {

struct UpstreamCall::State : detail::CallState {};

UpstreamCall::UpstreamCall(std::shared_ptr<State> state, QObject *parent)
    : QObject(parent)
    , m_state(std::move(state)) {}

UpstreamCall::~UpstreamCall() {
    m_state->detach();
}

void UpstreamCall::cancel() {
    m_state->cancel();
}

void UpstreamCall::setPaused(bool paused) {
    m_state->setPaused(paused);
}

namespace {

std::atomic<quint64> nextRegistryId{1};

// The loops of one client, one per thread that started calls.
struct LoopRegistry {
    const quint64 id = nextRegistryId++;
    std::mutex mutex;
    std::unordered_map<QThread *, std::shared_ptr<detail::CurlMultiLoop>> loops;
};

// A loop is deleted in its own thread (it owns socket notifiers and a timer there).
std::shared_ptr<detail::CurlMultiLoop> makeLoop() {
    return std::shared_ptr<detail::CurlMultiLoop>(
        new detail::CurlMultiLoop, [](detail::CurlMultiLoop *loop) {
            if (loop->thread() == QThread::currentThread())
                delete loop;
            else
                QMetaObject::invokeMethod(
                    loop, [loop] { delete loop; }, Qt::QueuedConnection);
        });
}

} // namespace

class UpstreamClient::Private {
public:
    std::shared_ptr<LoopRegistry> registry = std::make_shared<LoopRegistry>();
    std::shared_ptr<std::atomic<int>> active = std::make_shared<std::atomic<int>>(0);

    // The calling thread's loop, made on its first call. Cached per thread: no lock per call.
    std::shared_ptr<detail::CurlMultiLoop> loopOfThisThread() {
        thread_local quint64 cachedRegistry = 0;
        thread_local std::weak_ptr<detail::CurlMultiLoop> cachedLoop;
        if (cachedRegistry == registry->id) {
            if (auto loop = cachedLoop.lock())
                return loop;
        }
        QThread *thread = QThread::currentThread();
        std::shared_ptr<detail::CurlMultiLoop> loop;
        {
            std::lock_guard lock(registry->mutex);
            auto &slot = registry->loops[thread];
            if (!slot) {
                slot = makeLoop();
                // A worker thread that ends takes its loop with it: its calls are cancelled
                // while its event loop still exists.
                const std::weak_ptr<LoopRegistry> weakRegistry = registry;
                QObject::connect(
                    thread, &QThread::finished, slot.get(),
                    [weakRegistry, thread] {
                        const auto owner = weakRegistry.lock();
                        if (!owner)
                            return;
                        std::shared_ptr<detail::CurlMultiLoop> ending;
                        {
                            std::lock_guard ownerLock(owner->mutex);
                            const auto found = owner->loops.find(thread);
                            if (found == owner->loops.end())
                                return;
                            ending = std::move(found->second);
                            owner->loops.erase(found);
                        }
                        ending->shutDown();
                    },
                    Qt::DirectConnection);
            }
            loop = slot;
        }
        cachedRegistry = registry->id;
        cachedLoop = loop;
        return loop;
    }
};

UpstreamClient::UpstreamClient()
    : d(std::make_unique<Private>()) {
    qRegisterMetaType<FailureKind>();
}

UpstreamClient::~UpstreamClient() {
    std::unordered_map<QThread *, std::shared_ptr<detail::CurlMultiLoop>> loops;
    {
        std::lock_guard lock(d->registry->mutex);
        loops.swap(d->registry->loops);
    }
    // This thread's loop ends its calls now; the others' in their threads (makeLoop()).
    if (const auto own = loops.find(QThread::currentThread()); own != loops.end())
        own->second->shutDown();
}

UpstreamCall *UpstreamClient::start(const UpstreamRequest &request, QObject *context) {
    // A child must be created in its parent's thread; signals are then delivered there.
    Q_ASSERT(!context || context->thread() == QThread::currentThread());
    auto state = std::make_shared<UpstreamCall::State>();
    const std::shared_ptr<detail::CurlMultiLoop> loop = d->loopOfThisThread();
    state->loop = loop;
    state->activeCounter = d->active;
    d->active->fetch_add(1);
    auto *call = new UpstreamCall(state, context);
    state->attach(call);
    loop->add(state, request);
    return call;
}

int UpstreamClient::activeCalls() const {
    return d->active->load();
}

} // namespace portico::upstream
