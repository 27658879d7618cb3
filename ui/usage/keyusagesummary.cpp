#include "ui/usage/keyusagesummary.h"

#include "store/database.h"
#include "store/usageaggregates.h"
#include "ui/appcontext.h"
#include "ui/common/usagetext.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>

namespace portico::ui {

namespace {
struct SummaryResult {
    store::UsageAggregate totals;
    QString error;
};
} // namespace

KeyUsageSummary::KeyUsageSummary(AppContext &context, QWidget *parent)
    : BackgroundLoadedWidget(parent)
    , m_context(context) {
    m_period = new QComboBox(this);
    m_period->setObjectName(QStringLiteral("keyUsagePeriod"));
    m_period->addItem(tr("Last 24 hours"), 1);
    m_period->addItem(tr("Last 7 days"), 7);
    m_period->addItem(tr("Last 30 days"), 30);
    m_period->addItem(tr("All time"), 0);
    m_period->setCurrentIndex(2);
    m_requests = new QLabel(this);
    m_requests->setObjectName(QStringLiteral("keyUsageRequests"));
    m_tokens = new QLabel(this);
    m_tokens->setObjectName(QStringLiteral("keyUsageTokens"));
    m_cost = new QLabel(this);
    m_cost->setObjectName(QStringLiteral("keyUsageCost"));
    m_lastUsed = new QLabel(this);
    m_lastUsed->setObjectName(QStringLiteral("keyUsageLastUsed"));

    auto *form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Period:"), m_period);
    form->addRow(tr("Requests:"), m_requests);
    form->addRow(tr("Tokens (prompt / completion):"), m_tokens);
    form->addRow(tr("Cost:"), m_cost);
    form->addRow(tr("Last used:"), m_lastUsed);

    refreshWhileVisible(5000);
    connect(m_period, &QComboBox::currentIndexChanged, this, &KeyUsageSummary::refresh);
    display({}, {});
}

void KeyUsageSummary::setKeyUuid(const QString &keyUuid) {
    m_keyUuid = keyUuid;
    discardRunning(); // its figures are the previous key's
    refresh();
}

void KeyUsageSummary::setPeriodDays(int days) {
    const int index = m_period->findData(days);
    if (index >= 0)
        m_period->setCurrentIndex(index);
}

void KeyUsageSummary::refresh() {
    if (m_keyUuid.isEmpty()) {
        discardRunning();
        display({}, {});
        return;
    }
    BackgroundLoadedWidget::refresh();
}

void KeyUsageSummary::startLoad() {
    store::UsageQuery query;
    query.keyUuids = QStringList{m_keyUuid};
    const int days = m_period->currentData().toInt();
    query.until = QDateTime::currentDateTimeUtc();
    if (days > 0)
        query.since = query.until.addDays(-days);
    load(
        [database = m_context.database, query] {
            SummaryResult result;
            const store::UsageAggregates aggregates(*database);
            auto totals = aggregates.totals(query);
            if (!totals) {
                result.error = totals.error().message;
                return result;
            }
            result.totals = totals.value();
            // Last used whatever the period: a key idle for the period was still used before.
            if (query.since.isValid()) {
                store::UsageQuery ever = query;
                ever.since = QDateTime();
                auto allTime = aggregates.totals(ever);
                if (allTime)
                    result.totals.lastTime = allTime->lastTime;
            }
            return result;
        },
        [this](const SummaryResult &result) {
            display(result.totals, result.error);
            Q_EMIT loaded();
        });
}

void KeyUsageSummary::display(const store::UsageAggregate &totals, const QString &error) {
    m_totals = totals;
    const QLocale locale;
    if (!error.isEmpty()) {
        m_requests->setText(tr("Could not read usage: %1").arg(error));
        m_tokens->clear();
        m_cost->clear();
        m_lastUsed->clear();
        return;
    }
    m_requests->setText(locale.toString(totals.requests));
    m_tokens->setText(tr("%1 / %2").arg(locale.toString(totals.promptTokens),
                                        locale.toString(totals.completionTokens)));
    m_cost->setText(costText(totals.costUsd));
    m_lastUsed->setText(totals.lastTime.isValid()
                            ? locale.toString(totals.lastTime.toLocalTime(), QLocale::ShortFormat)
                            : tr("Never"));
}

} // namespace portico::ui
