#pragma once

// `portico-gateway serve` as a child process of a test, on a free loopback port: started with
// the test's arguments, ready once it printed "listening on http://127.0.0.1:PORT". What it wrote
// on stderr is kept (readErrors()) for the test's own checks and for test_logscan.

#include <QProcess>
#include <QRegularExpression>
#include <QTest>

class ServeProcess {
public:
    ~ServeProcess() { stop(); }

    // Starts `binary` with `arguments` (which should listen on 127.0.0.1:0) and waits until it
    // listens; false when it exited first or took longer than 30 s.
    bool start(const QString &binary, const QStringList &arguments) {
        m_process.start(binary, arguments);
        if (!m_process.waitForStarted(30000))
            return false;
        static const QRegularExpression listening(
            QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
        // The port says whether it listens; the wait's own result adds nothing.
        (void)QTest::qWaitFor(
            [&]() {
                m_errors += m_process.readAllStandardError();
                const auto match = listening.match(QString::fromUtf8(m_errors));
                if (match.hasMatch())
                    m_port = quint16(match.captured(1).toUInt());
                return m_port != 0 || m_process.state() == QProcess::NotRunning;
            },
            30000);
        return m_port != 0;
    }

    quint16 port() const { return m_port; }
    qint64 processId() const { return m_process.processId(); }

    // SIGTERM, then waits for the exit (usage rows flushed).
    void stop() {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        m_process.waitForFinished(30000);
    }

    // Everything written on stderr so far.
    QByteArray readErrors() {
        m_errors += m_process.readAllStandardError();
        return m_errors;
    }
    QByteArray readOutput() { return m_process.readAllStandardOutput(); }

private:
    QProcess m_process;
    QByteArray m_errors;
    quint16 m_port = 0;
};
