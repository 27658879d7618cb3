#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QStackedWidget;
class QTableView;

namespace portico::ui {

struct AppContext;
class AuditTableModel;

// The audit trail: every admin change to keys and groups, from the window or the command line,
// newest first, with who made it, from where, and the old and new values. Filtered by key, group,
// action and period; read a page at a time as the table scrolls, so it stays fluid over a
// million rows; follows store changes from any process.
class AuditPage : public QWidget {
    Q_OBJECT
public:
    enum class Period { LastHour, LastDay, LastWeek, LastMonth, All };

    explicit AuditPage(AppContext &context, QWidget *parent = nullptr);

    // Filters (also reachable through the widgets); empty: any.
    void setKeyFilter(const QString &keyUuid);
    void setGroupFilter(const QString &groupUuid);
    void setActionFilter(const QString &action); // "key.rename" or a prefix "key."
    void setPeriod(Period period);
    // "Show all in Audit" from a key's or group's History: that object alone, any action, any
    // time.
    void showObject(const QString &objectType, const QString &uuid);

    AuditTableModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }
    bool isEmptyStateShown() const;

public Q_SLOTS:
    // New rows on top, and the key and group choices again.
    void refresh();

private:
    void applyFilters();
    void loadChoices();
    void updateState();
    void selectData(QComboBox *box, const QString &value);

    AppContext &m_context;
    AuditTableModel *m_model = nullptr;
    QComboBox *m_keyBox = nullptr;
    QComboBox *m_groupBox = nullptr;
    QComboBox *m_actionBox = nullptr;
    QComboBox *m_periodBox = nullptr;
    QLabel *m_state = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_empty = nullptr;
    bool m_settingFilters = false;
    quint64 m_choicesGeneration = 0;
};

} // namespace portico::ui
