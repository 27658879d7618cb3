#include "proxy/mockprovider.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace portico::proxy {

namespace {

QString contentText(const QJsonValue &content) {
    if (content.isString())
        return content.toString();
    QStringList parts;
    if (content.isArray()) {
        for (const auto &part : content.toArray()) {
            const QJsonObject object = part.toObject();
            if (object.value(QStringLiteral("type")).toString() == QLatin1String("text"))
                parts.append(object.value(QStringLiteral("text")).toString());
        }
    }
    return parts.join(u' ');
}

QByteArray event(const QJsonObject &object) {
    return "data: " + QJsonDocument(object).toJson(QJsonDocument::Compact) + "\n\n";
}

QJsonObject chunk(const QString &id, qint64 created, const QString &model, const QJsonObject &delta,
                  const QJsonValue &finishReason) {
    const QJsonObject choice{{QStringLiteral("index"), 0},
                             {QStringLiteral("delta"), delta},
                             {QStringLiteral("finish_reason"), finishReason}};
    return {{QStringLiteral("id"), id},
            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
            {QStringLiteral("created"), created},
            {QStringLiteral("model"), model},
            {QStringLiteral("choices"), QJsonArray{choice}}};
}

QJsonObject usageObject(qint64 prompt, qint64 completion) {
    return {{QStringLiteral("prompt_tokens"), prompt},
            {QStringLiteral("completion_tokens"), completion},
            {QStringLiteral("total_tokens"), prompt + completion}};
}

} // namespace

qint64 MockProvider::countTokens(const QString &text) {
    static const QRegularExpression whitespace(QStringLiteral("\\s+"));
    return text.split(whitespace, Qt::SkipEmptyParts).size();
}

MockProvider::Reply MockProvider::chat(const QJsonObject &requestBody) {
    Reply reply;
    QString lastUser;
    for (const auto &value : requestBody.value(QStringLiteral("messages")).toArray()) {
        const QJsonObject message = value.toObject();
        const QString text = contentText(message.value(QStringLiteral("content")));
        reply.promptTokens += countTokens(text);
        if (message.value(QStringLiteral("role")).toString() == QLatin1String("user"))
            lastUser = text;
    }
    reply.text = QStringLiteral("Echo: ") + lastUser;
    reply.completionTokens = countTokens(reply.text);
    return reply;
}

QByteArray MockProvider::chatCompletion(const Reply &reply, const QString &model, const QString &id,
                                        qint64 created) {
    const QJsonObject message{{QStringLiteral("role"), QStringLiteral("assistant")},
                              {QStringLiteral("content"), reply.text}};
    const QJsonObject choice{{QStringLiteral("index"), 0},
                             {QStringLiteral("message"), message},
                             {QStringLiteral("finish_reason"), QStringLiteral("stop")}};
    const QJsonObject body{
        {QStringLiteral("id"), id},
        {QStringLiteral("object"), QStringLiteral("chat.completion")},
        {QStringLiteral("created"), created},
        {QStringLiteral("model"), model},
        {QStringLiteral("choices"), QJsonArray{choice}},
        {QStringLiteral("usage"), usageObject(reply.promptTokens, reply.completionTokens)}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QList<QByteArray> MockProvider::chatCompletionChunks(const Reply &reply, const QString &model,
                                                     const QString &id, qint64 created,
                                                     bool includeUsage) {
    QList<QByteArray> events;
    events.append(event(chunk(id, created, model,
                              {{QStringLiteral("role"), QStringLiteral("assistant")},
                               {QStringLiteral("content"), QString()}},
                              QJsonValue())));
    // Word by word, each piece carrying its leading space, so the pieces concatenate to the text.
    static const QRegularExpression word(QStringLiteral("\\s*\\S+"));
    auto it = word.globalMatch(reply.text);
    while (it.hasNext()) {
        const QString piece = it.next().captured();
        events.append(
            event(chunk(id, created, model, {{QStringLiteral("content"), piece}}, QJsonValue())));
    }
    events.append(event(chunk(id, created, model, {}, QStringLiteral("stop"))));
    if (includeUsage) {
        QJsonObject usage{
            {QStringLiteral("id"), id},
            {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
            {QStringLiteral("created"), created},
            {QStringLiteral("model"), model},
            {QStringLiteral("choices"), QJsonArray()},
            {QStringLiteral("usage"), usageObject(reply.promptTokens, reply.completionTokens)}};
        events.append(event(usage));
    }
    events.append(QByteArrayLiteral("data: [DONE]\n\n"));
    return events;
}

QByteArray MockProvider::embeddings(const QJsonObject &requestBody, const QString &model,
                                    qint64 *promptTokens) {
    QStringList inputs;
    const QJsonValue input = requestBody.value(QStringLiteral("input"));
    if (input.isString()) {
        inputs.append(input.toString());
    } else {
        for (const auto &item : input.toArray()) {
            inputs.append(item.isString()
                              ? item.toString()
                              : QString::fromUtf8(QJsonDocument(item.toArray()).toJson()));
        }
    }
    QJsonArray data;
    qint64 tokens = 0;
    for (qsizetype i = 0; i < inputs.size(); ++i) {
        tokens += countTokens(inputs.at(i));
        const QByteArray digest =
            QCryptographicHash::hash(inputs.at(i).toUtf8(), QCryptographicHash::Sha256);
        QJsonArray vector;
        for (int d = 0; d < 8; ++d)
            vector.append(static_cast<quint8>(digest.at(d)) / 255.0 * 2.0 - 1.0);
        data.append(QJsonObject{{QStringLiteral("object"), QStringLiteral("embedding")},
                                {QStringLiteral("index"), static_cast<int>(i)},
                                {QStringLiteral("embedding"), vector}});
    }
    if (promptTokens)
        *promptTokens = tokens;
    const QJsonObject body{
        {QStringLiteral("object"), QStringLiteral("list")},
        {QStringLiteral("data"), data},
        {QStringLiteral("model"), model},
        {QStringLiteral("usage"), QJsonObject{{QStringLiteral("prompt_tokens"), tokens},
                                              {QStringLiteral("total_tokens"), tokens}}}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

} // namespace portico::proxy
