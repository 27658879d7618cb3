#pragma once

#include "config/gatewayconfig.h"
#include "http/httpserver.h"
#include "proxy/answerbudget.h"
#include "proxy/apierror.h"
#include "proxy/keylimiter.h"
#include "proxy/sseeventsplitter.h"
#include "upstream/upstreamclient.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <memory>

namespace portico::proxy {

class RequestContext;

// One authorised chat-completion or embeddings request, from choosing a model to the last byte:
// tries the route's model, retries it (retry_attempts) and falls back (the route's fallback list)
// on connection errors and 5xx/429 answers while nothing has reached the client yet, answers
// mock models in-process, relays streams event by event with back-pressure, and fills the usage
// row. Lives in the worker thread of its connection and deletes itself when done.
class CompletionExchange : public QObject,
                           private upstream::UpstreamCall::Receiver,
                           private http::ResponderListener {
    Q_OBJECT
public:
    enum class Endpoint { ChatCompletions, Embeddings };

    struct Plan {
        Endpoint endpoint = Endpoint::ChatCompletions;
        // The config the request was routed with; `route` and `models` point into it, and it
        // lives as long as the exchange (a reload makes a new one). Copying the route and the
        // models cost more than the rest of setting up the exchange.
        std::shared_ptr<const config::GatewayConfig> config;
        const config::RouteConfig *route = nullptr;
        QList<const config::ModelConfig *> models; // the first, then its fallbacks
        QByteArray rawBody;                        // the client's request, as it sent it
        QJsonValue clientStreamOptions;            // its "stream_options" (undefined when absent)
        bool stream = false;
        bool clientWantsUsage = false; // stream_options.include_usage
        // The hold on the key's and groups' limits, settled with the real usage at the end.
        std::shared_ptr<KeyLimiter::Ticket> limits;
        qint64 promptEstimate = 0; // tokens, for a stream that ends without the upstream's usage
    };

    CompletionExchange(std::shared_ptr<RequestContext> context, Plan plan);
    ~CompletionExchange() override;

    void start();

private:
    struct Failure {
        ApiError error;
        QByteArray relayedBody; // an upstream 4xx answer passed on as it is
        bool retryable = false; // same model again
        bool fallback = false;  // next model of the chain
    };

    const config::ModelConfig &model() const { return *m_plan.models.at(m_modelIndex); }
    void startAttempt();
    void answerFromMock();
    QByteArray upstreamBody() const;
    QJsonObject clientRequest() const;

    // UpstreamCall::Receiver: the upstream call's reports.
    void upstreamResponseStarted(int status,
                                 const QList<QPair<QByteArray, QByteArray>> &headers) override;
    void upstreamDataReceived(const QByteArray &data) override;
    void upstreamFinished(upstream::FailureKind failure, const QString &message) override;
    // http::ResponderListener: the client's side.
    void responderDisconnected() override { onClientGone(); }
    void responderDrained() override { onDrained(); }
    void onClientGone();
    void finishAfterClientGone();
    void onDrained();

    // Relays the whole events `bytes` completes (the rest waits for more).
    void relayEvents(const QByteArray &bytes);
    void applyBackPressure();
    Failure failureFromStatus() const;
    Failure failureFromTransport(upstream::FailureKind failure, const QString &message) const;
    void handleFailure(const Failure &failure);
    void succeedNonStream();
    void endStream(int status, const QString &errorCode, const ApiError *error);
    void finish(int status, const QString &errorCode);
    void failWith(const Failure &failure);
    void failTooLarge();
    void failOverBudget();
    // Makes the budget hold cover `size` bytes of answer; false (after failing) if it cannot.
    bool holdAnswerBytes(qint64 size);
    void sendHeldAnswer(int status, const QByteArray &body);
    void recordModel();
    QString modelLabel() const;  // for the log: model id, provider and upstream model
    QString clientLabel() const; // for the client: "The upstream model of the route 'x'"
    void recordUpstreamError(const QString &errorCode, const QString &detail = {});
    void countStreamOpened();
    void countStreamClosed();

    std::shared_ptr<RequestContext> m_context;
    Plan m_plan;
    int m_modelIndex = 0;
    int m_attempt = 0;
    upstream::UpstreamCallHandle m_call;
    int m_upstreamStatus = 0;
    QList<QPair<QByteArray, QByteArray>> m_upstreamHeaders;
    QByteArray m_upstreamBody;
    std::shared_ptr<AnswerBudget::Hold> m_bodyHold; // m_upstreamBody's share of the budget
    bool m_streaming = false;                       // the 200 status line went to the client
    bool m_streamCounted = false;                   // in portico_active_streams
    bool m_paused = false;
    bool m_done = false;
    SseEventSplitter m_splitter;
    qint64 m_promptTokens = 0;
    qint64 m_completionTokens = 0;
    bool m_usageSeen = false;       // the upstream said what the request used
    qint64 m_relayedCharacters = 0; // of content sent to the client, for an estimate without it
    bool m_clientGone = false;
};

} // namespace portico::proxy
