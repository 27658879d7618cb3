#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

// Private to portico_upstream: reads an HTTP/1.1 answer as its bytes arrive, for the plain
// client of http:// upstreams (plainhttploop.h).
namespace portico::upstream::detail {

// What the parser hands on, in order: the head once, then the body's bytes (chunked framing
// removed) as they come.
class ResponseSink {
public:
    virtual void responseHead(int status, const QList<QPair<QByteArray, QByteArray>> &headers) = 0;
    virtual void responseBody(const char *data, qsizetype size) = 0;

protected:
    ~ResponseSink() = default;
};

// Incremental and allocation-light: a body passes through without being copied here. Interim
// answers (1xx) are skipped; trailers of a chunked body are read and dropped. An answer framed by
// neither Content-Length nor chunked encoding ends when the upstream closes the connection.
class ResponseParser {
public:
    enum class State { Head, Body, Done, Failed };

    // `headRequest`: the answer has no body whatever its headers say.
    explicit ResponseParser(bool headRequest = false);

    // Feeds what arrived. Returns the state afterwards; bytes after the end of the answer are
    // an error (an upstream may not send anything it was not asked for).
    State feed(const char *data, qsizetype size, ResponseSink &sink);
    // The upstream closed the connection: the end of an answer delimited by the close, or else a
    // truncated one (Failed).
    State closed();

    State state() const { return m_state; }
    // Any byte of the answer seen (even of an interim answer): a retry is no longer safe.
    bool sawBytes() const { return m_sawBytes; }
    // The head of the final answer was handed on.
    bool headDone() const { return m_headDone; }
    // The connection can carry the next request once the answer is Done.
    bool reusable() const { return m_keepAlive; }
    // Why it Failed, for a log line: never the answer's content.
    const QString &error() const { return m_error; }

    // Limits on what is kept in memory while reading framing (the body is never held here).
    static constexpr qsizetype kMaxHeadBytes = 64 * 1024;
    static constexpr qsizetype kMaxChunkLineBytes = 1024;

private:
    enum class Framing { None, Length, Chunked, UntilClose };
    enum class ChunkStep { Size, Data, DataEnd, Trailer };

    bool parseHead(ResponseSink &sink); // false: failed or an interim answer was skipped
    qsizetype feedBody(const char *data, qsizetype size, ResponseSink &sink);
    qsizetype feedChunked(const char *data, qsizetype size, ResponseSink &sink);
    // Takes one CRLF-terminated line of chunked framing (collected in m_line when it comes in
    // pieces); true once complete, with *line the line without its end, valid until m_line is
    // cleared.
    bool takeLine(const char *data, qsizetype size, qsizetype *used, QByteArrayView *line);
    State fail(const QString &why);

    bool m_headRequest;
    State m_state = State::Head;
    bool m_sawBytes = false;
    bool m_headDone = false;
    bool m_keepAlive = true;
    QString m_error;
    QByteArray m_head; // the head so far (until its blank line)
    Framing m_framing = Framing::None;
    qint64 m_remaining = 0; // Length: body bytes left; Chunked Data: bytes left of the chunk
    ChunkStep m_chunkStep = ChunkStep::Size;
    QByteArray m_line;
};

} // namespace portico::upstream::detail
