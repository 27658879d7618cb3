#include "ui/dashboard/periodselector.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QLabel>

namespace portico::ui {

PeriodSelector::PeriodSelector(bool offerAllTime, QWidget *parent)
    : QWidget(parent) {
    m_preset = new QComboBox(this);
    m_preset->setObjectName(QStringLiteral("periodPreset"));
    m_preset->addItem(tr("Last hour"), LastHour);
    m_preset->addItem(tr("Last 24 hours"), Last24Hours);
    m_preset->addItem(tr("Last 7 days"), Last7Days);
    m_preset->addItem(tr("Last 30 days"), Last30Days);
    if (offerAllTime)
        m_preset->addItem(tr("All time"), AllTime);
    m_preset->addItem(tr("Custom"), Custom);

    const QDateTime now = QDateTime::currentDateTime();
    m_from = new QDateTimeEdit(now.addDays(-1), this);
    m_from->setObjectName(QStringLiteral("periodFrom"));
    m_from->setCalendarPopup(true);
    m_to = new QDateTimeEdit(now, this);
    m_to->setObjectName(QStringLiteral("periodTo"));
    m_to->setCalendarPopup(true);

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Period:"), this));
    layout->addWidget(m_preset);
    layout->addWidget(m_from);
    layout->addWidget(m_to);

    m_preset->setCurrentIndex(m_preset->findData(Last24Hours));
    updateCustomVisibility();
    connect(m_preset, &QComboBox::currentIndexChanged, this, [this] {
        updateCustomVisibility();
        Q_EMIT periodChanged();
    });
    connect(m_from, &QDateTimeEdit::dateTimeChanged, this, &PeriodSelector::periodChanged);
    connect(m_to, &QDateTimeEdit::dateTimeChanged, this, &PeriodSelector::periodChanged);
}

PeriodSelector::Preset PeriodSelector::preset() const {
    return static_cast<Preset>(m_preset->currentData().toInt());
}

void PeriodSelector::setPreset(Preset preset) {
    const int index = m_preset->findData(preset);
    if (index >= 0)
        m_preset->setCurrentIndex(index);
}

void PeriodSelector::setCustomRange(const QDateTime &from, const QDateTime &to) {
    const QSignalBlocker blockFrom(m_from);
    const QSignalBlocker blockTo(m_to);
    m_from->setDateTime(from.toLocalTime());
    m_to->setDateTime(to.toLocalTime());
    if (preset() == Custom)
        Q_EMIT periodChanged();
}

QDateTime PeriodSelector::since() const {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    switch (preset()) {
    case LastHour:
        return now.addSecs(-3600);
    case Last24Hours:
        return now.addDays(-1);
    case Last7Days:
        return now.addDays(-7);
    case Last30Days:
        return now.addDays(-30);
    case AllTime:
        return {};
    case Custom:
        return m_from->dateTime().toUTC();
    }
    return {};
}

QDateTime PeriodSelector::until() const {
    if (preset() == Custom)
        return m_to->dateTime().toUTC();
    return QDateTime::currentDateTimeUtc();
}

bool PeriodSelector::prefersHourBuckets() const {
    const QDateTime from = since();
    if (!from.isValid())
        return false;
    return from.secsTo(until()) <= 7 * 24 * 3600;
}

void PeriodSelector::updateCustomVisibility() {
    const bool custom = preset() == Custom;
    m_from->setVisible(custom);
    m_to->setVisible(custom);
}

} // namespace portico::ui
