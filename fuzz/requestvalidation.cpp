// The validation of chat-completion and embeddings request bodies
// (gateway/proxy/requestvalidator.h) on arbitrary bytes. Properties: no crash; an accepted body
// has what the gateway then relies on (a non-empty string model; messages, a non-empty array of
// objects with a string role; input, a non-empty string or array); a refusal is a 400 that names
// a code and says why.
#include "fuzzsupport.h"

#include "proxy/requestvalidator.h"

#include <QJsonArray>

namespace {

using portico::proxy::RequestValidator;

void checkRefusal(const RequestValidator::Outcome &outcome) {
    PORTICO_FUZZ_CHECK(outcome.error.status == 400, "a refused body is a 400");
    PORTICO_FUZZ_CHECK(!outcome.error.code.isEmpty(), "a refusal has a code");
    PORTICO_FUZZ_CHECK(!outcome.error.message.isEmpty(), "a refusal says why");
    PORTICO_FUZZ_CHECK(!outcome.error.body().isEmpty(), "a refusal has a body");
}

void checkCommon(const RequestValidator::Parsed &parsed) {
    PORTICO_FUZZ_CHECK(!parsed.model.trimmed().isEmpty(), "an accepted body names a model");
    PORTICO_FUZZ_CHECK(parsed.body.value(QStringLiteral("model")).toString() == parsed.model,
                       "the model is the body's");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));

    const RequestValidator::Outcome chat = RequestValidator::chatCompletion(body);
    if (chat.ok()) {
        checkCommon(*chat.parsed);
        const QJsonValue messages = chat.parsed->body.value(QStringLiteral("messages"));
        PORTICO_FUZZ_CHECK(messages.isArray() && !messages.toArray().isEmpty(),
                           "accepted chat messages are a non-empty array");
        for (const QJsonValue &message : messages.toArray())
            PORTICO_FUZZ_CHECK(message.isObject() &&
                                   message.toObject().value(QStringLiteral("role")).isString(),
                               "every accepted message is an object with a string role");
        PORTICO_FUZZ_CHECK(chat.parsed->stream || !chat.parsed->includeUsage,
                           "usage is only included in a stream");
    } else {
        checkRefusal(chat);
    }

    const RequestValidator::Outcome embeddings = RequestValidator::embeddings(body);
    if (embeddings.ok()) {
        checkCommon(*embeddings.parsed);
        const QJsonValue input = embeddings.parsed->body.value(QStringLiteral("input"));
        PORTICO_FUZZ_CHECK((input.isString() && !input.toString().isEmpty()) ||
                               (input.isArray() && !input.toArray().isEmpty()),
                           "accepted embeddings input is a non-empty string or array");
        PORTICO_FUZZ_CHECK(!embeddings.parsed->stream && !embeddings.parsed->includeUsage,
                           "embeddings are never streamed");
    } else {
        checkRefusal(embeddings);
    }
    return 0;
}
