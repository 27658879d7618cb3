// The HTTP/1.1 request reader (gateway/http/requestparser.h) on arbitrary bytes, delivered in
// pieces cut at points the input chooses, as TCP may deliver them. Properties: no crash, every
// request it completes is well-formed and within the limits, and the requests it reads do not
// depend on where the bytes were cut (compared with the same bytes delivered at once).
#include "fuzzsupport.h"

#include "http/requestparser.h"

#include <QList>

namespace {

using portico::http::Request;
using portico::http::RequestParser;

struct Outcome {
    QList<Request> requests;
    bool failed = false;
    int status = 0;
};

bool sameRequest(const Request &a, const Request &b) {
    return a.method == b.method && a.target == b.target && a.path == b.path && a.query == b.query &&
           a.headers == b.headers && a.body == b.body && a.keepAlive == b.keepAlive;
}

void checkRequest(const Request &request, qint64 maxBodyBytes) {
    PORTICO_FUZZ_CHECK(!request.method.isEmpty(), "a completed request has a method");
    PORTICO_FUZZ_CHECK(!request.target.isEmpty(), "a completed request has a target");
    PORTICO_FUZZ_CHECK(request.body.size() <= maxBodyBytes, "the body is within the limit");
    for (char c : request.target)
        PORTICO_FUZZ_CHECK(static_cast<unsigned char>(c) > 0x20 && c != 0x7f,
                           "the target has no space or control character");
    for (const auto &[name, value] : request.headers) {
        PORTICO_FUZZ_CHECK(!name.isEmpty(), "a header has a name");
        PORTICO_FUZZ_CHECK(!value.contains('\r') && !value.contains('\0') && !value.contains('\n'),
                           "a header value has no CR, LF or NUL");
    }
}

// Feeds `pieces` one after the other, reading every request that completes, until the bytes are
// used up or the parser fails.
Outcome run(const QList<QByteArray> &pieces, qint64 maxHeaderBytes, qint64 maxBodyBytes) {
    RequestParser parser(maxHeaderBytes, maxBodyBytes);
    Outcome outcome;
    for (const QByteArray &piece : pieces) {
        parser.append(piece);
        for (bool more = true; more;) {
            switch (parser.parse()) {
            case RequestParser::Status::NeedMore:
                more = false;
                break;
            case RequestParser::Status::HeadersReady:
                PORTICO_FUZZ_CHECK(parser.isHeadRead(), "headers ready means the head was read");
                break;
            case RequestParser::Status::Complete: {
                const Request request = parser.takeRequest();
                checkRequest(request, maxBodyBytes);
                outcome.requests.append(request);
                break;
            }
            case RequestParser::Status::Error:
                outcome.failed = true;
                outcome.status = parser.error().status;
                PORTICO_FUZZ_CHECK(outcome.status >= 400 && outcome.status < 600,
                                   "an error has an HTTP error status");
                PORTICO_FUZZ_CHECK(!parser.error().message.isEmpty(), "an error says what");
                // A 413 states sizes (humanBytes) and no client text: none may be negative.
                PORTICO_FUZZ_CHECK(outcome.status != 413 ||
                                       !parser.error().message.contains(QLatin1Char('-')),
                                   "a refused size is stated as it is");
                PORTICO_FUZZ_CHECK(parser.parse() == RequestParser::Status::Error,
                                   "the parser stays failed");
                return outcome;
            }
        }
    }
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    portico::fuzz::InputReader input(data, size);
    // Byte 0: small limits or the server's defaults (httpserver.h), so both are exercised.
    const quint8 flags = input.byte();
    const qint64 maxHeaderBytes = (flags & 1) ? 256 : 32 * 1024;
    const qint64 maxBodyBytes = (flags & 2) ? 100 : 10 * 1024 * 1024;
    // Then the cut points (InputReader::restInPieces) and the bytes.
    QByteArray stream;
    const QList<QByteArray> pieces = input.restInPieces(stream);
    const Outcome cut = run(pieces, maxHeaderBytes, maxBodyBytes);
    const Outcome whole = run({stream}, maxHeaderBytes, maxBodyBytes);

    // Where TCP cut the bytes must not change which requests are read, nor whether the
    // connection fails (the error may differ: a head refused early for its first bytes, or
    // later for its size, is refused either way).
    PORTICO_FUZZ_CHECK(cut.requests.size() == whole.requests.size(),
                       "the same number of requests, however the bytes were cut");
    for (qsizetype i = 0; i < cut.requests.size(); ++i)
        PORTICO_FUZZ_CHECK(sameRequest(cut.requests[i], whole.requests[i]),
                           "the same requests, however the bytes were cut");
    PORTICO_FUZZ_CHECK(cut.failed == whole.failed,
                       "the same verdict on the bytes, however they were cut");
    return 0;
}
