#include "ui/keys/createkeydialog.h"
#include "ui/common/errorlabel.h"

#include "store/groupstore.h"
#include "store/keystore.h"
#include "ui/appcontext.h"
#include "ui/keys/expirychooser.h"
#include "ui/storeerrortext.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace portico::ui {

CreateKeyDialog::CreateKeyDialog(AppContext &context, QWidget *parent)
    : QDialog(parent)
    , m_context(context) {
    setWindowTitle(tr("Create Key"));
    setObjectName(QStringLiteral("createKeyDialog"));

    auto *layout = new QVBoxLayout(this);

    auto *nameLabel = new QLabel(tr("&Name"), this);
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("keyNameEdit"));
    m_name->setPlaceholderText(tr("e.g. Production App Key"));
    m_name->setMaxLength(store::kMaxNameLength + 50); // longer input is refused with a message
    nameLabel->setBuddy(m_name);
    m_nameError = makeErrorLabel(QStringLiteral("keyNameError"), this);
    layout->addWidget(nameLabel);
    layout->addWidget(m_name);
    layout->addWidget(m_nameError);
    layout->addSpacing(8);

    auto *groupsLabel = new QLabel(tr("&Groups (optional)"), this);
    m_groups = new QListWidget(this);
    m_groups->setObjectName(QStringLiteral("keyGroupsList"));
    groupsLabel->setBuddy(m_groups);
    auto *groupsHint = new QLabel(
        tr("The key can use every route granted by the groups it belongs to. You can add it "
           "to groups later."),
        this);
    groupsHint->setWordWrap(true);
    groupsHint->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(groupsLabel);
    layout->addWidget(m_groups, 1);
    layout->addWidget(groupsHint);
    layout->addSpacing(8);

    auto *expiryLabel = new QLabel(tr("&Expires"), this);
    m_expiry = new ExpiryChooser(this);
    expiryLabel->setBuddy(m_expiry->presetCombo());
    layout->addWidget(expiryLabel);
    layout->addWidget(m_expiry);

    store::GroupStore groupStore(*m_context.database, m_context.actor);
    if (auto groups = groupStore.listGroups()) {
        for (const auto &group : groups.value()) {
            auto *item = new QListWidgetItem(group.name, m_groups);
            item->setData(Qt::UserRole, group.uuid);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
            item->setCheckState(Qt::Unchecked);
            item->setToolTip(group.routes.isEmpty()
                                 ? tr("Grants no route yet")
                                 : tr("Grants: %1").arg(group.routes.join(QStringLiteral(", "))));
        }
    }
    if (m_groups->count() == 0) {
        m_groups->hide();
        groupsLabel->setText(tr("Groups (optional)"));
        groupsHint->setText(tr("There are no groups yet. Create one on the Groups page, then "
                               "add the key to it from the key's details."));
    }
    // Space toggles the focused item: a keyboard user selects groups without the mouse.
    connect(m_groups, &QListWidget::itemActivated, this, [](QListWidgetItem *item) {
        item->setCheckState(item->checkState() == Qt::Checked ? Qt::Unchecked : Qt::Checked);
    });

    auto *buttons = new QDialogButtonBox(this);
    m_createButton = buttons->addButton(tr("Create"), QDialogButtonBox::AcceptRole);
    m_createButton->setObjectName(QStringLiteral("createButton"));
    m_createButton->setDefault(true);
    auto *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelButton"));
    layout->addWidget(buttons);

    connect(m_name, &QLineEdit::textEdited, this, [this] {
        m_nameTouched = true;
        validate();
    });
    connect(m_createButton, &QPushButton::clicked, this, &CreateKeyDialog::create);
    connect(m_expiry, &ExpiryChooser::changed, this, &CreateKeyDialog::validate);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    validate();
    resize(440, 500);
}

CreateKeyDialog::~CreateKeyDialog() = default;

std::optional<store::CreatedKey> CreateKeyDialog::takeCreatedKey() {
    auto created = std::move(m_created);
    m_created.reset();
    return created;
}

void CreateKeyDialog::showNameError(const QString &message) {
    m_nameError->setText(message);
    m_nameError->setVisible(!message.isEmpty());
}

void CreateKeyDialog::validate() {
    const QString name = m_name->text();
    QString problem;
    if (name.trimmed().isEmpty()) {
        problem = tr("A name is required.");
    } else if (auto valid = store::validateName(name, store::Error::Subject::Key); !valid) {
        problem = storeErrorText(valid.error());
    }
    m_createButton->setEnabled(problem.isEmpty() && m_expiry->problem().isEmpty());
    showNameError(m_nameTouched ? problem : QString());
}

void CreateKeyDialog::create() {
    m_nameTouched = true;
    validate();
    if (!m_createButton->isEnabled())
        return;

    QStringList groupUuids;
    for (int i = 0; i < m_groups->count(); ++i) {
        if (m_groups->item(i)->checkState() == Qt::Checked)
            groupUuids.append(m_groups->item(i)->data(Qt::UserRole).toString());
    }
    store::KeyStore keys(*m_context.database, m_context.actor);
    auto created = keys.createKey(m_name->text().trimmed(), groupUuids, m_expiry->expiresAt());
    if (!created) {
        // The store says why (a duplicate name, a group deleted meanwhile, a locked database).
        showNameError(storeErrorText(created.error()));
        m_name->setFocus();
        return;
    }
    m_created = std::move(created).value();
    accept();
}

} // namespace portico::ui
