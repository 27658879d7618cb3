#include "keyscanner.h"

#include "store/apikeyformat.h"

namespace portico::testsupport {

namespace {

namespace apikey = store::apikey;

constexpr qsizetype kPrefixLength = sizeof(apikey::kPrefix) - 1;

bool isBase62(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// The "### ..." marker line of testlogs.h above `offset`, without the marker.
QString sectionAt(QByteArrayView text, qsizetype offset) {
    const QByteArrayView before = text.first(offset);
    qsizetype at = before.lastIndexOf(QByteArrayView("\n### "));
    if (at >= 0)
        ++at;
    else if (before.startsWith("### "))
        at = 0;
    else
        return {};
    qsizetype end = text.indexOf('\n', at);
    if (end < 0)
        end = text.size();
    return QString::fromUtf8(text.sliced(at + 4, end - at - 4));
}

} // namespace

QList<KeyFinding> scanForKeys(QByteArrayView text, const QString &source) {
    QList<KeyFinding> findings;
    const QByteArrayView prefix(apikey::kPrefix, kPrefixLength);
    int line = 1;
    qsizetype lineCountedTo = 0;
    for (qsizetype at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + 1)) {
        // The prefix and the base62 run after it. No boundary is required before the prefix or
        // after a valid key: a key glued to other text is still a leak (and a checksum that
        // matches by chance is a 1 in 56 billion event).
        qsizetype end = at + kPrefixLength;
        while (end < text.size() && isBase62(text.at(end)))
            ++end;
        const QString run = QString::fromLatin1(text.sliced(at, end - at));
        KeyFinding finding;
        if (run.size() >= apikey::kKeyLength &&
            apikey::hasValidFormat(QStringView(run).first(apikey::kKeyLength))) {
            finding.kind = KeyFinding::Kind::Key;
            finding.hint = apikey::hint(QStringView(run).first(apikey::kKeyLength));
        } else if (apikey::redacted(run) != run) {
            // The store's own rule for what a log must never show.
            finding.kind = KeyFinding::Kind::KeyLike;
            finding.hint = apikey::hint(run);
        } else {
            continue;
        }
        line += int(text.sliced(lineCountedTo, at - lineCountedTo).count('\n'));
        lineCountedTo = at;
        finding.source = source;
        finding.line = line;
        finding.section = sectionAt(text, at);
        findings.append(finding);
        at = end - 1;
    }
    return findings;
}

QString describe(const KeyFinding &finding) {
    QString text = finding.source + QLatin1Char(':') + QString::number(finding.line);
    if (!finding.section.isEmpty())
        text += QStringLiteral(" (in ") + finding.section + QLatin1Char(')');
    text += finding.kind == KeyFinding::Kind::Key
                ? QStringLiteral(": an API key (")
                : QStringLiteral(": a piece of a key, or a key with a wrong checksum (");
    return text + finding.hint + QLatin1Char(')');
}

} // namespace portico::testsupport
