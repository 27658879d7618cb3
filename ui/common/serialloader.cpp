#include "ui/common/serialloader.h"

#include <QEvent>
#include <QWidget>

namespace portico::ui {

SerialLoader::SerialLoader(QWidget *page, std::function<void()> start)
    : QObject(page)
    , m_page(page)
    , m_start(std::move(start)) {
    connect(&m_timer, &QTimer::timeout, this, [this] { m_pageRefresh(); });
}

void SerialLoader::refresh() {
    if (m_loading) {
        m_refreshPending = true;
        return;
    }
    m_loading = true;
    m_refreshPending = false;
    m_start();
}

void SerialLoader::refreshWhileVisible(int intervalMs, std::function<void()> pageRefresh) {
    m_pageRefresh = std::move(pageRefresh);
    m_timer.setInterval(intervalMs);
    m_page->installEventFilter(this);
}

void SerialLoader::discardRunning() {
    ++m_generation;
    m_refreshPending = false;
}

bool SerialLoader::eventFilter(QObject *watched, QEvent *event) {
    if (watched == m_page) {
        if (event->type() == QEvent::Show) {
            m_timer.start();
            m_pageRefresh();
        } else if (event->type() == QEvent::Hide) {
            m_timer.stop();
        }
    }
    return QObject::eventFilter(watched, event);
}

} // namespace portico::ui
