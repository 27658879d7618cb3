#pragma once

#include <QDateTime>
#include <QWidget>

class QComboBox;
class QDateTimeEdit;

namespace portico::ui {

// The period the monitoring pages look at: a preset (last hour, 24 hours, 7 days, 30 days,
// optionally all time) or a custom from/to.
class PeriodSelector : public QWidget {
    Q_OBJECT
public:
    enum Preset { LastHour, Last24Hours, Last7Days, Last30Days, AllTime, Custom };

    explicit PeriodSelector(bool offerAllTime, QWidget *parent = nullptr);

    Preset preset() const;
    void setPreset(Preset preset);
    // Used when the preset is Custom.
    void setCustomRange(const QDateTime &from, const QDateTime &to);

    // The period as of now (UTC). A null `since` means from the start.
    QDateTime since() const;
    QDateTime until() const;
    // Charts of periods up to a week are drawn per hour, longer ones per day.
    bool prefersHourBuckets() const;

Q_SIGNALS:
    void periodChanged();

private:
    void updateCustomVisibility();

    QComboBox *m_preset = nullptr;
    QDateTimeEdit *m_from = nullptr;
    QDateTimeEdit *m_to = nullptr;
};

} // namespace portico::ui
