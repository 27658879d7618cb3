#include "proxy/requestvalidator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace portico::proxy {

namespace {

RequestValidator::Outcome refuse(const QString &code, const QString &message,
                                 const QString &param = {}) {
    RequestValidator::Outcome outcome;
    outcome.error = ApiError::badRequest(code, message, param);
    return outcome;
}

} // namespace

RequestValidator::Outcome RequestValidator::common(const QByteArray &body) {
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
    Parsed parsed;
    parsed.body = object;
    parsed.model = model.toString();
    parsed.stream = stream.toBool(false);
    parsed.includeUsage = options.toObject().value(QStringLiteral("include_usage")).toBool(false);
    Outcome outcome;
    outcome.parsed = std::move(parsed);
    return outcome;
}

RequestValidator::Outcome RequestValidator::chatCompletion(const QByteArray &body) {
    Outcome outcome = common(body);
    if (!outcome.ok())
        return outcome;
    const QJsonValue messages = outcome.parsed->body.value(QStringLiteral("messages"));
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
    return outcome;
}

RequestValidator::Outcome RequestValidator::embeddings(const QByteArray &body) {
    Outcome outcome = common(body);
    if (!outcome.ok())
        return outcome;
    const QJsonValue input = outcome.parsed->body.value(QStringLiteral("input"));
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
    return outcome;
}

} // namespace portico::proxy
