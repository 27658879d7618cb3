#include "httptestclient.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QTimer>

QByteArray HttpTestClient::Response::header(QByteArrayView name) const {
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

QJsonObject HttpTestClient::Response::json() const {
    return QJsonDocument::fromJson(body).object();
}

HttpTestClient::HttpTestClient(QObject *parent)
    : QObject(parent) {
    connect(&m_socket, &QTcpSocket::connected, this, [this] { m_socket.write(m_request); });
    connect(&m_socket, &QTcpSocket::readyRead, this, &HttpTestClient::onReadyRead);
    connect(&m_socket, &QTcpSocket::disconnected, this, [this] { tryComplete(true); });
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
        if (e == QAbstractSocket::RemoteHostClosedError) {
            onReadyRead();
            tryComplete(true);
            return;
        }
        if (!m_done) {
            m_failed = true;
            finish();
        }
    });
}

void HttpTestClient::start(quint16 port, const QByteArray &method, const QByteArray &path,
                           const QList<QPair<QByteArray, QByteArray>> &headers,
                           const QByteArray &body) {
    // A Host among `headers` replaces the usual one.
    bool ownHost = false;
    for (const auto &h : headers)
        ownHost = ownHost || h.first.compare("host", Qt::CaseInsensitive) == 0;
    m_request = method + ' ' + path + " HTTP/1.1\r\n" +
                (ownHost ? QByteArray() : "Host: 127.0.0.1:" + QByteArray::number(port) + "\r\n") +
                "Connection: close\r\n";
    for (const auto &h : headers)
        m_request += h.first + ": " + h.second + "\r\n";
    if (!body.isEmpty() || method == "POST")
        m_request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    m_request += "\r\n" + body;
    m_clock.start();
    m_socket.connectToHost(QHostAddress::LocalHost, port);
}

void HttpTestClient::abort() {
    m_socket.abort();
    if (!m_done) {
        m_failed = true;
        finish();
    }
}

qint64 HttpTestClient::arrivalOf(const QByteArray &needle) const {
    const qsizetype at = m_raw.indexOf(needle, m_headerEnd < 0 ? 0 : m_headerEnd);
    if (at < 0)
        return -1;
    for (const auto &arrival : m_arrivals) {
        if (arrival.second >= at + needle.size())
            return arrival.first;
    }
    return -1;
}

QByteArray HttpTestClient::rawBodySoFar() const {
    return m_headerEnd < 0 ? QByteArray() : m_raw.mid(m_headerEnd);
}

void HttpTestClient::onReadyRead() {
    const QByteArray data = m_socket.readAll();
    if (data.isEmpty())
        return;
    m_raw += data;
    m_arrivals.append({m_clock.elapsed(), m_raw.size()});
    if (m_headerEnd < 0) {
        const qsizetype end = m_raw.indexOf("\r\n\r\n");
        if (end >= 0) {
            m_headerEnd = end + 4;
            const QList<QByteArray> lines = m_raw.left(end).split('\n');
            const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
            m_response.status = statusLine.size() > 1 ? statusLine.at(1).toInt() : 0;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines.at(i).trimmed();
                const qsizetype colon = line.indexOf(':');
                if (colon > 0)
                    m_response.headers.append(
                        {line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
            }
        }
    }
    Q_EMIT bodyProgress();
    tryComplete(false);
}

void HttpTestClient::tryComplete(bool closed) {
    if (m_done)
        return;
    if (m_headerEnd < 0) {
        if (closed) {
            m_failed = true;
            finish();
        }
        return;
    }
    const QByteArray body = m_raw.mid(m_headerEnd);
    if (m_response.header("transfer-encoding").toLower() == "chunked") {
        QByteArray decoded;
        qsizetype pos = 0;
        for (;;) {
            const qsizetype lineEnd = body.indexOf("\r\n", pos);
            if (lineEnd < 0)
                break;
            bool ok = false;
            const qsizetype size =
                body.mid(pos, lineEnd - pos).split(';').first().trimmed().toLongLong(&ok, 16);
            if (!ok)
                break;
            if (size == 0) {
                if (body.indexOf("\r\n", lineEnd + 2) >= 0 || closed) {
                    m_response.body = decoded;
                    finish();
                    return;
                }
                break;
            }
            if (body.size() < lineEnd + 2 + size + 2)
                break;
            decoded += body.mid(lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
        }
        if (closed) {
            m_response.body = decoded;
            m_failed = true; // the stream did not end properly
            finish();
        }
        return;
    }
    const QByteArray lengthHeader = m_response.header("content-length");
    if (!lengthHeader.isEmpty()) {
        const qsizetype length = lengthHeader.toLongLong();
        if (body.size() >= length || closed) {
            m_response.body = body.left(length);
            m_failed = body.size() < length;
            finish();
        }
        return;
    }
    if (closed) {
        m_response.body = body;
        finish();
    }
}

void HttpTestClient::finish() {
    if (m_done)
        return;
    m_done = true;
    Q_EMIT done();
}

HttpTestClient::Response HttpTestClient::fetch(quint16 port, const QByteArray &method,
                                               const QByteArray &path,
                                               const QList<QPair<QByteArray, QByteArray>> &headers,
                                               const QByteArray &body, int timeoutMs) {
    HttpTestClient client;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(&client, &HttpTestClient::done, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    client.start(port, method, path, headers, body);
    if (!client.isDone())
        loop.exec();
    return client.response();
}
