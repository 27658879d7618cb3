#pragma once

#include "store/records.h"
#include "store/result.h"

#include <QDialog>

#include <functional>
#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace portico::ui {

// "Edit Limits…" of a key or a group: requests per minute, tokens per minute, parallel requests
// and a budget in USD per day or month, each optional (unticked: no limit). Save hands the
// change to `apply` (KeyStore::setLimits or GroupStore::setLimits, by the owner); a refusal is
// shown in the dialog, which stays open; success accepts it.
class LimitsDialog : public QDialog {
    Q_OBJECT
public:
    // Saves the change; returns the store's error when it refuses it.
    using Apply = std::function<std::optional<store::Error>(const store::LimitsChange &)>;

    LimitsDialog(const QString &title, const QString &intro, const store::Limits &current,
                 Apply apply, QWidget *parent = nullptr);

    // Every field, set from the form: ticked fields to their value, the others cleared.
    store::LimitsChange change() const;

    QCheckBox *requestsCheck() const { return m_requestsCheck; }
    QSpinBox *requestsSpin() const { return m_requests; }
    QCheckBox *tokensCheck() const { return m_tokensCheck; }
    QSpinBox *tokensSpin() const { return m_tokens; }
    QCheckBox *parallelCheck() const { return m_parallelCheck; }
    QSpinBox *parallelSpin() const { return m_parallel; }
    QCheckBox *budgetCheck() const { return m_budgetCheck; }
    QDoubleSpinBox *budgetSpin() const { return m_budget; }
    QComboBox *budgetPeriodCombo() const { return m_budgetPeriod; }

private:
    void save();
    void updateEnabled();

    Apply m_apply;
    QCheckBox *m_requestsCheck = nullptr;
    QSpinBox *m_requests = nullptr;
    QCheckBox *m_tokensCheck = nullptr;
    QSpinBox *m_tokens = nullptr;
    QCheckBox *m_parallelCheck = nullptr;
    QSpinBox *m_parallel = nullptr;
    QCheckBox *m_budgetCheck = nullptr;
    QDoubleSpinBox *m_budget = nullptr;
    QComboBox *m_budgetPeriod = nullptr;
    QLabel *m_error = nullptr;
};

} // namespace portico::ui
