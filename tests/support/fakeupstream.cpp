#include "fakeupstream.h"

#include "httptestclient.h"

#include <QDeadlineTimer>

FakeUpstream::~FakeUpstream() {
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool FakeUpstream::start() {
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_process.start(QStringLiteral("python3"),
                    {QStringLiteral(PORTICO_SOURCE_DIR "/tests/fixtures/fake_upstream.py"),
                     QStringLiteral("--port"), QStringLiteral("0")});
    if (!m_process.waitForStarted(10000))
        return false;
    const QDeadlineTimer deadline(20000);
    while (!m_process.canReadLine() && !deadline.hasExpired())
        m_process.waitForReadyRead(200);
    const QByteArray line = m_process.readLine().trimmed();
    if (!line.startsWith("PORT "))
        return false;
    m_port = static_cast<quint16>(line.mid(5).toUInt());
    return m_port != 0;
}

QByteArray FakeUpstream::baseUrl() const {
    return "http://127.0.0.1:" + QByteArray::number(m_port) + "/v1";
}

QJsonObject FakeUpstream::stats() const {
    return HttpTestClient::fetch(m_port, "GET", "/_stats").json();
}

void FakeUpstream::reset() const {
    HttpTestClient::fetch(m_port, "POST", "/_reset");
}
