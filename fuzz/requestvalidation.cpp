// The validation of chat-completion and embeddings request bodies
// (gateway/proxy/requestvalidator.h) on arbitrary bytes. Properties: no crash; a refusal is a 400
// that names a code and says why; and the two readers agree: whatever the fast reader (simdjson)
// accepts, the reference (QJsonDocument alone) accepts too, with the same model, stream flags,
// stream options and prompt size. An accepted body is also checked against the object
// QJsonDocument reads: a non-empty string model; messages, a non-empty array of objects with a
// string role; input, a non-empty string or array.
#include "fuzzsupport.h"

#include "proxy/requestvalidator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace {

using portico::proxy::RequestValidator;

void checkRefusal(const RequestValidator::Outcome &outcome) {
    PORTICO_FUZZ_CHECK(outcome.error.status == 400, "a refused body is a 400");
    PORTICO_FUZZ_CHECK(!outcome.error.code.isEmpty(), "a refusal has a code");
    PORTICO_FUZZ_CHECK(!outcome.error.message.isEmpty(), "a refusal says why");
    PORTICO_FUZZ_CHECK(!outcome.error.body().isEmpty(), "a refusal has a body");
}

// The fast reader alone against the reference: what it accepts, the reference accepts the same.
void checkSame(const RequestValidator::Outcome &fast, const RequestValidator::Outcome &reference) {
    PORTICO_FUZZ_CHECK(fast.error.code.isEmpty(), "the fast reader never words a refusal");
    if (!fast.ok())
        return; // declined: the reference decides
    PORTICO_FUZZ_CHECK(reference.ok(), "what the fast reader accepts, the reference accepts");
    const RequestValidator::Parsed &a = *fast.parsed;
    const RequestValidator::Parsed &b = *reference.parsed;
    PORTICO_FUZZ_CHECK(a.model == b.model, "the same model");
    PORTICO_FUZZ_CHECK(a.stream == b.stream && a.includeUsage == b.includeUsage,
                       "the same stream flags");
    PORTICO_FUZZ_CHECK(a.streamOptions == b.streamOptions, "the same stream options");
    PORTICO_FUZZ_CHECK(a.prompt == b.prompt, "the same prompt size");
}

// One endpoint's validator with its three readers: the default one (fast, then the reference)
// must give the reference's verdict, and the fast one alone must agree with it on what it takes.
using Validate = RequestValidator::Outcome (*)(const QByteArray &, RequestValidator::Reader);
RequestValidator::Outcome validateWithEveryReader(Validate validate, const QByteArray &body) {
    const RequestValidator::Outcome outcome = validate(body, RequestValidator::Reader::Fast);
    const RequestValidator::Outcome reference = validate(body, RequestValidator::Reader::QtOnly);
    checkSame(validate(body, RequestValidator::Reader::FastOnly), reference);
    PORTICO_FUZZ_CHECK(outcome.ok() == reference.ok() &&
                           outcome.error.message == reference.error.message,
                       "the validator's verdict is the reference's");
    return outcome;
}

void checkAccepted(const RequestValidator::Parsed &parsed, const QJsonObject &object) {
    PORTICO_FUZZ_CHECK(!parsed.model.trimmed().isEmpty(), "an accepted body names a model");
    PORTICO_FUZZ_CHECK(object.value(QStringLiteral("model")).toString() == parsed.model,
                       "the model is the body's");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    const QJsonObject object = QJsonDocument::fromJson(body).object();

    const RequestValidator::Outcome chat =
        validateWithEveryReader(&RequestValidator::chatCompletion, body);
    if (chat.ok()) {
        checkAccepted(*chat.parsed, object);
        const QJsonValue messages = object.value(QStringLiteral("messages"));
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

    const RequestValidator::Outcome embeddings =
        validateWithEveryReader(&RequestValidator::embeddings, body);
    if (embeddings.ok()) {
        checkAccepted(*embeddings.parsed, object);
        const QJsonValue input = object.value(QStringLiteral("input"));
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
