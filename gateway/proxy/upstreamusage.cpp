#include "proxy/upstreamusage.h"

#include <algorithm>

namespace portico::proxy {

namespace {

// A count as the gateway can bill it: a missing or non-numeric one is 0, a negative one is 0
// (it would refund the key's token and budget limits and make the usage row's cost negative), a
// fractional one is cut to whole tokens, and one beyond kMaxReportedTokens is that many (taken as
// is, it would overflow the sums of usage rows and limits: undefined behaviour).
qint64 tokenCount(const QJsonValue &value) {
    if (!value.isDouble())
        return 0;
    // Qt keeps a JSON integer as a qint64 when it fits: exact up to the limit.
    const qint64 whole = value.toInteger(-1);
    if (whole >= 0)
        return std::min(whole, kMaxReportedTokens);
    const double number = value.toDouble();
    if (!(number > 0))
        return 0;
    return number >= double(kMaxReportedTokens) ? kMaxReportedTokens : qint64(number);
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

} // namespace portico::proxy
