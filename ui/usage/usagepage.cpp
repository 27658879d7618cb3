#include "ui/usage/usagepage.h"

#include "config/configmanager.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "store/usageaggregates.h"
#include "store/usagecsv.h"
#include "store/usagestore.h"
#include "ui/appcontext.h"
#include "ui/common/backgroundquery.h"
#include "ui/common/usagetext.h"
#include "ui/dashboard/periodselector.h"
#include "ui/storewatcher.h"

#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressDialog>
#include <QPushButton>
#include <QSaveFile>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace portico::ui {

namespace {

constexpr int kDrillPageSize = 200;
constexpr int kUuidRole = Qt::UserRole + 1;
constexpr int kSortRole = Qt::UserRole + 2;

// Sorts numbers as numbers, whatever the text shown.
class SortableItem : public QTableWidgetItem {
public:
    SortableItem(const QString &text, const QVariant &sortValue)
        : QTableWidgetItem(text) {
        setData(kSortRole, sortValue);
        if (sortValue.typeId() != QMetaType::QString)
            setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    }
    bool operator<(const QTableWidgetItem &other) const override {
        const QVariant mine = data(kSortRole);
        const QVariant theirs = other.data(kSortRole);
        if (mine.typeId() == QMetaType::QString || theirs.typeId() == QMetaType::QString)
            return QString::localeAwareCompare(text(), other.text()) < 0;
        return mine.toDouble() < theirs.toDouble();
    }
};

struct ExportProgress {
    std::atomic<qint64> done{0};
    std::atomic<qint64> total{0};
    std::atomic<bool> cancelled{false};
};

struct ExportOutcome {
    bool ok = false;
    bool cancelled = false;
    qint64 rows = 0;
    QString error;
};

} // namespace

// What one load of the aggregates brings back.
struct UsagePage::Loaded {
    QList<store::UsageAggregate> lines;
    store::UsageGrouping grouping = store::UsageGrouping::Key;
    QList<store::UsageAggregate> keyChoices;   // every key seen, deleted ones included
    QList<store::UsageAggregate> routeChoices; // every route seen
    QList<store::GroupRecord> groups;
    QString error;
};

UsagePage::UsagePage(AppContext &context, QWidget *parent)
    : BackgroundLoadedWidget(parent)
    , m_context(context) {
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(buildAggregatesView());
    m_stack->addWidget(buildDrillDownView());

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(buildFilters());
    layout->addWidget(m_stack);

    if (m_context.storeWatcher)
        connect(m_context.storeWatcher, &StoreWatcher::storeChanged, this, &UsagePage::refresh);
    refresh();
}

UsagePage::~UsagePage() = default;

QWidget *UsagePage::buildFilters() {
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);

    m_groupingBox = new QComboBox(bar);
    m_groupingBox->setObjectName(QStringLiteral("usageGrouping"));
    m_groupingBox->addItem(tr("By key"), int(store::UsageGrouping::Key));
    m_groupingBox->addItem(tr("By route"), int(store::UsageGrouping::Route));

    m_keyBox = new QComboBox(bar);
    m_keyBox->setObjectName(QStringLiteral("usageKeyFilter"));
    m_keyBox->addItem(tr("All keys"), QString());
    m_groupBox = new QComboBox(bar);
    m_groupBox->setObjectName(QStringLiteral("usageGroupFilter"));
    m_groupBox->addItem(tr("All groups"), QString());
    m_routeBox = new QComboBox(bar);
    m_routeBox->setObjectName(QStringLiteral("usageRouteFilter"));
    m_routeBox->addItem(tr("All routes"), QString());
    for (QComboBox *box : {m_keyBox, m_groupBox, m_routeBox})
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);

    m_statusBox = new QComboBox(bar);
    m_statusBox->setObjectName(QStringLiteral("usageStatusFilter"));
    m_statusBox->addItem(tr("All statuses"), int(Status::All));
    m_statusBox->addItem(tr("Successes"), int(Status::Success));
    m_statusBox->addItem(tr("Errors"), int(Status::Errors));

    m_period = new PeriodSelector(true, bar);
    m_period->setPreset(PeriodSelector::Last30Days);

    auto *refreshButton = new QPushButton(tr("Refresh"), bar);
    m_exportButton = new QPushButton(tr("Export CSV…"), bar);
    m_exportButton->setObjectName(QStringLiteral("usageExport"));
    m_state = new QLabel(bar);
    m_state->setObjectName(QStringLiteral("usageState"));

    row->addWidget(m_groupingBox);
    row->addWidget(m_keyBox);
    row->addWidget(m_groupBox);
    row->addWidget(m_routeBox);
    row->addWidget(m_statusBox);
    row->addWidget(m_period);
    row->addStretch();
    row->addWidget(m_state);
    row->addWidget(refreshButton);
    row->addWidget(m_exportButton);

    for (QComboBox *box : {m_groupingBox, m_keyBox, m_groupBox, m_routeBox, m_statusBox})
        connect(box, &QComboBox::currentIndexChanged, this, &UsagePage::refresh);
    connect(m_period, &PeriodSelector::periodChanged, this, &UsagePage::refresh);
    connect(refreshButton, &QPushButton::clicked, this, &UsagePage::refresh);
    connect(m_exportButton, &QPushButton::clicked, this, &UsagePage::exportCsv);
    return bar;
}

QWidget *UsagePage::buildAggregatesView() {
    m_table = new QTableWidget(0, 9, this);
    m_table->setObjectName(QStringLiteral("usageAggregates"));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->setSortingEnabled(true);
    // Most requests first, as the store orders them.
    m_table->sortByColumn(1, Qt::DescendingOrder);
    m_table->setToolTip(tr("Double-click a key to see its requests."));
    connect(m_table, &QTableWidget::cellDoubleClicked, this,
            [this](int row, int) { rowActivated(row); });
    return m_table;
}

QWidget *UsagePage::buildDrillDownView() {
    auto *view = new QWidget(this);
    auto *back = new QPushButton(tr("← Back to totals"), view);
    back->setObjectName(QStringLiteral("usageDrillBack"));
    m_drillTitle = new QLabel(view);
    m_drillCount = new QLabel(view);
    m_drillRetention = new QLabel(view);
    m_drillRetention->setObjectName(QStringLiteral("usageRetentionNote"));
    m_drillRetention->setWordWrap(true);
    m_drillRetention->hide();
    m_drillTable = new QTableWidget(0, 11, view);
    m_drillTable->setObjectName(QStringLiteral("usageRequests"));
    m_drillTable->setHorizontalHeaderLabels({tr("Time"), tr("Request ID"), tr("Route"), tr("Model"),
                                             tr("Status"), tr("Stream"), tr("Prompt tokens"),
                                             tr("Completion tokens"), tr("Cost (USD)"),
                                             tr("Latency (ms)"), tr("Error")});
    m_drillTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_drillTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_drillTable->verticalHeader()->hide();
    m_drillTable->setWordWrap(false);
    m_drillTable->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // A request id in full (36 characters) pushes the error column out of a window 1280 wide;
    // its two ends are enough to find it on the Logs page, and the column can be widened.
    m_drillTable->setTextElideMode(Qt::ElideMiddle);
    m_drillTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Interactive);
    const int requestIdWidth =
        m_drillTable->fontMetrics().horizontalAdvance(QStringLiteral("req_012345…0123456"));
    m_drillTable->horizontalHeader()->resizeSection(1, requestIdWidth);
    m_drillTable->horizontalHeader()->setStretchLastSection(true);
    m_loadMore = new QPushButton(tr("Load more"), view);
    m_loadMore->setObjectName(QStringLiteral("usageLoadMore"));

    auto *top = new QHBoxLayout;
    top->addWidget(back);
    top->addWidget(m_drillTitle, 1);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_drillCount, 1);
    bottom->addWidget(m_loadMore);
    auto *layout = new QVBoxLayout(view);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_drillRetention);
    layout->addWidget(m_drillTable);
    layout->addLayout(bottom);

    connect(back, &QPushButton::clicked, this, &UsagePage::closeDrillDown);
    connect(m_loadMore, &QPushButton::clicked, this, &UsagePage::loadMore);
    return view;
}

void UsagePage::setGrouping(store::UsageGrouping grouping) {
    m_groupingBox->setCurrentIndex(m_groupingBox->findData(int(grouping)));
}

store::UsageGrouping UsagePage::grouping() const {
    return static_cast<store::UsageGrouping>(m_groupingBox->currentData().toInt());
}

namespace {
// Selects the entry carrying `value`, adding it (labelled with the value) if the list lacks it.
void selectValue(QComboBox *box, const QString &value) {
    int index = box->findData(value);
    if (index < 0) {
        box->addItem(value, value);
        index = box->count() - 1;
    }
    box->setCurrentIndex(index);
}
} // namespace

void UsagePage::setKeyFilter(const QString &keyUuid) {
    selectValue(m_keyBox, keyUuid);
}
void UsagePage::setGroupFilter(const QString &groupUuid) {
    selectValue(m_groupBox, groupUuid);
}
void UsagePage::setRouteFilter(const QString &route) {
    selectValue(m_routeBox, route);
}

void UsagePage::setStatusFilter(Status status) {
    m_statusBox->setCurrentIndex(m_statusBox->findData(int(status)));
}

store::UsageQuery UsagePage::currentQuery() const {
    store::UsageQuery query;
    query.since = m_period->since();
    query.until = m_period->until();
    const QString key = m_keyBox->currentData().toString();
    if (m_keyBox->currentIndex() > 0)
        query.keyUuids = QStringList{key};
    query.group = m_groupBox->currentData().toString();
    query.route = m_routeBox->currentData().toString();
    switch (static_cast<Status>(m_statusBox->currentData().toInt())) {
    case Status::All:
        break;
    case Status::Success:
        query.statusTo = 399;
        break;
    case Status::Errors:
        query.statusFrom = 400;
        break;
    }
    query.utcOffsetSeconds = QDateTime::currentDateTime().offsetFromUtc();
    return query;
}

QString UsagePage::filterSignature() const {
    const store::UsageQuery query = currentQuery();
    QStringList parts = {query.group, query.route, QString::number(query.statusFrom),
                         QString::number(query.statusTo), QString::number(int(m_period->preset()))};
    if (m_period->preset() == PeriodSelector::Custom)
        parts << query.since.toString(Qt::ISODate) << query.until.toString(Qt::ISODate);
    return parts.join(QLatin1Char('\n'));
}

void UsagePage::startLoad() {
    m_state->setText(tr("Loading…"));
    load(
        [database = m_context.database, query = currentQuery(), grouping = grouping(),
         actor = m_context.actor] {
            Loaded loaded;
            loaded.grouping = grouping;
            const store::UsageAggregates aggregates(*database);
            auto lines = aggregates.aggregate(grouping, query);
            auto keys = aggregates.aggregate(store::UsageGrouping::Key, {});
            auto routes = aggregates.aggregate(store::UsageGrouping::Route, {});
            auto groups = store::GroupStore(*database, actor).listGroups();
            if (!lines || !keys || !routes || !groups) {
                loaded.error = !lines    ? lines.error().message
                               : !keys   ? keys.error().message
                               : !routes ? routes.error().message
                                         : groups.error().message;
                return loaded;
            }
            loaded.lines = std::move(lines).value();
            loaded.keyChoices = std::move(keys).value();
            loaded.routeChoices = std::move(routes).value();
            loaded.groups = std::move(groups).value();
            return loaded;
        },
        [this](const Loaded &result) {
            applyAggregates(result);
            if (isRefreshPending())
                return; // newer filters are on their way
            // The loaded pages stay unless the filters changed under them.
            if (isDrillDownShown() && filterSignature() != m_drillSignature)
                loadDrillPage(true);
            Q_EMIT loaded();
        });
}

void UsagePage::applyAggregates(const Loaded &loaded) {
    if (!loaded.error.isEmpty()) {
        m_state->setText(tr("Could not read usage: %1").arg(loaded.error));
        return;
    }
    m_state->clear();
    m_aggregates = loaded.lines;
    m_shownGrouping = loaded.grouping;
    fillFilterChoices(loaded);
    fillAggregatesTable();
}

void UsagePage::fillFilterChoices(const Loaded &loaded) {
    const auto refill = [](QComboBox *box, const QList<QPair<QString, QString>> &choices) {
        const QSignalBlocker blocker(box);
        const QString current = box->currentData().toString();
        const bool any = box->currentIndex() <= 0;
        while (box->count() > 1)
            box->removeItem(1);
        for (const auto &[label, value] : choices)
            box->addItem(label, value);
        if (any) {
            box->setCurrentIndex(0);
        } else {
            // From 1: the "all" entry and the requests-without-key entry both carry "".
            int index = -1;
            for (int i = 1; i < box->count() && index < 0; ++i) {
                if (box->itemData(i).toString() == current)
                    index = i;
            }
            if (index > 0) {
                box->setCurrentIndex(index);
            } else {
                box->addItem(current, current);
                box->setCurrentIndex(box->count() - 1);
            }
        }
    };
    QList<QPair<QString, QString>> keys;
    for (const auto &line : loaded.keyChoices)
        keys.append({usageKeyText(line), line.keyUuid});
    QList<QPair<QString, QString>> groups;
    for (const auto &group : loaded.groups)
        groups.append({group.name, group.uuid});
    QList<QPair<QString, QString>> routes;
    for (const auto &line : loaded.routeChoices) {
        if (!line.route.isEmpty())
            routes.append({line.route, line.route});
    }
    refill(m_keyBox, keys);
    refill(m_groupBox, groups);
    refill(m_routeBox, routes);
}

void UsagePage::fillAggregatesTable() {
    const bool byKey = m_shownGrouping == store::UsageGrouping::Key;
    const QLocale locale;
    m_table->setSortingEnabled(false);
    m_table->clearContents();
    m_table->setHorizontalHeaderLabels({byKey ? tr("Key") : tr("Route"), tr("Requests"),
                                        tr("Errors"), tr("Prompt tokens"), tr("Completion tokens"),
                                        tr("Cost (USD)"), tr("Avg latency (ms)"),
                                        tr("p95 latency (ms)"), tr("Last request")});
    m_table->setRowCount(int(m_aggregates.size()));
    for (int row = 0; row < m_aggregates.size(); ++row) {
        const auto &line = m_aggregates.at(row);
        const QString name = byKey ? usageKeyText(line) : usageRouteText(line.route);
        auto *nameItem = new SortableItem(name, name);
        nameItem->setData(kUuidRole, byKey ? line.keyUuid : line.route);
        if (line.deleted)
            nameItem->setToolTip(tr("This key was deleted; its history is kept."));
        m_table->setItem(row, 0, nameItem);
        const auto number = [&locale](qint64 value) {
            return new SortableItem(locale.toString(value), value);
        };
        m_table->setItem(row, 1, number(line.requests));
        m_table->setItem(row, 2, number(line.errors));
        m_table->setItem(row, 3, number(line.promptTokens));
        m_table->setItem(row, 4, number(line.completionTokens));
        m_table->setItem(row, 5, new SortableItem(costText(line.costUsd), line.costUsd));
        m_table->setItem(
            row, 6,
            new SortableItem(locale.toString(line.avgLatencyMs, 'f', 0), line.avgLatencyMs));
        m_table->setItem(row, 7, number(line.p95LatencyMs));
        const QString last = line.lastTime.isValid() ? locale.toString(line.lastTime.toLocalTime(),
                                                                       QLocale::ShortFormat)
                                                     : QString();
        m_table->setItem(
            row, 8,
            new SortableItem(
                last, double(line.lastTime.isValid() ? line.lastTime.toMSecsSinceEpoch() : 0)));
    }
    m_table->setSortingEnabled(true);
}

void UsagePage::rowActivated(int row) {
    if (m_shownGrouping != store::UsageGrouping::Key)
        return;
    const QTableWidgetItem *item = m_table->item(row, 0);
    if (!item)
        return;
    showKeyRequests(item->data(kUuidRole).toString(), item->text());
}

void UsagePage::showKeyRequests(const QString &keyUuid, const QString &title) {
    m_drillKeyUuid = keyUuid;
    m_drillTitle->setText(tr("Requests of %1").arg(title));
    // The totals outlive the rows: say so, or the two views seem to disagree.
    const int retentionDays =
        m_context.config ? m_context.config->current()->usage.rawRetentionDays : 0;
    m_drillRetention->setVisible(retentionDays > 0);
    if (retentionDays > 0) {
        m_drillRetention->setText(
            tr("Requests older than %n day(s) are deleted (usage.raw_retention_days in "
               "config.yaml); the totals still count them.",
               nullptr, retentionDays));
    }
    m_stack->setCurrentIndex(1);
    loadDrillPage(true);
}

void UsagePage::closeDrillDown() {
    ++m_drillGeneration;
    m_drillLoading = false;
    m_stack->setCurrentIndex(0);
}

bool UsagePage::isDrillDownShown() const {
    return m_stack->currentIndex() == 1;
}

bool UsagePage::canLoadMore() const {
    return !m_drillLoading && m_drillTotal >= 0 && m_drillRows.size() < m_drillTotal;
}

void UsagePage::loadMore() {
    if (canLoadMore())
        loadDrillPage(false);
}

namespace {
struct DrillPage {
    QList<store::UsageRecord> rows;
    qint64 total = -1;
    QString error;
};
} // namespace

void UsagePage::loadDrillPage(bool reset) {
    if (reset) {
        m_drillQuery = currentQuery();
        m_drillQuery.keyUuids = QStringList{m_drillKeyUuid};
        m_drillSignature = filterSignature();
        m_drillRows.clear();
        m_drillTable->setRowCount(0);
        m_drillTotal = -1;
    }
    const quint64 generation = ++m_drillGeneration;
    m_drillLoading = true;
    updateDrillState();
    runInBackground(
        this,
        [database = m_context.database, query = m_drillQuery, offset = qint64(m_drillRows.size()),
         reset] {
            DrillPage page;
            const store::UsageStore usage(*database);
            auto rows = usage.page(query, offset, kDrillPageSize);
            if (!rows) {
                page.error = rows.error().message;
                return page;
            }
            page.rows = std::move(rows).value();
            if (reset) {
                auto total = usage.count(query);
                if (!total) {
                    page.error = total.error().message;
                    return page;
                }
                page.total = total.value();
            }
            return page;
        },
        [this, generation](const DrillPage &page) {
            if (generation != m_drillGeneration)
                return;
            m_drillLoading = false;
            if (!page.error.isEmpty()) {
                m_drillCount->setText(tr("Could not read usage: %1").arg(page.error));
                return;
            }
            if (page.total >= 0)
                m_drillTotal = page.total;
            appendDrillRows(page.rows);
            updateDrillState();
            Q_EMIT drillDownLoaded();
        });
}

void UsagePage::appendDrillRows(const QList<store::UsageRecord> &rows) {
    const QLocale locale;
    int row = m_drillTable->rowCount();
    m_drillTable->setRowCount(row + int(rows.size()));
    for (const auto &record : rows) {
        m_drillRows.append(record);
        const QStringList cells = {
            locale.toString(record.time.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")),
            record.requestId,
            record.route,
            record.modelId,
            QString::number(record.status),
            record.stream ? tr("yes") : tr("no"),
            locale.toString(record.promptTokens),
            locale.toString(record.completionTokens),
            costText(record.costUsd),
            locale.toString(record.latencyMs),
            record.errorCode};
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            if (column >= 4 && column <= 9 && column != 5)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_drillTable->setItem(row, column, item);
        }
        ++row;
    }
}

void UsagePage::updateDrillState() {
    if (m_drillLoading && m_drillTotal < 0)
        m_drillCount->setText(tr("Loading…"));
    else
        m_drillCount->setText(tr("%1 of %2 requests")
                                  .arg(QLocale().toString(qint64(m_drillRows.size())),
                                       QLocale().toString(qMax<qint64>(m_drillTotal, 0))));
    m_loadMore->setEnabled(canLoadMore());
}

void UsagePage::exportCsv() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export usage"), QStringLiteral("usage.csv"), tr("CSV files (*.csv)"));
    if (!path.isEmpty())
        exportToFile(path);
}

void UsagePage::exportToFile(const QString &path) {
    if (m_exporting)
        return;
    if (isDrillDownShown())
        exportRecords(path);
    else
        exportAggregates(path);
}

void UsagePage::exportAggregates(const QString &path) {
    // A line per key or route: small enough to write at once. The columns are those of
    // `portico-gateway usage --by key|route --csv`.
    QSaveFile file(path);
    bool ok = file.open(QIODevice::WriteOnly);
    if (ok) {
        store::UsageCsvWriter csv(file);
        ok = csv.add(store::usagecsv::aggregateHeader(m_shownGrouping));
        const auto columns = store::usagecsv::aggregateColumns(m_shownGrouping);
        for (const auto &line : std::as_const(m_aggregates))
            ok = csv.add(store::usagecsv::aggregateFields(columns, line)) && ok;
        ok = csv.flush() && ok && file.commit();
    }
    const QString message = ok ? tr("Exported %n line(s).", nullptr, int(m_aggregates.size()))
                               : tr("Could not write %1: %2").arg(path, file.errorString());
    Q_EMIT statusMessage(message);
    Q_EMIT exportFinished(ok, message);
}

void UsagePage::exportRecords(const QString &path) {
    m_exporting = true;
    m_exportButton->setEnabled(false);
    auto progress = std::make_shared<ExportProgress>();
    auto *dialog = new QProgressDialog(tr("Exporting requests…"), tr("Cancel"), 0, 0, this);
    dialog->setObjectName(QStringLiteral("usageExportProgress"));
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setMinimumDuration(400);
    dialog->setAutoClose(false);
    dialog->setAutoReset(false);
    connect(dialog, &QProgressDialog::canceled, this, [progress] { progress->cancelled = true; });
    auto *ticker = new QTimer(dialog);
    ticker->setInterval(100);
    connect(ticker, &QTimer::timeout, dialog, [dialog, progress] {
        const qint64 total = progress->total.load();
        if (total <= 0)
            return;
        // QProgressDialog counts in int: scale to per mille.
        dialog->setMaximum(1000);
        dialog->setValue(int(progress->done.load() * 1000 / total));
    });
    ticker->start();
    dialog->setValue(0);

    runInBackground(
        this,
        [database = m_context.database, query = m_drillQuery, path, progress] {
            ExportOutcome outcome;
            const store::UsageStore usage(*database);
            auto total = usage.count(query);
            if (!total) {
                outcome.error = total.error().message;
                return outcome;
            }
            progress->total = total.value();
            QSaveFile file(path);
            if (!file.open(QIODevice::WriteOnly)) {
                outcome.error = file.errorString();
                return outcome;
            }
            store::UsageCsvWriter csv(file);
            bool writeFailed = !csv.add(store::usagecsv::rowHeader());
            const auto visited = usage.forEach(query, [&](const store::UsageRecord &record) {
                if (progress->cancelled.load() || writeFailed)
                    return false;
                writeFailed = !csv.add(store::usagecsv::rowFields(record));
                ++outcome.rows;
                progress->done = outcome.rows;
                return !writeFailed;
            });
            writeFailed = !csv.flush() || writeFailed;
            if (progress->cancelled.load()) {
                file.cancelWriting();
                outcome.cancelled = true;
                return outcome;
            }
            if (!visited) {
                outcome.error = visited.error().message;
                return outcome;
            }
            if (writeFailed || !file.commit()) {
                outcome.error = file.errorString();
                return outcome;
            }
            outcome.ok = true;
            return outcome;
        },
        [this, dialog, path](const ExportOutcome &outcome) {
            dialog->deleteLater();
            m_exporting = false;
            m_exportButton->setEnabled(true);
            QString message;
            if (outcome.ok)
                message = tr("Exported %n request(s).", nullptr, int(outcome.rows));
            else if (outcome.cancelled)
                message = tr("Export cancelled.");
            else
                message = tr("Could not write %1: %2").arg(path, outcome.error);
            Q_EMIT statusMessage(message);
            Q_EMIT exportFinished(outcome.ok, message);
        });
}

} // namespace portico::ui
