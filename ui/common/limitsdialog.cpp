#include "ui/common/limitsdialog.h"

#include "ui/common/errorlabel.h"
#include "ui/common/pluralunit.h"

#include "ui/storeerrortext.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace portico::ui {

namespace {
constexpr int kMaxWhole = 2'000'000'000;

// `unit(n)`: the translated "%n request(s)" (showUnitInPlural).
QSpinBox *wholeSpin(QWidget *parent, const QString &objectName, std::function<QString(int)> unit,
                    std::optional<qint64> value, int fallback) {
    auto *spin = new QSpinBox(parent);
    spin->setObjectName(objectName);
    spin->setRange(1, kMaxWhole);
    spin->setGroupSeparatorShown(true);
    spin->setValue(int(std::clamp<qint64>(value.value_or(fallback), 1, kMaxWhole)));
    showUnitInPlural(spin, std::move(unit));
    return spin;
}
} // namespace

LimitsDialog::LimitsDialog(const QString &title, const QString &intro, const store::Limits &current,
                           Apply apply, QWidget *parent)
    : QDialog(parent)
    , m_apply(std::move(apply)) {
    setObjectName(QStringLiteral("limitsDialog"));
    setWindowTitle(title);
    auto *layout = new QVBoxLayout(this);
    auto *introLabel = new QLabel(intro, this);
    introLabel->setWordWrap(true);
    introLabel->setTextFormat(Qt::PlainText);
    layout->addWidget(introLabel);

    auto *grid = new QGridLayout;
    grid->setColumnStretch(1, 1);
    m_requestsCheck = new QCheckBox(tr("&Requests per minute"), this);
    m_requestsCheck->setObjectName(QStringLiteral("requestsLimitCheck"));
    m_requestsCheck->setChecked(current.requestsPerMinute.has_value());
    m_requests = wholeSpin(
        this, QStringLiteral("requestsLimitSpin"),
        [](int n) { return tr("%n request(s)", "limit, after the spin box's number", n); },
        current.requestsPerMinute, 60);
    m_tokensCheck = new QCheckBox(tr("&Tokens per minute"), this);
    m_tokensCheck->setObjectName(QStringLiteral("tokensLimitCheck"));
    m_tokensCheck->setChecked(current.tokensPerMinute.has_value());
    m_tokensCheck->setToolTip(tr("Prompt and completion tokens together."));
    m_tokens = wholeSpin(
        this, QStringLiteral("tokensLimitSpin"),
        [](int n) { return tr("%n token(s)", "limit, after the spin box's number", n); },
        current.tokensPerMinute, 100000);
    m_parallelCheck = new QCheckBox(tr("&Parallel requests"), this);
    m_parallelCheck->setObjectName(QStringLiteral("parallelLimitCheck"));
    m_parallelCheck->setChecked(current.maxParallel.has_value());
    m_parallelCheck->setToolTip(tr("How many requests may be in progress at the same time."));
    m_parallel = wholeSpin(
        this, QStringLiteral("parallelLimitSpin"),
        [](int n) { return tr("%n at once", "limit, after the spin box's number", n); },
        current.maxParallel, 4);

    m_budgetCheck = new QCheckBox(tr("&Budget"), this);
    m_budgetCheck->setObjectName(QStringLiteral("budgetLimitCheck"));
    m_budgetCheck->setChecked(current.budgetUsd.has_value());
    m_budgetCheck->setToolTip(tr("Spending in USD per calendar day or month (UTC), at the prices "
                                 "of config.yaml. Requests are refused once it is spent."));
    m_budget = new QDoubleSpinBox(this);
    m_budget->setObjectName(QStringLiteral("budgetLimitSpin"));
    m_budget->setRange(0, 1e9);
    m_budget->setDecimals(2);
    m_budget->setPrefix(QStringLiteral("$ "));
    m_budget->setGroupSeparatorShown(true);
    m_budget->setValue(current.budgetUsd.value_or(10.0));
    m_budgetPeriod = new QComboBox(this);
    m_budgetPeriod->setObjectName(QStringLiteral("budgetPeriodCombo"));
    m_budgetPeriod->addItem(tr("per day"), int(store::BudgetPeriod::Day));
    m_budgetPeriod->addItem(tr("per month"), int(store::BudgetPeriod::Month));
    m_budgetPeriod->setCurrentIndex(m_budgetPeriod->findData(int(current.budgetPeriod)));
    m_budgetPeriod->setAccessibleName(tr("Budget period"));
    auto *budgetRow = new QHBoxLayout;
    budgetRow->addWidget(m_budget, 1);
    budgetRow->addWidget(m_budgetPeriod);

    grid->addWidget(m_requestsCheck, 0, 0);
    grid->addWidget(m_requests, 0, 1);
    grid->addWidget(m_tokensCheck, 1, 0);
    grid->addWidget(m_tokens, 1, 1);
    grid->addWidget(m_parallelCheck, 2, 0);
    grid->addWidget(m_parallel, 2, 1);
    grid->addWidget(m_budgetCheck, 3, 0);
    grid->addLayout(budgetRow, 3, 1);
    layout->addLayout(grid);

    auto *hint = new QLabel(tr("Untick a limit to remove it. Over a limit, requests get 429 "
                               "with the time to retry; a spent budget, 429 insufficient_quota."),
                            this);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(hint);

    m_error = makeErrorLabel(QStringLiteral("limitsError"), this);
    layout->addWidget(m_error);
    layout->addStretch(1);

    auto *buttons = new QDialogButtonBox(this);
    auto *save = buttons->addButton(tr("Save"), QDialogButtonBox::AcceptRole);
    save->setObjectName(QStringLiteral("saveLimitsButton"));
    save->setDefault(true);
    buttons->addButton(QDialogButtonBox::Cancel);
    layout->addWidget(buttons);

    for (QCheckBox *check : {m_requestsCheck, m_tokensCheck, m_parallelCheck, m_budgetCheck})
        connect(check, &QCheckBox::toggled, this, &LimitsDialog::updateEnabled);
    connect(save, &QPushButton::clicked, this, &LimitsDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateEnabled();
    resize(480, sizeHint().height());
}

void LimitsDialog::updateEnabled() {
    m_requests->setEnabled(m_requestsCheck->isChecked());
    m_tokens->setEnabled(m_tokensCheck->isChecked());
    m_parallel->setEnabled(m_parallelCheck->isChecked());
    m_budget->setEnabled(m_budgetCheck->isChecked());
    m_budgetPeriod->setEnabled(m_budgetCheck->isChecked());
}

store::LimitsChange LimitsDialog::change() const {
    const auto whole = [](const QCheckBox *check, const QSpinBox *spin) {
        return check->isChecked() ? std::optional<qint64>(spin->value()) : std::nullopt;
    };
    store::LimitsChange change;
    change.requestsPerMinute = whole(m_requestsCheck, m_requests);
    change.tokensPerMinute = whole(m_tokensCheck, m_tokens);
    change.maxParallel = whole(m_parallelCheck, m_parallel);
    change.budgetUsd =
        m_budgetCheck->isChecked() ? std::optional<double>(m_budget->value()) : std::nullopt;
    change.budgetPeriod = static_cast<store::BudgetPeriod>(m_budgetPeriod->currentData().toInt());
    return change;
}

void LimitsDialog::save() {
    if (const auto error = m_apply(change())) {
        m_error->setText(storeErrorText(*error));
        m_error->show();
        return;
    }
    accept();
}

} // namespace portico::ui
