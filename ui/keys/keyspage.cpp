#include "ui/keys/keyspage.h"

#include "store/groupstore.h"
#include "store/keystore.h"
#include "ui/appcontext.h"
#include "ui/common/heading.h"
#include "ui/keys/createkeydialog.h"
#include "ui/keys/keyactionsdelegate.h"
#include "ui/keys/keydetailpanel.h"
#include "ui/keys/keysfilterproxymodel.h"
#include "ui/keys/keystablemodel.h"
#include "ui/keys/onetimekeydialog.h"
#include "ui/keys/rotatekeydialog.h"
#include "ui/keys/welcomepanel.h"
#include "ui/messagebox.h"
#include "ui/storeerrortext.h"
#include "ui/storewatcher.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace portico::ui {

namespace {
enum ListPage { TablePage, EmptyPage, NoMatchPage };
} // namespace

KeysPage::KeysPage(AppContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context) {
    setObjectName(QStringLiteral("keysPage"));

    m_model = new KeysTableModel(this);
    m_proxy = new KeysFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);

    auto *layout = new QVBoxLayout(this);
    m_welcome = new WelcomePanel(m_context, this);
    layout->addWidget(m_welcome);
    connect(m_welcome, &WelcomePanel::firstKeyCreated, this,
            [this](const store::CreatedKey &created) {
                reload();
                selectKey(created.record.uuid);
                Q_EMIT statusMessage(tr("Key \u201c%1\u201d created.").arg(created.record.name));
                showOneTimeKey(created);
            });
    layout->addWidget(buildToolbar());

    m_loadError = new QLabel(this);
    m_loadError->setObjectName(QStringLiteral("keysLoadError"));
    m_loadError->setWordWrap(true);
    m_loadError->setTextFormat(Qt::PlainText);
    m_loadError->hide();
    layout->addWidget(m_loadError);

    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("keysTable"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setShowGrid(false);
    m_table->setTabKeyNavigation(false);
    m_table->verticalHeader()->hide();
    // Fixed row heights: the view never measures 100,000 rows.
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 14);
    // The name takes the room left; the rest is sized to what it shows (UUIDs are elided: the
    // full one is in the details, copyable).
    auto *header = m_table->horizontalHeader();
    header->setHighlightSections(false);
    header->setSectionsMovable(false);
    header->setStretchLastSection(false);
    header->setMinimumSectionSize(60);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(KeysTableModel::NameColumn, QHeaderView::Stretch);
    const QFontMetrics metrics = m_table->fontMetrics();
    // The first 8 digits, as short UUIDs are usually quoted.
    header->resizeSection(KeysTableModel::UuidColumn,
                          metrics.horizontalAdvance(QStringLiteral("00000000\u2026")) + 16);
    header->resizeSection(KeysTableModel::GroupsColumn,
                          metrics.horizontalAdvance(QStringLiteral("Production, Stag")) + 12);
    // Not ResizeToContents: that would measure rows, and there may be 100,000 of them. Headers
    // wrap ("Accessible / Routes" on two lines), so a count column is as wide as its longest word.
    header->setDefaultAlignment(
        Qt::Alignment::fromInt(int(Qt::AlignCenter) | int(Qt::TextWordWrap)));
    {
        int widest = 0;
        const QString title =
            m_model->headerData(KeysTableModel::RoutesColumn, Qt::Horizontal).toString();
        for (const QString &word : title.split(u' ', Qt::SkipEmptyParts))
            widest = qMax(widest, metrics.horizontalAdvance(word));
        header->resizeSection(KeysTableModel::RoutesColumn, widest + 24);
        // The header does not grow for wrapped titles by itself.
        header->setMinimumHeight(2 * metrics.lineSpacing() + 8);
    }
    header->resizeSection(KeysTableModel::CreatedColumn,
                          metrics.horizontalAdvance(QStringLiteral("2026-12-28 22:59")) + 16);
    // Room for "in 6 days" or a date after the warning icon; longer texts elide (the tooltip says
    // it all).
    header->resizeSection(KeysTableModel::ExpiresColumn,
                          metrics.horizontalAdvance(QStringLiteral("2026-12-28")) +
                              m_table->style()->pixelMetric(QStyle::PM_SmallIconSize) + 14);
    m_actionsDelegate = new KeyActionsDelegate(m_table);
    m_table->setItemDelegateForColumn(KeysTableModel::ActionsColumn, m_actionsDelegate);
    {
        QStyleOptionViewItem option;
        option.initFrom(m_table);
        header->setSectionResizeMode(KeysTableModel::ActionsColumn, QHeaderView::Fixed);
        header->resizeSection(KeysTableModel::ActionsColumn,
                              m_actionsDelegate->sizeHint(option, {}).width() + 8);
    }
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(KeysTableModel::CreatedColumn, Qt::DescendingOrder);

    m_listStack = new QStackedWidget(this);
    m_listStack->insertWidget(TablePage, m_table);
    m_listStack->insertWidget(EmptyPage, buildEmptyState());
    m_listStack->insertWidget(NoMatchPage, buildNoMatches());

    m_detail = new KeyDetailPanel(m_context, this);
    m_detail->setMinimumWidth(360);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName(QStringLiteral("keysSplitter"));
    m_splitter->addWidget(m_listStack);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    // The table gets the larger share until the user moves the handle (then it is remembered).
    m_splitter->setSizes({800, 380});
    m_splitter->setChildrenCollapsible(false);
    layout->addWidget(m_splitter, 1);

    // Commands. Delete, Copy and F2 act on the table only, so they do not steal the keys from
    // the search field or the rename editor.
    m_newKeyAction = new QAction(tr("&New Key…"), this);
    m_newKeyAction->setObjectName(QStringLiteral("newKeyAction"));
    m_newKeyAction->setShortcut(QKeySequence::New);
    m_newKeyAction->setIcon(QIcon::fromTheme(QStringLiteral("list-add")));
    connect(m_newKeyAction, &QAction::triggered, this, &KeysPage::createKey);

    m_deleteKeyAction = new QAction(tr("&Delete Key…"), this);
    m_deleteKeyAction->setObjectName(QStringLiteral("deleteKeyAction"));
    m_deleteKeyAction->setShortcut(QKeySequence::Delete);
    m_deleteKeyAction->setShortcutContext(Qt::WidgetShortcut);
    m_deleteKeyAction->setIcon(QIcon::fromTheme(QStringLiteral("edit-delete")));
    connect(m_deleteKeyAction, &QAction::triggered, this, &KeysPage::deleteSelectedKey);

    m_findAction = new QAction(tr("&Find…"), this);
    m_findAction->setObjectName(QStringLiteral("findAction"));
    m_findAction->setShortcut(QKeySequence::Find);
    connect(m_findAction, &QAction::triggered, this, &KeysPage::focusSearch);

    m_copyUuidAction = new QAction(tr("&Copy UUID"), this);
    m_copyUuidAction->setObjectName(QStringLiteral("copyUuidAction"));
    m_copyUuidAction->setShortcut(QKeySequence::Copy);
    m_copyUuidAction->setShortcutContext(Qt::WidgetShortcut);
    connect(m_copyUuidAction, &QAction::triggered, this, &KeysPage::copySelectedUuid);

    m_renameAction = new QAction(tr("&Rename Key"), this);
    m_renameAction->setObjectName(QStringLiteral("renameKeyAction"));
    m_renameAction->setShortcut(Qt::Key_F2);
    m_renameAction->setShortcutContext(Qt::WidgetShortcut);
    connect(m_renameAction, &QAction::triggered, this, &KeysPage::renameSelectedKey);

    m_rotateAction = new QAction(tr("R&otate Secret…"), this);
    m_rotateAction->setObjectName(QStringLiteral("rotateKeyAction"));
    connect(m_rotateAction, &QAction::triggered, this, &KeysPage::rotateSelectedKey);

    m_table->addAction(m_deleteKeyAction);
    m_table->addAction(m_copyUuidAction);
    m_table->addAction(m_renameAction);
    m_table->addAction(m_rotateAction);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &KeysPage::currentRowChanged);
    // Enter on a row moves into its details, where every action is a Tab away.
    connect(m_table, &QTableView::activated, this, [this] { m_detail->setFocus(); });
    connect(m_actionsDelegate, &KeyActionsDelegate::actionTriggered, this,
            [this](KeyActionsDelegate::Action action, const QModelIndex &index) {
                const QString uuid = index.data(KeysTableModel::UuidRole).toString();
                selectKey(uuid);
                switch (action) {
                case KeyActionsDelegate::Action::View:
                    m_detail->setFocus();
                    break;
                case KeyActionsDelegate::Action::Edit:
                    m_detail->startRename();
                    break;
                case KeyActionsDelegate::Action::Delete:
                    deleteKey(uuid);
                    break;
                }
            });
    connect(m_detail, &KeyDetailPanel::deleteRequested, this, &KeysPage::deleteKey);
    connect(m_detail, &KeyDetailPanel::rotateRequested, this, &KeysPage::rotateKey);
    // "in 3 days" and "Expired" move with the clock, not only with the store.
    auto *clock = new QTimer(this);
    clock->setInterval(60 * 1000);
    connect(clock, &QTimer::timeout, m_model, &KeysTableModel::refreshExpiry);
    clock->start();
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &KeysPage::updateState);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &KeysPage::updateState);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &KeysPage::updateState);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &KeysPage::updateState);

    if (m_context.storeWatcher) {
        connect(m_context.storeWatcher, &StoreWatcher::storeChanged, this, &KeysPage::reload);
    }
    reload();
}

KeysPage::~KeysPage() = default;

QWidget *KeysPage::buildToolbar() {
    auto *bar = new QWidget(this);
    auto *layout = new QHBoxLayout(bar);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *title = new QLabel(tr("API Keys"), bar);
    makeHeading(title);
    layout->addWidget(title);
    layout->addSpacing(16);

    m_search = new QLineEdit(bar);
    m_search->setObjectName(QStringLiteral("keySearchEdit"));
    m_search->setPlaceholderText(tr("Search by name or UUID"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(220);
    layout->addWidget(m_search, 2);

    m_groupFilter = new QComboBox(bar);
    m_groupFilter->setObjectName(QStringLiteral("groupFilterCombo"));
    m_groupFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_groupFilter->setMinimumWidth(160);
    m_groupFilter->addItem(tr("All groups"), QString());
    m_groupFilter->setToolTip(tr("Show only the keys of one group"));
    layout->addWidget(m_groupFilter, 1);

    m_count = new QLabel(bar);
    m_count->setObjectName(QStringLiteral("keyCountLabel"));
    m_count->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_count);
    layout->addStretch(0);

    auto *create = new QPushButton(tr("Create Key"), bar);
    create->setObjectName(QStringLiteral("createKeyButton"));
    create->setIcon(QIcon::fromTheme(QStringLiteral("list-add")));
    create->setToolTip(
        tr("Create a new API key (%1)")
            .arg(QKeySequence(QKeySequence::New).toString(QKeySequence::NativeText)));
    layout->addWidget(create);

    connect(create, &QPushButton::clicked, this, &KeysPage::createKey);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setSearchText(text);
        updateState();
    });
    connect(m_groupFilter, &QComboBox::currentIndexChanged, this, [this] {
        m_proxy->setGroupFilter(m_groupFilter->currentData().toString());
        updateState();
    });
    // Down from the search field goes to the results.
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        if (m_proxy->rowCount() > 0) {
            if (!m_table->currentIndex().isValid())
                m_table->setCurrentIndex(m_proxy->index(0, KeysTableModel::NameColumn));
            m_table->setFocus();
        }
    });
    return bar;
}

QWidget *KeysPage::buildEmptyState() {
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("keysEmptyState"));
    auto *layout = new QVBoxLayout(page);
    layout->addStretch(1);
    auto *label = new QLabel(tr("No API keys yet. Click Create Key to make the first one."), page);
    label->setObjectName(QStringLiteral("emptyStateLabel"));
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.15);
    label->setFont(font);
    auto *hint = new QLabel(tr("A key authenticates requests to the gateway. Put it in a group to "
                               "give it access to the group's routes."),
                            page);
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    auto *create = new QPushButton(tr("Create Key"), page);
    create->setObjectName(QStringLiteral("emptyStateCreateButton"));
    connect(create, &QPushButton::clicked, this, &KeysPage::createKey);
    layout->addWidget(label);
    layout->addWidget(hint);
    layout->addSpacing(8);
    layout->addWidget(create, 0, Qt::AlignHCenter);
    layout->addStretch(2);
    return page;
}

QWidget *KeysPage::buildNoMatches() {
    auto *page = new QWidget(this);
    page->setObjectName(QStringLiteral("keysNoMatch"));
    auto *layout = new QVBoxLayout(page);
    layout->addStretch(1);
    auto *label = new QLabel(tr("No key matches the search or the group filter."), page);
    label->setObjectName(QStringLiteral("noMatchLabel"));
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    auto *clear = new QPushButton(tr("Clear Search and Filter"), page);
    clear->setObjectName(QStringLiteral("clearFiltersButton"));
    connect(clear, &QPushButton::clicked, this, [this] {
        m_search->clear();
        m_groupFilter->setCurrentIndex(0);
    });
    layout->addWidget(label);
    layout->addWidget(clear, 0, Qt::AlignHCenter);
    layout->addStretch(2);
    return page;
}

void KeysPage::reload() {
    store::KeyStore keyStore(*m_context.database, m_context.actor);
    auto keys = keyStore.listKeys();
    if (!keys) {
        m_loadError->setText(tr("Could not read the keys: %1").arg(storeErrorText(keys.error())));
        m_loadError->show();
        return;
    }
    m_loadError->hide();

    const QString selected = selectedKeyUuid();
    const int scroll = m_table->verticalScrollBar()->value();
    m_reloading = true;
    m_model->setKeys(std::move(keys).value());
    m_reloading = false;

    store::GroupStore groupStore(*m_context.database, m_context.actor);
    if (auto groups = groupStore.listGroups()) {
        reloadGroupFilter(groups.value());
        m_welcome->setStoreEmpty(m_model->rowCount() == 0 && groups.value().isEmpty());
    }

    if (!selected.isEmpty() && !selectKey(selected))
        m_detail->clear();
    m_table->verticalScrollBar()->setValue(scroll);
    updateState();
}

void KeysPage::reloadGroupFilter(const QList<store::GroupRecord> &groups) {
    const QString current = m_groupFilter->currentData().toString();
    QSignalBlocker blocker(m_groupFilter);
    while (m_groupFilter->count() > 1)
        m_groupFilter->removeItem(1);
    for (const auto &group : groups)
        m_groupFilter->addItem(group.name, group.uuid);
    const int index = m_groupFilter->findData(current);
    m_groupFilter->setCurrentIndex(index < 0 ? 0 : index);
    if (index < 0 && !current.isEmpty())
        m_proxy->setGroupFilter({}); // the group was deleted: show everything again
}

QString KeysPage::selectedKeyUuid() const {
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid() || !m_table->selectionModel()->isRowSelected(current.row(), {}))
        return m_detail->keyUuid();
    return current.data(KeysTableModel::UuidRole).toString();
}

bool KeysPage::selectKey(const QString &uuid) {
    const int sourceRow = m_model->rowOfUuid(uuid);
    if (sourceRow < 0)
        return false;
    const QModelIndex proxyIndex =
        m_proxy->mapFromSource(m_model->index(sourceRow, KeysTableModel::NameColumn));
    if (!proxyIndex.isValid()) {
        // Hidden by the search or the filter: keep showing its details all the same.
        m_detail->showKey(m_model->keyAt(sourceRow));
        return true;
    }
    m_table->selectionModel()->setCurrentIndex(proxyIndex, QItemSelectionModel::ClearAndSelect |
                                                               QItemSelectionModel::Rows);
    m_detail->showKey(m_model->keyAt(sourceRow));
    return true;
}

void KeysPage::currentRowChanged() {
    if (m_reloading)
        return;
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return;
    const int sourceRow = m_proxy->mapToSource(current).row();
    if (sourceRow >= 0)
        m_detail->showKey(m_model->keyAt(sourceRow));
    updateState();
}

void KeysPage::updateState() {
    const int total = m_model->rowCount();
    const int shown = m_proxy->rowCount();
    if (total == 0)
        m_listStack->setCurrentIndex(EmptyPage);
    else if (shown == 0)
        m_listStack->setCurrentIndex(NoMatchPage);
    else
        m_listStack->setCurrentIndex(TablePage);

    const QLocale locale;
    const QString totalText = total == 1 ? tr("1 key") : tr("%1 keys").arg(locale.toString(total));
    if (total == shown)
        m_count->setText(totalText);
    else
        m_count->setText(tr("%1 of %2").arg(locale.toString(shown), totalText));

    const bool hasKey = !m_detail->keyUuid().isEmpty();
    m_deleteKeyAction->setEnabled(hasKey);
    m_copyUuidAction->setEnabled(hasKey);
    m_renameAction->setEnabled(hasKey);
    m_rotateAction->setEnabled(hasKey);
}

void KeysPage::createKey() {
    auto *dialog = new CreateKeyDialog(m_context, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        auto created = dialog->takeCreatedKey();
        if (!created)
            return;
        reload();
        selectKey(created->record.uuid);
        Q_EMIT statusMessage(tr("Key \u201c%1\u201d created.").arg(created->record.name));
        showOneTimeKey(std::move(*created));
    });
    dialog->open();
}

void KeysPage::showOneTimeKey(store::CreatedKey created) {
    auto *dialog = new OneTimeKeyDialog(m_context, std::move(created), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void KeysPage::showOneTimeKey(store::RotatedKey rotated) {
    auto *dialog = new OneTimeKeyDialog(m_context, std::move(rotated), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void KeysPage::rotateKey(const QString &uuid) {
    const int row = m_model->rowOfUuid(uuid);
    if (row < 0)
        return;
    auto *dialog = new RotateKeyDialog(m_context, m_model->keyAt(row), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        auto rotated = dialog->takeRotatedKey();
        if (!rotated)
            return;
        reload();
        selectKey(rotated->record.uuid);
        Q_EMIT statusMessage(tr("Key \u201c%1\u201d has a new secret.").arg(rotated->record.name));
        showOneTimeKey(std::move(*rotated));
    });
    dialog->open();
}

void KeysPage::rotateSelectedKey() {
    const QString uuid = selectedKeyUuid();
    if (!uuid.isEmpty())
        rotateKey(uuid);
}

void KeysPage::deleteKey(const QString &uuid) {
    const int row = m_model->rowOfUuid(uuid);
    if (row < 0)
        return;
    const QString name = m_model->keyAt(row).name;
    const QString warnings = tr("Deleting a key:") + u'\n' + u"\u2022 " + tr("is irreversible;") +
                             u'\n' + u"\u2022 " + tr("removes the key from all groups;") + u'\n' +
                             u"\u2022 " +
                             tr("immediately invalidates all future requests with this key.") +
                             u'\n' + tr("Historical metrics remain available.");
    const auto answer =
        MessageBox::warning(this, tr("Delete Key?"), tr("Delete the key \u201c%1\u201d?").arg(name),
                            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel, warnings);
    if (answer != QMessageBox::Yes)
        return;

    store::KeyStore keys(*m_context.database, m_context.actor);
    auto deleted = keys.deleteKey(uuid);
    if (!deleted) {
        MessageBox::warning(this, tr("Could Not Delete the Key"), storeErrorText(deleted.error()));
        return;
    }
    if (m_detail->keyUuid() == uuid)
        m_detail->clear();
    m_table->selectionModel()->clearSelection();
    reload();
    Q_EMIT statusMessage(tr("Key \u201c%1\u201d deleted.").arg(name));
}

void KeysPage::deleteSelectedKey() {
    const QString uuid = selectedKeyUuid();
    if (!uuid.isEmpty())
        deleteKey(uuid);
}

void KeysPage::focusSearch() {
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void KeysPage::copySelectedUuid() {
    const QString uuid = selectedKeyUuid();
    if (uuid.isEmpty())
        return;
    QGuiApplication::clipboard()->setText(uuid);
    Q_EMIT statusMessage(tr("UUID copied."));
}

void KeysPage::renameSelectedKey() {
    if (!selectedKeyUuid().isEmpty())
        m_detail->startRename();
}

} // namespace portico::ui
