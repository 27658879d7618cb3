#include "ui/keys/keydetailpanel.h"
#include "ui/common/errorlabel.h"

#include "config/configmanager.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "store/limitcounters.h"
#include "ui/appcontext.h"
#include "ui/audit/historysection.h"
#include "ui/common/heading.h"
#include "ui/common/limitsdialog.h"
#include "ui/common/limitsview.h"
#include "ui/keys/addtogroupdialog.h"
#include "ui/keys/allowedaddressesdialog.h"
#include "ui/keys/changeexpirydialog.h"
#include "ui/keys/expirytext.h"
#include "ui/keys/previoussecretview.h"
#include "ui/messagebox.h"
#include "ui/storeerrortext.h"
#include "ui/usage/keyusagesummary.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>

namespace portico::ui {

namespace {

QLabel *valueLabel(QWidget *parent, const QString &objectName) {
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setWordWrap(true);
    return label;
}

QTableWidget *smallTable(QWidget *parent, const QString &objectName, const QStringList &headers) {
    auto *table = new QTableWidget(0, int(headers.size()), parent);
    table->setObjectName(objectName);
    table->setHorizontalHeaderLabels(headers);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setWordWrap(false);
    table->setTextElideMode(Qt::ElideMiddle);
    // The second column (a UUID or a group name) gives way, so the last one stays in view.
    table->horizontalHeader()->setStretchLastSection(false);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    table->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return table;
}

// The tables sit in a scrolling panel: show every row up to a sensible height instead of a
// scroll area inside a scroll area.
void fitHeight(QTableWidget *table) {
    const int rows = qMin(table->rowCount(), 8);
    int height = table->horizontalHeader()->sizeHint().height() + 2 * table->frameWidth();
    height += rows * table->verticalHeader()->defaultSectionSize();
    table->setFixedHeight(qMax(height, table->horizontalHeader()->sizeHint().height() +
                                           table->verticalHeader()->defaultSectionSize()));
}

QString formatDate(const QDateTime &time) {
    return QLocale().toString(time.toLocalTime(), QLocale::LongFormat);
}

} // namespace

KeyDetailPanel::KeyDetailPanel(AppContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context) {
    setObjectName(QStringLiteral("keyDetailPanel"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_pages = new QStackedWidget(this);
    layout->addWidget(m_pages);

    auto *placeholder = new QLabel(tr("Select a key to see its details."), this);
    placeholder->setObjectName(QStringLiteral("detailPlaceholder"));
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setWordWrap(true);
    placeholder->setForegroundRole(QPalette::PlaceholderText);
    m_pages->addWidget(placeholder);

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    // Everything wraps or elides: the panel never scrolls sideways, so no button hides there.
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setWidget(buildDetails());
    m_pages->addWidget(scroll);

    if (m_context.config) {
        connect(m_context.config.get(), &config::ConfigManager::configChanged, this,
                &KeyDetailPanel::refresh);
    }
    clear();
}

QWidget *KeyDetailPanel::buildDetails() {
    auto *content = new QWidget;
    auto *layout = new QVBoxLayout(content);

    auto *header = new QHBoxLayout;
    m_title = new QLabel(content);
    m_title->setObjectName(QStringLiteral("detailTitle"));
    m_title->setTextFormat(Qt::PlainText);
    makeHeading(m_title, Heading::Panel);
    m_title->setWordWrap(true);
    m_stateBadge = new QLabel(content);
    m_stateBadge->setObjectName(QStringLiteral("stateBadge"));
    m_stateBadge->setMargin(3);
    m_stateBadge->setAutoFillBackground(true);
    header->addWidget(m_title, 1);
    header->addWidget(m_stateBadge, 0, Qt::AlignTop);
    layout->addLayout(header);

    // General Information
    auto *general = new QGroupBox(tr("General Information"), content);
    auto *form = new QFormLayout(general);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_nameStack = new QStackedWidget(general);
    auto *nameView = new QWidget(m_nameStack);
    auto *nameViewLayout = new QHBoxLayout(nameView);
    nameViewLayout->setContentsMargins(0, 0, 0, 0);
    m_name = valueLabel(nameView, QStringLiteral("detailName"));
    auto *editButton = new QPushButton(tr("Edit"), nameView);
    editButton->setObjectName(QStringLiteral("renameButton"));
    editButton->setToolTip(tr("Rename the key (F2). The key value itself never changes."));
    nameViewLayout->addWidget(m_name, 1);
    nameViewLayout->addWidget(editButton);
    auto *nameEditor = new QWidget(m_nameStack);
    auto *nameEditLayout = new QHBoxLayout(nameEditor);
    nameEditLayout->setContentsMargins(0, 0, 0, 0);
    m_nameEdit = new QLineEdit(nameEditor);
    m_nameEdit->setObjectName(QStringLiteral("renameEdit"));
    m_nameEdit->installEventFilter(this);
    auto *saveButton = new QPushButton(tr("Save"), nameEditor);
    saveButton->setObjectName(QStringLiteral("renameSaveButton"));
    auto *cancelButton = new QPushButton(tr("Cancel"), nameEditor);
    cancelButton->setObjectName(QStringLiteral("renameCancelButton"));
    nameEditLayout->addWidget(m_nameEdit, 1);
    nameEditLayout->addWidget(saveButton);
    nameEditLayout->addWidget(cancelButton);
    m_nameStack->addWidget(nameView);
    m_nameStack->addWidget(nameEditor);
    m_nameStack->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
    form->addRow(tr("Name"), m_nameStack);
    m_nameError = makeErrorLabel(QStringLiteral("renameError"), general);
    form->addRow(QString(), m_nameError);

    auto *uuidRow = new QHBoxLayout;
    // A frameless read-only field: selectable, and it scrolls instead of clipping when narrow.
    m_uuid = new QLineEdit(general);
    m_uuid->setObjectName(QStringLiteral("detailUuid"));
    m_uuid->setReadOnly(true);
    m_uuid->setFrame(false);
    m_uuid->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_uuid->setMinimumWidth(80);
    {
        QPalette palette = m_uuid->palette();
        palette.setColor(QPalette::Base, Qt::transparent);
        m_uuid->setPalette(palette);
    }
    auto *copyUuid = new QPushButton(tr("Copy"), general);
    copyUuid->setObjectName(QStringLiteral("copyUuidButton"));
    copyUuid->setToolTip(tr("Copy the UUID"));
    uuidRow->addWidget(m_uuid, 1);
    uuidRow->addWidget(copyUuid);
    form->addRow(tr("UUID"), uuidRow);

    auto *hintRow = new QHBoxLayout;
    m_hint = valueLabel(general, QStringLiteral("detailHint"));
    m_hint->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_hint->setToolTip(tr("The key is masked for security: it was shown only at creation."));
    auto *rotateButton = new QPushButton(tr("Rotate Secret…"), general);
    rotateButton->setObjectName(QStringLiteral("rotateKeyButton"));
    rotateButton->setToolTip(tr("Give the key a new secret; the old one can keep working for a "
                                "grace period."));
    hintRow->addWidget(m_hint, 1);
    hintRow->addWidget(rotateButton);
    form->addRow(tr("API Key"), hintRow);
    m_previousSecretLabel = new QLabel(tr("Previous Secret"), general);
    m_previousSecret = new PreviousSecretView(m_context, general);
    form->addRow(m_previousSecretLabel, m_previousSecret);
    auto *expiresRow = new QHBoxLayout;
    m_expires = valueLabel(general, QStringLiteral("detailExpires"));
    auto *expiryButton = new QPushButton(tr("Change…"), general);
    expiryButton->setObjectName(QStringLiteral("changeExpiryButton"));
    expiryButton->setToolTip(tr("Change when the key stops working"));
    expiresRow->addWidget(m_expires, 1);
    expiresRow->addWidget(expiryButton);
    form->addRow(tr("Expires"), expiresRow);
    m_created = valueLabel(general, QStringLiteral("detailCreated"));
    form->addRow(tr("Creation Date"), m_created);
    m_lastUsed = valueLabel(general, QStringLiteral("detailLastUsed"));
    form->addRow(tr("Last Used"), m_lastUsed);

    auto *stateRow = new QHBoxLayout;
    m_state = valueLabel(general, QStringLiteral("detailState"));
    m_stateButton = new QPushButton(general);
    m_stateButton->setObjectName(QStringLiteral("stateButton"));
    stateRow->addWidget(m_state, 1);
    stateRow->addWidget(m_stateButton);
    form->addRow(tr("State"), stateRow);
    layout->addWidget(general);

    // Associated Groups
    auto *groups = new QGroupBox(tr("Associated Groups"), content);
    auto *groupsLayout = new QVBoxLayout(groups);
    m_groups = smallTable(groups, QStringLiteral("groupsTable"),
                          {tr("Group Name"), tr("Group UUID"), tr("Actions")});
    m_noGroups = new QLabel(
        tr("This key is in no group, so it cannot reach any route. Add it to a group."), groups);
    m_noGroups->setObjectName(QStringLiteral("noGroupsLabel"));
    m_noGroups->setWordWrap(true);
    m_noGroups->setForegroundRole(QPalette::PlaceholderText);
    auto *addToGroup = new QPushButton(tr("Add to Group"), groups);
    addToGroup->setObjectName(QStringLiteral("addToGroupButton"));
    addToGroup->setToolTip(tr("The key gains access to every route associated with the group."));
    groupsLayout->addWidget(m_groups);
    groupsLayout->addWidget(m_noGroups);
    groupsLayout->addWidget(addToGroup, 0, Qt::AlignLeft);
    layout->addWidget(groups);

    // Accessible Routes
    auto *routes = new QGroupBox(tr("Accessible Routes"), content);
    auto *routesLayout = new QVBoxLayout(routes);
    m_routes = smallTable(routes, QStringLiteral("routesTable"),
                          {tr("Route Name"), tr("Group"), tr("Status")});
    m_noRoutes =
        new QLabel(tr("No accessible routes: none of this key's groups grants a route."), routes);
    m_noRoutes->setObjectName(QStringLiteral("noRoutesLabel"));
    m_noRoutes->setWordWrap(true);
    m_noRoutes->setForegroundRole(QPalette::PlaceholderText);
    routesLayout->addWidget(m_routes);
    routesLayout->addWidget(m_noRoutes);
    layout->addWidget(routes);

    auto *limits = new QGroupBox(tr("Limits"), content);
    limits->setObjectName(QStringLiteral("limitsBox"));
    auto *limitsLayout = new QVBoxLayout(limits);
    m_limits = new LimitsView(m_context, limits);
    limitsLayout->addWidget(m_limits);
    layout->addWidget(limits);

    auto *addresses = new QGroupBox(tr("Allowed Addresses"), content);
    addresses->setObjectName(QStringLiteral("allowedAddressesBox"));
    auto *addressesLayout = new QHBoxLayout(addresses);
    m_allowedAddresses = valueLabel(addresses, QStringLiteral("detailAllowedAddresses"));
    m_allowedAddresses->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *addressesButton = new QPushButton(tr("Edit…"), addresses);
    addressesButton->setObjectName(QStringLiteral("editAddressesButton"));
    addressesButton->setToolTip(tr("Choose the client addresses the key may be used from"));
    addressesLayout->addWidget(m_allowedAddresses, 1);
    addressesLayout->addWidget(addressesButton, 0, Qt::AlignTop);
    layout->addWidget(addresses);

    auto *usage = new QGroupBox(tr("Usage (last 30 days)"), content);
    auto *usageLayout = new QVBoxLayout(usage);
    m_usage = new KeyUsageSummary(m_context, usage);
    m_usage->setPeriodDays(30);
    usageLayout->addWidget(m_usage);
    layout->addWidget(usage);

    auto *history = new QGroupBox(tr("History"), content);
    auto *historyLayout = new QVBoxLayout(history);
    m_history = new HistorySection(m_context, history);
    historyLayout->addWidget(m_history);
    layout->addWidget(history);

    auto *deleteButton = new QPushButton(tr("Delete Key…"), content);
    deleteButton->setObjectName(QStringLiteral("deleteKeyButton"));
    deleteButton->setIcon(style()->standardIcon(QStyle::SP_TrashIcon));
    layout->addWidget(deleteButton, 0, Qt::AlignLeft);
    layout->addStretch(1);

    connect(editButton, &QPushButton::clicked, this, &KeyDetailPanel::startRename);
    connect(saveButton, &QPushButton::clicked, this, &KeyDetailPanel::saveRename);
    connect(cancelButton, &QPushButton::clicked, this, &KeyDetailPanel::cancelRename);
    connect(m_nameEdit, &QLineEdit::returnPressed, this, &KeyDetailPanel::saveRename);
    connect(copyUuid, &QPushButton::clicked, this, [this] {
        if (m_key)
            QGuiApplication::clipboard()->setText(m_key->uuid);
    });
    connect(m_stateButton, &QPushButton::clicked, this, &KeyDetailPanel::toggleState);
    connect(rotateButton, &QPushButton::clicked, this, [this] {
        if (m_key)
            Q_EMIT rotateRequested(m_key->uuid);
    });
    connect(m_previousSecret, &PreviousSecretView::endGraceRequested, this,
            &KeyDetailPanel::endGracePeriod);
    connect(expiryButton, &QPushButton::clicked, this, &KeyDetailPanel::changeExpiry);
    connect(m_limits, &LimitsView::editRequested, this, &KeyDetailPanel::editLimits);
    connect(addressesButton, &QPushButton::clicked, this, &KeyDetailPanel::editAllowedAddresses);
    connect(addToGroup, &QPushButton::clicked, this, &KeyDetailPanel::openAddToGroup);
    connect(deleteButton, &QPushButton::clicked, this, [this] {
        if (m_key)
            Q_EMIT deleteRequested(m_key->uuid);
    });
    return content;
}

bool KeyDetailPanel::isRenaming() const {
    return m_nameStack->currentIndex() == 1;
}

void KeyDetailPanel::clear() {
    m_key.reset();
    m_usage->setKeyUuid(QString());
    m_history->setObject(QStringLiteral("key"), QString());
    m_limits->setSubject(QString(), {});
    m_previousSecret->setKey(QString(), std::nullopt);
    m_nameStack->setCurrentIndex(0);
    m_nameError->hide();
    m_pages->setCurrentIndex(0);
}

void KeyDetailPanel::showKey(const store::ApiKeyRecord &key) {
    const bool sameKey = m_key && m_key->uuid == key.uuid;
    m_key = key;
    if (!sameKey) {
        m_usage->setKeyUuid(key.uuid);
        m_history->setObject(QStringLiteral("key"), key.uuid);
        m_nameStack->setCurrentIndex(0);
        m_nameError->hide();
    }
    fill();
    m_pages->setCurrentIndex(1);
}

void KeyDetailPanel::refresh() {
    if (m_key)
        fillRoutes();
}

bool KeyDetailPanel::routeExistsInConfig(const QString &route) const {
    if (!m_context.config)
        return false;
    const auto config = m_context.config->current();
    return config && config->routes.contains(route);
}

void KeyDetailPanel::fill() {
    const auto &key = *m_key;
    m_title->setText(key.name);
    m_name->setText(key.name);
    m_uuid->setText(key.uuid);
    m_uuid->setCursorPosition(0);
    m_hint->setText(key.hint);
    m_created->setText(formatDate(key.createdAt));
    m_lastUsed->setText(key.lastUsedAt.isValid() ? formatDate(key.lastUsedAt) : tr("Never"));

    const bool active = key.state == store::KeyState::Active;
    m_state->setText(active ? tr("Active") : tr("Disabled: requests with this key are refused"));
    m_stateButton->setText(active ? tr("Disable") : tr("Enable"));
    m_stateBadge->setText(active ? tr("Active") : tr("Disabled"));
    QPalette badge = m_stateBadge->palette();
    badge.setColor(QPalette::Window, active ? QColor(0xd8, 0xf3, 0xdc) : QColor(0xe9, 0xe9, 0xe9));
    badge.setColor(QPalette::WindowText,
                   active ? QColor(0x1b, 0x5e, 0x20) : QColor(0x55, 0x55, 0x55));
    m_stateBadge->setPalette(badge);

    fillLifecycle();
    fillGroups();
    fillRoutes();
}

void KeyDetailPanel::fillLifecycle() {
    const auto &key = *m_key;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const bool inGrace = key.previousSecret && key.previousSecret->validUntil > now;
    m_previousSecret->setKey(key.uuid, inGrace ? key.previousSecret : std::nullopt);
    m_previousSecretLabel->setVisible(inGrace);
    m_previousSecret->setVisible(inGrace);

    m_expires->setText(expiryLongText(key.expiresAt, now));
    QPalette palette = m_expires->palette();
    const auto status = expiryStatus(key.expiresAt, now);
    palette.setColor(QPalette::WindowText, status == ExpiryStatus::Expired ? errorColor()
                                           : status == ExpiryStatus::Soon
                                               ? QColor(0x8a, 0x5a, 0x00)
                                               : this->palette().color(QPalette::WindowText));
    m_expires->setPalette(palette);

    m_limits->setSubject(store::limitwindows::keySubject(key.uuid), key.limits);
    m_allowedAddresses->setText(key.allowedIps.isEmpty() ? tr("Any address")
                                                         : key.allowedIps.join(u'\n'));
}

void KeyDetailPanel::fillGroups() {
    const auto &groups = m_key->groups;
    m_groups->setRowCount(int(groups.size()));
    for (int row = 0; row < groups.size(); ++row) {
        const auto &group = groups.at(row);
        m_groups->setItem(row, 0, new QTableWidgetItem(group.name));
        auto *uuid = new QTableWidgetItem(group.uuid);
        uuid->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        m_groups->setItem(row, 1, uuid);
        // A handful of rows per key: a real button per row is fine here.
        auto *remove = new QPushButton(tr("Remove"), m_groups);
        remove->setObjectName(QStringLiteral("removeGroupButton_") + group.uuid);
        remove->setToolTip(tr("Remove the key from \u201c%1\u201d").arg(group.name));
        const QString groupUuid = group.uuid;
        // Queued: the change rebuilds this table, and the button must not be deleted while it
        // is still emitting clicked().
        connect(
            remove, &QPushButton::clicked, this, [this, groupUuid] { removeFromGroup(groupUuid); },
            Qt::QueuedConnection);
        m_groups->setCellWidget(row, 2, remove);
    }
    m_groups->setVisible(!groups.isEmpty());
    m_noGroups->setVisible(groups.isEmpty());
    fitHeight(m_groups);
}

void KeyDetailPanel::fillRoutes() {
    const auto &routes = m_key->routes;
    m_routes->setRowCount(int(routes.size()));
    const QIcon missingIcon = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    for (int row = 0; row < routes.size(); ++row) {
        const auto &grant = routes.at(row);
        m_routes->setItem(row, 0, new QTableWidgetItem(grant.route));
        m_routes->setItem(row, 1, new QTableWidgetItem(grant.group.name));
        QTableWidgetItem *status = nullptr;
        if (routeExistsInConfig(grant.route)) {
            status = new QTableWidgetItem(tr("Available"));
        } else {
            status = new QTableWidgetItem(missingIcon, tr("Missing from config.yaml"));
            status->setToolTip(tr("The group grants \u201c%1\u201d but the current config.yaml has "
                                  "no such route: requests to it are refused with 404.")
                                   .arg(grant.route));
            status->setData(Qt::UserRole, true);
        }
        m_routes->setItem(row, 2, status);
    }
    m_routes->setVisible(!routes.isEmpty());
    m_noRoutes->setVisible(routes.isEmpty());
    fitHeight(m_routes);
}

void KeyDetailPanel::startRename() {
    if (!m_key)
        return;
    m_nameEdit->setText(m_key->name);
    m_nameError->hide();
    m_nameStack->setCurrentIndex(1);
    m_nameEdit->setFocus();
    m_nameEdit->selectAll();
}

void KeyDetailPanel::showRenameError(const QString &message) {
    m_nameError->setText(message);
    m_nameError->setVisible(!message.isEmpty());
}

void KeyDetailPanel::saveRename() {
    if (!m_key || !isRenaming())
        return;
    const QString name = m_nameEdit->text().trimmed();
    if (name.isEmpty()) {
        showRenameError(tr("A name is required."));
        return;
    }
    if (name == m_key->name) {
        cancelRename();
        return;
    }
    store::KeyStore keys(*m_context.database, m_context.actor);
    auto renamed = keys.renameKey(m_key->uuid, name);
    if (!renamed) {
        showRenameError(storeErrorText(renamed.error()));
        m_nameEdit->setFocus();
        return;
    }
    m_nameStack->setCurrentIndex(0);
    m_nameError->hide();
    applyChange(renamed.value());
}

void KeyDetailPanel::cancelRename() {
    m_nameStack->setCurrentIndex(0);
    m_nameError->hide();
}

void KeyDetailPanel::toggleState() {
    if (!m_key)
        return;
    const auto next = m_key->state == store::KeyState::Active ? store::KeyState::Disabled
                                                              : store::KeyState::Active;
    store::KeyStore keys(*m_context.database, m_context.actor);
    auto changed = keys.setKeyState(m_key->uuid, next);
    if (!changed) {
        MessageBox::warning(this, tr("Could Not Change the State"),
                            storeErrorText(changed.error()));
        return;
    }
    applyChange(changed.value());
}

void KeyDetailPanel::removeFromGroup(const QString &groupUuid) {
    if (!m_key)
        return;
    store::KeyStore keys(*m_context.database, m_context.actor);
    auto changed = keys.removeKeyFromGroup(m_key->uuid, groupUuid);
    if (!changed) {
        MessageBox::warning(this, tr("Could Not Remove the Key from the Group"),
                            storeErrorText(changed.error()));
        return;
    }
    applyChange(changed.value());
}

void KeyDetailPanel::openAddToGroup() {
    if (!m_key)
        return;
    store::GroupStore groupStore(*m_context.database, m_context.actor);
    auto groups = groupStore.listGroups();
    if (!groups) {
        MessageBox::warning(this, tr("Could Not Read the Groups"), storeErrorText(groups.error()));
        return;
    }
    QList<store::GroupRecord> candidates;
    for (const auto &group : groups.value()) {
        const bool member = std::any_of(m_key->groups.cbegin(), m_key->groups.cend(),
                                        [&group](const auto &g) { return g.uuid == group.uuid; });
        if (!member)
            candidates.append(group);
    }
    auto *dialog = new AddToGroupDialog(m_key->name, std::move(candidates), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString keyUuid = m_key->uuid;
    connect(dialog, &QDialog::accepted, this, [this, dialog, keyUuid] {
        const QString groupUuid = dialog->selectedGroupUuid();
        if (groupUuid.isEmpty())
            return;
        store::KeyStore keys(*m_context.database, m_context.actor);
        auto changed = keys.addKeyToGroup(keyUuid, groupUuid);
        if (!changed) {
            MessageBox::warning(this, tr("Could Not Add the Key to the Group"),
                                storeErrorText(changed.error()));
            return;
        }
        if (m_key && m_key->uuid == keyUuid)
            applyChange(changed.value());
    });
    // open(), not exec(): no nested event loop, and the window keeps repainting behind it.
    dialog->open();
}

void KeyDetailPanel::changeExpiry() {
    if (!m_key)
        return;
    auto *dialog = new ChangeExpiryDialog(m_context, *m_key, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const auto &updated = dialog->updatedKey();
        if (updated && m_key && m_key->uuid == updated->uuid)
            applyChange(*updated);
    });
    dialog->open();
}

void KeyDetailPanel::editLimits() {
    if (!m_key)
        return;
    const QString keyUuid = m_key->uuid;
    auto *dialog = new LimitsDialog(
        tr("Limits of \u201c%1\u201d").arg(m_key->name),
        tr("What the key \u201c%1\u201d may use. Its groups' limits apply too: a request must fit "
           "all of them.")
            .arg(m_key->name),
        m_key->limits,
        [this, keyUuid](const store::LimitsChange &change) -> std::optional<store::Error> {
            store::KeyStore keys(*m_context.database, m_context.actor);
            auto changed = keys.setLimits(keyUuid, change);
            if (!changed)
                return changed.error();
            if (m_key && m_key->uuid == keyUuid)
                applyChange(changed.value());
            return std::nullopt;
        },
        this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void KeyDetailPanel::editAllowedAddresses() {
    if (!m_key)
        return;
    auto *dialog = new AllowedAddressesDialog(m_context, *m_key, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const auto &updated = dialog->updatedKey();
        if (updated && m_key && m_key->uuid == updated->uuid)
            applyChange(*updated);
    });
    dialog->open();
}

void KeyDetailPanel::endGracePeriod() {
    if (!m_key || !m_key->previousSecret)
        return;
    const auto answer = MessageBox::question(
        this, tr("End the Grace Period?"),
        tr("Refuse the previous secret %1 of \u201c%2\u201d from now on?")
            .arg(m_key->previousSecret->hint, m_key->name),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel,
        tr("Applications that still use it get 401 at once. Only the current secret keeps "
           "working."));
    if (answer != QMessageBox::Yes)
        return;
    store::KeyStore keys(*m_context.database, m_context.actor);
    auto changed = keys.endGracePeriod(m_key->uuid);
    if (!changed) {
        MessageBox::warning(this, tr("Could Not End the Grace Period"),
                            storeErrorText(changed.error()));
        return;
    }
    applyChange(changed.value());
}

void KeyDetailPanel::applyChange(const store::ApiKeyRecord &key) {
    showKey(key);
    Q_EMIT keyChanged(key);
}

bool KeyDetailPanel::eventFilter(QObject *watched, QEvent *event) {
    if (watched == m_nameEdit && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape) {
        cancelRename();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace portico::ui
