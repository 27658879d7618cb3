#pragma once

// Finds API keys in text (logs, test output) the way a secret scanner would, following the key
// format of store/apikeyformat.h (a valid key by its checksum) and the store's own rule for what
// must never be shown (apikey::redacted: a long piece of a key). A finding says where and shows
// a hint, never the key.

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace portico::testsupport {

struct KeyFinding {
    enum class Kind {
        Key,    // a complete key whose checksum matches: a leaked secret
        KeyLike // what apikey::redacted() hides but is no valid key: a key cut short, garbled
                // or edited, still a long piece of someone's secret
    };
    QString source; // the file (or record) it was found in
    int line = 0;   // 1-based
    Kind kind = Kind::Key;
    QString hint;    // what the product may show of a key: "ptc_…AbCd"
    QString section; // the last "### <test function>" line above it, if any (see testlogs.h)
};

// Every key and key-shaped string in `text`. `source` is copied into the findings.
QList<KeyFinding> scanForKeys(QByteArrayView text, const QString &source);

// One line for a failure message: "file:12 (in someTest): an API key (ptc_…AbCd)". Never the key.
QString describe(const KeyFinding &finding);

} // namespace portico::testsupport
