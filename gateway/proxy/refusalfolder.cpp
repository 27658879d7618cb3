#include "proxy/refusalfolder.h"

#include <QDateTime>
#include <QMutexLocker>
#include <QStringList>

namespace portico::proxy {

bool RefusalFolder::admit(const QHostAddress &address, int status, qint64 nowMs) {
    if (m_recordedPerMinute <= 0)
        return true;
    QMutexLocker locker(&m_mutex);
    roll(nowMs);
    auto it = m_slots.find(address);
    if (it == m_slots.end()) {
        if (m_slots.size() >= m_maxAddresses) {
            ++m_others.folded;
            ++m_others.byStatus[status];
            return false;
        }
        it = m_slots.insert(address, Slot{});
    }
    if (it->recorded < m_recordedPerMinute) {
        ++it->recorded;
        return true;
    }
    ++it->folded;
    ++it->byStatus[status];
    return false;
}

QList<RefusalFolder::Folded> RefusalFolder::takeEnded(qint64 nowMs) {
    QMutexLocker locker(&m_mutex);
    roll(nowMs);
    return std::exchange(m_ended, {});
}

QList<RefusalFolder::Folded> RefusalFolder::takeAll() {
    QMutexLocker locker(&m_mutex);
    closeWindow();
    m_windowStart = -1;
    return std::exchange(m_ended, {});
}

void RefusalFolder::roll(qint64 nowMs) {
    const qint64 start = nowMs - (nowMs % kWindowMs);
    // Only forward: a thread that read the clock just before another one rolled the minute
    // counts into the new minute rather than closing it.
    if (start <= m_windowStart)
        return;
    closeWindow();
    m_windowStart = start;
}

void RefusalFolder::closeWindow() {
    for (auto it = m_slots.cbegin(); it != m_slots.cend(); ++it) {
        if (it->folded > 0)
            m_ended.append(make(it.key(), *it));
    }
    if (m_others.folded > 0)
        m_ended.append(make(QHostAddress(), m_others));
    m_slots.clear();
    m_others = Slot{};
}

RefusalFolder::Folded RefusalFolder::make(const QHostAddress &address, const Slot &slot) const {
    Folded folded;
    folded.address = address;
    folded.windowStartMs = m_windowStart;
    folded.count = slot.folded;
    folded.byStatus = slot.byStatus;
    int commonest = 0;
    qint64 most = 0;
    QStringList statuses;
    for (auto it = slot.byStatus.cbegin(); it != slot.byStatus.cend(); ++it) {
        if (it.value() > most) {
            most = it.value();
            commonest = it.key();
        }
        statuses.append(QStringLiteral("%1 x %2").arg(it.value()).arg(it.key()));
    }
    const QDateTime start = QDateTime::fromMSecsSinceEpoch(m_windowStart, Qt::UTC);
    // The row stands for `count` requests: its request id says how many (there is no single
    // request id to give), and it is timed at the start of its minute.
    folded.row.time = start;
    folded.row.requestId = QStringLiteral("folded:") + QString::number(slot.folded);
    folded.row.status = commonest;
    folded.row.errorCode = QStringLiteral("refusals_folded");
    folded.row.ttftMs = -1;
    const QString who = address.isNull()
                            ? QStringLiteral("addresses beyond the %1 counted").arg(m_maxAddresses)
                            : address.toString();
    folded.logMessage =
        QStringLiteral("%1 more refusals without a key from %2 in the minute from %3 (past the "
                       "first %4, which were logged one by one), folded into one usage row: %5.")
            .arg(slot.folded)
            .arg(who, start.toString(Qt::ISODate))
            .arg(m_recordedPerMinute)
            .arg(statuses.join(QStringLiteral(", ")));
    return folded;
}

} // namespace portico::proxy
