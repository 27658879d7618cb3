#include "ui/groups/groupspage.h"

#include "config/configmanager.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "store/limitcounters.h"
#include "store/names.h"
#include "ui/appcontext.h"
#include "ui/audit/historysection.h"
#include "ui/common/heading.h"
#include "ui/common/limitsdialog.h"
#include "ui/common/limitsview.h"
#include "ui/messagebox.h"
#include "ui/storeerrortext.h"
#include "ui/storewatcher.h"

#include <QAction>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMap>
#include <QPushButton>
#include <QScrollArea>
#include <QSet>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace portico::ui {

namespace {

enum GroupColumn { NameColumn, DescriptionColumn, MembersColumn, RoutesColumn, CreatedColumn };
enum MemberColumn { MemberNameColumn, MemberStateColumn, MemberUuidColumn };

constexpr int kUuidRole = Qt::UserRole;
constexpr int kRouteRole = Qt::UserRole + 1;
constexpr int kMissingRole = Qt::UserRole + 2;

QLabel *makeErrorLabel(QWidget *parent) {
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, QColor(0xb0, 0x1c, 0x1c));
    label->setPalette(palette);
    label->hide();
    return label;
}

void setError(QLabel *label, const QString &message) {
    label->setText(message);
    label->setVisible(!message.isEmpty());
}

QTableWidgetItem *readOnlyItem(const QVariant &display) {
    auto *item = new QTableWidgetItem;
    item->setData(Qt::DisplayRole, display);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return item;
}

} // namespace

GroupsPage::GroupsPage(AppContext &ctx, QWidget *parent)
    : QWidget(parent)
    , m_ctx(ctx) {
    buildUi();
    if (m_ctx.storeWatcher)
        connect(m_ctx.storeWatcher, &StoreWatcher::storeChanged, this, &GroupsPage::reload);
    if (m_ctx.config)
        connect(m_ctx.config.get(), &config::ConfigManager::configChanged, this,
                &GroupsPage::reload);
    reload();
}

void GroupsPage::buildUi() {
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(splitter);

    // List side: a row to create a group, then the table (or how to start when there is none).
    auto *listSide = new QWidget(splitter);
    auto *listLayout = new QVBoxLayout(listSide);

    auto *title = new QLabel(tr("Groups"), listSide);
    makeHeading(title);
    listLayout->addWidget(title);
    auto *intro =
        new QLabel(tr("A group gives every key in it access to the routes it grants."), listSide);
    intro->setWordWrap(true);
    listLayout->addWidget(intro);

    auto *createRow = new QHBoxLayout;
    m_newName = new QLineEdit(listSide);
    m_newName->setObjectName(QStringLiteral("newGroupName"));
    m_newName->setPlaceholderText(tr("New group name"));
    m_newName->setAccessibleName(tr("New group name"));
    m_newName->setClearButtonEnabled(true);
    m_newDescription = new QLineEdit(listSide);
    m_newDescription->setObjectName(QStringLiteral("newGroupDescription"));
    m_newDescription->setPlaceholderText(tr("Description (optional)"));
    m_newDescription->setAccessibleName(tr("Description of the new group"));
    m_createButton = new QPushButton(tr("Create Group"), listSide);
    m_createButton->setObjectName(QStringLiteral("createGroupButton"));
    m_createButton->setEnabled(false);
    createRow->addWidget(m_newName, 2);
    createRow->addWidget(m_newDescription, 3);
    createRow->addWidget(m_createButton);
    listLayout->addLayout(createRow);
    m_createError = makeErrorLabel(listSide);
    m_createError->setObjectName(QStringLiteral("createGroupError"));
    listLayout->addWidget(m_createError);

    m_listStack = new QStackedWidget(listSide);
    m_table = new QTableWidget(0, 5, m_listStack);
    m_table->setObjectName(QStringLiteral("groupsTable"));
    m_table->setHorizontalHeaderLabels(
        {tr("Group Name"), tr("Description"), tr("Members"), tr("Routes"), tr("Creation Date")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(DescriptionColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(MembersColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(RoutesColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(CreatedColumn, QHeaderView::ResizeToContents);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(NameColumn, Qt::AscendingOrder);
    m_listStack->addWidget(m_table);

    auto *empty = new QLabel(tr("No groups yet.\n\nType a name above and click Create Group, then "
                                "tick the routes the group grants and add keys to it."),
                             m_listStack);
    empty->setObjectName(QStringLiteral("groupsEmptyState"));
    empty->setAlignment(Qt::AlignCenter);
    empty->setWordWrap(true);
    m_listStack->addWidget(empty);
    listLayout->addWidget(m_listStack, 1);

    // Detail side: the selected group, editable in place.
    m_detailStack = new QStackedWidget(splitter);
    auto *noSelection = new QLabel(
        tr("Select a group to see its members and the routes it grants."), m_detailStack);
    noSelection->setAlignment(Qt::AlignCenter);
    noSelection->setWordWrap(true);
    m_detailStack->addWidget(noSelection);

    auto *scroll = new QScrollArea(m_detailStack);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *detail = new QWidget(scroll);
    detail->setObjectName(QStringLiteral("groupDetail"));
    auto *detailLayout = new QVBoxLayout(detail);

    auto *general = new QGroupBox(tr("General Information"), detail);
    auto *form = new QFormLayout(general);
    m_nameEdit = new QLineEdit(general);
    m_nameEdit->setObjectName(QStringLiteral("groupNameEdit"));
    form->addRow(tr("&Name:"), m_nameEdit);
    m_nameError = makeErrorLabel(general);
    m_nameError->setObjectName(QStringLiteral("groupNameError"));
    form->addRow(QString(), m_nameError);
    m_descriptionEdit = new QLineEdit(general);
    m_descriptionEdit->setObjectName(QStringLiteral("groupDescriptionEdit"));
    form->addRow(tr("&Description:"), m_descriptionEdit);
    m_uuidLabel = new QLabel(general);
    m_uuidLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("UUID:"), m_uuidLabel);
    m_createdLabel = new QLabel(general);
    form->addRow(tr("Creation Date:"), m_createdLabel);
    auto *generalButtons = new QHBoxLayout;
    m_saveButton = new QPushButton(tr("Save Changes"), general);
    m_saveButton->setObjectName(QStringLiteral("saveGroupButton"));
    m_saveButton->setEnabled(false);
    m_deleteButton = new QPushButton(tr("Delete Group…"), general);
    m_deleteButton->setObjectName(QStringLiteral("deleteGroupButton"));
    generalButtons->addWidget(m_saveButton);
    generalButtons->addStretch(1);
    generalButtons->addWidget(m_deleteButton);
    form->addRow(generalButtons);
    detailLayout->addWidget(general);

    auto *membersBox = new QGroupBox(tr("Member Keys"), detail);
    auto *membersLayout = new QVBoxLayout(membersBox);
    m_members = new QTableWidget(0, 3, membersBox);
    m_members->setObjectName(QStringLiteral("groupMembers"));
    m_members->setHorizontalHeaderLabels({tr("Key Name"), tr("State"), tr("Key UUID")});
    m_members->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_members->setSelectionMode(QAbstractItemView::SingleSelection);
    m_members->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_members->verticalHeader()->hide();
    m_members->horizontalHeader()->setSectionResizeMode(MemberNameColumn,
                                                        QHeaderView::ResizeToContents);
    m_members->horizontalHeader()->setSectionResizeMode(MemberStateColumn,
                                                        QHeaderView::ResizeToContents);
    m_members->horizontalHeader()->setSectionResizeMode(MemberUuidColumn, QHeaderView::Stretch);
    m_members->setMinimumHeight(120);
    membersLayout->addWidget(m_members);
    auto *memberButtons = new QHBoxLayout;
    m_addMemberCombo = new QComboBox(membersBox);
    m_addMemberCombo->setObjectName(QStringLiteral("addMemberCombo"));
    m_addMemberCombo->setAccessibleName(tr("Key to add"));
    m_addMemberCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_addMemberCombo->setMinimumContentsLength(16);
    m_addMemberButton = new QPushButton(tr("Add Key"), membersBox);
    m_addMemberButton->setObjectName(QStringLiteral("addMemberButton"));
    m_removeMemberButton = new QPushButton(tr("Remove from Group"), membersBox);
    m_removeMemberButton->setObjectName(QStringLiteral("removeMemberButton"));
    m_removeMemberButton->setEnabled(false);
    memberButtons->addWidget(m_addMemberCombo, 1);
    memberButtons->addWidget(m_addMemberButton);
    memberButtons->addSpacing(12);
    memberButtons->addWidget(m_removeMemberButton);
    membersLayout->addLayout(memberButtons);
    detailLayout->addWidget(membersBox);

    auto *routesBox = new QGroupBox(tr("Granted Routes"), detail);
    auto *routesLayout = new QVBoxLayout(routesBox);
    m_routesHint = new QLabel(
        tr("Every key in this group can call the checked routes of config.yaml."), routesBox);
    m_routesHint->setWordWrap(true);
    routesLayout->addWidget(m_routesHint);
    m_routes = new QListWidget(routesBox);
    m_routes->setObjectName(QStringLiteral("groupRoutes"));
    m_routes->setMinimumHeight(120);
    routesLayout->addWidget(m_routes);
    detailLayout->addWidget(routesBox, 1);

    auto *limitsBox = new QGroupBox(tr("Limits"), detail);
    auto *limitsLayout = new QVBoxLayout(limitsBox);
    m_limits = new LimitsView(m_ctx, limitsBox);
    m_limits->setNote(tr("A group's limits are shared by all its keys: their requests count "
                         "together, and each request must also fit the key's own limits."));
    limitsLayout->addWidget(m_limits);
    detailLayout->addWidget(limitsBox);

    auto *historyBox = new QGroupBox(tr("History"), detail);
    auto *historyLayout = new QVBoxLayout(historyBox);
    m_history = new HistorySection(m_ctx, historyBox);
    historyLayout->addWidget(m_history);
    detailLayout->addWidget(historyBox);

    m_errorLabel = makeErrorLabel(detail);
    m_errorLabel->setObjectName(QStringLiteral("groupError"));
    detailLayout->addWidget(m_errorLabel);

    scroll->setWidget(detail);
    m_detailStack->addWidget(scroll);

    splitter->addWidget(listSide);
    splitter->addWidget(m_detailStack);
    splitter->setStretchFactor(0, 5);
    splitter->setStretchFactor(1, 4);

    connect(m_newName, &QLineEdit::textChanged, this, &GroupsPage::validateNewGroup);
    connect(m_newName, &QLineEdit::returnPressed, this, &GroupsPage::createGroup);
    connect(m_newDescription, &QLineEdit::returnPressed, this, &GroupsPage::createGroup);
    connect(m_createButton, &QPushButton::clicked, this, &GroupsPage::createGroup);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        if (!m_populating)
            showSelectedGroup();
    });
    connect(m_nameEdit, &QLineEdit::textChanged, this, &GroupsPage::validateEdits);
    connect(m_descriptionEdit, &QLineEdit::textChanged, this, &GroupsPage::validateEdits);
    connect(m_nameEdit, &QLineEdit::returnPressed, this, &GroupsPage::saveEdits);
    connect(m_descriptionEdit, &QLineEdit::returnPressed, this, &GroupsPage::saveEdits);
    connect(m_saveButton, &QPushButton::clicked, this, &GroupsPage::saveEdits);
    connect(m_deleteButton, &QPushButton::clicked, this, &GroupsPage::deleteGroup);
    connect(m_addMemberButton, &QPushButton::clicked, this, &GroupsPage::addMember);
    connect(m_removeMemberButton, &QPushButton::clicked, this, &GroupsPage::removeSelectedMember);
    connect(m_members, &QTableWidget::itemSelectionChanged, this,
            [this] { m_removeMemberButton->setEnabled(!m_members->selectedItems().isEmpty()); });
    connect(m_routes, &QListWidget::itemChanged, this, &GroupsPage::routeItemChanged);
    connect(m_limits, &LimitsView::editRequested, this, &GroupsPage::editLimits);

    // Keyboard: Delete on the list deletes the selected group (after asking), F2 renames it.
    auto *deleteAction = new QAction(m_table);
    deleteAction->setShortcut(QKeySequence::Delete);
    deleteAction->setShortcutContext(Qt::WidgetShortcut);
    connect(deleteAction, &QAction::triggered, this, &GroupsPage::deleteGroup);
    m_table->addAction(deleteAction);
    auto *renameAction = new QAction(m_table);
    renameAction->setShortcut(QKeySequence(Qt::Key_F2));
    renameAction->setShortcutContext(Qt::WidgetShortcut);
    connect(renameAction, &QAction::triggered, this, [this] {
        if (selectedGroup()) {
            m_nameEdit->setFocus();
            m_nameEdit->selectAll();
        }
    });
    m_table->addAction(renameAction);
}

QString GroupsPage::selectedGroupUuid() const {
    const auto rows = m_table->selectionModel()->selectedRows(NameColumn);
    if (rows.isEmpty())
        return {};
    return rows.first().data(kUuidRole).toString();
}

bool GroupsPage::selectGroup(const QString &uuid) {
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, NameColumn)->data(kUuidRole).toString() == uuid) {
            m_table->selectRow(row);
            m_table->scrollToItem(m_table->item(row, NameColumn));
            return true;
        }
    }
    return false;
}

const store::GroupRecord *GroupsPage::selectedGroup() const {
    const QString uuid = selectedGroupUuid();
    if (uuid.isEmpty())
        return nullptr;
    for (const auto &group : m_groups) {
        if (group.uuid == uuid)
            return &group;
    }
    return nullptr;
}

void GroupsPage::reload() {
    store::GroupStore groups(*m_ctx.database, m_ctx.actor);
    store::KeyStore keys(*m_ctx.database, m_ctx.actor);
    auto groupList = groups.listGroups();
    auto keyList = keys.listKeys();
    if (!groupList) {
        showError(tr("Could not read the groups: %1").arg(storeErrorText(groupList.error())));
        return;
    }
    m_groups = groupList.value();
    m_keys = keyList ? keyList.value() : QList<store::ApiKeyRecord>{};
    populateTable();
    validateNewGroup();
}

void GroupsPage::populateTable() {
    const QString keep = selectedGroupUuid();
    m_populating = true;
    m_table->setSortingEnabled(false);
    m_table->clearContents();
    m_table->setRowCount(int(m_groups.size()));
    for (int row = 0; row < m_groups.size(); ++row) {
        const auto &group = m_groups.at(row);
        auto *name = readOnlyItem(group.name);
        name->setData(kUuidRole, group.uuid);
        m_table->setItem(row, NameColumn, name);
        auto *description = readOnlyItem(group.description);
        description->setToolTip(group.description);
        m_table->setItem(row, DescriptionColumn, description);
        m_table->setItem(row, MembersColumn, readOnlyItem(int(group.keys.size())));
        m_table->setItem(row, RoutesColumn, readOnlyItem(int(group.routes.size())));
        m_table->setItem(row, CreatedColumn, readOnlyItem(group.createdAt.toLocalTime()));
    }
    m_table->setSortingEnabled(true);
    m_listStack->setCurrentIndex(m_groups.isEmpty() ? 1 : 0);
    if (!keep.isEmpty())
        selectGroup(keep);
    m_populating = false;
    showSelectedGroup();
}

void GroupsPage::showSelectedGroup() {
    const store::GroupRecord *group = selectedGroup();
    m_history->setObject(QStringLiteral("group"), group ? group->uuid : QString());
    if (group)
        m_limits->setSubject(store::limitwindows::groupSubject(group->uuid), group->limits);
    else
        m_limits->setSubject(QString(), {});
    if (!group) {
        m_detailStack->setCurrentIndex(0);
        m_shownUuid.clear();
        return;
    }
    m_detailStack->setCurrentIndex(1);
    const bool sameGroup = group->uuid == m_shownUuid;
    if (!sameGroup) {
        setError(m_errorLabel, {});
        setError(m_nameError, {});
    }
    // Keep what the user is typing when the store changes under them; take the stored value
    // for fields they have not touched.
    if (!sameGroup || m_nameEdit->text() == m_shownName)
        m_nameEdit->setText(group->name);
    if (!sameGroup || m_descriptionEdit->text() == m_shownDescription)
        m_descriptionEdit->setText(group->description);
    m_shownUuid = group->uuid;
    m_shownName = group->name;
    m_shownDescription = group->description;
    m_uuidLabel->setText(group->uuid);
    m_createdLabel->setText(
        QLocale().toString(group->createdAt.toLocalTime(), QLocale::LongFormat));
    validateEdits();
    populateMembers(*group);
    populateRoutes(*group);
}

void GroupsPage::populateMembers(const store::GroupRecord &group) {
    const auto selected = m_members->selectionModel()->selectedRows(MemberNameColumn);
    const QString keepKey =
        selected.isEmpty() ? QString() : selected.first().data(kUuidRole).toString();

    QSet<QString> memberUuids;
    m_members->setRowCount(int(group.keys.size()));
    for (int row = 0; row < group.keys.size(); ++row) {
        const auto &key = group.keys.at(row);
        memberUuids.insert(key.uuid);
        auto *name = readOnlyItem(key.name);
        name->setData(kUuidRole, key.uuid);
        m_members->setItem(row, MemberNameColumn, name);
        QString state;
        for (const auto &record : m_keys) {
            if (record.uuid == key.uuid) {
                state = record.state == store::KeyState::Active ? tr("Active") : tr("Disabled");
                break;
            }
        }
        m_members->setItem(row, MemberStateColumn, readOnlyItem(state));
        m_members->setItem(row, MemberUuidColumn, readOnlyItem(key.uuid));
        if (key.uuid == keepKey)
            m_members->selectRow(row);
    }
    m_removeMemberButton->setEnabled(!m_members->selectedItems().isEmpty());

    const QString keepCandidate = m_addMemberCombo->currentData().toString();
    m_addMemberCombo->clear();
    QList<store::ApiKeyRecord> candidates;
    for (const auto &record : m_keys) {
        if (!memberUuids.contains(record.uuid))
            candidates.append(record);
    }
    std::sort(candidates.begin(), candidates.end(), [](const auto &a, const auto &b) {
        return QString::localeAwareCompare(a.name, b.name) < 0;
    });
    for (const auto &record : candidates)
        m_addMemberCombo->addItem(record.name, record.uuid);
    m_addMemberCombo->setPlaceholderText(m_keys.isEmpty() ? tr("No keys yet")
                                                          : tr("Every key is in this group"));
    const int keepIndex = m_addMemberCombo->findData(keepCandidate);
    m_addMemberCombo->setCurrentIndex(keepIndex >= 0 ? keepIndex : (candidates.isEmpty() ? -1 : 0));
    m_addMemberCombo->setEnabled(!candidates.isEmpty());
    m_addMemberButton->setEnabled(!candidates.isEmpty());
}

void GroupsPage::populateRoutes(const store::GroupRecord &group) {
    const auto config = m_ctx.config ? m_ctx.config->current() : nullptr;
    QStringList configRoutes = config ? config->routes.keys() : QStringList();
    QStringList all = configRoutes;
    QStringList missing;
    for (const auto &route : group.routes) {
        if (!configRoutes.contains(route))
            missing.append(route);
    }
    all.append(missing);
    std::sort(all.begin(), all.end(), [](const QString &a, const QString &b) {
        return QString::localeAwareCompare(a, b) < 0;
    });

    QSignalBlocker blocker(m_routes);
    const int currentRow = m_routes->currentRow();
    m_routes->clear();
    for (const auto &route : all) {
        const bool isMissing = missing.contains(route);
        auto *item = new QListWidgetItem(m_routes);
        item->setData(kRouteRole, route);
        item->setData(kMissingRole, isMissing);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        item->setCheckState(group.routes.contains(route) ? Qt::Checked : Qt::Unchecked);
        if (isMissing) {
            item->setText(tr("%1 — missing from config.yaml").arg(route));
            item->setForeground(QColor(0xb0, 0x1c, 0x1c));
            item->setToolTip(tr("This group still grants “%1”, but config.yaml no longer defines "
                                "it: requests to it fail until the route is back. Untick it to "
                                "drop the grant.")
                                 .arg(route));
        } else {
            item->setText(route);
            const config::RouteConfig *routeConfig = config->route(route);
            QStringList models = routeConfig->chatModels;
            models.append(routeConfig->embeddingModels);
            item->setToolTip(tr("Models: %1").arg(models.join(QStringLiteral(", "))));
        }
    }
    if (currentRow >= 0 && currentRow < m_routes->count())
        m_routes->setCurrentRow(currentRow);
    if (all.isEmpty())
        m_routesHint->setText(
            tr("config.yaml defines no routes yet. Add routes there, then tick them here."));
    else
        m_routesHint->setText(
            tr("Every key in this group can call the checked routes of config.yaml."));
}

// The store's own rules, so the user sees the problem as they type; the store checks again (and
// the name may be taken meanwhile) when saving.
QString GroupsPage::nameProblem(const QString &rawName, const QString &exceptUuid) const {
    const auto name = store::validateName(rawName, store::Error::Subject::Group);
    if (!name)
        return storeErrorText(name.error());
    for (const auto &group : m_groups) {
        if (group.uuid != exceptUuid && group.name == *name)
            return storeErrorText(store::makeError(store::Error::Reason::NameTaken,
                                                   store::Error::Subject::Group, {*name}));
    }
    return {};
}

void GroupsPage::validateNewGroup() {
    const QString text = m_newName->text();
    // An untouched field is not an error: the button simply waits for a name.
    const QString problem = text.isEmpty() ? QString() : nameProblem(text, {});
    setError(m_createError, problem);
    m_createButton->setEnabled(!text.trimmed().isEmpty() && problem.isEmpty());
}

void GroupsPage::createGroup() {
    validateNewGroup();
    if (!m_createButton->isEnabled())
        return;
    store::GroupStore groups(*m_ctx.database, m_ctx.actor);
    auto created =
        groups.createGroup(m_newName->text().trimmed(), m_newDescription->text().trimmed());
    if (!created) {
        setError(m_createError,
                 tr("Could not create the group: %1").arg(storeErrorText(created.error())));
        return;
    }
    m_newName->clear();
    m_newDescription->clear();
    reload();
    selectGroup(created->uuid);
    m_nameEdit->setFocus();
}

void GroupsPage::validateEdits() {
    const QString uuid = m_shownUuid;
    const QString problem = nameProblem(m_nameEdit->text(), uuid);
    setError(m_nameError, problem);
    const bool changed = m_nameEdit->text().trimmed() != m_shownName ||
                         m_descriptionEdit->text().trimmed() != m_shownDescription;
    m_saveButton->setEnabled(changed && problem.isEmpty());
}

void GroupsPage::saveEdits() {
    validateEdits();
    if (!m_saveButton->isEnabled() || m_shownUuid.isEmpty())
        return;
    const QString uuid = m_shownUuid;
    const QString name = m_nameEdit->text().trimmed();
    const QString description = m_descriptionEdit->text().trimmed();
    store::GroupStore groups(*m_ctx.database, m_ctx.actor);
    if (name != m_shownName) {
        auto renamed = groups.renameGroup(uuid, name);
        if (!renamed) {
            showError(tr("Could not rename the group: %1").arg(storeErrorText(renamed.error())));
            return;
        }
    }
    if (description != m_shownDescription) {
        auto changed = groups.setDescription(uuid, description);
        if (!changed) {
            showError(
                tr("Could not change the description: %1").arg(storeErrorText(changed.error())));
            return;
        }
    }
    // The fields now hold the saved values, so the reload may show them as untouched.
    m_nameEdit->setText(name);
    m_descriptionEdit->setText(description);
    m_shownName = name;
    m_shownDescription = description;
    setError(m_errorLabel, {});
    reload();
}

QString GroupsPage::deleteImpact(const store::GroupRecord &group) const {
    QStringList lines;
    if (group.routes.isEmpty()) {
        lines.append(tr("It grants no routes, so no key loses access."));
    } else {
        lines.append(tr("It grants: %1.").arg(group.routes.join(QStringLiteral(", "))));
        // A key loses a route only if none of its other groups grants it too.
        QMap<QString, int> losersByRoute;
        int losing = 0;
        for (const auto &member : group.keys) {
            const auto record = std::find_if(m_keys.cbegin(), m_keys.cend(), [&](const auto &key) {
                return key.uuid == member.uuid;
            });
            bool loses = false;
            for (const auto &route : group.routes) {
                const bool keptElsewhere =
                    record != m_keys.cend() &&
                    std::any_of(record->routes.cbegin(), record->routes.cend(),
                                [&](const auto &grant) {
                                    return grant.route == route && grant.group.uuid != group.uuid;
                                });
                if (!keptElsewhere) {
                    ++losersByRoute[route];
                    loses = true;
                }
            }
            if (loses)
                ++losing;
        }
        const int members = int(group.keys.size());
        if (members == 0) {
            lines.append(tr("No key is in this group, so no key loses access."));
        } else if (losing == 0) {
            lines.append(tr("Its %n key(s) lose no access: other groups grant the same routes.",
                            nullptr, members));
        } else {
            lines.append(tr("%n key(s) will lose access:", nullptr, losing));
            for (auto it = losersByRoute.cbegin(); it != losersByRoute.cend(); ++it)
                lines.append(tr("• %1: %n key(s)", nullptr, it.value()).arg(it.key()));
            if (members > losing)
                lines.append(tr("%n other key(s) keep their access through other groups.", nullptr,
                                members - losing));
        }
    }
    lines.append(tr("The keys themselves are not deleted. This cannot be undone."));
    return lines.join(u'\n');
}

void GroupsPage::deleteGroup() {
    const store::GroupRecord *selected = selectedGroup();
    if (!selected)
        return;
    const store::GroupRecord group = *selected;
    const auto answer = MessageBox::warning(
        this, tr("Delete Group"), tr("Delete the group “%1”?").arg(group.name),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel, deleteImpact(group));
    if (answer != QMessageBox::Yes)
        return;
    store::GroupStore groups(*m_ctx.database, m_ctx.actor);
    auto deleted = groups.deleteGroup(group.uuid);
    if (!deleted) {
        showError(tr("Could not delete the group: %1").arg(storeErrorText(deleted.error())));
        return;
    }
    reload();
}

void GroupsPage::addMember() {
    const QString keyUuid = m_addMemberCombo->currentData().toString();
    if (keyUuid.isEmpty() || m_shownUuid.isEmpty())
        return;
    store::KeyStore keys(*m_ctx.database, m_ctx.actor);
    auto added = keys.addKeyToGroup(keyUuid, m_shownUuid);
    if (!added) {
        showError(tr("Could not add the key to the group: %1").arg(storeErrorText(added.error())));
        return;
    }
    setError(m_errorLabel, {});
    reload();
}

void GroupsPage::removeSelectedMember() {
    const auto rows = m_members->selectionModel()->selectedRows(MemberNameColumn);
    if (rows.isEmpty() || m_shownUuid.isEmpty())
        return;
    const QString keyUuid = rows.first().data(kUuidRole).toString();
    store::KeyStore keys(*m_ctx.database, m_ctx.actor);
    auto removed = keys.removeKeyFromGroup(keyUuid, m_shownUuid);
    if (!removed) {
        showError(
            tr("Could not remove the key from the group: %1").arg(storeErrorText(removed.error())));
        return;
    }
    setError(m_errorLabel, {});
    reload();
}

void GroupsPage::routeItemChanged(QListWidgetItem *item) {
    if (m_shownUuid.isEmpty())
        return;
    const QString route = item->data(kRouteRole).toString();
    store::GroupStore groups(*m_ctx.database, m_ctx.actor);
    auto changed = item->checkState() == Qt::Checked ? groups.addRoute(m_shownUuid, route)
                                                     : groups.removeRoute(m_shownUuid, route);
    if (!changed) {
        showError(tr("Could not change the routes of the group: %1")
                      .arg(storeErrorText(changed.error())));
    } else {
        setError(m_errorLabel, {});
    }
    reload();
}

void GroupsPage::showError(const QString &message) {
    setError(m_errorLabel, message);
}

void GroupsPage::editLimits() {
    const store::GroupRecord *group = selectedGroup();
    if (!group)
        return;
    const QString groupUuid = group->uuid;
    auto *dialog = new LimitsDialog(
        tr("Limits of \u201c%1\u201d").arg(group->name),
        tr("What the keys of \u201c%1\u201d may use together. Each key's own limits apply too.")
            .arg(group->name),
        group->limits,
        [this, groupUuid](const store::LimitsChange &change) -> std::optional<store::Error> {
            store::GroupStore groups(*m_ctx.database, m_ctx.actor);
            auto changed = groups.setLimits(groupUuid, change);
            if (!changed)
                return changed.error();
            reload();
            return std::nullopt;
        },
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

} // namespace portico::ui
