#include "ui/common/backgroundloadedwidget.h"

namespace portico::ui {

BackgroundLoadedWidget::BackgroundLoadedWidget(QWidget *parent)
    : QWidget(parent) {
    connect(&m_visibleTimer, &QTimer::timeout, this, &BackgroundLoadedWidget::refresh);
}

void BackgroundLoadedWidget::refresh() {
    if (m_loading) {
        m_refreshPending = true;
        return;
    }
    m_loading = true;
    m_refreshPending = false;
    startLoad();
}

void BackgroundLoadedWidget::discardRunning() {
    ++m_generation;
    m_refreshPending = false;
}

void BackgroundLoadedWidget::refreshWhileVisible(int intervalMs) {
    m_refreshWhileVisible = true;
    m_visibleTimer.setInterval(intervalMs);
}

void BackgroundLoadedWidget::showEvent(QShowEvent *event) {
    QWidget::showEvent(event);
    if (m_refreshWhileVisible) {
        m_visibleTimer.start();
        refresh();
    }
}

void BackgroundLoadedWidget::hideEvent(QHideEvent *event) {
    QWidget::hideEvent(event);
    m_visibleTimer.stop();
}

} // namespace portico::ui
