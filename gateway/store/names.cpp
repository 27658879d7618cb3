#include "store/names.h"

#include "store/apikeyformat.h"

#include <QRegularExpression>

namespace portico::store {

Result<QString> validateName(const QString &name, Error::Subject subject) {
    using Reason = Error::Reason;
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return makeError(Reason::NameEmpty, subject);
    if (!trimmed.isValidUtf16())
        return makeError(Reason::NameNotText, subject);
    const QList<uint> codePoints = trimmed.toUcs4();
    if (codePoints.size() > kMaxNameLength)
        return makeError(Reason::NameTooLong, subject,
                         {QString::number(codePoints.size()), QString::number(kMaxNameLength)});
    for (uint codePoint : codePoints) {
        const auto category = QChar::category(char32_t(codePoint));
        if (category == QChar::Other_Control || category == QChar::Separator_Line ||
            category == QChar::Separator_Paragraph)
            return makeError(Reason::NameHasControl, subject);
    }
    if (containsApiKey(trimmed))
        return makeError(Reason::NameHasApiKey, subject);
    return trimmed;
}

bool containsApiKey(const QString &text) {
    static const QRegularExpression candidate(QStringLiteral("ptc_[0-9A-Za-z]{36}"));
    auto matches = candidate.globalMatch(text);
    while (matches.hasNext()) {
        if (apikey::hasValidFormat(matches.next().capturedView()))
            return true;
    }
    return false;
}

} // namespace portico::store
