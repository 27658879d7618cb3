#include "proxy/completionexchange.h"

#include "http/httpmessages.h"
#include "http/looptail.h"
#include "metering/gatewaylog.h"
#include "metering/metrics.h"
#include "proxy/gatewayservices.h"
#include "proxy/mockprovider.h"
#include "proxy/ratelimiter.h"
#include "proxy/requestcontext.h"
#include "proxy/upstreambody.h"
#include "proxy/upstreamusage.h"
#include "text/asciicase.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QUrl>

namespace portico::proxy {

namespace {

constexpr int kConnectTimeoutMs = 10'000;
// How long a stream whose client hung up is still read for the upstream's usage (it comes in the
// last chunk, right after the content): the request is billed for what it used, not for 0.
constexpr int kUsageAfterHangUpMs = 2000;

QString upstreamMessage(const QByteArray &body) {
    const QJsonDocument document = QJsonDocument::fromJson(body);
    const QJsonValue error = document.object().value(QStringLiteral("error"));
    QString message = error.isObject()
                          ? error.toObject().value(QStringLiteral("message")).toString()
                          : error.toString();
    if (message.isEmpty())
        message = QString::fromUtf8(body.left(300)).simplified();
    return message.isEmpty() ? QStringLiteral("no details") : message;
}

QByteArray headerValue(const QList<QPair<QByteArray, QByteArray>> &headers, QByteArrayView name) {
    for (const auto &header : headers) {
        if (text::equalsIgnoringAsciiCase(header.first, name))
            return header.second;
    }
    return {};
}

} // namespace

CompletionExchange::CompletionExchange(std::shared_ptr<RequestContext> context, Plan plan)
    : m_context(std::move(context))
    , m_plan(std::move(plan)) {}

CompletionExchange::~CompletionExchange() {
    // The responder may outlive the exchange (it goes once the connection has sent it).
    if (http::Responder *responder = m_context->responder())
        responder->setListener(nullptr);
    countStreamClosed();
}

void CompletionExchange::start() {
    http::Responder *responder = m_context->responder();
    if (!responder || !responder->isConnected()) {
        onClientGone();
        return;
    }
    responder->setListener(this);
    startAttempt();
}

QString CompletionExchange::clientLabel() const {
    return QStringLiteral("The upstream model of the route '%1'").arg(m_plan.route->name);
}

QString CompletionExchange::modelLabel() const {
    return QStringLiteral("'%1' (%2/%3)").arg(model().modelId, model().provider, model().model);
}

void CompletionExchange::recordModel() {
    auto &usage = m_context->usage();
    usage.modelId = model().modelId;
    usage.provider = model().provider;
}

QByteArray CompletionExchange::upstreamBody() const {
    return upstreamRequestBody(m_plan.rawBody, m_plan.clientStreamOptions, model().model,
                               model().params,
                               m_plan.stream && m_plan.endpoint == Endpoint::ChatCompletions);
}

void CompletionExchange::startAttempt() {
    if (m_done)
        return;
    m_call.reset();
    m_upstreamStatus = 0;
    m_upstreamHeaders.clear();
    m_upstreamBody.clear();
    m_bodyHold.reset();
    m_splitter = SseEventSplitter();
    m_paused = false;
    recordModel();

    if (model().provider == QLatin1String("mock")) {
        answerFromMock();
        return;
    }

    upstream::UpstreamRequest request;
    // Literals throughout: a QByteArray made from a plain string literal is allocated and copied.
    request.method = QByteArrayLiteral("POST");
    QByteArray base = model().baseUrl.toUtf8();
    while (base.endsWith('/'))
        base.chop(1);
    request.url = base + (m_plan.endpoint == Endpoint::ChatCompletions
                              ? QByteArrayLiteral("/chat/completions")
                              : QByteArrayLiteral("/embeddings"));
    using HeaderPair = QPair<QByteArray, QByteArray>;
    request.headers.reserve(3);
    request.headers.append(
        HeaderPair(QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")));
    request.headers.append(HeaderPair(QByteArrayLiteral("Accept"),
                                      m_plan.stream ? QByteArrayLiteral("text/event-stream")
                                                    : QByteArrayLiteral("application/json")));
    // The upstream's own key, never the client's Portico key.
    if (!model().apiKey.isEmpty())
        request.headers.append(
            HeaderPair(QByteArrayLiteral("Authorization"), "Bearer " + model().apiKey.toUtf8()));
    request.body = upstreamBody();
    request.totalTimeoutMs = std::max(1, model().timeoutSeconds) * 1000;
    request.connectTimeoutMs = std::min(kConnectTimeoutMs, request.totalTimeoutMs);

    // The handle is the exchange's: the call cannot outlive it.
    m_call = m_context->services().upstream->start(request, this, this);
}

// Only the demo model reads the whole request; a proxied one passes through unparsed.
QJsonObject CompletionExchange::clientRequest() const {
    return QJsonDocument::fromJson(m_plan.rawBody).object();
}

void CompletionExchange::answerFromMock() {
    http::Responder *responder = m_context->responder();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const QString routeName = m_plan.route->name;
    if (m_plan.endpoint == Endpoint::Embeddings) {
        qint64 tokens = 0;
        const QByteArray body = MockProvider::embeddings(clientRequest(), routeName, &tokens);
        m_promptTokens = tokens;
        m_completionTokens = 0;
        m_context->markFirstToken();
        m_context->sendJson(200, body);
        finish(200, {});
        return;
    }
    const MockProvider::Reply reply = MockProvider::chat(clientRequest());
    m_promptTokens = reply.promptTokens;
    m_completionTokens = reply.completionTokens;
    const QString id = QStringLiteral("chatcmpl-") + m_context->requestId().mid(4);
    if (!m_plan.stream) {
        m_context->markFirstToken();
        m_context->sendJson(200, MockProvider::chatCompletion(reply, routeName, id, now));
        finish(200, {});
        return;
    }
    QList<http::Header> headers = m_context->commonHeaders();
    headers.append(http::Header{"Cache-Control", "no-cache"});
    if (responder) {
        responder->beginChunked(200, "text/event-stream", headers);
        const auto chunks =
            MockProvider::chatCompletionChunks(reply, routeName, id, now, m_plan.clientWantsUsage);
        for (const auto &chunk : chunks) {
            if (chunk.contains("\"content\":\"") && !chunk.contains("\"content\":\"\""))
                m_context->markFirstToken();
            responder->writeChunk(chunk);
        }
        responder->endChunked();
    }
    m_streaming = true;
    countStreamOpened();
    finish(200, {});
}

void CompletionExchange::upstreamResponseStarted(
    int status, const QList<QPair<QByteArray, QByteArray>> &headers) {
    if (m_done)
        return;
    m_upstreamStatus = status;
    m_upstreamHeaders = headers;
    if (m_plan.stream && status >= 200 && status < 300) {
        http::Responder *responder = m_context->responder();
        QList<http::Header> extra = m_context->commonHeaders();
        extra.append(http::Header{"Cache-Control", "no-cache"});
        extra.append(http::Header{"X-Accel-Buffering", "no"});
        if (responder)
            responder->beginChunked(200, "text/event-stream", extra);
        m_streaming = true;
        countStreamOpened();
        return;
    }
    // An answer read whole: one announced too large is refused before it is read, and one that
    // fits takes its share of the budget, and its memory, at once.
    bool ok = false;
    const qint64 length = headerValue(headers, "content-length").trimmed().toLongLong(&ok);
    if (!ok || length <= 0)
        return;
    if (length > m_context->services().maxUpstreamAnswerBytes) {
        failTooLarge();
        return;
    }
    if (holdAnswerBytes(length))
        m_upstreamBody.reserve(length);
}

void CompletionExchange::upstreamDataReceived(const QByteArray &data) {
    if (m_done)
        return;
    if (m_streaming) {
        relayEvents(data);
        // A relayed stream holds only its unfinished event: one that never ends must not grow
        // without bound either.
        if (!m_done && m_splitter.pendingBytes() > m_context->services().maxUpstreamAnswerBytes)
            failTooLarge();
        return;
    }
    const qint64 size = m_upstreamBody.size() + data.size();
    if (size > m_context->services().maxUpstreamAnswerBytes) {
        failTooLarge();
        return;
    }
    if (!holdAnswerBytes(size))
        return;
    m_upstreamBody += data;
}

bool CompletionExchange::holdAnswerBytes(qint64 size) {
    AnswerBudget *budget = m_context->services().answerBudget;
    if (!budget)
        return true;
    if (!m_bodyHold)
        m_bodyHold = budget->open();
    if (size > m_bodyHold->size() && !m_bodyHold->grow(size - m_bodyHold->size())) {
        failOverBudget();
        return false;
    }
    return true;
}

void CompletionExchange::failTooLarge() {
    m_call.cancel();
    const qint64 limit = m_context->services().maxUpstreamAnswerBytes;
    Failure failure;
    failure.error = ApiError::badGateway(
        QStringLiteral("upstream_answer_too_large"),
        QStringLiteral("%1 sent an answer larger than %2, the most the gateway passes on "
                       "(request %3).")
            .arg(clientLabel(), http::humanBytes(limit), m_context->requestId()));
    failure.error.logDetail = QStringLiteral("model %1").arg(modelLabel());
    recordUpstreamError(failure.error.code, failure.error.logDetail);
    if (m_streaming) {
        // The status line went out already: the error ends the stream.
        endStream(failure.error.status, failure.error.code, &failure.error);
        return;
    }
    failWith(failure);
}

void CompletionExchange::failOverBudget() {
    m_call.cancel();
    m_upstreamBody.clear();
    m_bodyHold.reset();
    Failure failure;
    // Not the upstream's fault, and not the client's: the gateway is busy (503, retry soon).
    failure.error.status = 503;
    failure.error.type = QStringLiteral("server_error");
    failure.error.code = QStringLiteral("upstream_answers_over_budget");
    failure.error.message =
        QStringLiteral("The gateway is holding as many upstream answers in memory as it may (%1) "
                       "for other clients that have not read theirs yet. Retry in a moment "
                       "(request %2).")
            .arg(http::humanBytes(m_context->services().answerBudget->limit()),
                 m_context->requestId());
    failure.error.headers.append(http::Header{"Retry-After", "1"});
    failure.error.logDetail = QStringLiteral("model %1: the answer budget "
                                             "(upstreamAnswerBudgetBytes) is used up")
                                  .arg(modelLabel());
    failWith(failure);
}

// The answer leaves the gateway's hands only once its client has taken it: until then its
// share of the budget stays held (a client that does not read cannot make room for more).
void CompletionExchange::sendHeldAnswer(int status, const QByteArray &body) {
    if (http::Responder *responder = m_context->responder(); responder && m_bodyHold)
        responder->keepUntilSent(std::exchange(m_bodyHold, {}));
    m_context->sendJson(status, body);
    m_upstreamBody.clear();
}

void CompletionExchange::relayEvents(const QByteArray &bytes) {
    // Relayed events go out as they came, in one write; its room is taken once.
    QByteArray out;
    out.reserve(m_splitter.pendingBytes() + bytes.size());
    m_splitter.feed(bytes, [this, &out](const SseEventSplitter::EventView &event) {
        if (event.data.isEmpty() || event.data == "[DONE]") {
            out += event.raw;
            return;
        }
        const AnswerFacts chunk = readAnswer(event.data);
        if (chunk.usage) {
            m_usageSeen = true;
            m_promptTokens = chunk.usage->promptTokens;
            m_completionTokens = chunk.usage->completionTokens;
            // The usage-only chunk we asked for on the client's behalf stays here.
            if (!chunk.hasChoices && !m_plan.clientWantsUsage)
                return;
        }
        if (chunk.firstDeltaContentLength > 0) {
            m_context->markFirstToken();
            m_relayedCharacters += chunk.firstDeltaContentLength;
        }
        out += event.raw;
    });
    http::Responder *responder = m_context->responder();
    if (!out.isEmpty() && responder && !m_clientGone) {
        responder->writeChunk(out);
        applyBackPressure();
    }
}

void CompletionExchange::applyBackPressure() {
    http::Responder *responder = m_context->responder();
    if (!m_paused && m_call && responder &&
        responder->pendingBytes() > m_context->services().limits.highWaterBytes) {
        m_paused = true;
        m_call.setPaused(true);
    }
}

void CompletionExchange::onDrained() {
    if (m_paused && m_call) {
        m_paused = false;
        m_call.setPaused(false);
    }
}

void CompletionExchange::upstreamFinished(upstream::FailureKind failure, const QString &message) {
    if (m_done)
        return;
    if (m_clientGone) {
        finishAfterClientGone();
        return;
    }
    if (m_streaming) {
        if (failure == upstream::FailureKind::None) {
            const QByteArray rest = m_splitter.takeRest();
            if (!rest.trimmed().isEmpty())
                relayEvents(rest + "\n\n");
            endStream(200, {}, nullptr);
        } else {
            const Failure broken = failureFromTransport(failure, message);
            const QString code = failure == upstream::FailureKind::Timeout
                                     ? broken.error.code
                                     : QStringLiteral("upstream_stream_interrupted");
            ApiError error = broken.error;
            error.code = code;
            error.message = QStringLiteral("%1 stopped in the middle of the stream (request %2).")
                                .arg(clientLabel(), m_context->requestId());
            error.logDetail = QStringLiteral("model %1: %2").arg(modelLabel(), message);
            recordUpstreamError(code, error.logDetail);
            endStream(error.status, code, &error);
        }
        return;
    }
    if (failure != upstream::FailureKind::None) {
        handleFailure(failureFromTransport(failure, message));
        return;
    }
    if (m_upstreamStatus >= 200 && m_upstreamStatus < 300) {
        succeedNonStream();
        return;
    }
    handleFailure(failureFromStatus());
}

CompletionExchange::Failure CompletionExchange::failureFromTransport(upstream::FailureKind failure,
                                                                     const QString &message) const {
    Failure result;
    const QString where =
        QUrl(model().baseUrl).toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    if (failure == upstream::FailureKind::Timeout) {
        // The client learns the route, what failed and the request id; the upstream's address
        // and libcurl's words are for the log (and the window).
        result.error = ApiError::gatewayTimeout(
            QStringLiteral("upstream_timeout"),
            QStringLiteral("%1 did not answer within %2 seconds (request %3). Retry later, or ask "
                           "the gateway's admin: the gateway log has the details.")
                .arg(clientLabel(), QString::number(model().timeoutSeconds),
                     m_context->requestId()));
        result.error.logDetail = QStringLiteral("model %1 at %2: %3. Check that the server is not "
                                                "overloaded, or raise the model's timeout in "
                                                "config.yaml.")
                                     .arg(modelLabel(), where, message);
        result.fallback = true;
        return result;
    }
    result.error = ApiError::badGateway(
        QStringLiteral("upstream_unreachable"),
        QStringLiteral("%1 could not be reached (request %2). Retry later, or ask the gateway's "
                       "admin: the gateway log has the details.")
            .arg(clientLabel(), m_context->requestId()));
    result.error.logDetail = QStringLiteral("model %1 at %2: %3. Check that the server is running "
                                            "and credentials.base_url in config.yaml.")
                                 .arg(modelLabel(), where, message);
    result.retryable = true;
    result.fallback = true;
    return result;
}

CompletionExchange::Failure CompletionExchange::failureFromStatus() const {
    Failure result;
    const int status = m_upstreamStatus;
    const QString detail = upstreamMessage(m_upstreamBody);
    // The upstream's own words can name the gateway's provider account or key: the log only.
    const QString logDetail =
        QStringLiteral("model %1 answered HTTP %2: %3")
            .arg(modelLabel(), QString::number(status), boundedText(detail, 1000));
    if (status == 429) {
        bool ok = false;
        qint64 retryAfter = headerValue(m_upstreamHeaders, "retry-after").trimmed().toLongLong(&ok);
        result.error = ApiError::tooManyRequests(
            QStringLiteral("upstream_rate_limited"),
            QStringLiteral("%1 is rate limited (HTTP 429, request %2). Retry later.")
                .arg(clientLabel(), m_context->requestId()),
            ok ? retryAfter : 1);
        result.error.logDetail = logDetail;
        result.retryable = true;
        result.fallback = true;
    } else if (status >= 500) {
        result.error = ApiError::badGateway(
            QStringLiteral("upstream_error"),
            QStringLiteral("%1 failed with HTTP %2 (request %3). Retry later, or ask the gateway's "
                           "admin: the gateway log has the details.")
                .arg(clientLabel(), QString::number(status), m_context->requestId()));
        result.error.logDetail = logDetail;
        result.retryable = true;
        result.fallback = true;
    } else if (status == 401 || status == 403) {
        // Passing this on as 401/403 would tell the client its own key is wrong.
        result.error = ApiError::badGateway(
            QStringLiteral("upstream_auth_failed"),
            QStringLiteral("%1 refused the gateway's credentials (HTTP %2, request %3): this is "
                           "not about your API key; the gateway's admin must check the model's "
                           "credentials.")
                .arg(clientLabel(), QString::number(status), m_context->requestId()));
        result.error.logDetail =
            logDetail + QStringLiteral(". Check credentials.api_key of the model in config.yaml.");
    } else {
        // The client's request was wrong for the upstream: pass the answer on.
        result.error = ApiError::badRequest(QStringLiteral("upstream_rejected_request"), detail);
        result.error.status = status >= 400 ? status : 502;
        const QJsonDocument document = QJsonDocument::fromJson(m_upstreamBody);
        if (document.object().value(QStringLiteral("error")).isObject()) {
            result.relayedBody = m_upstreamBody;
            const QJsonValue code = document.object()
                                        .value(QStringLiteral("error"))
                                        .toObject()
                                        .value(QStringLiteral("code"));
            if (code.isString())
                result.error.code = code.toString();
        }
    }
    return result;
}

void CompletionExchange::handleFailure(const Failure &failure) {
    recordUpstreamError(failure.error.code, failure.error.logDetail);
    if (failure.retryable && m_attempt < model().retryAttempts) {
        ++m_attempt;
        // A short, growing pause: an overloaded upstream gets a moment to recover.
        QTimer::singleShot(50 * m_attempt, this, &CompletionExchange::startAttempt);
        return;
    }
    if (failure.fallback && m_modelIndex + 1 < m_plan.models.size()) {
        ++m_modelIndex;
        m_attempt = 0;
        startAttempt();
        return;
    }
    failWith(failure);
}

void CompletionExchange::failWith(const Failure &failure) {
    if (m_done)
        return;
    m_done = true;
    countStreamClosed();
    // The call's handle goes with the exchange, deleted below.
    m_call.cancel();
    auto &usage = m_context->usage();
    usage.promptTokens = 0;
    usage.completionTokens = 0;
    if (m_plan.limits)
        m_plan.limits->settle(0, 0);
    if (!failure.relayedBody.isEmpty()) {
        sendHeldAnswer(failure.error.status, failure.relayedBody);
        m_context->finish(failure.error.status, failure.error.code);
    } else {
        m_context->sendError(failure.error);
    }
    http::looptail::deleteObject(this);
}

void CompletionExchange::succeedNonStream() {
    const AnswerFacts answer = readAnswer(m_upstreamBody);
    if (!answer.isObject) {
        Failure failure;
        failure.error = ApiError::badGateway(
            QStringLiteral("upstream_invalid_answer"),
            QStringLiteral("%1 answered HTTP %2 with a body that is not a JSON object (request "
                           "%3).")
                .arg(clientLabel(), QString::number(m_upstreamStatus), m_context->requestId()));
        failure.error.logDetail = QStringLiteral("model %1").arg(modelLabel());
        recordUpstreamError(failure.error.code, failure.error.logDetail);
        failWith(failure);
        return;
    }
    const UpstreamUsage usage = answer.usage.value_or(UpstreamUsage{});
    m_promptTokens = usage.promptTokens;
    m_completionTokens = usage.completionTokens;
    m_context->markFirstToken();
    sendHeldAnswer(200, m_upstreamBody);
    finish(200, {});
}

void CompletionExchange::endStream(int status, const QString &errorCode, const ApiError *error) {
    if (error)
        m_context->noteError(*error);
    http::Responder *responder = m_context->responder();
    if (responder) {
        if (error)
            responder->writeChunk("data: " + error->body() + "\n\n");
        responder->endChunked();
    }
    finish(status, errorCode);
}

void CompletionExchange::finish(int status, const QString &errorCode) {
    if (m_done)
        return;
    m_done = true;
    countStreamClosed();
    // The call's handle goes with the exchange, deleted below.
    m_call.cancel();
    auto &usage = m_context->usage();
    usage.promptTokens = m_promptTokens;
    usage.completionTokens = m_completionTokens;
    usage.costUsd = m_promptTokens * model().inputCostPerMillionTokens / 1e6 +
                    m_completionTokens * model().outputCostPerMillionTokens / 1e6;
    m_context->services().limiter->recordConsumption(usage.keyUuid, *m_plan.route, m_promptTokens,
                                                     m_completionTokens, usage.costUsd,
                                                     QDateTime::currentMSecsSinceEpoch());
    if (m_plan.limits)
        m_plan.limits->settle(double(m_promptTokens + m_completionTokens), usage.costUsd);
    m_context->finish(status, errorCode);
    http::looptail::deleteObject(this);
}

void CompletionExchange::onClientGone() {
    if (m_done || m_clientGone)
        return;
    m_clientGone = true;
    http::Responder *responder = m_context->responder();
    // The responder only goes away once finished, even when its client is gone.
    if (responder) {
        if (m_streaming)
            responder->endChunked();
        else
            responder->send(499, "application/json", QByteArray());
    }
    // A stream that relayed content is billed for it: wait a moment for the upstream's usage,
    // which follows the content (the client may have hung up after the last content chunk).
    if (m_streaming && m_call && !m_usageSeen && m_relayedCharacters > 0) {
        if (m_paused) {
            m_paused = false;
            m_call.setPaused(false);
        }
        QTimer::singleShot(kUsageAfterHangUpMs, this, &CompletionExchange::finishAfterClientGone);
        return;
    }
    finishAfterClientGone();
}

void CompletionExchange::finishAfterClientGone() {
    if (m_done)
        return;
    m_call.cancel();
    if (m_streaming && !m_usageSeen && m_relayedCharacters > 0) {
        // No usage from the upstream: what was relayed, at about 4 characters a token.
        m_promptTokens = m_plan.promptEstimate;
        m_completionTokens = (m_relayedCharacters + 3) / 4;
        m_context->usage().tokensEstimated = true;
    }
    finish(499, QStringLiteral("client_disconnected"));
}

void CompletionExchange::recordUpstreamError(const QString &errorCode, const QString &detail) {
    // A fixed vocabulary: an upstream's own error codes would make the label set unbounded.
    static const QStringList transportKinds{
        QStringLiteral("timeout"), QStringLiteral("unreachable"),
        QStringLiteral("stream_interrupted"), QStringLiteral("answer_too_large"),
        QStringLiteral("invalid_answer")};
    QString kind = errorCode.startsWith(QLatin1String("upstream_")) ? errorCode.mid(9) : errorCode;
    if (!transportKinds.contains(kind))
        kind = m_upstreamStatus > 0 ? QStringLiteral("http_") + QString::number(m_upstreamStatus)
                                    : QStringLiteral("other");
    m_context->logEvent(
        QStringLiteral("upstream_error"), int(metering::LogEntry::Level::Error),
        QStringLiteral("The upstream model '%1' failed (%2)%3.%4")
            .arg(model().modelId, kind,
                 m_attempt > 0 ? QStringLiteral(", attempt %1").arg(m_attempt + 1) : QString(),
                 detail.isEmpty() ? QString() : QStringLiteral(" Details: ") + detail));
    if (metering::MetricsRegistry *metrics = m_context->services().metrics)
        metrics->recordUpstreamError(model().modelId, kind);
}

void CompletionExchange::countStreamOpened() {
    metering::MetricsRegistry *metrics = m_context->services().metrics;
    if (m_streamCounted || !metrics)
        return;
    m_streamCounted = true;
    metrics->streamOpened();
}

void CompletionExchange::countStreamClosed() {
    if (!m_streamCounted)
        return;
    m_streamCounted = false;
    m_context->services().metrics->streamClosed();
}

} // namespace portico::proxy
