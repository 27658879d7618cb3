#include "ui/keys/welcomepanel.h"

#include "config/configmanager.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "ui/appcontext.h"
#include "ui/storeerrortext.h"

#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPushButton>
#include <QSettings>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace portico::ui {

namespace {
const QString kDismissedKey = QStringLiteral("welcome/dismissed");
// The whole request, upstream included; the demo's mock answers at once.
constexpr int kTestRequestTimeoutMs = 60000;
} // namespace

WelcomePanel::WelcomePanel(AppContext &context, QWidget *parent)
    : QFrame(parent)
    , m_context(context) {
    setObjectName(QStringLiteral("welcomePanel"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::AlternateBase);
    m_dismissed = QSettings().value(kDismissedKey, false).toBool();

    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    auto *title = new QLabel(tr("Welcome to Portico"), this);
    QFont bold = title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    title->setFont(bold);
    auto *close = new QToolButton(this);
    close->setObjectName(QStringLiteral("welcomeDismissButton"));
    close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    close->setAutoRaise(true);
    close->setToolTip(tr("Dismiss the welcome"));
    close->setAccessibleName(tr("Dismiss the welcome"));
    top->addWidget(title, 1);
    top->addWidget(close, 0, Qt::AlignTop);
    layout->addLayout(top);

    m_explanation = new QLabel(this);
    m_explanation->setObjectName(QStringLiteral("welcomeExplanation"));
    m_explanation->setWordWrap(true);
    m_explanation->setTextFormat(Qt::RichText);
    layout->addWidget(m_explanation);

    auto *buttons = new QHBoxLayout;
    m_createButton = new QPushButton(tr("1. Create a Group and Key"), this);
    m_createButton->setObjectName(QStringLiteral("welcomeCreateButton"));
    m_testButton = new QPushButton(tr("2. Send a Test Request"), this);
    m_testButton->setObjectName(QStringLiteral("welcomeTestButton"));
    m_testButton->setEnabled(false);
    buttons->addWidget(m_createButton);
    buttons->addWidget(m_testButton);
    buttons->addStretch(1);
    layout->addLayout(buttons);

    m_answer = new QLabel(this);
    m_answer->setObjectName(QStringLiteral("welcomeAnswerLabel"));
    m_answer->setWordWrap(true);
    m_answer->setTextFormat(Qt::PlainText);
    m_answer->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_answer->hide();
    layout->addWidget(m_answer);

    connect(close, &QToolButton::clicked, this, &WelcomePanel::dismiss);
    connect(m_createButton, &QPushButton::clicked, this, &WelcomePanel::createGroupAndKey);
    connect(m_testButton, &QPushButton::clicked, this, &WelcomePanel::sendTestRequest);
    if (m_context.config) {
        connect(m_context.config.get(), &config::ConfigManager::configChanged, this,
                &WelcomePanel::updateTexts);
    }
    updateTexts();
    setVisible(false);
}

WelcomePanel::~WelcomePanel() {
    wipeKey();
}

void WelcomePanel::wipeKey() {
    m_key.fill(u'\0');
    m_key.clear();
}

QString WelcomePanel::demoRoute(const config::GatewayConfig &config) {
    if (config.routes.contains(QStringLiteral("demo")))
        return QStringLiteral("demo");
    for (const auto &route : config.routes) {
        for (const QString &id : route.chatModels) {
            const config::ModelConfig *model = config.chatModel(id);
            if (model && model->provider == QLatin1String("mock"))
                return route.name;
        }
    }
    return config.routes.isEmpty() ? QString() : config.routes.firstKey();
}

void WelcomePanel::updateTexts() {
    const auto config = m_context.config ? m_context.config->current() : nullptr;
    // Keep the route of a key already made: the test request goes where its group grants.
    if (!m_keyMade)
        m_route = config ? demoRoute(*config) : QString();
    const config::RouteConfig *route = config ? config->route(m_route) : nullptr;
    QString text = tr("Programs call the gateway with an API key, and a key may call the routes "
                      "that its groups grant.");
    if (!route) {
        text += u' ' + tr("The config has no route yet: add one to config.yaml (the Routes page "
                          "shows the file), then come back here.");
    } else {
        const config::ModelConfig *model =
            route->chatModels.isEmpty() ? nullptr : config->chatModel(route->chatModels.first());
        const QString routeName = u"<b>" + m_route.toHtmlEscaped() + u"</b>";
        if (model && model->provider == QLatin1String("mock")) {
            text += u' ' + tr("The config has a route to try at once: %1. Its model, %2, answers "
                              "inside Portico by repeating your message back: no provider "
                              "account, no network.")
                               .arg(routeName, model->modelId.toHtmlEscaped() + u" (mock/" +
                                                   model->model.toHtmlEscaped() + u')');
        } else if (model) {
            text += u' ' + tr("The config's first route is %1, on %2/%3.")
                               .arg(routeName, model->provider.toHtmlEscaped(),
                                    model->model.toHtmlEscaped());
        } else {
            text += u' ' + tr("The config's first route is %1.").arg(routeName);
        }
        text += QStringLiteral("<br>") +
                tr("Create a group named “%1” that grants %2 with a first key in it, then send "
                   "it a test message through the gateway.")
                    .arg(groupName(), routeName);
    }
    m_explanation->setText(text);
    m_createButton->setEnabled(route && !m_keyMade);
}

void WelcomePanel::setStoreEmpty(bool empty) {
    // After its own key, the panel stays until dismissed: step 2 is still to come.
    setVisible(!m_dismissed && (empty || m_keyMade));
}

QString WelcomePanel::answerText() const {
    return m_answer->isHidden() ? QString() : m_answer->text();
}

void WelcomePanel::dismiss() {
    m_dismissed = true;
    QSettings().setValue(kDismissedKey, true);
    wipeKey();
    hide();
}

void WelcomePanel::createGroupAndKey() {
    if (!m_context.database || m_route.isEmpty() || m_keyMade)
        return;
    store::GroupStore groups(*m_context.database, m_context.actor);
    auto group = groups.createGroup(
        groupName(), tr("Made by the welcome of the first run; grants %1.").arg(m_route));
    if (!group) {
        showAnswer(tr("Could not create the group: %1").arg(storeErrorText(group.error())), false);
        return;
    }
    if (auto granted = groups.addRoute(group->uuid, m_route); !granted) {
        showAnswer(
            tr("Could not grant %1 to the group: %2").arg(m_route, storeErrorText(granted.error())),
            false);
        return;
    }
    store::KeyStore keys(*m_context.database, m_context.actor);
    auto created = keys.createKey(keyName(), {group->uuid});
    if (!created) {
        showAnswer(tr("Could not create the key: %1").arg(storeErrorText(created.error())), false);
        return;
    }
    m_keyMade = true;
    m_key = created->key;
    m_createButton->setEnabled(false);
    m_testButton->setEnabled(true);
    showAnswer(
        tr("Group “%1” and key “%2” created. Now send a test request.").arg(groupName(), keyName()),
        true);
    Q_EMIT firstKeyCreated(*created);
}

void WelcomePanel::sendTestRequest() {
    if (m_key.isEmpty() || m_sending)
        return;
    QString base = m_context.gatewayBaseUrl ? m_context.gatewayBaseUrl() : QString();
    if (base.isEmpty()) {
        showAnswer(tr("The gateway is not running: start it (Gateway → Start Gateway), then try "
                      "again."),
                   false);
        return;
    }
    if (base.endsWith(u'/'))
        base.chop(1);
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    QNetworkRequest request(QUrl(base + QStringLiteral("/v1/chat/completions")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setRawHeader("Authorization", "Bearer " + m_key.toUtf8());
    request.setTransferTimeout(kTestRequestTimeoutMs);
    const QJsonObject body{{QStringLiteral("model"), m_route},
                           {QStringLiteral("messages"),
                            QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                   {QStringLiteral("content"), testMessage()}}}}};
    // Asynchronous: QNetworkAccessManager does the HTTP off the GUI thread and reports here,
    // so the window never waits for the gateway.
    QNetworkReply *reply = m_network->post(request, QJsonDocument(body).toJson());
    m_sending = true;
    m_testButton->setEnabled(false);
    m_answered = false;
    showAnswer(tr("Sending “%1” to %2…").arg(testMessage(), m_route), true);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        m_sending = false;
        m_testButton->setEnabled(!m_key.isEmpty());
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        if (status == 200) {
            const QString content = answer.value(QStringLiteral("choices"))
                                        .toArray()
                                        .at(0)
                                        .toObject()
                                        .value(QStringLiteral("message"))
                                        .toObject()
                                        .value(QStringLiteral("content"))
                                        .toString();
            showAnswer(tr("Answer from %1: %2").arg(m_route, content), true);
            m_answered = true;
            return;
        }
        QString why = answer.value(QStringLiteral("error"))
                          .toObject()
                          .value(QStringLiteral("message"))
                          .toString();
        if (why.isEmpty())
            why = reply->errorString();
        showAnswer(status > 0 ? tr("The gateway answered %1: %2").arg(status).arg(why)
                              : tr("No answer from the gateway: %1").arg(why),
                   false);
    });
}

void WelcomePanel::showAnswer(const QString &text, bool ok) {
    QPalette palette = m_answer->palette();
    palette.setColor(QPalette::WindowText,
                     ok ? QColor(0x1b, 0x5e, 0x20) : QColor(0xb0, 0x1c, 0x1c));
    m_answer->setPalette(palette);
    m_answer->setText(text);
    m_answer->show();
}

} // namespace portico::ui
