#include "upstream/upstreamclient.h"

#include "upstream/callstate.h"
#include "upstream/curlmultiloop.h"
#include "upstream/plainhttploop.h"

#include <QHash>
#include <QThread>

#include <atomic>
#include <mutex>
#include <unordered_map>

namespace portico::upstream {

UpstreamCall::UpstreamCall(QObject *parent)
    : QObject(parent) {}

UpstreamCall::~UpstreamCall() = default;

void UpstreamCall::cancel() {
    m_handle.cancel();
}

void UpstreamCall::setPaused(bool paused) {
    m_handle.setPaused(paused);
}

void UpstreamCall::setReceiver(Receiver *receiver) {
    m_handle.m_state->setReceiver(receiver ? receiver : this);
}

void UpstreamCallHandle::cancel() {
    if (m_state)
        m_state->cancel();
}

void UpstreamCallHandle::setPaused(bool paused) {
    if (m_state)
        m_state->setPaused(paused);
}

void UpstreamCallHandle::reset() {
    if (const auto state = std::exchange(m_state, nullptr))
        state->detach();
}

namespace {

std::atomic<quint64> nextRegistryId{1};

// A loop is deleted in its own thread (it owns socket notifiers and a timer there).
template <typename Loop> std::shared_ptr<Loop> makeLoop() {
    return std::shared_ptr<Loop>(new Loop, [](Loop *loop) {
        if (loop->thread() == QThread::currentThread())
            delete loop;
        else
            QMetaObject::invokeMethod(
                loop, [loop] { delete loop; }, Qt::QueuedConnection);
    });
}

// The two clients of one thread: the plain one for http:// upstreams at literal addresses,
// libcurl for everything else.
struct ThreadLoops {
    std::shared_ptr<detail::CurlMultiLoop> curl = makeLoop<detail::CurlMultiLoop>();
    std::shared_ptr<detail::PlainHttpLoop> plain = makeLoop<detail::PlainHttpLoop>();

    // The targets of the URLs this thread has called (a gateway calls the same few again and
    // again): read once, not per call. Used only in the loops' thread.
    QHash<QByteArray, std::optional<detail::PlainTarget>> targets;

    const std::optional<detail::PlainTarget> &targetOf(const QByteArray &url) {
        auto found = targets.constFind(url);
        if (found == targets.constEnd()) {
            if (targets.size() >= 256)
                targets.clear(); // many URLs: a bound, not a cache policy
            found = targets.insert(url, detail::plainTarget(url));
        }
        return *found;
    }

    void shutDown() const {
        curl->shutDown();
        plain->shutDown();
    }
};

// The loops of one client, one set per thread that started calls.
struct LoopRegistry {
    const quint64 id = nextRegistryId++;
    std::mutex mutex;
    std::unordered_map<QThread *, std::shared_ptr<ThreadLoops>> loops;
};

// Whether a proxy from the environment could apply to an http:// upstream. libcurl applies it
// (and the user's NO_PROXY) to every host but loopback, so the plain client takes other hosts
// only when no proxy is set at all.
bool proxyInEnvironment() {
    for (const char *name : {"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"}) {
        if (!qEnvironmentVariableIsEmpty(name))
            return true;
    }
    return false;
}

} // namespace

class UpstreamClient::Private {
public:
    std::shared_ptr<LoopRegistry> registry = std::make_shared<LoopRegistry>();
    std::shared_ptr<std::atomic<int>> active = std::make_shared<std::atomic<int>>(0);

    // PORTICO_UPSTREAM_CLIENT=curl sends every call through libcurl (to compare, or to rule
    // the plain client out when looking for a fault).
    const bool curlOnly = qgetenv("PORTICO_UPSTREAM_CLIENT") == "curl";

    // The calling thread's loops, made on its first call. Cached per thread: no lock per call.
    std::shared_ptr<ThreadLoops> loopOfThisThread() {
        thread_local quint64 cachedRegistry = 0;
        thread_local std::weak_ptr<ThreadLoops> cachedLoop;
        if (cachedRegistry == registry->id) {
            if (auto loop = cachedLoop.lock())
                return loop;
        }
        QThread *thread = QThread::currentThread();
        std::shared_ptr<ThreadLoops> loop;
        {
            std::lock_guard lock(registry->mutex);
            auto &slot = registry->loops[thread];
            if (!slot) {
                slot = std::make_shared<ThreadLoops>();
                // A worker thread that ends takes its loop with it: its calls are cancelled
                // while its event loop still exists.
                const std::weak_ptr<LoopRegistry> weakRegistry = registry;
                QObject::connect(
                    thread, &QThread::finished, slot->curl.get(),
                    [weakRegistry, thread] {
                        const auto owner = weakRegistry.lock();
                        if (!owner)
                            return;
                        std::shared_ptr<ThreadLoops> ending;
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
    std::unordered_map<QThread *, std::shared_ptr<ThreadLoops>> loops;
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
    auto *call = new UpstreamCall(context);
    // The call receives (and emits) until setReceiver(); it is the context of queued reports.
    call->m_handle = start(request, call, call);
    return call;
}

UpstreamCallHandle UpstreamClient::start(const UpstreamRequest &request,
                                         UpstreamCallReceiver *receiver, QObject *context) {
    Q_ASSERT(context && context->thread() == QThread::currentThread());
    UpstreamCallHandle handle;
    handle.m_state = std::make_shared<detail::CallState>();
    handle.m_state->attach(receiver, context);
    startTransfer(handle.m_state, request);
    return handle;
}

void UpstreamClient::startTransfer(const std::shared_ptr<detail::CallState> &state,
                                   const UpstreamRequest &request) {
    const std::shared_ptr<ThreadLoops> loops = d->loopOfThisThread();
    const detail::PlainTarget *target = nullptr;
    if (!d->curlOnly) {
        if (const auto &found = loops->targetOf(request.url); found)
            target = &*found;
        if (target && !target->loopback && proxyInEnvironment())
            target = nullptr;
    }
    state->activeCounter = d->active;
    d->active->fetch_add(1);
    if (target) {
        state->loop = loops->plain;
        loops->plain->add(state, request, *target);
    } else {
        state->loop = loops->curl;
        loops->curl->add(state, request);
    }
}

int UpstreamClient::activeCalls() const {
    return d->active->load();
}

} // namespace portico::upstream
