#pragma once

#include "store/usagequery.h"
#include "ui/common/backgroundloadedwidget.h"

class QComboBox;
class QLabel;

namespace portico::ui {

struct AppContext;

// A key's usage at a glance, for the key detail panel: requests, tokens and cost over a chosen
// period, and when the key was last used. Read from the roll-up in a worker thread.
class KeyUsageSummary : public BackgroundLoadedWidget {
    Q_OBJECT
public:
    explicit KeyUsageSummary(AppContext &context, QWidget *parent = nullptr);

    QString keyUuid() const { return m_keyUuid; }
    void setKeyUuid(const QString &keyUuid);
    // The period, in days back from now (1, 7, 30); 0: all time.
    void setPeriodDays(int days);

    // Totals for the period; lastTime is the key's last request ever.
    const store::UsageAggregate &totals() const { return m_totals; }

public Q_SLOTS:
    // Without a key, shows nothing instead of loading.
    void refresh() override;

protected:
    void startLoad() override;

private:
    void display(const store::UsageAggregate &totals, const QString &error);

    AppContext &m_context;
    QString m_keyUuid;
    QComboBox *m_period = nullptr;
    QLabel *m_requests = nullptr;
    QLabel *m_tokens = nullptr;
    QLabel *m_cost = nullptr;
    QLabel *m_lastUsed = nullptr;
    store::UsageAggregate m_totals;
};

} // namespace portico::ui
