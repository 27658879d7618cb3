#include "ui/keys/allowedaddressesdialog.h"
#include "ui/common/errorlabel.h"

#include "store/keystore.h"
#include "ui/appcontext.h"
#include "ui/storeerrortext.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace portico::ui {

AllowedAddressesDialog::AllowedAddressesDialog(AppContext &context, const store::ApiKeyRecord &key,
                                               QWidget *parent)
    : QDialog(parent)
    , m_context(context)
    , m_keyUuid(key.uuid) {
    setObjectName(QStringLiteral("allowedAddressesDialog"));
    setWindowTitle(tr("Allowed Addresses"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(
        tr("Client addresses the key \u201c%1\u201d may be used from: IP addresses or CIDR "
           "ranges, IPv4 or IPv6, one per line or separated by commas. Leave it empty to allow "
           "any address. Requests from elsewhere get 403.")
            .arg(key.name),
        this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::PlainText);
    layout->addWidget(intro);
    m_editor = new QPlainTextEdit(key.allowedIps.join(u'\n'), this);
    m_editor->setObjectName(QStringLiteral("allowedAddressesEdit"));
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setPlaceholderText(QStringLiteral("192.168.1.0/24\n10.0.0.7\n2001:db8::/32"));
    m_editor->setTabChangesFocus(true);
    layout->addWidget(m_editor, 1);
    m_error = makeErrorLabel(QStringLiteral("allowedAddressesError"), this);
    layout->addWidget(m_error);

    auto *buttons = new QDialogButtonBox(this);
    auto *save = buttons->addButton(tr("Save"), QDialogButtonBox::AcceptRole);
    save->setObjectName(QStringLiteral("saveAddressesButton"));
    buttons->addButton(QDialogButtonBox::Cancel);
    layout->addWidget(buttons);
    connect(save, &QPushButton::clicked, this, &AllowedAddressesDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_editor, &QPlainTextEdit::textChanged, m_error, &QLabel::hide);
    resize(460, 320);
}

QStringList AllowedAddressesDialog::parse(const QString &text) {
    static const QRegularExpression separators(QStringLiteral("[,;\\s]+"));
    return text.split(separators, Qt::SkipEmptyParts);
}

void AllowedAddressesDialog::save() {
    store::KeyStore keys(*m_context.database, m_context.actor);
    auto changed = keys.setAllowedIps(m_keyUuid, parse(m_editor->toPlainText()));
    if (!changed) {
        m_error->setText(storeErrorText(changed.error()));
        m_error->show();
        m_editor->setFocus();
        return;
    }
    m_updated = std::move(changed).value();
    accept();
}

} // namespace portico::ui
