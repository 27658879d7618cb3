#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <QTcpSocket>

// A small HTTP/1.1 client on QTcpSocket for the gateway tests: asynchronous (the gateway's
// listener runs in the test's thread, so nothing may block it), records when each piece of the
// body arrived, decodes chunked bodies, and can abort mid-answer.
class HttpTestClient : public QObject {
    Q_OBJECT
public:
    struct Response {
        int status = 0;
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body; // decoded
        QByteArray header(QByteArrayView name) const;
        QJsonObject json() const;
    };

    explicit HttpTestClient(QObject *parent = nullptr);

    void start(quint16 port, const QByteArray &method, const QByteArray &path,
               const QList<QPair<QByteArray, QByteArray>> &headers = {},
               const QByteArray &body = {});
    void abort();

    bool isDone() const { return m_done; }
    bool failed() const { return m_failed; }
    const Response &response() const { return m_response; }
    // Milliseconds since start() at which `needle` first appeared in the raw body; -1 if never.
    qint64 arrivalOf(const QByteArray &needle) const;
    QByteArray rawBodySoFar() const;

    // Runs a request to completion (with the event loop running), at most `timeoutMs`.
    static Response fetch(quint16 port, const QByteArray &method, const QByteArray &path,
                          const QList<QPair<QByteArray, QByteArray>> &headers = {},
                          const QByteArray &body = {}, int timeoutMs = 15000);

Q_SIGNALS:
    void done();
    void bodyProgress();

private:
    void onReadyRead();
    void tryComplete(bool closed);
    void finish();

    QTcpSocket m_socket;
    QElapsedTimer m_clock;
    QByteArray m_request;
    QByteArray m_raw;
    qsizetype m_headerEnd = -1;
    QList<QPair<qint64, qsizetype>> m_arrivals; // (ms, raw size after that read)
    Response m_response;
    bool m_done = false;
    bool m_failed = false;
};

// The headers of a JSON request that presents `key`.
inline QList<QPair<QByteArray, QByteArray>> bearerJsonHeaders(const QString &key) {
    return {{"Authorization", "Bearer " + key.toLatin1()}, {"Content-Type", "application/json"}};
}

// A chat completion for the route `demo` of the tests' configs.
inline const QByteArray kDemoChat =
    R"({"model":"demo","messages":[{"role":"user","content":"hello"}]})";
