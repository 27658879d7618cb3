#include "upstream/upstreamclient.h"

#include "upstream/callstate.h"
#include "upstream/curlmultiloop.h"

#include <QThread>

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

class UpstreamClient::Private {
public:
    // Shared with the calls, which may outlive the client: a late cancel() then finds no loop.
    std::shared_ptr<detail::CurlMultiLoop> loop = std::make_shared<detail::CurlMultiLoop>();
    std::shared_ptr<std::atomic<int>> active = std::make_shared<std::atomic<int>>(0);
};

UpstreamClient::UpstreamClient()
    : d(std::make_unique<Private>()) {
    qRegisterMetaType<FailureKind>();
}

UpstreamClient::~UpstreamClient() {
    d->loop->stop();
}

UpstreamCall *UpstreamClient::start(const UpstreamRequest &request, QObject *context) {
    // A child must be created in its parent's thread; signals are then delivered there.
    Q_ASSERT(!context || context->thread() == QThread::currentThread());
    auto state = std::make_shared<UpstreamCall::State>();
    state->loop = d->loop;
    state->activeCounter = d->active;
    d->active->fetch_add(1);
    auto *call = new UpstreamCall(state, context);
    state->attach(call);
    d->loop->add(state, request);
    return call;
}

int UpstreamClient::activeCalls() const {
    return d->active->load();
}

} // namespace portico::upstream
