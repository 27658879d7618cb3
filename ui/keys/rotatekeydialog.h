#pragma once

#include "store/records.h"

#include <QDialog>

#include <optional>

class QButtonGroup;
class QComboBox;
class QFrame;
class QLabel;
class QPushButton;
class QRadioButton;
class QSpinBox;

namespace portico::ui {

struct AppContext;

// "Rotate Secret…": gives a key a new secret while its uuid, name, groups, limits and history
// stay. The admin chooses how long the old secret keeps working (now, 1 hour, 24 hours, 7 days,
// or a typed duration) so applications can switch without an outage. When the key is already in
// a grace period, the dialog says before rotating that the earlier grace ends at once. On success
// the dialog is accepted and holds the new secret until takeRotatedKey(); the caller shows it in
// the one-time dialog.
class RotateKeyDialog : public QDialog {
    Q_OBJECT
public:
    enum Grace { Now, OneHour, OneDay, SevenDays, Custom };
    Q_ENUM(Grace)
    enum Unit { Minutes, Hours, Days };
    Q_ENUM(Unit)

    RotateKeyDialog(AppContext &context, const store::ApiKeyRecord &key, QWidget *parent = nullptr);
    ~RotateKeyDialog() override;

    void setGrace(Grace grace);
    void setCustomGrace(int amount, Unit unit);
    // The chosen grace period in seconds (0: the old secret stops at once).
    qint64 graceSeconds() const;
    // Whether the dialog warns that an earlier grace period ends at once.
    bool warnsOfEarlierGrace() const;

    // The rotated key with its new secret, once; the dialog forgets it.
    std::optional<store::RotatedKey> takeRotatedKey();

private:
    void update();
    void rotate();

    AppContext &m_context;
    QString m_keyUuid;
    QButtonGroup *m_choices = nullptr;
    QSpinBox *m_amount = nullptr;
    QComboBox *m_unit = nullptr;
    QFrame *m_earlierGrace = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_rotateButton = nullptr;
    std::optional<store::RotatedKey> m_rotated;
};

} // namespace portico::ui
