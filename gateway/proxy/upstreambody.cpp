#include "proxy/upstreambody.h"

#include "metering/jsontext.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <vector>

namespace portico::proxy {

namespace {

// A JSON value as text: serialized in an array, the brackets cut off.
QByteArray jsonText(const QJsonValue &value) {
    QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return text.sliced(1, text.size() - 2);
}

struct Member {
    QByteArray name; // UTF-8, escapes decoded
    qsizetype valueBegin = 0;
    qsizetype valueEnd = 0;
};

qsizetype skipSpace(const QByteArray &text, qsizetype at) {
    while (at < text.size() &&
           (text[at] == ' ' || text[at] == '\t' || text[at] == '\n' || text[at] == '\r'))
        ++at;
    return at;
}

// `at` is on an opening quote; returns the index after the closing one.
qsizetype skipString(const QByteArray &text, qsizetype at) {
    for (++at; at < text.size(); ++at) {
        if (text[at] == '\\')
            ++at;
        else if (text[at] == '"')
            return at + 1;
    }
    return at;
}

qsizetype skipValue(const QByteArray &text, qsizetype at) {
    if (at >= text.size())
        return at;
    if (text[at] == '"')
        return skipString(text, at);
    if (text[at] == '{' || text[at] == '[') {
        int depth = 0;
        while (at < text.size()) {
            const char c = text[at];
            if (c == '"') {
                at = skipString(text, at);
                continue;
            }
            if (c == '{' || c == '[')
                ++depth;
            else if ((c == '}' || c == ']') && --depth == 0)
                return at + 1;
            ++at;
        }
        return at;
    }
    while (at < text.size() && text[at] != ',' && text[at] != '}' && text[at] != ']' &&
           text[at] != ' ' && text[at] != '\t' && text[at] != '\n' && text[at] != '\r')
        ++at;
    return at;
}

// The top-level members of a valid JSON object, in order, and the index of its closing brace.
std::vector<Member> membersOf(const QByteArray &text, qsizetype *closingBrace) {
    std::vector<Member> members;
    qsizetype at = skipSpace(text, 0) + 1; // past '{'
    for (;;) {
        at = skipSpace(text, at);
        if (at >= text.size() || text[at] == '}')
            break;
        const qsizetype nameEnd = skipString(text, at);
        const QByteArrayView rawName(text.constData() + at + 1, nameEnd - at - 2);
        Member member;
        if (rawName.contains('\\')) {
            // Rare: a name with escapes, decoded by the same parser that read the body.
            member.name = QJsonDocument::fromJson("[\"" + rawName.toByteArray() + "\"]")
                              .array()
                              .first()
                              .toString()
                              .toUtf8();
        } else {
            member.name = QByteArray::fromRawData(rawName.data(), rawName.size()); // no copy
        }
        at = skipSpace(text, skipSpace(text, nameEnd) + 1); // past ':'
        member.valueBegin = at;
        member.valueEnd = skipValue(text, at);
        members.push_back(std::move(member));
        at = skipSpace(text, member.valueEnd);
        if (at < text.size() && text[at] == ',')
            ++at;
    }
    *closingBrace = at;
    return members;
}

} // namespace

QByteArray upstreamRequestBody(const QByteArray &clientBody, const QJsonValue &clientStreamOptions,
                               const QString &upstreamModel, const QJsonObject &params,
                               bool askForUsage) {
    qsizetype closingBrace = 0;
    const std::vector<Member> members = membersOf(clientBody, &closingBrace);
    const QString modelName = QStringLiteral("model");
    const QString optionsName = QStringLiteral("stream_options");
    const QByteArrayView modelKey("model");
    const QByteArrayView optionsKey("stream_options");
    QByteArray streamOptions;
    if (askForUsage) {
        // Usage of a stream only comes in its last chunk, and only when asked for.
        // The client's options, else the route's default ones.
        const QJsonValue given =
            clientStreamOptions.isUndefined() ? params.value(optionsName) : clientStreamOptions;
        if (!given.isObject() || given.toObject().isEmpty()) {
            // The usual case, written as is: serializing it cost more than the rest of the body.
            streamOptions = QByteArrayLiteral(R"({"include_usage":true})");
        } else {
            QJsonObject options = given.toObject();
            options.insert(QStringLiteral("include_usage"), true);
            streamOptions = jsonText(options);
        }
    }
    // The upstream's model name goes into every body: written directly, as the log writes its
    // strings (a QJsonDocument for it cost more than the rest of the body).
    QByteArray model;
    metering::appendJsonString(model, upstreamModel);

    QByteArray body;
    body.reserve(clientBody.size() + model.size() + streamOptions.size() + 64);
    qsizetype copied = 0;
    bool sawModel = false;
    bool sawOptions = false;
    for (const Member &member : members) {
        const QByteArray *replacement = nullptr;
        if (member.name == modelKey) {
            replacement = &model;
            sawModel = true;
        } else if (askForUsage && member.name == optionsKey) {
            replacement = &streamOptions;
            sawOptions = true;
        }
        if (!replacement)
            continue;
        body.append(clientBody.constData() + copied, member.valueBegin - copied);
        body += *replacement;
        copied = member.valueEnd;
    }
    body.append(clientBody.constData() + copied, closingBrace - copied);

    bool empty = members.empty();
    const auto add = [&](const QString &name, const QByteArray &valueText) {
        if (!empty)
            body += ',';
        empty = false;
        metering::appendJsonString(body, name);
        body += ':';
        body += valueText;
    };
    if (!sawModel)
        add(modelName, model);
    const auto clientSent = [&members](const QString &name) {
        const QByteArray utf8 = name.toUtf8();
        return std::any_of(members.begin(), members.end(),
                           [&utf8](const Member &member) { return member.name == utf8; });
    };
    // The route's params are defaults: a value the client sent explicitly wins.
    for (auto it = params.constBegin(); it != params.constEnd(); ++it) {
        if (!clientSent(it.key()) && it.key() != modelName &&
            !(askForUsage && it.key() == optionsName))
            add(it.key(), jsonText(it.value()));
    }
    if (askForUsage && !sawOptions)
        add(optionsName, streamOptions);
    body.append(clientBody.constData() + closingBrace, clientBody.size() - closingBrace);
    return body;
}

} // namespace portico::proxy
