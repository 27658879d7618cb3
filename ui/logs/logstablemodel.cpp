#include "ui/logs/logstablemodel.h"

#include <QApplication>
#include <QBrush>
#include <QColor>
#include <QIcon>
#include <QStyle>

#include <algorithm>

namespace portico::ui {

namespace {
using Level = metering::LogEntry::Level;

// Long enough to gather a burst into one insertion, short enough to feel live.
constexpr int kFlushDelayMs = 100;

QIcon levelIcon(Level level) {
    QStyle *style = QApplication::style();
    switch (level) {
    case Level::Debug:
        return {};
    case Level::Info:
        return style->standardIcon(QStyle::SP_MessageBoxInformation);
    case Level::Warning:
        return style->standardIcon(QStyle::SP_MessageBoxWarning);
    case Level::Error:
        return style->standardIcon(QStyle::SP_MessageBoxCritical);
    }
    return {};
}

QVariant levelColour(Level level) {
    switch (level) {
    case Level::Debug:
        return QBrush(QColor(0x80, 0x80, 0x80));
    case Level::Warning:
        return QBrush(QColor(0xb3, 0x6b, 0x00));
    case Level::Error:
        return QBrush(QColor(0xc0, 0x1c, 0x28));
    case Level::Info:
        break;
    }
    return {};
}
} // namespace

LogsTableModel::LogsTableModel(int capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(std::max(1, capacity)) {
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(kFlushDelayMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogsTableModel::flush);
}

void LogsTableModel::setEntries(const QList<metering::LogEntry> &entries) {
    beginResetModel();
    m_pending.clear();
    m_flushTimer.stop();
    const qsizetype first = std::max<qsizetype>(0, entries.size() - m_capacity);
    m_entries.assign(entries.cbegin() + first, entries.cend());
    endResetModel();
}

void LogsTableModel::append(const metering::LogEntry &entry) {
    m_pending.append(entry);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void LogsTableModel::flush() {
    m_flushTimer.stop();
    if (m_pending.isEmpty())
        return;
    if (m_pending.size() > m_capacity)
        m_pending.remove(0, m_pending.size() - m_capacity);
    const int rows = int(m_entries.size());
    const int overflow = rows + int(m_pending.size()) - m_capacity;
    if (overflow > 0) {
        beginRemoveRows({}, 0, overflow - 1);
        m_entries.erase(m_entries.begin(), m_entries.begin() + overflow);
        endRemoveRows();
    }
    const int start = int(m_entries.size());
    beginInsertRows({}, start, start + int(m_pending.size()) - 1);
    m_entries.insert(m_entries.end(), m_pending.cbegin(), m_pending.cend());
    m_pending.clear();
    endInsertRows();
}

void LogsTableModel::clear() {
    beginResetModel();
    m_pending.clear();
    m_flushTimer.stop();
    m_entries.clear();
    endResetModel();
}

int LogsTableModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_entries.size());
}

int LogsTableModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString LogsTableModel::levelText(metering::LogEntry::Level level) {
    switch (level) {
    case Level::Debug:
        return tr("Debug");
    case Level::Info:
        return tr("Info");
    case Level::Warning:
        return tr("Warning");
    case Level::Error:
        return tr("Error");
    }
    return {};
}

QVariant LogsTableModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const metering::LogEntry &e = entry(index.row());
    if (role == LevelRole)
        return int(e.level);
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case TimeColumn:
            return e.time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
        case LevelColumn:
            return levelText(e.level);
        case RequestColumn:
            return e.requestId;
        case KeyColumn:
            return e.keyName;
        case RouteColumn:
            return e.route;
        case StatusColumn:
            return e.status > 0 ? QString::number(e.status) : QString();
        case MessageColumn:
            return e.message;
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && index.column() == MessageColumn)
        return e.message;
    if (role == Qt::ToolTipRole && index.column() == TimeColumn)
        return e.time.toLocalTime().toString(Qt::ISODateWithMs);
    if (role == Qt::DecorationRole && index.column() == LevelColumn)
        return levelIcon(e.level);
    if (role == Qt::ForegroundRole &&
        (index.column() == LevelColumn || e.level == Level::Error || e.level == Level::Debug))
        return levelColour(e.level);
    if (role == Qt::TextAlignmentRole && index.column() == StatusColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant LogsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case LevelColumn:
        return tr("Level");
    case RequestColumn:
        return tr("Request");
    case KeyColumn:
        return tr("Key");
    case RouteColumn:
        return tr("Route");
    case StatusColumn:
        return tr("Status");
    case MessageColumn:
        return tr("Message");
    default:
        return {};
    }
}

} // namespace portico::ui
