// The body sent upstream (gateway/proxy/upstreambody.h) against the object the gateway built and
// serialized before: for every body, the two parse to the same object.
#include "proxy/upstreambody.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using portico::proxy::upstreamRequestBody;

namespace {

// How the body was made before upstreamRequestBody(): the parsed object, changed, serialized.
QJsonObject reference(QJsonObject body, const QString &model, const QJsonObject &params,
                      bool askForUsage) {
    body.insert(QStringLiteral("model"), model);
    for (auto it = params.constBegin(); it != params.constEnd(); ++it) {
        if (!body.contains(it.key()))
            body.insert(it.key(), it.value());
    }
    if (askForUsage) {
        QJsonObject options = body.value(QStringLiteral("stream_options")).toObject();
        options.insert(QStringLiteral("include_usage"), true);
        body.insert(QStringLiteral("stream_options"), options);
    }
    return body;
}

const char kBigNumbers[] = R"({"model":"r","seed":12345678901234567890,"t":1.50})";
const char kBigNumbersSent[] = R"({"model":"m","seed":12345678901234567890,"t":1.50})";

// The rows: out of the class, whose raw string literals moc does not read.
void addRows() {
    QTest::addColumn<QByteArray>("client");
    QTest::addColumn<QByteArray>("params");
    QTest::newRow("plain")
        << QByteArray(R"({"model":"route","messages":[{"role":"user","content":"hi"}]})")
        << QByteArray("{}");
    QTest::newRow("spaces and newlines")
        << QByteArray("{ \n \"model\" : \"route\" ,\r\n \"messages\" : [ ] , \"n\" : 1 }\n")
        << QByteArray("{}");
    QTest::newRow("model last, nested braces in strings")
        << QByteArray(R"({"messages":[{"role":"user","content":"a } ] { [ \" \\ "}],"model":"r"})")
        << QByteArray("{}");
    QTest::newRow("duplicate model")
        << QByteArray(R"({"model":"a","x":{"model":"inner"},"model":"b"})") << QByteArray("{}");
    QTest::newRow("escaped name")
        << QByteArray(R"({"mod\u0065l":"a","stre\u0061m_options":null,"stream":true})")
        << QByteArray("{}");
    QTest::newRow("params are defaults")
        << QByteArray(R"({"model":"r","temperature":0.2})")
        << QByteArray(R"({"temperature":1,"top_p":0.5,"stop":["\n"],"model":"never"})");
    QTest::newRow("stream with options")
        << QByteArray(
               R"({"model":"r","stream":true,"stream_options":{"include_usage":false,"x":1}})")
        << QByteArray("{}");
    QTest::newRow("stream without options")
        << QByteArray(R"({"model":"r","stream":true})") << QByteArray("{}");
    QTest::newRow("stream options from params") << QByteArray(R"({"model":"r","stream":true})")
                                                << QByteArray(R"({"stream_options":{"y":2}})");
    QTest::newRow("stream options null")
        << QByteArray(R"({"model":"r","stream":true,"stream_options":null})") << QByteArray("{}");
    QTest::newRow("unicode and numbers")
        << QByteArray("{\"model\":\"r\",\"messages\":[{\"role\":\"user\",\"content\":\"h\xc3\xa9 "
                      "\xf0\x9f\x98\x80 \\u00e9\"}],\"seed\":-0,\"max_tokens\":1e2,\"t\":1.50}")
        << QByteArray(R"({"seed":5})");
    QTest::newRow("deep nesting")
        << QByteArray(R"({"model":"r","tools":[{"a":{"b":[[[{"c":"}"}]]]}}],"z":true})")
        << QByteArray(R"({"z":false})");
}

} // namespace

class TestUpstreamBody : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sameObjectAsBefore_data() { addRows(); }

    void sameObjectAsBefore() {
        QFETCH(QByteArray, client);
        QFETCH(QByteArray, params);
        const QJsonObject parsed = QJsonDocument::fromJson(client).object();
        const QJsonObject defaults = QJsonDocument::fromJson(params).object();
        QVERIFY(!parsed.isEmpty());
        // Every kind of character the model name is escaped for, and some it is not.
        const QString model = QStringLiteral("up/\"model\" \\ \x01\t é ✓");
        for (const bool askForUsage : {false, true}) {
            const QByteArray body =
                upstreamRequestBody(client, parsed.value(QStringLiteral("stream_options")), model,
                                    defaults, askForUsage);
            QJsonParseError error;
            const QJsonDocument sent = QJsonDocument::fromJson(body, &error);
            QVERIFY2(error.error == QJsonParseError::NoError, body.constData());
            QCOMPARE(sent.object(), reference(parsed, model, defaults, askForUsage));
        }
    }

    // What passes through is the client's text, not a re-serialization of it.
    void clientTextKept() {
        const QByteArray client = kBigNumbers;
        const QByteArray body = upstreamRequestBody(client, QJsonValue(QJsonValue::Undefined),
                                                    QStringLiteral("m"), {}, false);
        QCOMPARE(body, QByteArray(kBigNumbersSent));
    }
};

QTEST_GUILESS_MAIN(TestUpstreamBody)
#include "test_upstreambody.moc"
