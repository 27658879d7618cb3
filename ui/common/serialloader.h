#pragma once

#include "ui/common/backgroundquery.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <utility>

class QWidget;

namespace portico::ui {

// One load at a time for a page that reads the store in the background: a refresh asked for
// while a load runs is remembered and made once it ends, so a burst of store changes costs two
// loads instead of one each, and an older result never lands after a newer one.
//
// The page gives the loader a `start` function that reads its filters and calls run(); the page's
// refresh slot calls refresh(). Optionally the page is refreshed on a timer while it is visible
// (usage writes do not bump the store's change counter, so nothing else would tell).
class SerialLoader : public QObject {
    Q_OBJECT
public:
    SerialLoader(QWidget *page, std::function<void()> start);

    // Starts a load now, or once the running one has ended.
    void refresh();
    // From now on: `pageRefresh` (the page's refresh slot, which may know better than to load)
    // whenever the page is shown, and every `intervalMs` while it is visible.
    void refreshWhileVisible(int intervalMs, std::function<void()> pageRefresh);
    // What the running load was for has gone (another key, or none): its result is thrown away,
    // and a remembered refresh forgotten. The load still ends before another starts.
    void discardRunning();

    bool isLoading() const { return m_loading; }
    // A refresh is waiting for the running load: its result is about to be replaced.
    bool isRefreshPending() const { return m_refreshPending; }
    // Loads whose result was applied since the page was built (tests wait for it to move).
    int loadCount() const { return m_loadCount; }

    // Called by `start`: reads with `work` in a worker thread, then hands the result to `apply` in
    // the page's thread, unless discardRunning() was called in between.
    template <typename Work, typename Apply> void run(Work work, Apply apply) {
        runInBackground(this, std::move(work),
                        [this, generation = m_generation,
                         apply = std::move(apply)](const auto &result) mutable {
                            m_loading = false;
                            if (generation == m_generation) {
                                ++m_loadCount;
                                apply(result);
                            }
                            if (m_refreshPending)
                                refresh();
                        });
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QWidget *m_page;
    std::function<void()> m_start;
    std::function<void()> m_pageRefresh;
    QTimer m_timer;
    bool m_loading = false;
    bool m_refreshPending = false;
    int m_loadCount = 0;
    quint64 m_generation = 0;
};

} // namespace portico::ui
