#include "ui/screenshotwalker.h"

#include "ui/groups/groupspage.h"
#include "ui/keys/keyspage.h"
#include "ui/mainwindow.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDialog>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QScreen>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>

namespace portico::ui {

namespace {
// Long enough for layouts, fonts and a reload after a store change to settle on a busy machine.
constexpr int kSettleMs = 700;
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

    m_steps = {
        [this] {
            m_window.setCurrentPage(MainWindow::KeysPageIndex);
            KeysPage *keys = m_window.keysPage();
            if (keys->table()->model()->rowCount() == 0)
                return fail(QStringLiteral("the keys table is empty: seed the store first"));
            // The key to show (PORTICO_SCREENSHOT_KEY), else the first row.
            const QString name = qEnvironmentVariable("PORTICO_SCREENSHOT_KEY");
            QAbstractItemModel *model = keys->table()->model();
            const auto found = name.isEmpty() ? QModelIndexList{}
                                              : model->match(model->index(0, 0), Qt::DisplayRole,
                                                             name, 1, Qt::MatchExactly);
            keys->table()->selectRow(found.isEmpty() ? 0 : found.first().row());
            QTimer::singleShot(kSettleMs, this, [this] {
                save(QStringLiteral("keys-page.png"));
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
                // Copy first: closing a never-copied key asks for confirmation.
                if (auto *copy =
                        dialog->findChild<QAbstractButton *>(QStringLiteral("copyKeyButton")))
                    copy->click();
                static_cast<QDialog *>(dialog)->accept();
                next();
            });
        },
        [this] {
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
    };
    QTimer::singleShot(kSettleMs * 2, this, &ScreenshotWalker::next);
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

void ScreenshotWalker::save(const QString &fileName, QWidget *dialog) {
    // The window with the dialog painted where it sits on screen: the same picture with or
    // without a window manager, and on any platform plugin.
    QPixmap picture = m_window.grab();
    if (dialog) {
        QPainter painter(&picture);
        painter.fillRect(QRect(QPoint(0, 0), m_window.size()), QColor(0, 0, 0, 60));
        const QPoint at = dialog->mapToGlobal(QPoint(0, 0)) - m_window.mapToGlobal(QPoint(0, 0));
        painter.drawPixmap(at, dialog->grab());
    }
    const QString path = m_outputDir.filePath(fileName);
    if (!picture.save(path))
        fail(QStringLiteral("cannot write ") + path);
    else
        qInfo("saved %s", qPrintable(path));
}

void ScreenshotWalker::fail(const QString &what) {
    ++m_failures;
    qWarning("screenshots: %s", qPrintable(what));
    next();
}

} // namespace portico::ui
