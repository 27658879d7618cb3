#include "ui/keys/previoussecretview.h"

#include "store/database.h"
#include "ui/appcontext.h"

#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace portico::ui {

namespace {
constexpr int kRefreshIntervalMs = 2000;

struct UseResult {
    store::OldSecretUse use;
    QString error;
};

QString longDate(const QDateTime &time) {
    return QLocale().toString(time.toLocalTime(), QLocale::LongFormat);
}
} // namespace

PreviousSecretView::PreviousSecretView(AppContext &context, QWidget *parent)
    : BackgroundLoadedWidget(parent)
    , m_context(context) {
    setObjectName(QStringLiteral("previousSecretView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_validity = new QLabel(this);
    m_validity->setObjectName(QStringLiteral("previousSecretText"));
    m_validity->setTextFormat(Qt::PlainText);
    m_validity->setWordWrap(true);
    m_validity->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_useText = new QLabel(this);
    m_useText->setObjectName(QStringLiteral("oldSecretUseText"));
    m_useText->setTextFormat(Qt::PlainText);
    m_useText->setWordWrap(true);
    m_useText->setForegroundRole(QPalette::PlaceholderText);
    m_endButton = new QPushButton(tr("End Grace Period Now…"), this);
    m_endButton->setObjectName(QStringLiteral("endGraceButton"));
    m_endButton->setToolTip(tr("Refuse the previous secret from now on."));
    layout->addWidget(m_validity);
    layout->addWidget(m_useText);
    layout->addWidget(m_endButton, 0, Qt::AlignLeft);
    connect(m_endButton, &QPushButton::clicked, this, &PreviousSecretView::endGraceRequested);
    refreshWhileVisible(kRefreshIntervalMs);
}

void PreviousSecretView::setKey(const QString &keyUuid,
                                const std::optional<store::PreviousSecret> &previous) {
    if (keyUuid != m_keyUuid) {
        discardRunning();
        m_use = {};
        m_useKnown = false;
    }
    m_keyUuid = keyUuid;
    m_previous = previous;
    display();
    refresh();
}

void PreviousSecretView::refresh() {
    if (m_keyUuid.isEmpty() || !m_previous) {
        discardRunning();
        return;
    }
    BackgroundLoadedWidget::refresh();
}

void PreviousSecretView::startLoad() {
    load(
        [database = m_context.database, keyUuid = m_keyUuid] {
            UseResult result;
            const store::UsageStore usage(*database);
            auto use = usage.oldSecretUse(keyUuid, QDateTime::currentDateTimeUtc().addSecs(-3600));
            if (use)
                result.use = use.value();
            else
                result.error = use.error().message;
            return result;
        },
        [this](const UseResult &result) {
            if (result.error.isEmpty()) {
                m_use = result.use;
                m_useKnown = true;
            }
            display();
            Q_EMIT loaded();
        });
}

void PreviousSecretView::display() {
    if (!m_previous) {
        m_validity->clear();
        m_useText->clear();
        m_endButton->hide();
        return;
    }
    const bool valid = m_previous->validUntil > QDateTime::currentDateTimeUtc();
    m_validity->setText(valid ? tr("Previous secret %1 works until %2")
                                    .arg(m_previous->hint, longDate(m_previous->validUntil))
                              : tr("Previous secret %1 stopped working at %2")
                                    .arg(m_previous->hint, longDate(m_previous->validUntil)));
    m_endButton->setVisible(valid);
    if (!m_useKnown)
        m_useText->setText(tr("Reading who still uses it…"));
    else if (m_use.requests == 0)
        m_useText->setText(tr("Old secret not used in the last hour."));
    else
        m_useText->setText(
            tr("Old secret used %n time(s) in the last hour, last at %1.", nullptr,
               int(m_use.requests))
                .arg(QLocale().toString(m_use.last.toLocalTime().time(), QLocale::ShortFormat)));
}

} // namespace portico::ui
