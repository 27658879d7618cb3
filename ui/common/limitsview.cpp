#include "ui/common/limitsview.h"

#include "store/database.h"
#include "ui/appcontext.h"
#include "ui/common/usagetext.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace portico::ui {

namespace {

constexpr int kRefreshIntervalMs = 2000;
constexpr int kBarSteps = 1000; // bars count in thousandths: limits may pass an int's range

struct UseResult {
    store::LimitUse use;
    QString error;
};

// Dollars with cents, as a budget is set; a spend below a cent keeps its digits, as costText().
QString dollars(double usd) {
    if (usd > 0 && usd < 0.01)
        return costText(usd);
    return QStringLiteral("$") + QLocale().toString(usd, 'f', 2);
}

} // namespace

LimitsView::LimitsView(AppContext &context, QWidget *parent)
    : BackgroundLoadedWidget(parent)
    , m_context(context) {
    setObjectName(QStringLiteral("limitsView"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *grid = new QGridLayout;
    grid->setColumnStretch(1, 1);
    layout->addLayout(grid);
    const auto add = [this, grid](const QString &caption, const QString &objectName) {
        const int row = grid->rowCount();
        auto *label = new QLabel(caption, this);
        Row result;
        result.bar = new QProgressBar(this);
        result.bar->setObjectName(objectName + QStringLiteral("Bar"));
        result.bar->setRange(0, kBarSteps);
        result.bar->setTextVisible(false);
        result.bar->setMaximumHeight(label->sizeHint().height() * 2 / 3);
        result.bar->setAccessibleName(caption);
        result.text = new QLabel(this);
        result.text->setObjectName(objectName + QStringLiteral("Text"));
        result.text->setTextFormat(Qt::PlainText);
        result.text->setWordWrap(true);
        auto *cell = new QVBoxLayout;
        cell->setSpacing(2);
        cell->addWidget(result.bar);
        cell->addWidget(result.text);
        grid->addWidget(label, row, 0, Qt::AlignTop);
        grid->addLayout(cell, row, 1);
        return result;
    };
    m_requests = add(tr("Requests per minute:"), QStringLiteral("limitRequests"));
    m_tokens = add(tr("Tokens per minute:"), QStringLiteral("limitTokens"));
    m_parallel = add(tr("Parallel requests:"), QStringLiteral("limitParallel"));
    m_parallel.bar->hide(); // no live count: the limit alone
    m_budget = add(tr("Budget:"), QStringLiteral("limitBudget"));

    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("limitsNote"));
    m_note->setWordWrap(true);
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_note->hide();
    layout->addWidget(m_note);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("limitsStatus"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->hide();
    layout->addWidget(m_status);

    auto *edit = new QPushButton(tr("Edit Limits…"), this);
    edit->setObjectName(QStringLiteral("editLimitsButton"));
    layout->addWidget(edit, 0, Qt::AlignLeft);
    connect(edit, &QPushButton::clicked, this, &LimitsView::editRequested);

    refreshWhileVisible(kRefreshIntervalMs);
    display();
}

void LimitsView::setSubject(const QString &subject, const store::Limits &limits) {
    const bool sameSubject = subject == m_subject;
    m_subject = subject;
    m_limits = limits;
    if (!sameSubject) {
        discardRunning(); // its figures are another key's or group's
        m_use = {};
        m_error.clear();
    }
    display();
    refresh();
}

void LimitsView::setNote(const QString &note) {
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

void LimitsView::refresh() {
    if (m_subject.isEmpty()) {
        discardRunning();
        return;
    }
    BackgroundLoadedWidget::refresh();
}

void LimitsView::startLoad() {
    load(
        [database = m_context.database, subject = m_subject, period = m_limits.budgetPeriod] {
            UseResult result;
            const store::LimitCounterStore counters(*database);
            auto use = counters.use(subject, period, QDateTime::currentMSecsSinceEpoch());
            if (use)
                result.use = use.value();
            else
                result.error = use.error().message;
            return result;
        },
        [this](const UseResult &result) {
            m_use = result.use;
            m_error = result.error;
            display();
            Q_EMIT loaded();
        });
}

void LimitsView::setBar(QProgressBar *bar, double used, double limit) {
    bar->setVisible(true);
    const double fraction = limit > 0 ? std::clamp(used / limit, 0.0, 1.0) : 1.0;
    bar->setValue(int(std::lround(fraction * kBarSteps)));
    // Red once the limit is reached: the next request is refused.
    QPalette palette = bar->palette();
    if (fraction >= 1.0)
        palette.setColor(QPalette::Highlight, QColor(0xc6, 0x28, 0x28));
    else
        palette.setColor(QPalette::Highlight,
                         bar->style()->standardPalette().color(QPalette::Highlight));
    bar->setPalette(palette);
}

void LimitsView::display() {
    const QLocale locale;
    const auto &limits = m_limits;
    const auto count = [&locale](double value) { return locale.toString(qint64(value)); };

    if (limits.requestsPerMinute) {
        setBar(m_requests.bar, m_use.requestsThisMinute, double(*limits.requestsPerMinute));
        m_requests.text->setText(
            tr("%1 of %2 this minute")
                .arg(count(m_use.requestsThisMinute), locale.toString(*limits.requestsPerMinute)));
    } else {
        m_requests.bar->hide();
        m_requests.text->setText(
            tr("No limit (%1 this minute)").arg(count(m_use.requestsThisMinute)));
    }

    if (limits.tokensPerMinute) {
        setBar(m_tokens.bar, m_use.tokensThisMinute, double(*limits.tokensPerMinute));
        m_tokens.text->setText(
            tr("%1 of %2 this minute")
                .arg(count(m_use.tokensThisMinute), locale.toString(*limits.tokensPerMinute)));
    } else {
        m_tokens.bar->hide();
        m_tokens.text->setText(tr("No limit (%1 this minute)").arg(count(m_use.tokensThisMinute)));
    }

    m_parallel.text->setText(
        limits.maxParallel ? tr("At most %1 at once").arg(locale.toString(*limits.maxParallel))
                           : tr("No limit"));

    if (limits.budgetUsd) {
        const bool day = limits.budgetPeriod == store::BudgetPeriod::Day;
        setBar(m_budget.bar, m_use.spentUsd, *limits.budgetUsd);
        const qint64 resetMs = store::limitwindows::periodEnd(limits.budgetPeriod,
                                                              QDateTime::currentMSecsSinceEpoch());
        const QString resets = locale.toString(
            QDateTime::fromMSecsSinceEpoch(resetMs, Qt::UTC).toLocalTime(), QLocale::ShortFormat);
        m_budget.text->setText(
            (day ? tr("%1 of %2 today, resets %3") : tr("%1 of %2 this month, resets %3"))
                .arg(dollars(m_use.spentUsd), dollars(*limits.budgetUsd), resets));
    } else {
        m_budget.bar->hide();
        m_budget.text->setText(tr("No budget"));
    }

    m_status->setText(m_error.isEmpty() ? QString()
                                        : tr("Could not read the current use: %1").arg(m_error));
    m_status->setVisible(!m_error.isEmpty());
}

} // namespace portico::ui
