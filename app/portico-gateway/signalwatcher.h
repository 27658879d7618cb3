#pragma once

#include <QList>
#include <QObject>

class QSocketNotifier;

namespace portico::cli {

// Turns Unix signals into a Qt signal in the thread that created the watcher: the handler only
// writes the signal number to a socket pair (async-signal-safe); the event loop reads it.
// One watcher per process.
class SignalWatcher : public QObject {
    Q_OBJECT
public:
    explicit SignalWatcher(const QList<int> &signalNumbers, QObject *parent = nullptr);
    ~SignalWatcher() override;

    bool isValid() const { return m_notifier != nullptr; }

Q_SIGNALS:
    void signalReceived(int signalNumber);

private:
    void readSignals();

    QList<int> m_signalNumbers;
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace portico::cli
