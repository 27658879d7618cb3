#pragma once

#include <QObject>
#include <QString>

class QLocalServer;

namespace portico::app {

// One desktop app per user (and data folder): the first to start listens on a local socket; a
// later one finds it there, asks it to raise its window and ends, instead of fighting over the
// gateway's port and the store. A socket left behind by a first instance that crashed answers
// nobody: it is removed and the new instance takes over.
class SingleInstance : public QObject {
    Q_OBJECT
public:
    // `name`: the local socket's name; serverName() gives the app's.
    explicit SingleInstance(QString name, QObject *parent = nullptr);
    ~SingleInstance() override;

    // The app's socket name: per user id and per data folder (so a test or a second profile
    // with its own XDG_DATA_HOME is an instance of its own).
    static QString serverName();

    enum class Outcome {
        Primary,     // this process is the instance; raiseRequested() comes when another starts
        OtherRaised, // another instance runs and was asked to raise its window: end this one
        Failed,      // neither (the socket cannot be made): run anyway, errorString() says why
    };
    Outcome start();
    QString errorString() const { return m_error; }

Q_SIGNALS:
    void raiseRequested();

private:
    bool tellOther();

    QString m_name;
    QLocalServer *m_server = nullptr;
    QString m_error;
};

} // namespace portico::app
