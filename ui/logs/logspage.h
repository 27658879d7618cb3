#pragma once

#include "metering/gatewaylog.h"

#include <QList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace portico::ui {

struct AppContext;
class LogsFilterProxyModel;
class LogsTableModel;

// The embedded gateway's structured log: what it has kept at start, then every new entry as it
// is logged, filtered by level and text, optionally following the newest entry (live tail).
class LogsPage : public QWidget {
    Q_OBJECT
public:
    explicit LogsPage(AppContext &ctx, QWidget *parent = nullptr);
    ~LogsPage() override;

    LogsTableModel *model() const { return m_model; }
    LogsFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *tableView() const { return m_table; }
    bool liveTail() const;
    void setLiveTail(bool on);

private:
    void receive(const metering::LogEntry &entry);
    void applyLevelFilter();
    void followTail();
    void updateCounts();

    AppContext &m_context;
    LogsTableModel *m_model = nullptr;
    LogsFilterProxyModel *m_proxy = nullptr;
    QComboBox *m_levelFilter = nullptr;
    QLineEdit *m_searchEdit = nullptr;
    QCheckBox *m_liveTailBox = nullptr;
    QPushButton *m_clearButton = nullptr;
    QLabel *m_countLabel = nullptr;
    QTableView *m_table = nullptr;
    // The newest entries of the snapshot loaded at start: a queued entryLogged that was already in
    // the snapshot is dropped instead of shown twice.
    QList<metering::LogEntry> m_snapshotTail;
};

} // namespace portico::ui
