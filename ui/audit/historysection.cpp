#include "ui/audit/historysection.h"

#include "store/auditlog.h"
#include "store/database.h"
#include "ui/appcontext.h"
#include "ui/audit/audittext.h"
#include "ui/storeerrortext.h"
#include "ui/storewatcher.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace portico::ui {

namespace {
struct HistoryRows {
    QList<QStringList> rows; // time, user (source), action, changes
    QStringList tooltips;    // the exact time
    QString error;
};
} // namespace

HistorySection::HistorySection(AppContext &context, QWidget *parent)
    : BackgroundLoadedWidget(parent)
    , m_context(context) {
    setObjectName(QStringLiteral("historySection"));
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("historyList"));
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);
    m_list->setFocusPolicy(Qt::NoFocus);
    m_list->setAlternatingRowColors(true);
    m_list->setHeaderLabels({tr("When"), tr("Who"), tr("What"), tr("Changes")});
    m_list->header()->setStretchLastSection(true);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->header()->setSectionResizeMode(3, QHeaderView::Stretch);
    m_list->setMinimumHeight(fontMetrics().height() * 8);

    m_empty = new QLabel(tr("No changes recorded."), this);
    m_empty->setObjectName(QStringLiteral("historyEmpty"));
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->hide();

    m_showAll = new QLabel(
        QStringLiteral("<a href=\"audit\">%1</a>").arg(tr("Show all in Audit").toHtmlEscaped()),
        this);
    m_showAll->setObjectName(QStringLiteral("historyShowAll"));
    m_showAll->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list);
    layout->addWidget(m_empty);
    layout->addWidget(m_showAll, 0, Qt::AlignLeft);

    connect(m_showAll, &QLabel::linkActivated, this, [this] {
        if (m_uuid.isEmpty())
            return;
        Q_EMIT showAllRequested(m_objectType, m_uuid);
    });
    if (m_context.storeWatcher)
        connect(m_context.storeWatcher, &StoreWatcher::storeChanged, this,
                &HistorySection::refresh);
}

void HistorySection::setObject(const QString &objectType, const QString &uuid) {
    if (objectType == m_objectType && uuid == m_uuid)
        return;
    m_objectType = objectType;
    m_uuid = uuid;
    discardRunning(); // its rows are the previous object's
    m_list->clear();
    refresh();
}

void HistorySection::refresh() {
    if (m_uuid.isEmpty()) {
        discardRunning();
        m_list->clear();
        return;
    }
    BackgroundLoadedWidget::refresh();
}

void HistorySection::startLoad() {
    store::AuditQuery query;
    (m_objectType == QLatin1String("group") ? query.groupRef : query.keyRef) = m_uuid;
    query.limit = kRows;
    load(
        [database = m_context.database, query] {
            HistoryRows result;
            const auto rows = store::AuditLog(*database).query(query);
            if (!rows) {
                result.error = storeErrorText(rows.error());
                return result;
            }
            const QLocale locale;
            for (const store::AuditEntry &entry : *rows) {
                const QJsonObject details = AuditText::details(entry);
                QString action = AuditText::action(entry.action);
                // In a group's history a key's row names the key.
                if (!query.groupRef.isEmpty() && entry.objectType == QLatin1String("key"))
                    action += QStringLiteral(": ") + AuditText::object(entry, details);
                result.rows.append({locale.toString(entry.time.toLocalTime(), QLocale::ShortFormat),
                                    tr("%1 (%2)").arg(entry.actor, AuditText::source(entry.source)),
                                    action, AuditText::changes(entry, details)});
                result.tooltips.append(
                    locale.toString(entry.time.toLocalTime(), QLocale::LongFormat));
            }
            return result;
        },
        [this](const HistoryRows &result) {
            m_list->clear();
            if (!result.error.isEmpty()) {
                m_empty->setText(tr("Could not read the history: %1").arg(result.error));
            } else {
                m_empty->setText(tr("No changes recorded."));
                for (qsizetype i = 0; i < result.rows.size(); ++i) {
                    auto *item = new QTreeWidgetItem(m_list, result.rows.at(i));
                    item->setToolTip(0, result.tooltips.at(i));
                    item->setToolTip(3, result.rows.at(i).at(3));
                }
            }
            const bool empty = m_list->topLevelItemCount() == 0;
            m_list->setVisible(!empty);
            m_empty->setVisible(empty);
            Q_EMIT loaded();
        });
}

} // namespace portico::ui
