#pragma once

#include "proxy/apierror.h"

#include <QByteArray>
#include <QJsonValue>

#include <optional>

namespace portico::proxy {

// Checks a request body before anything else looks at it; each refusal says exactly what is
// wrong and which field. It also measures what the key's limits reserve for the request.
//
// A body is first read with simdjson, which takes only what the gateway needs. Anything that
// reader does not accept as it stands (malformed or unusual JSON, a field of the wrong type,
// numbers beyond 64 bits, deep nesting) is read again with QJsonDocument, which decides and
// words the refusal: QJsonDocument's verdict is the reference, and fuzz_requestvalidation checks
// that the two readers agree on every body the first one accepts. Parsing every body with
// QJsonDocument cost more than any other step of a proxied request.
class RequestValidator {
public:
    // The size of the prompt, for the reservation of token and budget limits: characters
    // (UTF-16 code units) and pieces of text of the messages' "content" or of "input", and the
    // completion's cap ("max_completion_tokens", else "max_tokens"; 0 when none).
    struct PromptSize {
        qint64 characters = 0;
        qint64 pieces = 0;
        qint64 completionCap = 0;
        bool operator==(const PromptSize &) const = default;
    };
    struct Parsed {
        QString model;
        bool stream = false;
        bool includeUsage = false;
        // The client's "stream_options" as sent: undefined when absent.
        QJsonValue streamOptions = QJsonValue(QJsonValue::Undefined);
        PromptSize prompt;
    };
    struct Outcome {
        std::optional<Parsed> parsed;
        ApiError error;
        bool ok() const { return parsed.has_value(); }
    };
    // Fast: simdjson first, QJsonDocument when it declines. QtOnly: QJsonDocument alone, the
    // reference. FastOnly, for tests: simdjson alone; a body it declines gets an outcome that is
    // neither accepted nor refused (no error code).
    enum class Reader { Fast, QtOnly, FastOnly };

    static Outcome chatCompletion(const QByteArray &body, Reader reader = Reader::Fast);
    static Outcome embeddings(const QByteArray &body, Reader reader = Reader::Fast);
};

} // namespace portico::proxy
