#include "proxy/upstreamusage.h"

#include "proxy/fastjson.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace portico::proxy {

using fastjson::lastMember;
using fastjson::lastMembers;
using fastjson::utf16Length;

namespace {

// A count as the gateway can bill it: a missing or non-numeric one is 0, a negative one is 0
// (it would refund the key's token and budget limits and make the usage row's cost negative), a
// fractional one is cut to whole tokens, and one beyond kMaxReportedTokens is that many (taken as
// is, it would overflow the sums of usage rows and limits: undefined behaviour). One rule for an
// integer (exact up to the limit) and one for any other number, whichever parser read them.
qint64 tokensFromInteger(qint64 whole) {
    return whole < 0 ? 0 : std::min(whole, kMaxReportedTokens);
}

qint64 tokensFromNumber(double number) {
    if (!(number > 0))
        return 0;
    return number >= double(kMaxReportedTokens) ? kMaxReportedTokens : qint64(number);
}

qint64 tokenCount(const QJsonValue &value) {
    if (!value.isDouble())
        return 0;
    // Qt keeps a JSON integer as a qint64 when it fits; -1 here means "not an integer".
    const qint64 whole = value.toInteger(-1);
    return whole >= 0 ? tokensFromInteger(whole) : tokensFromNumber(value.toDouble());
}

} // namespace

std::optional<UpstreamUsage> reportedUsage(const QJsonObject &answer) {
    const QJsonValue usage = answer.value(QStringLiteral("usage"));
    if (!usage.isObject())
        return std::nullopt;
    const QJsonObject counts = usage.toObject();
    UpstreamUsage reported;
    reported.promptTokens = tokenCount(counts.value(QStringLiteral("prompt_tokens")));
    reported.completionTokens = tokenCount(counts.value(QStringLiteral("completion_tokens")));
    return reported;
}

namespace {

// tokenCount() for a simdjson number: the same rules, case by case.
qint64 tokenCount(simdjson::dom::element value) {
    switch (value.type()) {
    case simdjson::dom::element_type::INT64:
        return tokensFromInteger(qint64(value.get_int64().value_unsafe()));
    case simdjson::dom::element_type::UINT64:
        return kMaxReportedTokens; // beyond qint64
    case simdjson::dom::element_type::DOUBLE:
        return tokensFromNumber(value.get_double().value_unsafe());
    default:
        return 0;
    }
}

AnswerFacts factsOf(const QJsonObject &object) {
    AnswerFacts facts;
    facts.isObject = true;
    facts.usage = reportedUsage(object);
    const QJsonArray choices = object.value(QStringLiteral("choices")).toArray();
    facts.hasChoices = !choices.isEmpty();
    if (facts.hasChoices) {
        const QJsonValue content = choices.first()
                                       .toObject()
                                       .value(QStringLiteral("delta"))
                                       .toObject()
                                       .value(QStringLiteral("content"));
        if (content.isString())
            facts.firstDeltaContentLength = content.toString().size();
    }
    return facts;
}

} // namespace

AnswerFacts readAnswer(QByteArrayView json) {
    std::optional<simdjson::dom::parser> ownParser;
    simdjson::dom::element root;
    if (fastjson::parse(json, ownParser, root) != simdjson::SUCCESS) {
        const QJsonDocument document = QJsonDocument::fromJson(json.toByteArray());
        return document.isObject() ? factsOf(document.object()) : AnswerFacts{};
    }
    AnswerFacts facts;
    simdjson::dom::object object;
    if (root.get(object) != simdjson::SUCCESS)
        return facts;
    facts.isObject = true;
    // The last of a name wins, as in QJsonDocument.
    const auto [usageFound, choicesFound] =
        lastMembers(object, std::array<std::string_view, 2>{"usage", "choices"});
    simdjson::dom::object usage;
    if (usageFound && usageFound->get(usage) == simdjson::SUCCESS) {
        UpstreamUsage reported;
        const auto [prompt, completion] = lastMembers(
            usage, std::array<std::string_view, 2>{"prompt_tokens", "completion_tokens"});
        if (prompt)
            reported.promptTokens = tokenCount(*prompt);
        if (completion)
            reported.completionTokens = tokenCount(*completion);
        facts.usage = reported;
    }
    simdjson::dom::array choices;
    if (choicesFound && choicesFound->get(choices) == simdjson::SUCCESS && choices.size() > 0) {
        facts.hasChoices = true;
        simdjson::dom::object first;
        simdjson::dom::object delta;
        std::string_view content;
        if ((*choices.begin()).get(first) == simdjson::SUCCESS) {
            if (const auto d = lastMember(first, "delta");
                d && d->get(delta) == simdjson::SUCCESS) {
                if (const auto c = lastMember(delta, "content");
                    c && c->get(content) == simdjson::SUCCESS)
                    facts.firstDeltaContentLength = utf16Length(content);
            }
        }
    }
    return facts;
}

} // namespace portico::proxy
