#pragma once

#include <QJsonObject>
#include <QProcess>

// tests/fixtures/fake_upstream.py as a child process: an OpenAI-compatible model server with
// scripted behaviours (delays, errors, hangs, abrupt closes) and statistics.
class FakeUpstream {
public:
    ~FakeUpstream();
    bool start();
    quint16 port() const { return m_port; }
    QByteArray baseUrl() const;
    QJsonObject stats() const;
    void reset() const;

private:
    QProcess m_process;
    quint16 m_port = 0;
};
