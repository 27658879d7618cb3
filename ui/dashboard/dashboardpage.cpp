#include "ui/dashboard/dashboardpage.h"

#include "store/database.h"
#include "store/keystore.h"
#include "store/usageaggregates.h"
#include "ui/appcontext.h"
#include "ui/common/heading.h"
#include "ui/common/usagetext.h"
#include "ui/dashboard/periodselector.h"
#include "ui/keys/expirytext.h"
#include "ui/storewatcher.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QFrame>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QScrollArea>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace portico::ui {

namespace {

constexpr int kTopCount = 10;
constexpr int kRefreshIntervalMs = 2000;

// From 0 to a round number above `highest`, with round ticks (1, 2, 2.5 or 5 times a power of
// ten), whole numbers only for counts: "0 20 40 60", not "0 15 30 45 59".
void setRoundRange(QValueAxis *axis, double highest, bool wholeNumbers) {
    if (highest <= 0) {
        axis->setRange(0, wholeNumbers ? 4.0 : 1.0);
        axis->setTickCount(5);
        return;
    }
    const double rough = highest / 4;
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    double step = magnitude;
    for (const double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        step = factor * magnitude;
        if (step >= rough)
            break;
    }
    if (wholeNumbers)
        step = std::max(1.0, std::ceil(step));
    const int intervals = int(std::floor(highest / step)) + 1; // headroom above the highest point
    axis->setRange(0, step * intervals);
    axis->setTickCount(intervals + 1);
}

QChart *makeChart(const QString &title) {
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->hide();
    chart->setMargins(QMargins(4, 4, 4, 4));
    return chart;
}

QChartView *makeChartView(QChart *chart, const QString &objectName, QWidget *parent) {
    auto *view = new QChartView(chart, parent);
    view->setObjectName(objectName);
    view->setRenderHint(QPainter::Antialiasing);
    // With the tables' 200, low enough for the whole page to fit a 1280x800 screen unscrolled.
    view->setMinimumHeight(200);
    return view;
}

// Counting the keys about to expire reads every key: done when the keys may have changed (a store
// change, or a minute passing), not on every 2-second refresh. -1: not counted this time.
int countKeysExpiringSoon(store::Database &database) {
    const store::KeyStore keys(database, QString());
    auto list = keys.listKeys();
    if (!list)
        return -1;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    return int(std::count_if(list->cbegin(), list->cend(), [&now](const auto &key) {
        return key.state == store::KeyState::Active &&
               expiryStatus(key.expiresAt, now) == ExpiryStatus::Soon;
    }));
}

DashboardData loadDashboard(const std::shared_ptr<store::Database> &database, QDateTime since,
                            QDateTime until, bool hourBuckets, bool countExpiring) {
    DashboardData data;
    data.since = since;
    data.until = until;
    data.hourBuckets = hourBuckets;
    // Keys about to stop working, whatever the period: the admin has a week to act.
    data.keysExpiringSoon = countExpiring ? countKeysExpiringSoon(*database) : -1;
    store::UsageQuery query;
    query.since = since;
    query.until = until;
    query.utcOffsetSeconds = QDateTime::currentDateTime().offsetFromUtc();
    const store::UsageAggregates aggregates(*database);
    auto totals = aggregates.totals(query);
    if (!totals) {
        data.error = totals.error().message;
        return data;
    }
    data.totals = totals.value();
    // A period from the start has no left end for empty buckets: start at the first request.
    store::UsageQuery seriesQuery = query;
    if (!seriesQuery.since.isValid()) {
        auto days = aggregates.aggregate(store::UsageGrouping::Day, query);
        if (days && !days->isEmpty())
            seriesQuery.since = days->first().bucketStart;
    }
    auto series = aggregates.series(seriesQuery, hourBuckets ? store::UsageGrouping::Hour
                                                             : store::UsageGrouping::Day);
    auto topKeys = aggregates.topKeysByCost(query, kTopCount);
    auto topRoutes = aggregates.topRoutesByRequests(query, kTopCount);
    auto statuses = aggregates.countsByStatus(query);
    if (!series || !topKeys || !topRoutes || !statuses) {
        data.error = !series      ? series.error().message
                     : !topKeys   ? topKeys.error().message
                     : !topRoutes ? topRoutes.error().message
                                  : statuses.error().message;
        return data;
    }
    data.series = series.value();
    data.topKeys = topKeys.value();
    data.topRoutes = topRoutes.value();
    data.statuses = statuses.value();
    return data;
}

} // namespace

DashboardPage::DashboardPage(AppContext &context, QWidget *parent)
    : BackgroundLoadedWidget(parent)
    , m_context(context) {
    m_period = new PeriodSelector(false, this);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("dashboardState"));

    auto *header = new QHBoxLayout;
    auto *title = new QLabel(tr("Dashboard"), this);
    makeHeading(title);
    header->addWidget(title);
    header->addStretch();
    header->addWidget(m_state);
    header->addWidget(m_period);

    m_expiring = new QWidget(this);
    m_expiring->setObjectName(QStringLiteral("expiringKeysNotice"));
    {
        auto *row = new QHBoxLayout(m_expiring);
        row->setContentsMargins(0, 0, 0, 0);
        auto *icon = new QLabel(m_expiring);
        const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
        icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(size));
        m_expiringText = new QLabel(m_expiring);
        m_expiringText->setObjectName(QStringLiteral("expiringKeysText"));
        m_expiringText->setTextFormat(Qt::RichText);
        m_expiringText->setTextInteractionFlags(Qt::LinksAccessibleByMouse |
                                                Qt::LinksAccessibleByKeyboard);
        connect(m_expiringText, &QLabel::linkActivated, this, &DashboardPage::showKeysRequested);
        row->addWidget(icon);
        row->addWidget(m_expiringText, 1);
    }
    m_expiring->hide();

    m_requestsChart = makeChart(tr("Requests over time"));
    m_costChart = makeChart(tr("Cost over time (USD)"));
    m_statusChart = makeChart(tr("Requests by status"));

    m_topKeys = new QTableWidget(0, 3, this);
    m_topKeys->setObjectName(QStringLiteral("topKeysTable"));
    m_topKeys->setHorizontalHeaderLabels({tr("Key"), tr("Cost (USD)"), tr("Requests")});
    m_topRoutes = new QTableWidget(0, 3, this);
    m_topRoutes->setObjectName(QStringLiteral("topRoutesTable"));
    m_topRoutes->setHorizontalHeaderLabels({tr("Route"), tr("Requests"), tr("Errors")});
    for (QTableWidget *table : {m_topKeys, m_topRoutes}) {
        table->setEditTriggers(QAbstractItemView::NoEditTriggers);
        table->setSelectionMode(QAbstractItemView::NoSelection);
        table->verticalHeader()->hide();
        table->setWordWrap(false);
        table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
        table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
        table->setMinimumHeight(200);
    }

    auto *content = new QWidget;
    auto *grid = new QGridLayout(content);
    grid->setContentsMargins(0, 0, 0, 0); // aligned with the title; the page has its margins
    grid->addWidget(buildTiles(), 0, 0, 1, 2);
    grid->addWidget(makeChartView(m_requestsChart, QStringLiteral("requestsChart"), content), 1, 0);
    grid->addWidget(makeChartView(m_costChart, QStringLiteral("costChart"), content), 1, 1);
    auto *topKeysBox = new QVBoxLayout;
    topKeysBox->addWidget(new QLabel(tr("Top keys by cost"), content));
    topKeysBox->addWidget(m_topKeys);
    auto *topRoutesBox = new QVBoxLayout;
    topRoutesBox->addWidget(new QLabel(tr("Top routes by requests"), content));
    topRoutesBox->addWidget(m_topRoutes);
    grid->addLayout(topKeysBox, 2, 0);
    grid->addLayout(topRoutesBox, 2, 1);
    grid->addWidget(makeChartView(m_statusChart, QStringLiteral("statusChart"), content), 3, 0, 1,
                    2);

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_expiring);
    layout->addWidget(scroll);

    refreshWhileVisible(kRefreshIntervalMs);
    connect(m_period, &PeriodSelector::periodChanged, this, &DashboardPage::refresh);
    if (m_context.storeWatcher) {
        connect(m_context.storeWatcher, &StoreWatcher::storeChanged, this, [this] {
            m_expiringStale = true;
            if (isVisible())
                refresh();
        });
    }
    apply(m_data);
    refresh();
}

DashboardPage::~DashboardPage() = default;

QWidget *DashboardPage::buildTiles() {
    auto *tiles = new QWidget;
    auto *grid = new QGridLayout(tiles);
    grid->setContentsMargins(0, 0, 0, 0);
    m_requests = addTile(grid, 0, tr("Requests"), QStringLiteral("requestsTile"));
    m_errors = addTile(grid, 1, tr("Errors"), QStringLiteral("errorsTile"));
    m_promptTokens = addTile(grid, 2, tr("Prompt tokens"), QStringLiteral("promptTokensTile"));
    m_completionTokens =
        addTile(grid, 3, tr("Completion tokens"), QStringLiteral("completionTokensTile"));
    m_cost = addTile(grid, 4, tr("Cost (USD)"), QStringLiteral("costTile"));
    return tiles;
}

QLabel *DashboardPage::addTile(QGridLayout *grid, int column, const QString &title,
                               const QString &objectName) {
    auto *frame = new QFrame;
    frame->setFrameShape(QFrame::StyledPanel);
    auto *box = new QVBoxLayout(frame);
    auto *caption = new QLabel(title, frame);
    auto *value = new QLabel(frame);
    value->setObjectName(objectName);
    QFont valueFont = value->font();
    valueFont.setPointSizeF(valueFont.pointSizeF() * 1.6);
    valueFont.setBold(true);
    value->setFont(valueFont);
    box->addWidget(caption);
    box->addWidget(value);
    grid->addWidget(frame, 0, column);
    return value;
}

void DashboardPage::startLoad() {
    if (loadCount() == 0)
        m_state->setText(tr("Loading…"));
    const bool countExpiring =
        m_expiringStale || !m_expiringCounted.isValid() || m_expiringCounted.hasExpired(60 * 1000);
    if (countExpiring) {
        m_expiringStale = false;
        m_expiringCounted.start();
    }
    load([database = m_context.database, since = m_period->since(), until = m_period->until(),
          hours = m_period->prefersHourBuckets(),
          countExpiring] { return loadDashboard(database, since, until, hours, countExpiring); },
         [this](DashboardData data) {
             if (data.keysExpiringSoon < 0)
                 data.keysExpiringSoon = m_data.keysExpiringSoon; // not counted: unchanged
             apply(data);
             Q_EMIT loaded();
         });
}

void DashboardPage::apply(const DashboardData &data) {
    m_data = data;
    const QLocale locale;
    if (!data.error.isEmpty())
        m_state->setText(tr("Could not read usage: %1").arg(data.error));
    else if (loadCount() > 0)
        m_state->clear();
    const auto &totals = data.totals;
    m_requests->setText(locale.toString(totals.requests));
    m_errors->setText(locale.toString(totals.errors));
    m_promptTokens->setText(locale.toString(totals.promptTokens));
    m_completionTokens->setText(locale.toString(totals.completionTokens));
    m_cost->setText(costText(totals.costUsd));
    if (data.keysExpiringSoon > 0) {
        const QString text = tr("%n key(s) expire within %1 days", nullptr, data.keysExpiringSoon)
                                 .arg(kExpirySoonDays);
        m_expiringText->setText(
            QStringLiteral("<a href=\"keys\">%1</a>").arg(text.toHtmlEscaped()));
        m_expiringText->setToolTip(tr("Show the Keys page: the Expires column flags them."));
    }
    m_expiring->setVisible(data.keysExpiringSoon > 0);
    updateTimeCharts();
    updateStatusChart();
    fillTable(m_topKeys, data.topKeys, true);
    fillTable(m_topRoutes, data.topRoutes, false);
}

void DashboardPage::updateTimeCharts() {
    const auto fill = [this](QChart *chart, auto valueOf) {
        chart->removeAllSeries();
        const auto axes = chart->axes();
        for (QAbstractAxis *axis : axes) {
            chart->removeAxis(axis);
            delete axis;
        }
        auto *series = new QLineSeries;
        double highest = 0;
        for (const auto &point : m_data.series) {
            const double value = valueOf(point);
            highest = std::max(highest, value);
            series->append(double(point.bucketStart.toMSecsSinceEpoch()), value);
        }
        chart->addSeries(series);
        auto *timeAxis = new QDateTimeAxis;
        timeAxis->setFormat(m_data.hourBuckets ? QStringLiteral("dd MMM HH:mm")
                                               : QStringLiteral("dd MMM"));
        // Six labels of "dd MMM HH:mm" do not fit side by side in a window 1280 wide; five
        // do, and fall on whole hours for a day.
        timeAxis->setTickCount(5);
        if (!m_data.series.isEmpty()) {
            timeAxis->setRange(m_data.series.first().bucketStart.toLocalTime(),
                               m_data.series.last().bucketStart.toLocalTime());
        }
        auto *valueAxis = new QValueAxis;
        setRoundRange(valueAxis, highest, chart != m_costChart);
        valueAxis->setLabelFormat(chart == m_costChart ? QStringLiteral("%.4f")
                                                       : QStringLiteral("%.0f"));
        chart->addAxis(timeAxis, Qt::AlignBottom);
        chart->addAxis(valueAxis, Qt::AlignLeft);
        series->attachAxis(timeAxis);
        series->attachAxis(valueAxis);
    };
    fill(m_requestsChart,
         [](const store::UsageSeriesPoint &point) { return double(point.requests); });
    fill(m_costChart, [](const store::UsageSeriesPoint &point) { return point.costUsd; });
}

void DashboardPage::updateStatusChart() {
    m_statusChart->removeAllSeries();
    const auto axes = m_statusChart->axes();
    for (QAbstractAxis *axis : axes) {
        m_statusChart->removeAxis(axis);
        delete axis;
    }
    auto *set = new QBarSet(tr("Requests"));
    QStringList categories;
    qint64 highest = 0;
    for (const auto &count : m_data.statuses) {
        *set << double(count.requests);
        categories << QString::number(count.status);
        highest = std::max(highest, count.requests);
    }
    auto *series = new QBarSeries;
    series->append(set);
    m_statusChart->addSeries(series);
    auto *categoryAxis = new QBarCategoryAxis;
    categoryAxis->append(categories);
    auto *valueAxis = new QValueAxis;
    setRoundRange(valueAxis, double(highest), true);
    valueAxis->setLabelFormat(QStringLiteral("%.0f"));
    m_statusChart->addAxis(categoryAxis, Qt::AlignBottom);
    m_statusChart->addAxis(valueAxis, Qt::AlignLeft);
    series->attachAxis(categoryAxis);
    series->attachAxis(valueAxis);
}

void DashboardPage::fillTable(QTableWidget *table, const QList<store::UsageAggregate> &lines,
                              bool byKey) {
    const QLocale locale;
    table->setRowCount(int(lines.size()));
    for (int row = 0; row < lines.size(); ++row) {
        const auto &line = lines.at(row);
        const QString name = byKey ? usageKeyText(line) : usageRouteText(line.route);
        const QStringList cells =
            byKey ? QStringList{name, costText(line.costUsd), locale.toString(line.requests)}
                  : QStringList{name, locale.toString(line.requests), locale.toString(line.errors)};
        for (int column = 0; column < cells.size(); ++column) {
            auto *item = new QTableWidgetItem(cells.at(column));
            if (column > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table->setItem(row, column, item);
        }
    }
}

} // namespace portico::ui
