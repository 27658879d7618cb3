#include "ui/keys/addtogroupdialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace portico::ui {

AddToGroupDialog::AddToGroupDialog(const QString &keyName, QList<store::GroupRecord> candidates,
                                   QWidget *parent)
    : QDialog(parent)
    , m_candidates(std::move(candidates)) {
    setObjectName(QStringLiteral("addToGroupDialog"));
    setWindowTitle(tr("Add to Group"));

    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(
        tr("Choose a group for \u201c%1\u201d. The key gains access to every route the group "
           "grants.")
            .arg(keyName),
        this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::PlainText);
    layout->addWidget(intro);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("groupSearchEdit"));
    m_search->setPlaceholderText(tr("Search groups"));
    m_search->setClearButtonEnabled(true);
    layout->addWidget(m_search);

    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("candidateGroupsList"));
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    for (const auto &group : std::as_const(m_candidates)) {
        auto *item = new QListWidgetItem(group.name, m_list);
        item->setData(Qt::UserRole, group.uuid);
        item->setToolTip(group.description);
    }
    layout->addWidget(m_list, 1);

    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("noCandidateGroups"));
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setText(m_candidates.isEmpty()
                         ? tr("The key is already in every group. Create a new group on the "
                              "Groups page.")
                         : tr("No group matches the search."));
    m_empty->hide();
    layout->addWidget(m_empty);

    m_routes = new QLabel(this);
    m_routes->setObjectName(QStringLiteral("candidateRoutesLabel"));
    m_routes->setWordWrap(true);
    m_routes->setTextFormat(Qt::PlainText);
    layout->addWidget(m_routes);

    auto *buttons = new QDialogButtonBox(this);
    m_confirm = buttons->addButton(tr("Confirm"), QDialogButtonBox::AcceptRole);
    m_confirm->setObjectName(QStringLiteral("confirmButton"));
    m_confirm->setEnabled(false);
    auto *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelButton"));
    layout->addWidget(buttons);

    connect(m_search, &QLineEdit::textChanged, this, &AddToGroupDialog::applySearch);
    connect(m_list, &QListWidget::itemSelectionChanged, this, &AddToGroupDialog::selectionChanged);
    connect(m_list, &QListWidget::itemActivated, this, [this] {
        if (m_confirm->isEnabled())
            accept();
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    // Enter in the search field moves to the list: the keyboard path is search, Enter, arrows,
    // Enter.
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        if (!m_list->currentItem()) {
            for (int i = 0; i < m_list->count(); ++i) {
                if (!m_list->item(i)->isHidden()) {
                    m_list->setCurrentRow(i);
                    break;
                }
            }
        }
        m_list->setFocus();
    });

    applySearch({});
    m_search->setFocus();
    resize(420, 380);
}

QString AddToGroupDialog::selectedGroupUuid() const {
    const auto selected = m_list->selectedItems();
    if (selected.isEmpty())
        return {};
    return selected.first()->data(Qt::UserRole).toString();
}

void AddToGroupDialog::applySearch(const QString &text) {
    const QString needle = text.trimmed();
    int visible = 0;
    for (int i = 0; i < m_list->count(); ++i) {
        auto *item = m_list->item(i);
        const bool match =
            needle.isEmpty() || item->text().contains(needle, Qt::CaseInsensitive) ||
            item->data(Qt::UserRole).toString().contains(needle, Qt::CaseInsensitive);
        item->setHidden(!match);
        if (!match && item->isSelected())
            item->setSelected(false);
        visible += match ? 1 : 0;
    }
    m_empty->setVisible(visible == 0);
    m_list->setVisible(visible > 0);
    selectionChanged();
}

void AddToGroupDialog::selectionChanged() {
    const QString uuid = selectedGroupUuid();
    m_confirm->setEnabled(!uuid.isEmpty());
    m_routes->clear();
    m_routes->hide();
    for (const auto &group : std::as_const(m_candidates)) {
        if (group.uuid != uuid)
            continue;
        m_routes->setText(
            group.routes.isEmpty()
                ? tr("This group grants no route yet.")
                : tr("Routes this group grants: %1").arg(group.routes.join(QStringLiteral(", "))));
        m_routes->show();
    }
}

} // namespace portico::ui
