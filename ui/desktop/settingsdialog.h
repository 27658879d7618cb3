#pragma once

#include "ui/desktop/desktopsettings.h"

#include <QDialog>
#include <QString>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTimer;

namespace portico::ui {

// Settings (Edit → Settings…): where the embedded gateway listens, the store file, config.yaml
// (with a button to open it and the result of `portico-gateway config check` on it, live),
// whether the gateway starts with the app, the tray, start at login, the language and how long
// raw usage rows are kept. OK checks everything first and says what is wrong beside the field;
// a port already taken is explained with the program holding it, with an offer of a free one.
// The dialog only collects: the caller saves and applies values() (DesktopController).
class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    struct Values {
        DesktopSettings settings;
        QString storeAddress; // a file, or a PostgreSQL URI (changed in File → Open Store only)
        bool autostart = false;
    };
    // `listeningHost`:`listeningPort`: where the embedded gateway listens now (port 0: it does
    // not), which needs no check since the gateway itself holds it.
    SettingsDialog(const Values &current, bool trayAvailable, const QString &listeningHost,
                   quint16 listeningPort, QWidget *parent = nullptr);

    Values values() const;
    // What the config check says now ("OK: 2 routes, 1 models", or the problems).
    QString configCheckText() const;
    bool configCheckPassed() const { return m_configOk; }
    // Why OK did nothing, if it did not ("" when all is well).
    QString errorText() const;

    void accept() override;

private:
    void checkConfig();
    void browseStore();
    void browseConfig();
    void openConfig();
    void showPortProblem(const QString &text, quint16 proposal);
    void showError(const QString &text);

    Values m_initial;
    QString m_listeningHost;
    quint16 m_listeningPort = 0;
    bool m_closeToTrayTouched = false;
    bool m_configOk = false;
    int m_configRetentionDays = 0;

    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLabel *m_portProblem = nullptr;
    QPushButton *m_usePort = nullptr;
    quint16 m_proposedPort = 0;
    QLineEdit *m_store = nullptr;
    QLineEdit *m_config = nullptr;
    QPushButton *m_openConfig = nullptr;
    QLabel *m_configCheck = nullptr;
    QTimer *m_checkTimer = nullptr;
    QCheckBox *m_startGateway = nullptr;
    QCheckBox *m_closeToTray = nullptr;
    QCheckBox *m_autostart = nullptr;
    QComboBox *m_language = nullptr;
    QSpinBox *m_retention = nullptr;
    QLabel *m_retentionNote = nullptr;
    QLabel *m_error = nullptr;
};

} // namespace portico::ui
