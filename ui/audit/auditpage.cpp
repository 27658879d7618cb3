#include "ui/audit/auditpage.h"

#include "ui/common/recordtable.h"

#include "store/database.h"
#include "store/groupstore.h"
#include "store/keystore.h"
#include "ui/appcontext.h"
#include "ui/audit/audittablemodel.h"
#include "ui/audit/audittext.h"
#include "ui/common/backgroundquery.h"
#include "ui/common/heading.h"
#include "ui/storewatcher.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollBar>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace portico::ui {

namespace {

struct Choice {
    QString uuid;
    QString name;
};
struct Choices {
    QList<Choice> keys;
    QList<Choice> groups;
};

// A combo box's items after the first ("All ..."), keeping the selected uuid, also when the
// object is gone (it is shown by its uuid: a filter the user chose does not vanish).
void fillChoices(QComboBox *box, const QList<Choice> &choices) {
    const QString selected = box->currentData().toString();
    while (box->count() > 1)
        box->removeItem(1);
    for (const Choice &choice : choices)
        box->addItem(choice.name, choice.uuid);
    const int index = box->findData(selected);
    if (index >= 0) {
        box->setCurrentIndex(index);
    } else if (!selected.isEmpty()) {
        box->addItem(selected, selected);
        box->setCurrentIndex(box->count() - 1);
    }
}

} // namespace

AuditPage::AuditPage(AppContext &context, QWidget *parent)
    : QWidget(parent)
    , m_context(context) {
    setObjectName(QStringLiteral("auditPage"));
    m_model = new AuditTableModel(m_context.database, this);

    auto *title = new QLabel(tr("Audit"), this);
    makeHeading(title);
    auto *intro = new QLabel(tr("Every change to keys and groups, from this window or the "
                                "command line: who made it, and what changed."),
                             this);
    intro->setWordWrap(true);

    m_keyBox = new QComboBox(this);
    m_keyBox->setObjectName(QStringLiteral("auditKeyFilter"));
    m_keyBox->addItem(tr("All keys"), QString());
    m_groupBox = new QComboBox(this);
    m_groupBox->setObjectName(QStringLiteral("auditGroupFilter"));
    m_groupBox->addItem(tr("All groups"), QString());
    for (QComboBox *box : {m_keyBox, m_groupBox}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        box->setMinimumContentsLength(12);
    }
    m_actionBox = new QComboBox(this);
    m_actionBox->setObjectName(QStringLiteral("auditActionFilter"));
    m_actionBox->addItem(tr("All actions"), QString());
    for (const AuditText::ActionChoice &choice : AuditText::actionChoices())
        m_actionBox->addItem(choice.label, choice.action);
    m_periodBox = new QComboBox(this);
    m_periodBox->setObjectName(QStringLiteral("auditPeriodFilter"));
    m_periodBox->addItem(tr("Last hour"), int(Period::LastHour));
    m_periodBox->addItem(tr("Last 24 hours"), int(Period::LastDay));
    m_periodBox->addItem(tr("Last 7 days"), int(Period::LastWeek));
    m_periodBox->addItem(tr("Last 30 days"), int(Period::LastMonth));
    m_periodBox->addItem(tr("All time"), int(Period::All));
    m_periodBox->setCurrentIndex(m_periodBox->findData(int(Period::All)));
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("auditState"));
    auto *refreshButton = new QPushButton(tr("Refresh"), this);

    auto *filters = new QHBoxLayout;
    filters->addWidget(m_keyBox);
    filters->addWidget(m_groupBox);
    filters->addWidget(m_actionBox);
    filters->addWidget(m_periodBox);
    filters->addStretch(1);
    filters->addWidget(m_state);
    filters->addWidget(refreshButton);

    // The store's order (newest first) is the only one a keyset read can page through.
    m_table = makeRecordTable(QStringLiteral("auditTable"), m_model, this);
    setColumnWidthsInDigits(m_table, {{AuditTableModel::TimeColumn, 18},
                                      {AuditTableModel::UserColumn, 12},
                                      {AuditTableModel::SourceColumn, 15},
                                      {AuditTableModel::ActionColumn, 24},
                                      {AuditTableModel::ObjectColumn, 20}});

    m_empty = new QLabel(this);
    m_empty->setObjectName(QStringLiteral("auditEmpty"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_table);
    m_stack->addWidget(m_empty);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(intro);
    layout->addLayout(filters);
    layout->addWidget(m_stack, 1);

    for (QComboBox *box : {m_keyBox, m_groupBox, m_actionBox, m_periodBox})
        connect(box, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_settingFilters)
                applyFilters();
        });
    connect(refreshButton, &QPushButton::clicked, this, &AuditPage::refresh);
    connect(m_model, &AuditTableModel::loaded, this, &AuditPage::updateState);
    // The view asks for the next page when its scroll bar reaches the bottom; a read that was
    // running then (a refresh) made it wait, and a view already at the bottom does not ask
    // again: ask for it once the read is done.
    connect(m_model, &AuditTableModel::loaded, this, [this] {
        const QScrollBar *bar = m_table->verticalScrollBar();
        if (bar->maximum() > 0 && bar->value() == bar->maximum() && m_model->canFetchMore({}))
            m_model->fetchMore({});
    });
    if (m_context.storeWatcher)
        connect(m_context.storeWatcher, &StoreWatcher::storeChanged, this, &AuditPage::refresh);

    loadChoices();
    applyFilters();
}

void AuditPage::selectData(QComboBox *box, const QString &value) {
    int index = box->findData(value);
    if (index < 0) { // not loaded yet, or gone: shown by its uuid until the names arrive
        box->addItem(value, value);
        index = box->count() - 1;
    }
    box->setCurrentIndex(index);
}

void AuditPage::setKeyFilter(const QString &keyUuid) {
    selectData(m_keyBox, keyUuid);
}

void AuditPage::setGroupFilter(const QString &groupUuid) {
    selectData(m_groupBox, groupUuid);
}

void AuditPage::setActionFilter(const QString &action) {
    selectData(m_actionBox, action);
}

void AuditPage::setPeriod(Period period) {
    m_periodBox->setCurrentIndex(m_periodBox->findData(int(period)));
}

void AuditPage::showObject(const QString &objectType, const QString &uuid) {
    m_settingFilters = true;
    const bool isKey = objectType == QLatin1String("key");
    setKeyFilter(isKey ? uuid : QString());
    setGroupFilter(isKey ? QString() : uuid);
    setActionFilter(QString());
    setPeriod(Period::All);
    m_settingFilters = false;
    applyFilters();
}

bool AuditPage::isEmptyStateShown() const {
    return m_stack->currentWidget() == m_empty;
}

void AuditPage::applyFilters() {
    store::AuditQuery query;
    query.keyRef = m_keyBox->currentData().toString();
    query.groupRef = m_groupBox->currentData().toString();
    query.action = m_actionBox->currentData().toString();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    switch (Period(m_periodBox->currentData().toInt())) {
    case Period::LastHour:
        query.since = now.addSecs(-3600);
        break;
    case Period::LastDay:
        query.since = now.addDays(-1);
        break;
    case Period::LastWeek:
        query.since = now.addDays(-7);
        break;
    case Period::LastMonth:
        query.since = now.addDays(-30);
        break;
    case Period::All:
        break;
    }
    m_model->setQuery(query);
    updateState();
}

void AuditPage::refresh() {
    loadChoices();
    m_model->refresh();
}

void AuditPage::loadChoices() {
    runInBackground(
        this,
        [database = m_context.database, actor = m_context.actor] {
            Choices choices;
            if (const auto keys = store::KeyStore(*database, actor).listKeys()) {
                for (const store::ApiKeyRecord &key : *keys)
                    choices.keys.append({key.uuid, key.name});
            }
            if (const auto groups = store::GroupStore(*database, actor).listGroups()) {
                for (const store::GroupRecord &group : *groups)
                    choices.groups.append({group.uuid, group.name});
            }
            std::sort(choices.keys.begin(), choices.keys.end(),
                      [](const Choice &a, const Choice &b) {
                          return QString::localeAwareCompare(a.name, b.name) < 0;
                      });
            return choices;
        },
        [this, generation = ++m_choicesGeneration](const Choices &choices) {
            if (generation != m_choicesGeneration)
                return;
            // The selection stays as it is: refilling the boxes changes no filter.
            m_settingFilters = true;
            fillChoices(m_keyBox, choices.keys);
            fillChoices(m_groupBox, choices.groups);
            m_settingFilters = false;
        });
}

void AuditPage::updateState() {
    const int rows = m_model->rowCount();
    if (!m_model->errorText().isEmpty()) {
        m_empty->setText(tr("Could not read the audit trail: %1").arg(m_model->errorText()));
        m_stack->setCurrentWidget(m_empty);
    } else if (rows == 0 && !m_model->isLoading()) {
        const bool filtered = m_keyBox->currentIndex() > 0 || m_groupBox->currentIndex() > 0 ||
                              m_actionBox->currentIndex() > 0 ||
                              Period(m_periodBox->currentData().toInt()) != Period::All;
        m_empty->setText(filtered ? tr("No change matches these filters.")
                                  : tr("No changes yet. Creating, renaming or deleting a key or "
                                       "a group adds a line here."));
        m_stack->setCurrentWidget(m_empty);
    } else {
        m_stack->setCurrentWidget(m_table);
    }
    if (m_model->isLoading())
        m_state->setText(tr("Loading…"));
    else if (m_model->canFetchMore({}))
        m_state->setText(tr("Changes shown: %1 (scroll for more)").arg(QLocale().toString(rows)));
    else
        m_state->setText(tr("Changes shown: %1").arg(QLocale().toString(rows)));
}

} // namespace portico::ui
