#pragma once

#include "store/usagequery.h"
#include "ui/common/backgroundloadedwidget.h"

#include <QElapsedTimer>

class QChart;
class QGridLayout;
class QLabel;
class QStackedWidget;
class QTableWidget;

namespace portico::ui {

struct AppContext;
class PeriodSelector;

// Everything the dashboard shows for one period, read in a worker thread.
struct DashboardData {
    store::UsageAggregate totals;
    QList<store::UsageSeriesPoint> series;
    QList<store::UsageAggregate> topKeys;
    QList<store::UsageAggregate> topRoutes;
    QList<store::UsageStatusCount> statuses;
    // Active keys expiring within kExpirySoonDays (not yet expired); -1 when not counted.
    int keysExpiringSoon = 0;
    bool hourBuckets = true;
    QDateTime since;
    QDateTime until;
    QString error;
};

// The Dashboard page: totals for the chosen period, requests and cost over time, top keys by cost,
// top routes by requests and requests per status. Read from the roll-up in a worker thread, so
// the window stays responsive on a store of millions of rows; refreshed every 2 seconds while
// visible (usage writes do not bump the change counter) and on every store change.
class DashboardPage : public BackgroundLoadedWidget {
    Q_OBJECT
public:
    explicit DashboardPage(AppContext &context, QWidget *parent = nullptr);
    ~DashboardPage() override;

    PeriodSelector *periodSelector() const { return m_period; }
    // The figures shown, as of the last finished load.
    const DashboardData &data() const { return m_data; }

Q_SIGNALS:
    // "N keys expire within 7 days" was clicked.
    void showKeysRequested();

protected:
    void startLoad() override;

private:
    QWidget *buildTiles();
    QLabel *addTile(QGridLayout *grid, int column, const QString &title, const QString &objectName);
    void apply(const DashboardData &data);
    void updateTimeCharts();
    void updateStatusChart();
    static void fillTable(QTableWidget *table, const QList<store::UsageAggregate> &lines,
                          bool byKey);

    AppContext &m_context;
    PeriodSelector *m_period = nullptr;
    QLabel *m_state = nullptr;
    QWidget *m_expiring = nullptr;
    QLabel *m_expiringText = nullptr;
    QLabel *m_requests = nullptr;
    QLabel *m_errors = nullptr;
    QLabel *m_promptTokens = nullptr;
    QLabel *m_completionTokens = nullptr;
    QLabel *m_cost = nullptr;
    QChart *m_requestsChart = nullptr;
    QChart *m_costChart = nullptr;
    QChart *m_statusChart = nullptr;
    QTableWidget *m_topKeys = nullptr;
    QTableWidget *m_topRoutes = nullptr;

    DashboardData m_data;
    // The count of keys about to expire is read again after a store change or a minute.
    bool m_expiringStale = true;
    QElapsedTimer m_expiringCounted;
};

} // namespace portico::ui
