#include "proxy/requestvalidator.h"

#include "proxy/fastjson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <algorithm>
#include <cmath>

namespace portico::proxy {

namespace {

RequestValidator::Outcome refuse(const QString &code, const QString &message,
                                 const QString &param = {}) {
    RequestValidator::Outcome outcome;
    outcome.error = ApiError::badRequest(code, message, param);
    return outcome;
}

// The reader of reference, QJsonDocument.

struct Read {
    Read(RequestValidator::Outcome refusal = {}) // a refusal converts: `return refuse(...)`
        : outcome(std::move(refusal)) {}
    RequestValidator::Outcome outcome;
    QJsonObject object; // the body, when the outcome is ok
};

// A message's "content" or the "input" of embeddings: a string, or an array of strings and of
// parts with a "text".
void addText(const QJsonValue &value, RequestValidator::PromptSize &size) {
    if (value.isString()) {
        size.characters += value.toString().size();
        ++size.pieces;
    } else if (value.isArray()) {
        for (const QJsonValue &part : value.toArray()) {
            if (part.isString())
                size.characters += part.toString().size();
            else
                size.characters += part.toObject().value(QStringLiteral("text")).toString().size();
            ++size.pieces;
        }
    }
}

// What both endpoints check, read with QJsonDocument: the reference.
Read readCommon(const QByteArray &body) {
    if (body.trimmed().isEmpty()) {
        return refuse(QStringLiteral("invalid_json"),
                      QStringLiteral("The request body is empty: send a JSON object with at least "
                                     "\"model\"."));
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return refuse(QStringLiteral("invalid_json"),
                      QStringLiteral("The request body is not valid JSON: %1 at offset %2.")
                          .arg(parseError.errorString(), QString::number(parseError.offset)));
    }
    if (!document.isObject()) {
        return refuse(QStringLiteral("invalid_json"),
                      QStringLiteral("The request body must be a JSON object."));
    }
    const QJsonObject object = document.object();
    const QJsonValue model = object.value(QStringLiteral("model"));
    if (model.isUndefined() || model.isNull()) {
        return refuse(QStringLiteral("missing_model"),
                      QStringLiteral("The request has no \"model\": set it to the name of a route "
                                     "of config.yaml."),
                      QStringLiteral("model"));
    }
    if (!model.isString() || model.toString().trimmed().isEmpty()) {
        return refuse(QStringLiteral("invalid_model"),
                      QStringLiteral("\"model\" must be a non-empty string: the name of a route of "
                                     "config.yaml."),
                      QStringLiteral("model"));
    }
    const QJsonValue stream = object.value(QStringLiteral("stream"));
    if (!stream.isUndefined() && !stream.isNull() && !stream.isBool()) {
        return refuse(QStringLiteral("invalid_stream"),
                      QStringLiteral("\"stream\" must be true or false."),
                      QStringLiteral("stream"));
    }
    const QJsonValue options = object.value(QStringLiteral("stream_options"));
    if (!options.isUndefined() && !options.isNull() && !options.isObject()) {
        return refuse(QStringLiteral("invalid_stream_options"),
                      QStringLiteral("\"stream_options\" must be an object such as "
                                     "{\"include_usage\": true}."),
                      QStringLiteral("stream_options"));
    }
    RequestValidator::Parsed parsed;
    parsed.model = model.toString();
    parsed.stream = stream.toBool(false);
    parsed.includeUsage = options.toObject().value(QStringLiteral("include_usage")).toBool(false);
    parsed.streamOptions = options;
    Read read;
    read.outcome.parsed = std::move(parsed);
    read.object = object;
    return read;
}

RequestValidator::Outcome chatReference(const QByteArray &body) {
    Read read = readCommon(body);
    RequestValidator::Outcome &outcome = read.outcome;
    if (!outcome.ok())
        return outcome;
    const QJsonValue messages = read.object.value(QStringLiteral("messages"));
    if (messages.isUndefined() || messages.isNull()) {
        return refuse(QStringLiteral("missing_messages"),
                      QStringLiteral("The request has no \"messages\": send a non-empty array "
                                     "such as [{\"role\": \"user\", \"content\": \"Hello!\"}]."),
                      QStringLiteral("messages"));
    }
    if (!messages.isArray() || messages.toArray().isEmpty()) {
        return refuse(QStringLiteral("invalid_messages"),
                      QStringLiteral("\"messages\" must be a non-empty array of messages such as "
                                     "{\"role\": \"user\", \"content\": \"Hello!\"}."),
                      QStringLiteral("messages"));
    }
    const QJsonArray array = messages.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject message = array.at(i).toObject();
        if (!array.at(i).isObject() || !message.value(QStringLiteral("role")).isString()) {
            return refuse(
                QStringLiteral("invalid_messages"),
                QStringLiteral("messages[%1] must be an object with a string \"role\".").arg(i),
                QStringLiteral("messages"));
        }
    }
    if (!outcome.parsed->stream)
        outcome.parsed->includeUsage = false;
    RequestValidator::PromptSize &prompt = outcome.parsed->prompt;
    for (const QJsonValue &message : array)
        addText(message.toObject().value(QStringLiteral("content")), prompt);
    const QJsonValue cap = read.object.contains(QStringLiteral("max_completion_tokens"))
                               ? read.object.value(QStringLiteral("max_completion_tokens"))
                               : read.object.value(QStringLiteral("max_tokens"));
    prompt.completionCap = std::max<qint64>(0, cap.toInteger());
    return outcome;
}

RequestValidator::Outcome embeddingsReference(const QByteArray &body) {
    Read read = readCommon(body);
    RequestValidator::Outcome &outcome = read.outcome;
    if (!outcome.ok())
        return outcome;
    const QJsonValue input = read.object.value(QStringLiteral("input"));
    if (input.isUndefined() || input.isNull()) {
        return refuse(QStringLiteral("missing_input"),
                      QStringLiteral("The request has no \"input\": send a string or an array of "
                                     "strings to embed."),
                      QStringLiteral("input"));
    }
    const bool valid = (input.isString() && !input.toString().isEmpty()) ||
                       (input.isArray() && !input.toArray().isEmpty());
    if (!valid) {
        return refuse(QStringLiteral("invalid_input"),
                      QStringLiteral("\"input\" must be a non-empty string or a non-empty array."),
                      QStringLiteral("input"));
    }
    // Embeddings are never streamed.
    outcome.parsed->stream = false;
    outcome.parsed->includeUsage = false;
    addText(input, outcome.parsed->prompt);
    return outcome;
}

// The fast reader. It returns what the reference would for a body it accepts, and nothing for
// any body it is not sure of: a refusal is always worded by the reference.

enum class Endpoint { ChatCompletions, Embeddings };

// QJsonValue::toInteger(0) of a number, or nothing when unsure (beyond 2^53, or beyond qint64).
std::optional<qint64> integerOf(simdjson::dom::element value) {
    switch (value.type()) {
    case simdjson::dom::element_type::INT64:
        return qint64(value.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
        return std::nullopt;
    case simdjson::dom::element_type::DOUBLE: {
        const double number = value.get_double().value_unsafe();
        if (!(std::abs(number) < 9007199254740992.0)) // 2^53
            return std::nullopt;
        return std::trunc(number) == number ? qint64(number) : 0;
    }
    default:
        return 0;
    }
}

qsizetype textLength(simdjson::dom::element value) {
    std::string_view text;
    return value.get(text) == simdjson::SUCCESS ? fastjson::utf16Length(text) : 0;
}

// addText() of the reference.
void addTextFast(simdjson::dom::element value, RequestValidator::PromptSize &size) {
    simdjson::dom::array parts;
    if (value.is_string()) {
        size.characters += textLength(value);
        ++size.pieces;
    } else if (value.get(parts) == simdjson::SUCCESS) {
        for (const simdjson::dom::element part : parts) {
            simdjson::dom::object object;
            if (part.is_string()) {
                size.characters += textLength(part);
            } else if (part.get(object) == simdjson::SUCCESS) {
                if (const auto text = fastjson::lastMember(object, "text"))
                    size.characters += textLength(*text);
            }
            ++size.pieces;
        }
    }
}

std::optional<RequestValidator::Parsed> readFast(const QByteArray &body, Endpoint endpoint) {
    std::optional<simdjson::dom::parser> ownParser;
    simdjson::dom::element root;
    simdjson::dom::object object;
    if (fastjson::parse(body, ownParser, root) != simdjson::SUCCESS ||
        root.get(object) != simdjson::SUCCESS)
        return std::nullopt;

    RequestValidator::Parsed parsed;
    std::string_view model;
    const auto modelValue = fastjson::lastMember(object, "model");
    if (!modelValue || modelValue->get(model) != simdjson::SUCCESS)
        return std::nullopt;
    parsed.model = QString::fromUtf8(model.data(), qsizetype(model.size()));
    if (parsed.model.trimmed().isEmpty())
        return std::nullopt;

    if (const auto stream = fastjson::lastMember(object, "stream"); stream && !stream->is_null()) {
        bool on = false;
        if (stream->get(on) != simdjson::SUCCESS)
            return std::nullopt;
        parsed.stream = on;
    }
    if (const auto options = fastjson::lastMember(object, "stream_options")) {
        simdjson::dom::object members;
        if (options->is_null()) {
            parsed.streamOptions = QJsonValue(QJsonValue::Null);
        } else if (options->get(members) == simdjson::SUCCESS) {
            // Rare and small: the reference reads it, so that the object is Qt's own.
            const std::string text = simdjson::minify(*options);
            parsed.streamOptions =
                QJsonDocument::fromJson(QByteArray(text.data(), qsizetype(text.size()))).object();
            bool include = false;
            if (const auto value = fastjson::lastMember(members, "include_usage");
                value && value->get(include) == simdjson::SUCCESS)
                parsed.includeUsage = include;
        } else {
            return std::nullopt;
        }
    }

    if (endpoint == Endpoint::Embeddings) {
        const auto input = fastjson::lastMember(object, "input");
        simdjson::dom::array items;
        std::string_view text;
        const bool valid = input && ((input->get(text) == simdjson::SUCCESS && !text.empty()) ||
                                     (input->get(items) == simdjson::SUCCESS && items.size() > 0));
        if (!valid)
            return std::nullopt;
        parsed.stream = false;
        parsed.includeUsage = false;
        addTextFast(*input, parsed.prompt);
        return parsed;
    }

    simdjson::dom::array messages;
    const auto messagesValue = fastjson::lastMember(object, "messages");
    if (!messagesValue || messagesValue->get(messages) != simdjson::SUCCESS || messages.size() == 0)
        return std::nullopt;
    for (const simdjson::dom::element message : messages) {
        simdjson::dom::object members;
        if (message.get(members) != simdjson::SUCCESS)
            return std::nullopt;
        const auto role = fastjson::lastMember(members, "role");
        if (!role || !role->is_string())
            return std::nullopt;
        if (const auto content = fastjson::lastMember(members, "content"))
            addTextFast(*content, parsed.prompt);
    }
    if (!parsed.stream)
        parsed.includeUsage = false;
    auto cap = fastjson::lastMember(object, "max_completion_tokens");
    if (!cap)
        cap = fastjson::lastMember(object, "max_tokens");
    if (cap) {
        const std::optional<qint64> value = integerOf(*cap);
        if (!value)
            return std::nullopt;
        parsed.prompt.completionCap = std::max<qint64>(0, *value);
    }
    return parsed;
}

// The fast reader first (unless QtOnly), the reference when it declines (unless FastOnly).
RequestValidator::Outcome validate(const QByteArray &body, Endpoint endpoint,
                                   RequestValidator::Reader reader) {
    using Reader = RequestValidator::Reader;
    if (reader != Reader::QtOnly) {
        if (auto parsed = readFast(body, endpoint)) {
            RequestValidator::Outcome outcome;
            outcome.parsed = std::move(*parsed);
            return outcome;
        }
        if (reader == Reader::FastOnly)
            return {};
    }
    return endpoint == Endpoint::ChatCompletions ? chatReference(body) : embeddingsReference(body);
}

} // namespace

RequestValidator::Outcome RequestValidator::chatCompletion(const QByteArray &body, Reader reader) {
    return validate(body, Endpoint::ChatCompletions, reader);
}

RequestValidator::Outcome RequestValidator::embeddings(const QByteArray &body, Reader reader) {
    return validate(body, Endpoint::Embeddings, reader);
}

} // namespace portico::proxy
