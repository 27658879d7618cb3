#pragma once

#include "store/records.h"
#include "store/usagequery.h"
#include "ui/common/backgroundloadedwidget.h"

#include <atomic>
#include <memory>

class QComboBox;
class QLabel;
class QProgressDialog;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace portico::ui {

struct AppContext;
class PeriodSelector;

// The Usage page: aggregates per key or per route (requests, tokens, cost, average and p95
// latency, errors) filtered by key, group, route, status and period; double-clicking a key shows
// its individual requests, newest first, a page at a time. Deleted keys keep their name with a
// "(deleted)" mark. The current view exports to CSV. Every query runs in a worker thread.
class UsagePage : public BackgroundLoadedWidget {
    Q_OBJECT
public:
    enum class Status { All, Success, Errors };

    explicit UsagePage(AppContext &context, QWidget *parent = nullptr);
    ~UsagePage() override;

    // Filters and grouping (also reachable through the widgets).
    void setGrouping(store::UsageGrouping grouping); // Key or Route
    store::UsageGrouping grouping() const;
    void setKeyFilter(const QString &keyUuid);     // empty: any key
    void setGroupFilter(const QString &groupUuid); // empty: any group
    void setRouteFilter(const QString &route);     // empty: any route
    void setStatusFilter(Status status);
    PeriodSelector *periodSelector() const { return m_period; }

    // The query the current filters make (period as of now).
    store::UsageQuery currentQuery() const;

    const QList<store::UsageAggregate> &aggregates() const { return m_aggregates; }
    QTableWidget *aggregatesTable() const { return m_table; }

    // Drill-down into one key's requests ("" for requests without a key).
    void showKeyRequests(const QString &keyUuid, const QString &title);
    void closeDrillDown();
    bool isDrillDownShown() const;
    QString drillDownKeyUuid() const { return m_drillKeyUuid; }
    const QList<store::UsageRecord> &drillDownRows() const { return m_drillRows; }
    QTableWidget *drillDownTable() const { return m_drillTable; }
    bool canLoadMore() const;
    bool isExporting() const { return m_exporting; }

public Q_SLOTS:
    void loadMore();
    // Writes the current view (aggregates, or every request of the drilled-down key) to `path`;
    // a large export runs in a worker with a cancellable progress dialog. exportFinished() tells
    // how it went.
    void exportToFile(const QString &path);
    void exportCsv(); // asks for the file, then exportToFile()

Q_SIGNALS:
    void drillDownLoaded();
    void exportFinished(bool ok, const QString &message);
    void statusMessage(const QString &message);

protected:
    void startLoad() override;

private:
    struct Loaded;
    QWidget *buildFilters();
    QWidget *buildAggregatesView();
    QWidget *buildDrillDownView();
    void applyAggregates(const Loaded &loaded);
    void fillFilterChoices(const Loaded &loaded);
    void fillAggregatesTable();
    void appendDrillRows(const QList<store::UsageRecord> &rows);
    void loadDrillPage(bool reset);
    void rowActivated(int row);
    void exportAggregates(const QString &path);
    void exportRecords(const QString &path);
    void updateDrillState();
    // The filters that decide which requests the drill-down shows (not the moving "now").
    QString filterSignature() const;

    AppContext &m_context;
    PeriodSelector *m_period = nullptr;
    QComboBox *m_groupingBox = nullptr;
    QComboBox *m_keyBox = nullptr;
    QComboBox *m_groupBox = nullptr;
    QComboBox *m_routeBox = nullptr;
    QComboBox *m_statusBox = nullptr;
    QLabel *m_state = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTableWidget *m_table = nullptr;
    QLabel *m_drillTitle = nullptr;
    QLabel *m_drillCount = nullptr;
    QLabel *m_drillRetention = nullptr;
    QTableWidget *m_drillTable = nullptr;
    QPushButton *m_loadMore = nullptr;
    QPushButton *m_exportButton = nullptr;

    QList<store::UsageAggregate> m_aggregates;
    store::UsageGrouping m_shownGrouping = store::UsageGrouping::Key;

    QString m_drillKeyUuid;
    store::UsageQuery m_drillQuery;
    QString m_drillSignature;
    QList<store::UsageRecord> m_drillRows;
    qint64 m_drillTotal = -1;
    bool m_drillLoading = false;
    quint64 m_drillGeneration = 0;

    bool m_exporting = false;
};

} // namespace portico::ui
