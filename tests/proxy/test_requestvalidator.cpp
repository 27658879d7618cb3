// The request validator's two readers (gateway/proxy/requestvalidator.h): the fast one (simdjson)
// takes the bodies clients send, with the same verdict and facts as the reference
// (QJsonDocument), and hands whatever it is unsure of to the reference. fuzz_requestvalidation
// checks the agreement on arbitrary bytes; this test pins the everyday bodies and the hand-overs.
#include "proxy/requestvalidator.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using portico::proxy::RequestValidator;
using Reader = RequestValidator::Reader;

Q_DECLARE_METATYPE(RequestValidator::PromptSize)

namespace {

RequestValidator::Outcome validate(const QByteArray &body, bool embeddings, Reader reader) {
    return embeddings ? RequestValidator::embeddings(body, reader)
                      : RequestValidator::chatCompletion(body, reader);
}

void compareOutcomes(const RequestValidator::Outcome &actual,
                     const RequestValidator::Outcome &reference) {
    QCOMPARE(actual.ok(), reference.ok());
    QCOMPARE(actual.error.code, reference.error.code);
    QCOMPARE(actual.error.message, reference.error.message);
    if (!actual.ok())
        return;
    QCOMPARE(actual.parsed->model, reference.parsed->model);
    QCOMPARE(actual.parsed->stream, reference.parsed->stream);
    QCOMPARE(actual.parsed->includeUsage, reference.parsed->includeUsage);
    QCOMPARE(actual.parsed->streamOptions, reference.parsed->streamOptions);
    QVERIFY(actual.parsed->prompt == reference.parsed->prompt);
}

} // namespace

class TestRequestValidator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fastReaderTakesEverydayBodies_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("embeddings");
        QTest::addColumn<QString>("model");
        QTest::addColumn<bool>("stream");
        QTest::addColumn<bool>("includeUsage");
        QTest::addColumn<RequestValidator::PromptSize>("prompt");
        QTest::newRow("chat")
            << QByteArray(R"({"model":"demo","messages":[{"role":"user","content":"Hello!"}]})")
            << false << "demo" << false << false << RequestValidator::PromptSize{6, 1, 0};
        QTest::newRow("stream with usage and parts")
            << QByteArray(
                   R"({"model":"demo","stream":true,"stream_options":{"include_usage":true},)"
                   R"("messages":[{"role":"system","content":"Be brief"},{"role":"user",)"
                   R"("content":[{"type":"text","text":"Hi"},"yo"]}],"max_tokens":50})")
            << false << "demo" << true << true << RequestValidator::PromptSize{12, 3, 50};
        QTest::newRow("usage asked for outside a stream")
            << QByteArray(R"({"model":"m","stream":false,"stream_options":{"include_usage":true},)"
                          R"("messages":[{"role":"user","content":null}]})")
            << false << "m" << false << false << RequestValidator::PromptSize{0, 0, 0};
        QTest::newRow("unicode, escaped and raw")
            << QByteArray("{\"model\":\"r\\u00e9\",\"messages\":[{\"role\":\"user\",\"content\":"
                          "\"h\\u00e9 \xf0\x9f\x98\x80\"}]}")
            << false << QString::fromUtf8("r\xc3\xa9") << false << false
            << RequestValidator::PromptSize{5, 1, 0}; // the emoji is two UTF-16 units
        QTest::newRow("duplicates: the last wins")
            << QByteArray(
                   R"({"model":"a","stream":true,"model":"b","stream":false,)"
                   R"("messages":[{"role":"user","content":"x","content":"yz"}],)"
                   R"("max_tokens":7,"max_completion_tokens":3,"max_completion_tokens":1e2})")
            << false << "b" << false << false << RequestValidator::PromptSize{2, 1, 100};
        QTest::newRow("a fractional or negative cap counts as none")
            << QByteArray(R"({"model":"m","messages":[{"role":"user"}],"max_tokens":12.5})")
            << false << "m" << false << false << RequestValidator::PromptSize{0, 0, 0};
        QTest::newRow("negative cap")
            << QByteArray(R"({"model":"m","messages":[{"role":"u"}],"max_completion_tokens":-4})")
            << false << "m" << false << false << RequestValidator::PromptSize{0, 0, 0};
        QTest::newRow("embeddings, a string")
            << QByteArray(R"({"model":"embed","input":"text to embed","stream":true})") << true
            << "embed" << false << false << RequestValidator::PromptSize{13, 1, 0};
        QTest::newRow("embeddings, an array")
            << QByteArray(R"({"model":"embed","input":["one","two"],"max_tokens":9})") << true
            << "embed" << false << false << RequestValidator::PromptSize{6, 2, 0};
    }

    void fastReaderTakesEverydayBodies() {
        QFETCH(QByteArray, body);
        QFETCH(bool, embeddings);
        const RequestValidator::Outcome fast = validate(body, embeddings, Reader::FastOnly);
        QVERIFY2(fast.ok(), "the fast reader took the body");
        compareOutcomes(fast, validate(body, embeddings, Reader::QtOnly));
        compareOutcomes(validate(body, embeddings, Reader::Fast), fast);
        QTEST(fast.parsed->model, "model");
        QTEST(fast.parsed->stream, "stream");
        QTEST(fast.parsed->includeUsage, "includeUsage");
        QFETCH(RequestValidator::PromptSize, prompt);
        QCOMPARE(fast.parsed->prompt.characters, prompt.characters);
        QCOMPARE(fast.parsed->prompt.pieces, prompt.pieces);
        QCOMPARE(fast.parsed->prompt.completionCap, prompt.completionCap);
    }

    // The client's stream options reach the upstream body as Qt read them.
    void streamOptionsKept() {
        const QByteArray body =
            R"({"model":"m","stream":true,"stream_options":{"include_usage":false,"x":[1,2.5]},)"
            R"("messages":[{"role":"u"}]})";
        const RequestValidator::Outcome fast = validate(body, false, Reader::FastOnly);
        QVERIFY(fast.ok());
        const QJsonObject options = fast.parsed->streamOptions.toObject();
        QCOMPARE(options.value(QStringLiteral("include_usage")), QJsonValue(false));
        QCOMPARE(options.value(QStringLiteral("x")).toArray().at(1).toDouble(), 2.5);
        QVERIFY(validate(R"({"model":"m","messages":[{"role":"u"}]})", false, Reader::FastOnly)
                    .parsed->streamOptions.isUndefined());
        QVERIFY(validate(R"({"model":"m","stream_options":null,"messages":[{"role":"u"}]})", false,
                         Reader::FastOnly)
                    .parsed->streamOptions.isNull());
    }

    void handedToTheReference_data() {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("embeddings");
        QTest::addColumn<QString>("code"); // empty: accepted
        QTest::newRow("empty") << QByteArray("  ") << false << "invalid_json";
        QTest::newRow("not json") << QByteArray(R"({"model": "demo", "messages": [)") << false
                                  << "invalid_json";
        QTest::newRow("an array") << QByteArray(R"([{"model":"demo"}])") << false << "invalid_json";
        QTest::newRow("model a number")
            << QByteArray(R"({"model":7,"messages":[{"role":"u"}]})") << false << "invalid_model";
        QTest::newRow("model blank")
            << QByteArray("{\"model\":\" \\u00a0\",\"messages\":[{\"role\":\"u\"}]}") << false
            << "invalid_model";
        QTest::newRow("stream a string")
            << QByteArray(R"({"model":"m","stream":"yes","messages":[{"role":"u"}]})") << false
            << "invalid_stream";
        QTest::newRow("role missing") << QByteArray(R"({"model":"m","messages":[{"content":"x"}]})")
                                      << false << "invalid_messages";
        QTest::newRow("no input") << QByteArray(R"({"model":"m","input":""})") << true
                                  << "invalid_input";
        // Accepted by the reference alone: the fast reader is not sure of these.
        QTest::newRow("lone surrogate")
            << QByteArray(R"({"model":"m\ud800","messages":[{"role":"u"}]})") << false << "";
        QTest::newRow("cap beyond 2^53")
            << QByteArray(R"({"model":"m","messages":[{"role":"u"}],"max_tokens":1e300})") << false
            << "";
        // A number that underflows a double: simdjson reads it as 0, QJsonDocument refuses the
        // body. Every float that reads as zero goes to the reference, which accepts a real one.
        QTest::newRow("underflowing exponent")
            << QByteArray(R"({"model":"m","messages":[{"role":"u"}],"temperature":1.5e-400})")
            << false << "invalid_json";
        QTest::newRow("underflowing digits")
            << QByteArray(R"({"model":"m","input":"x","x":[0.)") + QByteArray(400, '0') + "1]}"
            << true << "invalid_json";
        QTest::newRow("underflowing, capital E, deep inside")
            << QByteArray(
                   R"({"model":"m","messages":[{"role":"u"}],"x":{"y":[1,"a",{"z":2E-999}]}})")
            << false << "invalid_json";
        QTest::newRow("a float zero")
            << QByteArray(R"({"model":"m","messages":[{"role":"u"}],"temperature":0.0})") << false
            << "";
        QTest::newRow("cap beyond qint64")
            << QByteArray(
                   R"({"model":"m","messages":[{"role":"u"}],"max_tokens":18446744073709551615})")
            << false << "";
        QTest::newRow("deep nesting")
            << QByteArray(R"({"model":"m","messages":[{"role":"u"}],"x":)") + QByteArray(300, '[') +
                   QByteArray(300, ']') + "}"
            << false << "";
    }

    void handedToTheReference() {
        QFETCH(QByteArray, body);
        QFETCH(bool, embeddings);
        QFETCH(QString, code);
        const RequestValidator::Outcome fast = validate(body, embeddings, Reader::FastOnly);
        QVERIFY2(!fast.ok(), "the fast reader declined");
        QVERIFY2(fast.error.code.isEmpty(), "and worded no refusal");
        const RequestValidator::Outcome reference = validate(body, embeddings, Reader::QtOnly);
        QCOMPARE(reference.error.code, code);
        compareOutcomes(validate(body, embeddings, Reader::Fast), reference);
    }
};

QTEST_GUILESS_MAIN(TestRequestValidator)
#include "test_requestvalidator.moc"
