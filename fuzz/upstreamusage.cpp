// The usage the gateway takes from an upstream's answer (gateway/proxy/upstreamusage.h), from a
// whole JSON answer or from the events of a stream cut by SseEventSplitter, as the gateway reads
// them. Properties: no crash; every count is a number of tokens the gateway can bill and add up
// (not negative, and small enough that sums and costs cannot overflow); and readAnswer() (simdjson)
// says exactly what QJsonDocument says of the same bytes: whether they are a JSON object, the
// usage, whether there are choices, and the length of the first choice's delta content.
#include "fuzzsupport.h"

#include "proxy/sseeventsplitter.h"
#include "proxy/upstreamusage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <limits>

namespace {

using portico::proxy::UpstreamUsage;

void check(const UpstreamUsage &usage) {
    // A usage row adds these up, and so do the key's and groups' token limits over many requests.
    constexpr qint64 plausible = std::numeric_limits<qint64>::max() / 1024;
    PORTICO_FUZZ_CHECK(usage.promptTokens >= 0 && usage.completionTokens >= 0,
                       "token counts are not negative");
    PORTICO_FUZZ_CHECK(usage.promptTokens <= plausible && usage.completionTokens <= plausible,
                       "token counts can be added up without overflow");
}

// The facts QJsonDocument gives, written out here as the gateway read them before readAnswer().
void compareWithQt(const QByteArray &json) {
    const QJsonDocument document = QJsonDocument::fromJson(json);
    const portico::proxy::AnswerFacts facts = portico::proxy::readAnswer(json);
    PORTICO_FUZZ_CHECK(facts.isObject == document.isObject(), "the same verdict: a JSON object");
    const QJsonObject object = document.object();
    const auto usage = portico::proxy::reportedUsage(object);
    PORTICO_FUZZ_CHECK(facts.usage.has_value() == usage.has_value(), "the same usage object");
    if (usage) {
        check(*facts.usage);
        PORTICO_FUZZ_CHECK(facts.usage->promptTokens == usage->promptTokens &&
                               facts.usage->completionTokens == usage->completionTokens,
                           "the same token counts");
    }
    const QJsonArray choices = object.value(QStringLiteral("choices")).toArray();
    PORTICO_FUZZ_CHECK(facts.hasChoices == !choices.isEmpty(), "the same choices");
    const QJsonValue content = choices.isEmpty() ? QJsonValue()
                                                 : choices.first()
                                                       .toObject()
                                                       .value(QStringLiteral("delta"))
                                                       .toObject()
                                                       .value(QStringLiteral("content"));
    PORTICO_FUZZ_CHECK(facts.firstDeltaContentLength ==
                           (content.isString() ? content.toString().size() : 0),
                       "the same content length");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    portico::fuzz::InputReader input(data, size);
    const quint8 mode = input.byte();
    if (mode % 2 == 0) {
        // A non-streamed answer: one JSON object.
        const QByteArray answer = input.rest();
        const QJsonDocument document = QJsonDocument::fromJson(answer);
        if (const auto usage = portico::proxy::reportedUsage(document.object()))
            check(*usage);
        compareWithQt(answer);
        return 0;
    }
    // A stream, cut where the input says; every event's data is a chunk.
    const qsizetype piece = qsizetype(mode >> 1) + 1;
    const QByteArray stream = input.rest();
    portico::proxy::SseEventSplitter splitter;
    for (qsizetype pos = 0; pos < stream.size(); pos += piece) {
        for (const auto &event : splitter.feed(stream.mid(pos, piece))) {
            if (event.data.isEmpty() || event.data == "[DONE]")
                continue;
            if (const auto usage =
                    portico::proxy::reportedUsage(QJsonDocument::fromJson(event.data).object()))
                check(*usage);
            compareWithQt(event.data);
        }
    }
    return 0;
}
