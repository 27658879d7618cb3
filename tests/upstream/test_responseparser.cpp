// The plain upstream client's answer parser and URL reading, on byte strings: every answer is
// also fed in every possible split into two reads, and one byte at a time.
#include "upstream/plainhttploop.h"
#include "upstream/responseparser.h"

#include <QTest>

using namespace portico::upstream::detail;

namespace {

struct Collected final : ResponseSink {
    int heads = 0;
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    void responseHead(int s, const QList<QPair<QByteArray, QByteArray>> &h) override {
        ++heads;
        status = s;
        headers = h;
    }
    void responseBody(const char *data, qsizetype size) override { body.append(data, size); }
};

struct Outcome {
    ResponseParser::State state;
    Collected collected;
    bool reusable = false;
    bool headDone = false;
};

// Feeds `answer` in pieces: cut at `cuts` (offsets), then optionally a close.
Outcome parse(const QByteArray &answer, const QList<qsizetype> &cuts, bool close = false,
              bool head = false) {
    Outcome outcome;
    ResponseParser parser(head);
    qsizetype from = 0;
    ResponseParser::State state = parser.state();
    QList<qsizetype> ends = cuts;
    ends.append(answer.size());
    for (qsizetype end : ends) {
        if (end > from)
            state = parser.feed(answer.constData() + from, end - from, outcome.collected);
        from = std::max(from, end);
    }
    if (close)
        state = parser.closed();
    outcome.state = state;
    outcome.reusable = parser.reusable();
    outcome.headDone = parser.headDone();
    return outcome;
}

} // namespace

class TestResponseParser : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void answers_data() {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<bool>("close");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("reusable");

        QTest::newRow("content-length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: 11\r\n\r\n{\"a\":\"bc\"}\n")
            << false << 200 << QByteArray("{\"a\":\"bc\"}\n") << true;
        QTest::newRow("chunked with extensions and trailers")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "5;x=y\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: 1\r\n\r\n")
            << false << 200 << QByteArray("hello world") << true;
        QTest::newRow("interim answers skipped")
            << QByteArray("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n"
                          "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
            << false << 201 << QByteArray("ok") << true;
        QTest::newRow("until close") << QByteArray("HTTP/1.1 200 OK\r\n\r\nall of it") << true
                                     << 200 << QByteArray("all of it") << false;
        QTest::newRow("connection close")
            << QByteArray("HTTP/1.1 503 Busy\r\nConnection: keep-alive, close\r\n"
                          "Content-Length: 0\r\n\r\n")
            << false << 503 << QByteArray() << false;
        // Names and tokens in any case, the coding last in a list.
        QTest::newRow("chunked, any case")
            << QByteArray("HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: gzip, Chunked\r\n\r\n"
                          "2\r\nok\r\n0\r\n\r\n")
            << false << 200 << QByteArray("ok") << true;
        QTest::newRow("connection close, any case")
            << QByteArray("HTTP/1.1 200 OK\r\nconnection: Keep-Alive ,CLOSE\r\n"
                          "content-length: 1\r\n\r\nx")
            << false << 200 << QByteArray("x") << false;
        QTest::newRow("HTTP/1.0") << QByteArray("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx")
                                  << false << 200 << QByteArray("x") << false;
        QTest::newRow("bare LF lines") << QByteArray("HTTP/1.1 200 OK\nContent-Length: 3\n\nabc")
                                       << false << 200 << QByteArray("abc") << true;
        QTest::newRow("204 has no body")
            << QByteArray("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n") << false << 204
            << QByteArray() << true;
        // The same length twice is one length; a coding other than chunked last reads until
        // the close; an empty Transfer-Encoding is still one (not chunked).
        QTest::newRow("same length twice")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length:  2 \r\n\r\nok")
            << false << 200 << QByteArray("ok") << true;
        QTest::newRow("other coding reads until close")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n"
                          "\r\nokay")
            << true << 200 << QByteArray("okay") << false;
        QTest::newRow("empty transfer-encoding")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\nContent-Length: 2\r\n\r\nokay")
            << true << 200 << QByteArray("okay") << false;
        QTest::newRow("status line without reason")
            << QByteArray("HTTP/1.1 404\r\nContent-Length: 2\r\n\r\nno") << false << 404
            << QByteArray("no") << true;
    }

    void answers() {
        QFETCH(QByteArray, answer);
        QFETCH(bool, close);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(bool, reusable);
        // Whole, split in two at every offset, and a byte at a time.
        QList<QList<qsizetype>> splits{{}};
        for (qsizetype at = 1; at < answer.size(); ++at)
            splits.append(QList<qsizetype>{at});
        QList<qsizetype> everyByte;
        for (qsizetype at = 1; at < answer.size(); ++at)
            everyByte.append(at);
        splits.append(everyByte);
        for (const QList<qsizetype> &cuts : splits) {
            const Outcome outcome = parse(answer, cuts, close);
            const QByteArray where = "cuts " + QByteArray::number(cuts.size()) + " first at " +
                                     QByteArray::number(cuts.value(0, -1));
            QVERIFY2(outcome.state == ResponseParser::State::Done, where.constData());
            QCOMPARE(outcome.collected.heads, 1);
            QCOMPARE(outcome.collected.status, status);
            QCOMPARE(outcome.collected.body, body);
            QCOMPARE(outcome.reusable, reusable);
        }
    }

    void headerNamesLowerCasedValuesTrimmed() {
        const Outcome outcome =
            parse("HTTP/1.1 200 OK\r\nX-Request-ID:   abc  \r\nContent-Length: 0\r\n\r\n", {});
        QCOMPARE(outcome.collected.headers.value(0).first, QByteArray("x-request-id"));
        QCOMPARE(outcome.collected.headers.value(0).second, QByteArray("abc"));

        // Names the parser knows (kept as static text) and names it does not come out the
        // same way; values stay as sent, whatever their case.
        const Outcome known = parse("HTTP/1.1 200 OK\r\nCONTENT-Type: Application/JSON\r\n"
                                    "Date:keep-alive\r\nX-Other: chunked\r\nContent-Len: 1\r\n"
                                    "content-length: 0\r\n\r\n",
                                    {});
        using Pair = QPair<QByteArray, QByteArray>;
        QCOMPARE(known.collected.headers,
                 (QList<Pair>{Pair("content-type", "Application/JSON"), Pair("date", "keep-alive"),
                              Pair("x-other", "chunked"), Pair("content-len", "1"),
                              Pair("content-length", "0")}));
    }

    void headRequestHasNoBody() {
        const Outcome outcome =
            parse("HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n", {}, false, true);
        QVERIFY(outcome.state == ResponseParser::State::Done);
        QVERIFY(outcome.reusable);
    }

    void bytesAfterTheAnswerMakeTheConnectionUnusable() {
        const Outcome outcome = parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxy", {});
        QVERIFY(outcome.state == ResponseParser::State::Done);
        QCOMPARE(outcome.collected.body, QByteArray("x"));
        QVERIFY(!outcome.reusable);
    }

    void malformed_data() {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<bool>("headDone");
        QTest::newRow("not HTTP") << QByteArray("SSH-2.0-OpenSSH\r\n\r\n") << false;
        QTest::newRow("short status") << QByteArray("HTTP/1.1 20\r\n\r\n") << false;
        QTest::newRow("switching protocols")
            << QByteArray("HTTP/1.1 101 Switching\r\nUpgrade: h2c\r\n\r\n") << false;
        QTest::newRow("negative length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n") << false;
        QTest::newRow("conflicting lengths")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx")
            << false;
        QTest::newRow("huge length")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n")
            << false;
        QTest::newRow("bad chunk size")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") << true;
        QTest::newRow("chunk longer than its size")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxy\r\n")
            << true;
        QTest::newRow("chunk line over the limit")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" +
                          QByteArray(2000, 'e') + "\r\nx\r\n0\r\n\r\n")
            << true;
        QTest::newRow("headers over the limit")
            << QByteArray("HTTP/1.1 200 OK\r\nX: " + QByteArray(70 * 1024, 'v') + "\r\n\r\n")
            << false;
    }

    void malformed() {
        QFETCH(QByteArray, answer);
        QFETCH(bool, headDone);
        for (const QList<qsizetype> &cuts :
             {QList<qsizetype>{}, QList<qsizetype>{answer.size() / 2}}) {
            const Outcome outcome = parse(answer, cuts);
            QVERIFY(outcome.state == ResponseParser::State::Failed);
            QCOMPARE(outcome.headDone, headDone);
            QVERIFY(!outcome.reusable);
        }
    }

    void closedEarlyIsAFailure() {
        QVERIFY(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", {}, true).state ==
                ResponseParser::State::Failed);
        QVERIFY(
            parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", {}, true).state ==
            ResponseParser::State::Failed);
        QVERIFY(parse("HTTP/1.1 200 OK\r\nContent-", {}, true).state ==
                ResponseParser::State::Failed);
    }

    void targets() {
        const auto v4 = plainTarget("http://127.0.0.1:8000/v1/chat/completions?x=1#frag");
        QVERIFY(v4);
        QCOMPARE(v4->hostHeader, QByteArray("127.0.0.1:8000"));
        QCOMPARE(v4->path, QByteArray("/v1/chat/completions?x=1"));
        QCOMPARE(v4->label, QByteArray("127.0.0.1:8000"));
        QVERIFY(v4->loopback);

        const auto v6 = plainTarget("HTTP://[::1]/v1");
        QVERIFY(v6);
        QCOMPARE(v6->label, QByteArray("[::1]:80"));
        QCOMPARE(v6->hostHeader, QByteArray("[::1]"));
        QVERIFY(v6->loopback);

        const auto remote = plainTarget("http://10.1.2.3:11434");
        QVERIFY(remote);
        QCOMPARE(remote->path, QByteArray("/"));
        QVERIFY(!remote->loopback);

        // libcurl's: TLS, names, credentials, scoped addresses, nonsense ports.
        for (const char *url :
             {"https://127.0.0.1/v1", "http://localhost:8000/v1", "http://user:pw@127.0.0.1/",
              "http://[fe80::1%25eth0]/", "http://127.0.0.1:0/", "http://127.0.0.1:99999/",
              "http://127.0.0.1:/", "http:///v1", "ftp://127.0.0.1/", "http://[::1/"})
            QVERIFY2(!plainTarget(url), url);
    }
};

QTEST_GUILESS_MAIN(TestResponseParser)
#include "test_responseparser.moc"
