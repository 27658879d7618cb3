#include "ui/keys/rotatekeydialog.h"
#include "ui/common/errorlabel.h"

#include "store/keystore.h"
#include "ui/appcontext.h"
#include "ui/common/heading.h"
#include "ui/storeerrortext.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QStyle>
#include <QVBoxLayout>

namespace portico::ui {

namespace {
QString longDate(const QDateTime &time) {
    return QLocale().toString(time.toLocalTime(), QLocale::LongFormat);
}
} // namespace

RotateKeyDialog::RotateKeyDialog(AppContext &context, const store::ApiKeyRecord &key,
                                 QWidget *parent)
    : QDialog(parent)
    , m_context(context)
    , m_keyUuid(key.uuid) {
    setObjectName(QStringLiteral("rotateKeyDialog"));
    setWindowTitle(tr("Rotate Secret"));
    auto *layout = new QVBoxLayout(this);

    auto *title = new QLabel(tr("Rotate the secret of \u201c%1\u201d").arg(key.name), this);
    title->setTextFormat(Qt::PlainText);
    title->setWordWrap(true);
    makeHeading(title, Heading::Dialog);
    layout->addWidget(title);
    auto *intro = new QLabel(
        tr("The key gets a new secret, shown once. Its UUID, name, groups, limits and usage "
           "history stay. Requests with the current secret (%1) keep working for the grace "
           "period you choose, so your applications can switch without an outage.")
            .arg(key.hint),
        this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::PlainText);
    layout->addWidget(intro);

    // Rotating again ends the earlier grace at once: said before, not after.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_earlierGrace = new QFrame(this);
    m_earlierGrace->setObjectName(QStringLiteral("earlierGraceWarning"));
    m_earlierGrace->setFrameShape(QFrame::StyledPanel);
    m_earlierGrace->setAutoFillBackground(true);
    {
        QPalette palette = m_earlierGrace->palette();
        palette.setColor(QPalette::Window, QColor(0xff, 0xf4, 0xd6));
        palette.setColor(QPalette::WindowText, QColor(0x5c, 0x40, 0x00));
        m_earlierGrace->setPalette(palette);
    }
    auto *warningLayout = new QHBoxLayout(m_earlierGrace);
    auto *warningIcon = new QLabel(m_earlierGrace);
    const int iconSize = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    warningIcon->setPixmap(
        style()->standardIcon(QStyle::SP_MessageBoxWarning, nullptr, this).pixmap(iconSize * 2));
    auto *warningText = new QLabel(m_earlierGrace);
    warningText->setObjectName(QStringLiteral("earlierGraceText"));
    warningText->setWordWrap(true);
    warningText->setTextFormat(Qt::PlainText);
    warningLayout->addWidget(warningIcon, 0, Qt::AlignTop);
    warningLayout->addWidget(warningText, 1);
    const bool inGrace = key.previousSecret && key.previousSecret->validUntil > now;
    if (inGrace) {
        warningText->setText(
            tr("This key is already in a grace period: its previous secret %1 works until %2. "
               "Rotating again ends that grace period at once, so requests still using %1 are "
               "refused from now on.")
                .arg(key.previousSecret->hint, longDate(key.previousSecret->validUntil)));
    }
    m_earlierGrace->setVisible(inGrace);
    layout->addWidget(m_earlierGrace);

    auto *question = new QLabel(tr("How long should the current secret keep working?"), this);
    QFont bold = question->font();
    bold.setBold(true);
    question->setFont(bold);
    layout->addSpacing(4);
    layout->addWidget(question);

    m_choices = new QButtonGroup(this);
    const auto addChoice = [this](Grace grace, const QString &text, const QString &objectName) {
        auto *button = new QRadioButton(text, this);
        button->setObjectName(objectName);
        m_choices->addButton(button, int(grace));
        return button;
    };
    layout->addWidget(
        addChoice(Now, tr("&Stop it now (no grace period)"), QStringLiteral("graceNow")));
    layout->addWidget(addChoice(OneHour, tr("For &1 hour"), QStringLiteral("grace1Hour")));
    layout->addWidget(addChoice(OneDay, tr("For &24 hours"), QStringLiteral("grace24Hours")));
    layout->addWidget(addChoice(SevenDays, tr("For &7 days"), QStringLiteral("grace7Days")));
    auto *customRow = new QHBoxLayout;
    customRow->addWidget(addChoice(Custom, tr("&For"), QStringLiteral("graceCustom")));
    m_amount = new QSpinBox(this);
    m_amount->setObjectName(QStringLiteral("graceAmount"));
    m_amount->setRange(1, 9999);
    m_amount->setValue(3);
    m_amount->setAccessibleName(tr("Grace period length"));
    m_unit = new QComboBox(this);
    m_unit->setObjectName(QStringLiteral("graceUnit"));
    m_unit->addItem(tr("minutes"), int(Minutes));
    m_unit->addItem(tr("hours"), int(Hours));
    m_unit->addItem(tr("days"), int(Days));
    m_unit->setCurrentIndex(2);
    m_unit->setAccessibleName(tr("Grace period unit"));
    customRow->addWidget(m_amount);
    customRow->addWidget(m_unit);
    customRow->addStretch(1);
    layout->addLayout(customRow);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("graceSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setForegroundRole(QPalette::PlaceholderText);
    layout->addSpacing(4);
    layout->addWidget(m_summary);

    m_error = makeErrorLabel(QStringLiteral("rotateError"), this);
    layout->addWidget(m_error);
    layout->addStretch(1);

    auto *buttons = new QDialogButtonBox(this);
    m_rotateButton = buttons->addButton(tr("Rotate Secret"), QDialogButtonBox::AcceptRole);
    m_rotateButton->setObjectName(QStringLiteral("rotateButton"));
    m_rotateButton->setDefault(true);
    auto *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelButton"));
    layout->addWidget(buttons);

    connect(m_choices, &QButtonGroup::idToggled, this, [this](int, bool checked) {
        if (checked)
            update();
    });
    connect(m_amount, &QSpinBox::valueChanged, this, [this] {
        setGrace(Custom);
        update();
    });
    connect(m_unit, &QComboBox::currentIndexChanged, this, [this] {
        setGrace(Custom);
        update();
    });
    connect(m_rotateButton, &QPushButton::clicked, this, &RotateKeyDialog::rotate);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    setGrace(OneDay);
    update();
    resize(520, sizeHint().height());
}

RotateKeyDialog::~RotateKeyDialog() = default;

void RotateKeyDialog::setGrace(Grace grace) {
    if (auto *button = m_choices->button(int(grace)))
        button->setChecked(true);
}

void RotateKeyDialog::setCustomGrace(int amount, Unit unit) {
    m_amount->setValue(amount);
    m_unit->setCurrentIndex(m_unit->findData(int(unit)));
    setGrace(Custom);
}

qint64 RotateKeyDialog::graceSeconds() const {
    switch (static_cast<Grace>(m_choices->checkedId())) {
    case Now:
        return 0;
    case OneHour:
        return 3600;
    case OneDay:
        return 24 * 3600;
    case SevenDays:
        return 7 * 24 * 3600;
    case Custom:
        break;
    }
    const qint64 amount = m_amount->value();
    switch (static_cast<Unit>(m_unit->currentData().toInt())) {
    case Minutes:
        return amount * 60;
    case Hours:
        return amount * 3600;
    case Days:
        break;
    }
    return amount * 86400;
}

bool RotateKeyDialog::warnsOfEarlierGrace() const {
    return !m_earlierGrace->isHidden();
}

std::optional<store::RotatedKey> RotateKeyDialog::takeRotatedKey() {
    auto rotated = std::move(m_rotated);
    m_rotated.reset();
    return rotated;
}

void RotateKeyDialog::update() {
    const qint64 seconds = graceSeconds();
    if (seconds == 0) {
        m_summary->setText(tr("Requests with the current secret are refused as soon as you "
                              "rotate. Use this when the secret has leaked."));
    } else {
        const QDateTime until = QDateTime::currentDateTimeUtc().addSecs(seconds);
        m_summary->setText(tr("Both secrets work until about %1; then only the new one does. "
                              "The detail panel shows who still uses the old one.")
                               .arg(longDate(until)));
    }
}

void RotateKeyDialog::rotate() {
    store::KeyStore keys(*m_context.database, m_context.actor);
    auto rotated = keys.rotateKey(m_keyUuid, graceSeconds());
    if (!rotated) {
        m_error->setText(storeErrorText(rotated.error()));
        m_error->show();
        return;
    }
    m_rotated = std::move(rotated).value();
    accept();
}

} // namespace portico::ui
