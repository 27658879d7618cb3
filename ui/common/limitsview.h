#pragma once

#include "store/limitcounters.h"
#include "store/records.h"
#include "ui/common/backgroundloadedwidget.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace portico::ui {

struct AppContext;

// The limits of a key or a group with their live use, for the key detail panel and the Groups
// page: requests and tokens this minute (bars), the maximum of parallel requests (the limit
// alone: no count of requests in flight is stored), and the budget spent today or this month
// (a bar, "$1.23 of $5.00 this month, resets …"). The use is what the gateways saved in the store
// (LimitCounterStore, about once a second), read in a worker thread every 2 seconds while the
// view is visible. "Edit Limits…" is the owner's to answer (editRequested()), as keys and groups
// are saved by different stores.
class LimitsView : public BackgroundLoadedWidget {
    Q_OBJECT
public:
    explicit LimitsView(AppContext &context, QWidget *parent = nullptr);

    // Shows `limits` of `subject` (limitwindows::keySubject() or groupSubject()); an empty
    // subject shows nothing and stops loading.
    void setSubject(const QString &subject, const store::Limits &limits);
    QString subject() const { return m_subject; }
    const store::Limits &limits() const { return m_limits; }
    // The use shown, as of the last finished load.
    const store::LimitUse &use() const { return m_use; }

    // A sentence under the figures (the Groups page says a group's limits are shared).
    void setNote(const QString &note);

public Q_SLOTS:
    void refresh() override;

Q_SIGNALS:
    void editRequested();

protected:
    void startLoad() override;

private:
    struct Row {
        QProgressBar *bar = nullptr;
        QLabel *text = nullptr;
    };
    void display();
    static void setBar(QProgressBar *bar, double used, double limit);

    AppContext &m_context;
    QString m_subject;
    store::Limits m_limits;
    store::LimitUse m_use;
    QString m_error;
    Row m_requests;
    Row m_tokens;
    Row m_parallel;
    Row m_budget;
    QLabel *m_note = nullptr;
    QLabel *m_status = nullptr;
};

} // namespace portico::ui
