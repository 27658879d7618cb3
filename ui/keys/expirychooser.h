#pragma once

#include <QDateTime>
#include <QWidget>

class QComboBox;
class QDateTimeEdit;
class QLabel;

namespace portico::ui {

// When a key expires, as Create Key and Change Expiry ask it: Never, 7, 30 or 90 days from now,
// 1 year, or a date and time of the user's choosing (which must be in the future). Below the
// choice, what it means ("The key will expire on …") or why it cannot be used.
class ExpiryChooser : public QWidget {
    Q_OBJECT
public:
    enum Preset { Never, Days7, Days30, Days90, Year1, OnDate };
    Q_ENUM(Preset)

    explicit ExpiryChooser(QWidget *parent = nullptr);

    // Shows an existing expiry: Never for a null time, else that date.
    void setExpiry(const QDateTime &expiresAt);
    void setPreset(Preset preset);
    Preset preset() const;
    // The chosen expiry (UTC), counted from `now` for the presets; null for Never.
    QDateTime expiresAt(const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
    // Why the choice cannot be used (a date that is not in the future); empty when it can.
    QString problem() const;

    QComboBox *presetCombo() const { return m_preset; }
    QDateTimeEdit *dateEdit() const { return m_date; }

Q_SIGNALS:
    void changed();

private:
    void update();

    QComboBox *m_preset = nullptr;
    QDateTimeEdit *m_date = nullptr;
    QLabel *m_summary = nullptr;
};

} // namespace portico::ui
