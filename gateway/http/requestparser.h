#pragma once

#include "http/httpserver.h"

#include <QByteArray>

namespace portico::http {

// An HTTP error found while reading a request: the status to answer with and an OpenAI-style
// error code and message. After one, the connection is answered and closed.
struct RequestError {
    int status = 400;
    QByteArray code;
    QString message;
};

// Incremental HTTP/1.1 request reader: bytes go in as they arrive, complete requests come out.
// It never reads more than one request ahead, so a connection can stop feeding it (requests in
// progress) and a body larger than the limit is refused from its Content-Length before any of it is
// read.
class RequestParser {
public:
    enum class Status {
        NeedMore,     // append more bytes and call parse() again
        HeadersReady, // the head of a request is complete; the body (if any) follows
        Complete,     // takeRequest() returns the request
        Error,        // error() says what; the parser stays in this state
    };

    RequestParser(qint64 maxHeaderBytes, qint64 maxBodyBytes);

    void append(const QByteArray &data);
    Status parse();
    Request takeRequest();
    const RequestError &error() const { return m_error; }
    // The request being read: its method, path and headers once its head is read (also after an
    // error in its body), empty before.
    const Request &currentRequest() const { return m_request; }
    bool isHeadRead() const { return m_headRead; }

    // The request being read asked for "Expect: 100-continue" and has a body still to come.
    bool expectsContinue() const;
    // Some bytes of a request head have arrived but not the whole head.
    bool isReadingHead() const;
    // The head is complete and the body is still arriving.
    bool isReadingBody() const;
    // Unparsed bytes are waiting (for example a pipelined request).
    bool hasBufferedBytes() const { return m_pos < m_buffer.size(); }
    bool isHttp10() const { return m_http10; }

private:
    enum class State { Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Done, Failed };

    Status fail(int status, const char *code, const QString &message);
    Status parseHead();
    Status parseHeadLines(QByteArrayView head);
    Status parseBody();
    Status parseChunked();
    qsizetype findLineEnd(qsizetype from) const;
    void compact();

    qint64 m_maxHeaderBytes;
    qint64 m_maxBodyBytes;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    State m_state = State::Head;
    Request m_request;
    RequestError m_error;
    qint64 m_bodyRemaining = 0;
    qint64 m_trailerBytes = 0;
    qsizetype m_headScanned = 0; // bytes of the current head already searched for its end
    bool m_http10 = false;
    bool m_headRead = false; // the request line and headers of m_request are complete
    bool m_expectContinue = false;
};

} // namespace portico::http
