#pragma once

#include <QByteArrayView>
#include <QJsonObject>

#include <optional>

namespace portico::proxy {

// What an upstream answer says the request used: the "usage" object of a non-streamed answer,
// or of the last chunk of a stream. The request is billed and its limits settled with it.
struct UpstreamUsage {
    qint64 promptTokens = 0;
    qint64 completionTokens = 0;
};

// The most tokens one request is billed for, whatever the upstream says: far beyond any model's
// context, and small enough that the sums of usage rows, limits and costs cannot overflow.
inline constexpr qint64 kMaxReportedTokens = 1'000'000'000;

// The usage `answer` reports; none when it has no "usage" object. Each count is between 0 and
// kMaxReportedTokens: an upstream's negative, fractional or huge count is not taken as is.
std::optional<UpstreamUsage> reportedUsage(const QJsonObject &answer);

// What the gateway reads of an upstream answer, or of one event of a stream.
struct AnswerFacts {
    bool isObject = false;              // a JSON object (else: not JSON, or not an object)
    std::optional<UpstreamUsage> usage; // reportedUsage() of it
    bool hasChoices = false;            // "choices" is a non-empty array
    // The length (as QString::size(), in UTF-16 code units) of choices[0].delta.content when it
    // is a string; 0 otherwise.
    qsizetype firstDeltaContentLength = 0;
};

// The same facts QJsonDocument::fromJson(json).object() would give (the last of duplicate
// names wins, as there), read without building a document: simdjson validates the text and
// the few fields are read from its tape. Text simdjson refuses is read with QJsonDocument after
// all, so the verdict on odd input (a lone surrogate escape, say) stays Qt's.
AnswerFacts readAnswer(QByteArrayView json);

} // namespace portico::proxy
