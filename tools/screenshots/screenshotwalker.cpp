#include "screenshotwalker.h"

#include "ui/audit/auditpage.h"
#include "ui/audit/audittablemodel.h"
#include "ui/common/limitsview.h"
#include "ui/dashboard/dashboardpage.h"
#include "ui/dashboard/periodselector.h"
#include "ui/groups/groupspage.h"
#include "ui/keys/keydetailpanel.h"
#include "ui/keys/keyspage.h"
#include "ui/keys/previoussecretview.h"
#include "ui/keys/welcomepanel.h"
#include "ui/logs/logspage.h"
#include "ui/logs/logstablemodel.h"
#include "ui/mainwindow.h"
#include "ui/routes/routespage.h"
#include "ui/usage/keyusagesummary.h"
#include "ui/usage/usagepage.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QFile>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPainter>
#include <QScreen>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QToolTip>

#include <algorithm>

namespace portico::screenshots {

using namespace portico::ui;

namespace {
// Long enough for layouts, fonts and a reload after a store change to settle on a busy machine.
constexpr int kSettleMs = 700;
constexpr int kPollMs = 250;

// The key to show (PORTICO_SCREENSHOT_KEY); empty: the first one.
QString keyToShow() {
    return qEnvironmentVariable("PORTICO_SCREENSHOT_KEY");
}
} // namespace

ScreenshotWalker::ScreenshotWalker(MainWindow &window, const QString &outputDir, QObject *parent)
    : QObject(parent)
    , m_window(window)
    , m_outputDir(outputDir) {}

void ScreenshotWalker::start() {
    m_outputDir.mkpath(QStringLiteral("."));
    // Fill the screen as a maximised window would, without depending on a window manager.
    if (QScreen *screen = m_window.screen())
        m_window.setGeometry(screen->availableGeometry());

    if (qEnvironmentVariable("PORTICO_SCREENSHOT_WALK") == QLatin1String("firstrun")) {
        m_steps = firstRunSteps();
        waitForTraffic(0);
        return;
    }
    m_steps = {
        [this] {
            m_window.setCurrentPage(MainWindow::KeysPageIndex);
            KeysPage *keys = m_window.keysPage();
            if (keys->table()->model()->rowCount() == 0)
                return fail(QStringLiteral("the keys table is empty: seed the store first"));
            const QString name = keyToShow();
            QAbstractItemModel *model = keys->table()->model();
            const auto found = name.isEmpty() ? QModelIndexList{}
                                              : model->match(model->index(0, 0), Qt::DisplayRole,
                                                             name, 1, Qt::MatchExactly);
            keys->table()->selectRow(found.isEmpty() ? 0 : found.first().row());
            // The detail panel's usage section reads in a worker: show its figures, not zeros.
            saveWhenLoaded(
                keys->findChild<KeyUsageSummary *>(), [] { return true; },
                QStringLiteral("keys-page.png"),
                QStringLiteral("the key's usage summary did not load"));
        },
        [this] {
            // The detail panel of the same key, from its name to its allowed addresses: the
            // previous secret during its grace period and who still uses it, the expiry, and
            // the limits with the use the gateway saved (the script's requests).
            KeyDetailPanel *panel = m_window.keysPage()->detailPanel();
            const QPointer<LimitsView> limits = panel->limitsView();
            const QPointer<PreviousSecretView> previous = panel->previousSecretView();
            whenReady(
                [limits, previous] {
                    return !limits || !previous ||
                           (limits->loadCount() > 0 && !limits->isLoading() &&
                            limits->use().spentUsd > 0 && previous->loadCount() > 0 &&
                            !previous->isLoading());
                },
                [limits, previous] {
                    if (limits && !limits->isLoading())
                        limits->refresh();
                    if (previous && !previous->isLoading())
                        previous->refresh();
                },
                [this, panel] {
                    savePanel(QStringLiteral("key-detail-limits.png"), panel,
                              QStringLiteral("allowedAddressesBox"));
                    next();
                },
                QStringLiteral("the key's limits showed no use: did the script set limits?"));
        },
        [this] {
            KeysPage *keys = m_window.keysPage();
            const QString uuid = keys->detailPanel()->keyUuid();
            if (uuid.isEmpty())
                return fail(QStringLiteral("no key selected to rotate"));
            keys->rotateKey(uuid);
            whenVisible(QStringLiteral("rotateKeyDialog"), [this](QWidget *dialog) {
                save(QStringLiteral("rotate-key-dialog.png"), dialog);
                static_cast<QDialog *>(dialog)->reject();
                next();
            });
        },
        [this] {
            auto *button =
                m_window.findChild<QAbstractButton *>(QStringLiteral("addToGroupButton"));
            if (!button)
                return fail(QStringLiteral("no addToGroupButton"));
            button->click();
            whenVisible(QStringLiteral("addToGroupDialog"), [this](QWidget *dialog) {
                save(QStringLiteral("add-to-group-dialog.png"), dialog);
                static_cast<QDialog *>(dialog)->reject();
                next();
            });
        },
        [this] {
            m_window.keysPage()->createKey();
            whenVisible(QStringLiteral("createKeyDialog"), [this](QWidget *dialog) {
                if (auto *name = dialog->findChild<QLineEdit *>(QStringLiteral("keyNameEdit"))) {
                    name->clear();
                    name->insert(QStringLiteral("Analytics Dashboard")); // as if typed: validates
                }
                if (auto *groups =
                        dialog->findChild<QListWidget *>(QStringLiteral("keyGroupsList"))) {
                    if (groups->count() > 0 && (groups->item(0)->flags() & Qt::ItemIsUserCheckable))
                        groups->item(0)->setCheckState(Qt::Checked);
                    else if (groups->count() > 0)
                        groups->item(0)->setSelected(true);
                }
                QTimer::singleShot(kSettleMs, this, [this, dialog] {
                    save(QStringLiteral("create-key-dialog.png"), dialog);
                    auto *create =
                        dialog->findChild<QAbstractButton *>(QStringLiteral("createButton"));
                    if (!create)
                        return fail(QStringLiteral("no createButton"));
                    create->click();
                    next();
                });
            });
        },
        [this] {
            whenVisible(QStringLiteral("oneTimeKeyDialog"), [this](QWidget *dialog) {
                save(QStringLiteral("one-time-key-dialog.png"), dialog);
                copyAndClose(dialog);
            });
        },
        [this] {
            // "Key … created" belongs to the keys pictures, not to the other pages.
            m_window.statusBar()->clearMessage();
            m_window.setCurrentPage(MainWindow::GroupsPageIndex);
            // The group to show (PORTICO_SCREENSHOT_GROUP), else the first row.
            auto *groups = m_window.findChild<GroupsPage *>();
            auto *table =
                groups ? groups->findChild<QTableWidget *>(QStringLiteral("groupsTable")) : nullptr;
            if (table && table->rowCount() > 0) {
                const auto found = table->findItems(
                    qEnvironmentVariable("PORTICO_SCREENSHOT_GROUP"), Qt::MatchExactly);
                table->selectRow(found.isEmpty() ? 0 : found.first()->row());
            }
            QTimer::singleShot(kSettleMs, this, [this] {
                save(QStringLiteral("groups-page.png"));
                next();
            });
        },
        [this] {
            m_window.setCurrentPage(MainWindow::RoutesPageIndex);
            QTimer::singleShot(kSettleMs, this, [this] {
                save(QStringLiteral("routes-page.png"));
                next();
            });
        },
        [this] {
            // Set API Key for the "assistant" route's first model, a key being typed (dots).
            auto *routes = m_window.findChild<RoutesPage *>();
            if (!routes || !routes->selectRoute(QStringLiteral("assistant")))
                return fail(QStringLiteral("no route 'assistant' on the Routes page"));
            routes->setApiKey();
            whenVisible(QStringLiteral("setApiKeyDialog"), [this](QWidget *dialog) {
                if (auto *edit = dialog->findChild<QLineEdit *>(QStringLiteral("apiKeyEdit")))
                    edit->insert(QStringLiteral("not-a-real-key-only-dots-are-shown"));
                QTimer::singleShot(kSettleMs, this, [this, dialog] {
                    save(QStringLiteral("set-api-key-dialog.png"), dialog);
                    static_cast<QDialog *>(dialog)->reject();
                    next();
                });
            });
        },
        [this] {
            QPointer<DashboardPage> dashboard = m_window.findChild<DashboardPage *>();
            if (!dashboard)
                return fail(QStringLiteral("no DashboardPage"));
            m_window.setCurrentPage(MainWindow::DashboardPageIndex);
            dashboard->periodSelector()->setPreset(PeriodSelector::Last24Hours);
            saveWhenLoaded(
                dashboard,
                [this, dashboard] {
                    return dashboard->data().totals.requests >= m_expectedRequests;
                },
                QStringLiteral("dashboard-page.png"),
                QStringLiteral("the dashboard did not count the requests sent"));
        },
        [this] {
            QPointer<UsagePage> usage = m_window.findChild<UsagePage *>();
            if (!usage)
                return fail(QStringLiteral("no UsagePage"));
            m_window.setCurrentPage(MainWindow::UsagePageIndex);
            usage->setGrouping(store::UsageGrouping::Key);
            usage->periodSelector()->setPreset(PeriodSelector::Last30Days);
            const auto counted = [usage] {
                qint64 requests = 0;
                for (const auto &line : usage->aggregates())
                    requests += line.requests;
                return requests;
            };
            saveWhenLoaded(
                usage, [this, counted] { return counted() >= m_expectedRequests; },
                QStringLiteral("usage-page.png"),
                QStringLiteral("the usage page did not count the requests sent"));
        },
        [this] {
            QPointer<UsagePage> usage = m_window.findChild<UsagePage *>();
            if (!usage)
                return fail(QStringLiteral("no UsagePage"));
            const QString name = keyToShow();
            const auto &lines = usage->aggregates();
            const auto line = std::find_if(lines.begin(), lines.end(), [&name](const auto &l) {
                return !l.deleted && !l.keyUuid.isEmpty() && (name.isEmpty() || l.keyName == name);
            });
            if (line == lines.end())
                return fail(QStringLiteral("no usage of the key to drill into"));
            usage->showKeyRequests(line->keyUuid, line->keyName);
            whenReady([usage] { return !usage || !usage->drillDownRows().isEmpty(); }, {},
                      [this, usage] {
                          save(QStringLiteral("usage-requests.png"));
                          if (usage)
                              usage->closeDrillDown();
                          next();
                      },
                      QStringLiteral("the key's requests did not load"));
        },
        [this] {
            QPointer<LogsPage> logs = m_window.findChild<LogsPage *>();
            if (!logs)
                return fail(QStringLiteral("no LogsPage"));
            m_window.setCurrentPage(MainWindow::LogsPageIndex);
            whenReady(
                [this, logs] {
                    return !logs || logs->model()->rowCount() >=
                                        qMin<qint64>(m_expectedRequests, logs->model()->capacity());
                },
                [logs] {
                    if (logs)
                        logs->model()->flush();
                },
                [this, logs] {
                    if (logs)
                        hoverNewestRefusal(*logs);
                    // The tooltip shows why the request was refused, which the column cuts off.
                    QTimer::singleShot(kSettleMs, this, [this] {
                        QWidget *tip = findVisible(QStringLiteral("qtooltip_label"));
                        save(QStringLiteral("logs-page.png"), tip, false);
                        QToolTip::hideText();
                        next();
                    });
                },
                QStringLiteral("the logs page did not show the requests sent"));
        },
        [this] {
            AuditPage *audit = m_window.auditPage();
            m_window.setCurrentPage(MainWindow::AuditPageIndex);
            // The seeding commands and the key created in the window above are all there.
            whenReady(
                [audit] {
                    return !audit->model()->isLoading() && audit->model()->rowCount() >= 10;
                },
                [audit] { audit->refresh(); },
                [this] {
                    QTimer::singleShot(kSettleMs, this, [this] {
                        save(QStringLiteral("audit-page.png"));
                        next();
                    });
                },
                QStringLiteral("the audit page did not show the seeding changes"));
        },
        [this] {
            // File → Settings…: opened the way a click does (its exec() runs inside trigger()).
            auto *settings = m_window.findChild<QAction *>(QStringLiteral("settingsAction"));
            if (!settings)
                return fail(QStringLiteral("no settingsAction"));
            m_window.setCurrentPage(MainWindow::KeysPageIndex);
            QTimer::singleShot(0, settings, &QAction::trigger);
            whenVisible(QStringLiteral("settingsDialog"), [this](QWidget *dialog) {
                save(QStringLiteral("settings-dialog.png"), dialog);
                static_cast<QDialog *>(dialog)->reject();
                next();
            });
        },
        [this] {
            // The tray's menu, as it pops up from the icon (the picture does not depend on a
            // tray being there: the menu is the same).
            QMenu *menu = nullptr;
            for (QWidget *widget : QApplication::topLevelWidgets()) {
                if (widget->objectName() == QLatin1String("trayMenu"))
                    menu = qobject_cast<QMenu *>(widget);
            }
            if (!menu)
                return fail(QStringLiteral("no trayMenu"));
            menu->popup(m_window.geometry().center());
            QTimer::singleShot(kSettleMs, this, [this, menu] {
                saveWidget(QStringLiteral("tray-menu.png"), menu);
                menu->hide();
                next();
            });
        },
    };
    waitForTraffic(600); // two minutes at 200 ms a try: the script sends after the gateway is up
}

QList<ScreenshotWalker::Step> ScreenshotWalker::firstRunSteps() {
    return {
        [this] {
            m_window.setCurrentPage(MainWindow::KeysPageIndex);
            WelcomePanel *welcome = m_window.keysPage()->welcomePanel();
            if (!welcome->isVisible())
                return fail(QStringLiteral("no welcome: the first-run walk needs an empty store"));
            // The test request needs the embedded gateway.
            whenReady(
                // Not by the status text: the walk also runs in other languages.
                [this] { return m_window.isGatewayListening(); }, {},
                [this] {
                    save(QStringLiteral("welcome-panel.png"));
                    next();
                },
                QStringLiteral("the embedded gateway did not start"));
        },
        [this] {
            auto *create =
                m_window.findChild<QAbstractButton *>(QStringLiteral("welcomeCreateButton"));
            if (!create)
                return fail(QStringLiteral("no welcomeCreateButton"));
            create->click();
            whenVisible(QStringLiteral("oneTimeKeyDialog"),
                        [this](QWidget *dialog) { copyAndClose(dialog); });
        },
        [this] {
            auto *test = m_window.findChild<QAbstractButton *>(QStringLiteral("welcomeTestButton"));
            if (!test)
                return fail(QStringLiteral("no welcomeTestButton"));
            test->click();
            WelcomePanel *welcome = m_window.keysPage()->welcomePanel();
            whenReady([welcome] { return welcome->answered(); }, {},
                      [this] {
                          m_window.statusBar()->clearMessage();
                          save(QStringLiteral("welcome-answer.png"));
                          next();
                      },
                      QStringLiteral("the welcome's test request got no answer"));
        },
    };
}

void ScreenshotWalker::waitForTraffic(int triesLeft) {
    const QString path = qEnvironmentVariable("PORTICO_SCREENSHOT_TRAFFIC");
    if (path.isEmpty()) {
        QTimer::singleShot(kSettleMs * 2, this, &ScreenshotWalker::next);
        return;
    }
    QFile file(path);
    if (file.open(QIODevice::ReadOnly)) {
        bool ok = false;
        const qint64 sent = file.readAll().trimmed().toLongLong(&ok);
        if (ok) {
            m_expectedRequests = sent;
            QTimer::singleShot(kSettleMs, this, &ScreenshotWalker::next);
            return;
        }
    }
    if (triesLeft <= 0) {
        // Take the pictures anyway, but fail the walk: they would show no traffic.
        ++m_failures;
        qWarning("screenshots: %s never appeared", qPrintable(path));
        next();
        return;
    }
    QTimer::singleShot(200, this, [this, triesLeft] { waitForTraffic(triesLeft - 1); });
}

void ScreenshotWalker::whenReady(std::function<bool()> ready, std::function<void()> reload,
                                 std::function<void()> then, const QString &what, int triesLeft) {
    if (ready()) {
        QTimer::singleShot(kSettleMs, this, std::move(then));
        return;
    }
    if (triesLeft <= 0)
        return fail(what);
    if (reload)
        reload();
    QTimer::singleShot(kPollMs, this,
                       [this, ready = std::move(ready), reload = std::move(reload),
                        then = std::move(then), what, triesLeft]() mutable {
                           whenReady(std::move(ready), std::move(reload), std::move(then), what,
                                     triesLeft - 1);
                       });
}

void ScreenshotWalker::saveWhenLoaded(BackgroundLoadedWidget *widget, std::function<bool()> enough,
                                      const QString &fileName, const QString &what) {
    const QPointer<BackgroundLoadedWidget> guarded = widget;
    whenReady(
        [guarded, enough = std::move(enough)] {
            return !guarded || (guarded->loadCount() > 0 && !guarded->isLoading() && enough());
        },
        [guarded] {
            if (guarded && !guarded->isLoading())
                guarded->refresh();
        },
        [this, fileName] {
            save(fileName);
            next();
        },
        what);
}

void ScreenshotWalker::next() {
    if (m_steps.isEmpty()) {
        QCoreApplication::exit(m_failures == 0 ? 0 : 1);
        return;
    }
    const Step step = m_steps.takeFirst();
    step();
}

QWidget *ScreenshotWalker::findVisible(const QString &objectName) const {
    const auto widgets = QApplication::topLevelWidgets();
    for (QWidget *widget : widgets) {
        if (widget->objectName() == objectName && widget->isVisible())
            return widget;
    }
    return nullptr;
}

void ScreenshotWalker::whenVisible(const QString &objectName, std::function<void(QWidget *)> then,
                                   int triesLeft) {
    if (QWidget *widget = findVisible(objectName)) {
        QTimer::singleShot(kSettleMs, this, [then = std::move(then), widget] { then(widget); });
        return;
    }
    if (triesLeft <= 0)
        return fail(objectName + QStringLiteral(" did not appear"));
    QTimer::singleShot(100, this, [this, objectName, then = std::move(then), triesLeft]() mutable {
        whenVisible(objectName, std::move(then), triesLeft - 1);
    });
}

void ScreenshotWalker::hoverNewestRefusal(LogsPage &logs) {
    QTableView *table = logs.tableView();
    const QAbstractItemModel *model = table->model();
    const QRect visible = table->viewport()->rect();
    for (int row = model->rowCount() - 1; row >= 0; --row) {
        const int status = model->index(row, LogsTableModel::StatusColumn).data().toInt();
        const QModelIndex message = model->index(row, LogsTableModel::MessageColumn);
        const QRect cell = table->visualRect(message);
        if ((status != 401 && status != 403) || !visible.contains(cell))
            continue;
        const QPoint at(cell.left() + cell.width() / 4, cell.center().y());
        QToolTip::showText(table->viewport()->mapToGlobal(at),
                           message.data(Qt::ToolTipRole).toString(), table->viewport());
        return;
    }
}

void ScreenshotWalker::save(const QString &fileName, QWidget *overlay, bool dim) {
    // The window with the overlay painted where it sits on screen: the same picture with or
    // without a window manager, and on any platform plugin.
    QPixmap picture = m_window.grab();
    if (overlay) {
        QPainter painter(&picture);
        if (dim)
            painter.fillRect(QRect(QPoint(0, 0), m_window.size()), QColor(0, 0, 0, 60));
        const QPoint at = overlay->mapToGlobal(QPoint(0, 0)) - m_window.mapToGlobal(QPoint(0, 0));
        painter.drawPixmap(at, overlay->grab());
    }
    const QString path = m_outputDir.filePath(fileName);
    if (!picture.save(path)) {
        // Not fail(): the caller goes on to the next step itself.
        ++m_failures;
        qWarning("screenshots: cannot write %s", qPrintable(path));
    } else {
        qInfo("saved %s", qPrintable(path));
    }
}

void ScreenshotWalker::saveWidget(const QString &fileName, QWidget *widget) {
    const QString path = m_outputDir.filePath(fileName);
    if (!widget->grab().save(path)) {
        ++m_failures;
        qWarning("screenshots: cannot write %s", qPrintable(path));
    } else {
        qInfo("saved %s", qPrintable(path));
    }
}

void ScreenshotWalker::savePanel(const QString &fileName, KeyDetailPanel *panel,
                                 const QString &lastSection) {
    // Wider than beside the table, so the bars and sentences read; put back afterwards.
    auto *splitter = m_window.keysPage()->splitter();
    const QList<int> sizes = splitter->sizes();
    const int total = sizes.value(0) + sizes.value(1);
    splitter->setSizes({total - 640, 640});
    QWidget *section = panel->findChild<QWidget *>(lastSection);
    QWidget *content = section ? section->parentWidget() : nullptr;
    if (!content) {
        splitter->setSizes(sizes);
        return fail(lastSection + QStringLiteral(" is missing from the detail panel"));
    }
    // Lay the panel out at its new width before painting it.
    content->adjustSize();
    QCoreApplication::processEvents();
    const int bottom = section->geometry().bottom() + 3; // not the next section's title
    const QPixmap picture = content->grab(QRect(0, 0, content->width(), bottom));
    splitter->setSizes(sizes);
    const QString path = m_outputDir.filePath(fileName);
    if (!picture.save(path)) {
        ++m_failures;
        qWarning("screenshots: cannot write %s", qPrintable(path));
    } else {
        qInfo("saved %s", qPrintable(path));
    }
}

void ScreenshotWalker::copyAndClose(QWidget *oneTimeKeyDialog) {
    // Copy first: closing a never-copied key asks for confirmation.
    if (auto *copy =
            oneTimeKeyDialog->findChild<QAbstractButton *>(QStringLiteral("copyKeyButton")))
        copy->click();
    static_cast<QDialog *>(oneTimeKeyDialog)->accept();
    next();
}

void ScreenshotWalker::fail(const QString &what) {
    ++m_failures;
    qWarning("screenshots: %s", qPrintable(what));
    next();
}

} // namespace portico::screenshots
