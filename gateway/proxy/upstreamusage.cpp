#include "proxy/upstreamusage.h"

namespace portico::proxy {

std::optional<UpstreamUsage> reportedUsage(const QJsonObject &answer) {
    const QJsonValue usage = answer.value(QStringLiteral("usage"));
    if (!usage.isObject())
        return std::nullopt;
    const QJsonObject counts = usage.toObject();
    UpstreamUsage reported;
    reported.promptTokens = counts.value(QStringLiteral("prompt_tokens")).toInteger();
    reported.completionTokens = counts.value(QStringLiteral("completion_tokens")).toInteger();
    return reported;
}

} // namespace portico::proxy
