#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace portico::proxy {

// The in-process "mock/echo" model: deterministic answers and token counts (words), so that the
// demo route works with no network and no secrets.
class MockProvider {
public:
    struct Reply {
        QString text;
        qint64 promptTokens = 0;
        qint64 completionTokens = 0;
    };

    // "Echo: <last user message>".
    static Reply chat(const QJsonObject &requestBody);
    static QByteArray chatCompletion(const Reply &reply, const QString &model, const QString &id,
                                     qint64 created);
    // SSE events ("data: ...\n\n"): role, the reply word by word, finish_reason, the usage chunk
    // when asked for, and [DONE].
    static QList<QByteArray> chatCompletionChunks(const Reply &reply, const QString &model,
                                                  const QString &id, qint64 created,
                                                  bool includeUsage);

    // One deterministic 8-float vector per input; prompt tokens are the words of the inputs.
    static QByteArray embeddings(const QJsonObject &requestBody, const QString &model,
                                 qint64 *promptTokens);

    static qint64 countTokens(const QString &text);
};

} // namespace portico::proxy
