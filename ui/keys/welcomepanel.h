#pragma once

#include "store/records.h"

#include <QFrame>

class QLabel;
class QNetworkAccessManager;
class QPushButton;

namespace portico::config {
struct GatewayConfig;
}

namespace portico::ui {

struct AppContext;

// The first run: while the store has no key and no group, the Keys page opens with this short
// welcome. It explains the demo route of the loaded config, creates a first group ("default",
// granting that route) and key in one click (the key is shown once, in the usual one-time
// dialog), and sends a real chat completion with that key to the embedded gateway, showing the
// answer. Dismissed, it does not come back; once keys exist it is not shown again.
class WelcomePanel : public QFrame {
    Q_OBJECT
public:
    explicit WelcomePanel(AppContext &context, QWidget *parent = nullptr);
    ~WelcomePanel() override;

    // The route the welcome is about: "demo" when the config has it, else the first route on the
    // mock model, else the first route; empty without routes.
    static QString demoRoute(const config::GatewayConfig &config);
    static QString groupName() { return QStringLiteral("default"); }
    static QString keyName() { return QStringLiteral("first key"); }
    static QString testMessage() { return QStringLiteral("Hello from Portico!"); }

    // Told by the Keys page after each reload. The panel shows while the store is empty and it
    // was not dismissed, and stays after it made the first key itself, for the test request.
    void setStoreEmpty(bool empty);
    QString answerText() const;
    // The test request was answered with 200 (answerText() says what came back).
    bool answered() const { return m_answered; }

public Q_SLOTS:
    void createGroupAndKey();
    void sendTestRequest();
    void dismiss();

Q_SIGNALS:
    // The first key: the Keys page selects it and shows its secret once.
    void firstKeyCreated(const portico::store::CreatedKey &created);

private:
    void updateTexts();
    void showAnswer(const QString &text, bool ok);
    void wipeKey();

    AppContext &m_context;
    QLabel *m_explanation = nullptr;
    QPushButton *m_createButton = nullptr;
    QPushButton *m_testButton = nullptr;
    QLabel *m_answer = nullptr;
    QNetworkAccessManager *m_network = nullptr;
    // The first key's secret, in memory only, for the test request; wiped when the panel goes.
    QString m_key;
    QString m_route;
    bool m_keyMade = false;
    bool m_dismissed = false;
    bool m_sending = false;
    bool m_answered = false;
};

} // namespace portico::ui
