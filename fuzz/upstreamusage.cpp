// The usage the gateway takes from an upstream's answer (gateway/proxy/upstreamusage.h), from a
// whole JSON answer or from the events of a stream cut by SseEventSplitter, as the gateway reads
// them. Properties: no crash; every count is a number of tokens the gateway can bill and add up
// (not negative, and small enough that sums and costs cannot overflow).
#include "fuzzsupport.h"

#include "proxy/sseeventsplitter.h"
#include "proxy/upstreamusage.h"

#include <QJsonDocument>

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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    portico::fuzz::InputReader input(data, size);
    const quint8 mode = input.byte();
    if (mode % 2 == 0) {
        // A non-streamed answer: one JSON object.
        const QJsonDocument document = QJsonDocument::fromJson(input.rest());
        if (const auto usage = portico::proxy::reportedUsage(document.object()))
            check(*usage);
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
        }
    }
    return 0;
}
