#pragma once

#include "ui/common/backgroundquery.h"

#include <QTimer>
#include <QWidget>

#include <utility>

namespace portico::ui {

// A widget whose figures are read from the store in the background, one load at a time: a
// refresh asked for while a load runs is remembered and made once it ends, so a burst of store
// changes costs two loads instead of one each, and an older result never lands after a newer one.
// The Dashboard, the Usage page and a key's usage summary are built on it.
//
// A subclass implements startLoad(), which reads its filters and calls load(); whoever wants
// fresh figures calls refresh().
class BackgroundLoadedWidget : public QWidget {
    Q_OBJECT
public:
    bool isLoading() const { return m_loading; }
    // Loads whose result was applied since the widget was built (tests wait for it to move).
    int loadCount() const { return m_loadCount; }

public Q_SLOTS:
    // Starts a load now, or once the running one has ended.
    virtual void refresh();

Q_SIGNALS:
    // A load's result is on screen.
    void loaded();

protected:
    explicit BackgroundLoadedWidget(QWidget *parent);

    // Starts one load with load(); called for each refresh that goes through.
    virtual void startLoad() = 0;

    // Reads with `work` in a worker thread, then hands the result to `apply` in this widget's
    // thread, unless discardRunning() was called in between.
    template <typename Work, typename Apply> void load(Work work, Apply apply) {
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

    // What the running load was for has gone (another key, or none): its result is thrown away
    // and a remembered refresh forgotten. The load still ends before another starts.
    void discardRunning();
    // A refresh waits for the running load: the result being applied is about to be replaced.
    bool isRefreshPending() const { return m_refreshPending; }
    // From now on: refresh() whenever the widget is shown, and every `intervalMs` while it is
    // visible (usage writes do not bump the store's change counter, so nothing else would tell).
    void refreshWhileVisible(int intervalMs);

    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QTimer m_visibleTimer;
    bool m_refreshWhileVisible = false;
    bool m_loading = false;
    bool m_refreshPending = false;
    int m_loadCount = 0;
    quint64 m_generation = 0;
};

} // namespace portico::ui
