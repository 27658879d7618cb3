#include "ui/keys/expirychooser.h"
#include "ui/common/errorlabel.h"

#include <QComboBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace portico::ui {

ExpiryChooser::ExpiryChooser(QWidget *parent)
    : QWidget(parent) {
    setObjectName(QStringLiteral("expiryChooser"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *row = new QHBoxLayout;
    m_preset = new QComboBox(this);
    m_preset->setObjectName(QStringLiteral("expiryPresetCombo"));
    m_preset->addItem(tr("Never"), int(Never));
    m_preset->addItem(tr("In 7 days"), int(Days7));
    m_preset->addItem(tr("In 30 days"), int(Days30));
    m_preset->addItem(tr("In 90 days"), int(Days90));
    m_preset->addItem(tr("In 1 year"), int(Year1));
    m_preset->addItem(tr("On a date…"), int(OnDate));
    m_date = new QDateTimeEdit(this);
    m_date->setObjectName(QStringLiteral("expiryDateEdit"));
    m_date->setCalendarPopup(true);
    m_date->setTimeSpec(Qt::LocalTime);
    m_date->setDisplayFormat(QLocale().dateTimeFormat(QLocale::ShortFormat));
    m_date->setDateTime(QDateTime::currentDateTime().addDays(30));
    m_date->setAccessibleName(tr("Expiry date and time"));
    row->addWidget(m_preset);
    row->addWidget(m_date, 1);
    layout->addLayout(row);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("expirySummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    layout->addWidget(m_summary);

    connect(m_preset, &QComboBox::currentIndexChanged, this, [this] {
        update();
        Q_EMIT changed();
    });
    connect(m_date, &QDateTimeEdit::dateTimeChanged, this, [this] {
        update();
        Q_EMIT changed();
    });
    update();
}

void ExpiryChooser::setExpiry(const QDateTime &expiresAt) {
    if (expiresAt.isValid())
        m_date->setDateTime(expiresAt.toLocalTime());
    setPreset(expiresAt.isValid() ? OnDate : Never);
}

void ExpiryChooser::setPreset(Preset preset) {
    m_preset->setCurrentIndex(m_preset->findData(int(preset)));
    update();
}

ExpiryChooser::Preset ExpiryChooser::preset() const {
    return static_cast<Preset>(m_preset->currentData().toInt());
}

QDateTime ExpiryChooser::expiresAt(const QDateTime &now) const {
    const QDateTime from = now.toUTC();
    switch (preset()) {
    case Never:
        return {};
    case Days7:
        return from.addDays(7);
    case Days30:
        return from.addDays(30);
    case Days90:
        return from.addDays(90);
    case Year1:
        return from.addYears(1);
    case OnDate:
        break;
    }
    return m_date->dateTime().toUTC();
}

QString ExpiryChooser::problem() const {
    if (preset() == OnDate && m_date->dateTime() <= QDateTime::currentDateTime())
        return tr("Choose a date and time in the future.");
    return {};
}

void ExpiryChooser::update() {
    m_date->setVisible(preset() == OnDate);
    const QString problemText = problem();
    QPalette palette = this->palette();
    if (!problemText.isEmpty()) {
        palette.setColor(QPalette::WindowText, errorColor());
        m_summary->setText(problemText);
    } else if (preset() == Never) {
        m_summary->setText(tr("The key never expires."));
    } else {
        m_summary->setText(
            tr("The key will expire on %1; requests with it are refused from then on.")
                .arg(QLocale().toString(expiresAt().toLocalTime(), QLocale::LongFormat)));
    }
    m_summary->setPalette(palette);
}

} // namespace portico::ui
