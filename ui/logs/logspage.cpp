#include "ui/logs/logspage.h"

#include "ui/common/recordtable.h"

#include "ui/appcontext.h"
#include "ui/logs/logsfilterproxymodel.h"
#include "ui/logs/logstablemodel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace portico::ui {

namespace {
using Level = metering::LogEntry::Level;

// How many entries of the start snapshot may come again through the queued signal: those logged
// between connecting and taking the snapshot.
constexpr qsizetype kSnapshotOverlap = 256;

bool sameEntry(const metering::LogEntry &a, const metering::LogEntry &b) {
    return a.time == b.time && a.level == b.level && a.requestId == b.requestId &&
           a.event == b.event && a.status == b.status && a.message == b.message &&
           a.keyName == b.keyName && a.route == b.route;
}
} // namespace

LogsPage::LogsPage(AppContext &ctx, QWidget *parent)
    : QWidget(parent)
    , m_context(ctx) {
    setObjectName(QStringLiteral("logsPage"));

    m_model = new LogsTableModel(10'000, this);
    m_proxy = new LogsFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);

    m_levelFilter = new QComboBox(this);
    m_levelFilter->setObjectName(QStringLiteral("logsLevelFilter"));
    m_levelFilter->addItem(tr("All"), int(Level::Debug));
    m_levelFilter->addItem(tr("Info and above"), int(Level::Info));
    m_levelFilter->addItem(tr("Warnings and errors"), int(Level::Warning));
    m_levelFilter->addItem(tr("Errors"), int(Level::Error));
    m_levelFilter->setToolTip(tr("Show only the entries at or above this level"));

    m_searchEdit = new QLineEdit(this);
    m_searchEdit->setObjectName(QStringLiteral("logsSearchEdit"));
    m_searchEdit->setPlaceholderText(tr("Filter by any column…"));
    m_searchEdit->setClearButtonEnabled(true);

    m_liveTailBox = new QCheckBox(tr("Live &tail"), this);
    m_liveTailBox->setObjectName(QStringLiteral("logsLiveTail"));
    m_liveTailBox->setToolTip(tr("Keep the newest entry in view as entries arrive"));
    m_liveTailBox->setChecked(true);

    m_clearButton = new QPushButton(tr("C&lear View"), this);
    m_clearButton->setObjectName(QStringLiteral("logsClearButton"));
    m_clearButton->setToolTip(
        tr("Remove the entries shown here; the gateway's log itself is kept"));

    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("logsCountLabel"));

    auto *levelLabel = new QLabel(tr("&Level:"), this);
    levelLabel->setBuddy(m_levelFilter);

    auto *bar = new QHBoxLayout;
    bar->addWidget(levelLabel);
    bar->addWidget(m_levelFilter);
    bar->addWidget(m_searchEdit, 1);
    bar->addWidget(m_liveTailBox);
    bar->addWidget(m_clearButton);

    m_table = makeRecordTable(QStringLiteral("logsTable"), m_proxy, this);
    setColumnWidthsInDigits(m_table, {{LogsTableModel::TimeColumn, 26},
                                      {LogsTableModel::LevelColumn, 12},
                                      {LogsTableModel::RequestColumn, 16},
                                      {LogsTableModel::KeyColumn, 18},
                                      {LogsTableModel::RouteColumn, 14},
                                      {LogsTableModel::StatusColumn, 8}});

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_countLabel);

    connect(m_levelFilter, &QComboBox::currentIndexChanged, this, &LogsPage::applyLevelFilter);
    connect(m_searchEdit, &QLineEdit::textChanged, m_proxy, &LogsFilterProxyModel::setSearchText);
    connect(m_liveTailBox, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            followTail();
    });
    connect(m_clearButton, &QPushButton::clicked, this, [this] {
        m_model->clear();
        m_snapshotTail.clear();
    });
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &LogsPage::followTail);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &LogsPage::followTail);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &LogsPage::followTail);
    for (const auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, &LogsPage::updateCounts);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &LogsPage::updateCounts);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &LogsPage::updateCounts);

    if (m_context.gatewayLog) {
        // Connect before the snapshot so nothing logged in between is lost; what comes twice is
        // dropped in receive().
        connect(m_context.gatewayLog.get(), &metering::GatewayLog::entryLogged, this,
                &LogsPage::receive, Qt::QueuedConnection);
        const QList<metering::LogEntry> entries = m_context.gatewayLog->entries();
        m_model->setEntries(entries);
        m_snapshotTail = entries.mid(std::max<qsizetype>(0, entries.size() - kSnapshotOverlap));
    }
    updateCounts();
}

LogsPage::~LogsPage() = default;

bool LogsPage::liveTail() const {
    return m_liveTailBox->isChecked();
}

void LogsPage::setLiveTail(bool on) {
    m_liveTailBox->setChecked(on);
}

void LogsPage::receive(const metering::LogEntry &entry) {
    if (!m_snapshotTail.isEmpty()) {
        // Entries arrive in the order they were logged: the first one not in the snapshot means
        // every later one is new too.
        for (qsizetype i = 0; i < m_snapshotTail.size(); ++i) {
            if (sameEntry(m_snapshotTail.at(i), entry)) {
                m_snapshotTail.remove(0, i + 1);
                return;
            }
        }
        m_snapshotTail.clear();
    }
    m_model->append(entry);
}

void LogsPage::applyLevelFilter() {
    m_proxy->setMinimumLevel(Level(m_levelFilter->currentData().toInt()));
}

void LogsPage::followTail() {
    if (m_liveTailBox->isChecked())
        m_table->scrollToBottom();
}

void LogsPage::updateCounts() {
    const int shown = m_proxy->rowCount();
    const int total = m_model->rowCount();
    if (shown == total)
        m_countLabel->setText(tr("%n entry(s)", nullptr, total));
    else
        m_countLabel->setText(tr("%1 of %n entry(s) shown", nullptr, total).arg(shown));
}

} // namespace portico::ui
