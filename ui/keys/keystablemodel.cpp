#include "ui/keys/keystablemodel.h"
#include "ui/common/errorlabel.h"

#include "ui/keys/expirytext.h"

#include <QApplication>
#include <QStyle>

#include <QColor>
#include <QFont>
#include <QLocale>

namespace portico::ui {

KeysTableModel::KeysTableModel(QObject *parent)
    : QAbstractTableModel(parent) {}

void KeysTableModel::setKeys(QList<store::ApiKeyRecord> keys) {
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(keys.size());
    m_rowByUuid.clear();
    m_rowByUuid.reserve(keys.size());
    for (auto &key : keys) {
        Row row;
        QStringList names;
        names.reserve(key.groups.size());
        for (const auto &group : std::as_const(key.groups))
            names.append(group.name);
        row.groupsText = names.join(QStringLiteral(", "));
        row.routeCount = key.accessibleRouteCount();
        row.record = std::move(key);
        m_rowByUuid.insert(row.record.uuid, int(m_rows.size()));
        m_rows.append(std::move(row));
    }
    endResetModel();
}

void KeysTableModel::refreshExpiry() {
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, ExpiresColumn), index(rowCount() - 1, ExpiresColumn));
}

int KeysTableModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int KeysTableModel::columnCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant KeysTableModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const auto &key = row.record;

    if (role == UuidRole)
        return key.uuid;

    if (role == RawValueRole)
        return rawValue(row, index.column());

    if (index.column() == ExpiresColumn) {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        const auto status = expiryStatus(key.expiresAt, now);
        switch (role) {
        case ExpiryStatusRole:
            return int(status);
        case Qt::DisplayRole:
            return expiryShortText(key.expiresAt, now);
        case Qt::ToolTipRole:
            return expiryLongText(key.expiresAt, now);
        case Qt::DecorationRole:
            // An icon as well as a colour: the flag reads without colour vision.
            if (status == ExpiryStatus::Expired)
                return QApplication::style()->standardIcon(QStyle::SP_MessageBoxCritical);
            if (status == ExpiryStatus::Soon)
                return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
            return {};
        case Qt::ForegroundRole:
            if (status == ExpiryStatus::Expired)
                return errorColor();
            if (status == ExpiryStatus::Soon)
                return QColor(0x8a, 0x5a, 0x00);
            break;
        case Qt::FontRole:
            if (status == ExpiryStatus::Expired) {
                QFont font;
                font.setBold(true);
                return font;
            }
            return {};
        default:
            break;
        }
    }

    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case GroupsColumn:
            return row.groupsText.isEmpty() ? tr("No group") : row.groupsText;
        case RoutesColumn:
            return QLocale().toString(row.routeCount);
        case CreatedColumn:
            // ISO-like: narrow, unambiguous in every language, and the same as the command line.
            return key.createdAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        default:
            return rawValue(row, index.column());
        }
    }

    if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case NameColumn:
            return key.state == store::KeyState::Disabled ? tr("%1 (disabled)").arg(key.name)
                                                          : key.name;
        case GroupsColumn:
            return row.groupsText;
        case CreatedColumn:
            return QLocale().toString(key.createdAt.toLocalTime(), QLocale::LongFormat);
        default:
            return {};
        }
    }

    if (role == Qt::ForegroundRole && key.state == store::KeyState::Disabled)
        return QColor(Qt::gray);

    if (role == Qt::TextAlignmentRole && index.column() == RoutesColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);

    if (role == Qt::FontRole && index.column() == UuidColumn) {
        QFont font;
        font.setStyleHint(QFont::Monospace);
        font.setFamily(QStringLiteral("monospace"));
        return font;
    }

    return {};
}

QVariant KeysTableModel::rawValue(const Row &row, int column) {
    switch (column) {
    case NameColumn:
        return row.record.name;
    case UuidColumn:
        return row.record.uuid;
    case GroupsColumn:
        return row.groupsText;
    case RoutesColumn:
        return row.routeCount;
    case CreatedColumn:
        return row.record.createdAt;
    case ExpiresColumn:
        return row.record.expiresAt;
    default:
        return {};
    }
}

QVariant KeysTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case NameColumn:
        return tr("Key Name");
    case UuidColumn:
        return tr("UUID");
    case GroupsColumn:
        return tr("Groups");
    case RoutesColumn:
        return tr("Accessible Routes");
    case CreatedColumn:
        return tr("Creation Date");
    case ExpiresColumn:
        return tr("Expires");
    case ActionsColumn:
        return tr("Actions");
    default:
        return {};
    }
}

} // namespace portico::ui
