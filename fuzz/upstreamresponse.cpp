// The plain upstream client's answer parser (gateway/upstream/responseparser.h) on arbitrary
// bytes from an upstream, cut at points the input chooses. Properties: no crash; at most one head
// is handed on, and body bytes only after it; an answer framed by Content-Length never hands on
// more than that length; after the upstream closes, the answer is either complete or failed; and
// what is handed on, and how it ends, do not depend on where the bytes were cut.
#include "fuzzsupport.h"

#include "upstream/responseparser.h"

namespace {

using portico::upstream::detail::ResponseParser;
using portico::upstream::detail::ResponseSink;

struct Seen final : ResponseSink {
    int heads = 0;
    int status = 0;
    qint64 contentLength = -1;
    QByteArray body;
    bool bodyBeforeHead = false;
    void responseHead(int s, const QList<QPair<QByteArray, QByteArray>> &headers) override {
        ++heads;
        status = s;
        bool transferEncoding = false;
        for (const auto &[name, value] : headers) {
            if (name == "content-length")
                contentLength = value.toLongLong();
            transferEncoding |= name == "transfer-encoding";
        }
        // Chunked or until the close: a Transfer-Encoding overrides the length (RFC 9112 6.3).
        if (transferEncoding)
            contentLength = -1;
    }
    void responseBody(const char *data, qsizetype size) override {
        bodyBeforeHead |= heads == 0;
        body.append(data, size);
    }
};

struct Outcome {
    Seen seen;
    ResponseParser::State state = ResponseParser::State::Head;
    ResponseParser::State afterClose = ResponseParser::State::Head;
};

Outcome parse(const QList<QByteArray> &pieces, bool headRequest) {
    Outcome outcome;
    ResponseParser parser(headRequest);
    for (const QByteArray &piece : pieces) {
        outcome.state = parser.feed(piece.constData(), piece.size(), outcome.seen);
        if (outcome.state == ResponseParser::State::Failed ||
            outcome.state == ResponseParser::State::Done)
            break; // the client stops reading there
    }
    outcome.state = parser.state();
    outcome.afterClose = parser.closed();
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    portico::fuzz::InputReader input(data, size);
    const bool headRequest = input.byte() % 8 == 0;
    QByteArray stream;
    const QList<QByteArray> pieces = input.restInPieces(stream);

    const Outcome cut = parse(pieces, headRequest);
    const Outcome whole = parse({stream}, headRequest);
    for (const Outcome *outcome : {&cut, &whole}) {
        const Seen &seen = outcome->seen;
        PORTICO_FUZZ_CHECK(seen.heads <= 1, "one head at most");
        PORTICO_FUZZ_CHECK(!seen.bodyBeforeHead, "no body before the head");
        PORTICO_FUZZ_CHECK(seen.heads == 0 || (seen.status >= 200 && seen.status <= 999),
                           "a final status");
        PORTICO_FUZZ_CHECK(seen.contentLength < 0 || seen.body.size() <= seen.contentLength,
                           "no more body than its Content-Length");
        PORTICO_FUZZ_CHECK(outcome->afterClose == ResponseParser::State::Done ||
                               outcome->afterClose == ResponseParser::State::Failed,
                           "a close ends the answer");
        PORTICO_FUZZ_CHECK(seen.body.size() <= stream.size(), "the body comes from the bytes fed");
    }
    PORTICO_FUZZ_CHECK(cut.state == whole.state && cut.afterClose == whole.afterClose,
                       "the same ending, however the bytes were cut");
    PORTICO_FUZZ_CHECK(cut.seen.heads == whole.seen.heads && cut.seen.status == whole.seen.status &&
                           cut.seen.body == whole.seen.body,
                       "the same answer, however the bytes were cut");
    return 0;
}
