#include "ui/keys/changeexpirydialog.h"
#include "ui/common/errorlabel.h"

#include "store/keystore.h"
#include "ui/appcontext.h"
#include "ui/keys/expirychooser.h"
#include "ui/storeerrortext.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace portico::ui {

ChangeExpiryDialog::ChangeExpiryDialog(AppContext &context, const store::ApiKeyRecord &key,
                                       QWidget *parent)
    : QDialog(parent)
    , m_context(context)
    , m_keyUuid(key.uuid) {
    setObjectName(QStringLiteral("changeExpiryDialog"));
    setWindowTitle(tr("Change Expiry"));
    auto *layout = new QVBoxLayout(this);
    auto *intro =
        new QLabel(tr("When should the key \u201c%1\u201d stop working?").arg(key.name), this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::PlainText);
    layout->addWidget(intro);
    m_chooser = new ExpiryChooser(this);
    m_chooser->setExpiry(key.expiresAt);
    layout->addWidget(m_chooser);
    m_error = makeErrorLabel(QStringLiteral("changeExpiryError"), this);
    layout->addWidget(m_error);
    layout->addStretch(1);

    auto *buttons = new QDialogButtonBox(this);
    m_saveButton = buttons->addButton(tr("Save"), QDialogButtonBox::AcceptRole);
    m_saveButton->setObjectName(QStringLiteral("saveExpiryButton"));
    m_saveButton->setDefault(true);
    buttons->addButton(QDialogButtonBox::Cancel);
    layout->addWidget(buttons);

    connect(m_chooser, &ExpiryChooser::changed, this, [this] {
        m_saveButton->setEnabled(m_chooser->problem().isEmpty());
        m_error->hide();
    });
    connect(m_saveButton, &QPushButton::clicked, this, &ChangeExpiryDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    m_saveButton->setEnabled(m_chooser->problem().isEmpty());
    resize(460, sizeHint().height());
}

void ChangeExpiryDialog::save() {
    if (!m_chooser->problem().isEmpty())
        return;
    store::KeyStore keys(*m_context.database, m_context.actor);
    auto changed = keys.setKeyExpiry(m_keyUuid, m_chooser->expiresAt());
    if (!changed) {
        m_error->setText(storeErrorText(changed.error()));
        m_error->show();
        return;
    }
    m_updated = std::move(changed).value();
    accept();
}

} // namespace portico::ui
