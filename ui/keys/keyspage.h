#pragma once

#include "store/records.h"

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QStackedWidget;
class QTableView;

namespace portico::ui {

struct AppContext;
class KeyActionsDelegate;
class KeyDetailPanel;
class KeysFilterProxyModel;
class KeysTableModel;
class WelcomePanel;

// The Keys page (docs/ARCHITECTURE.md). The keys table (behind a search and a group
// filter) on the left, the selected key's details on the right, Create Key on top.
// Reloads on every store change, keeping the selection and the scroll position.
class KeysPage : public QWidget {
    Q_OBJECT
public:
    explicit KeysPage(AppContext &context, QWidget *parent = nullptr);
    ~KeysPage() override;

    // The page's commands, for the window's menus (shortcuts: New, Delete, Find, Copy, F2).
    QAction *newKeyAction() const { return m_newKeyAction; }
    QAction *deleteKeyAction() const { return m_deleteKeyAction; }
    QAction *findAction() const { return m_findAction; }
    QAction *copyUuidAction() const { return m_copyUuidAction; }
    QAction *renameAction() const { return m_renameAction; }
    QAction *rotateAction() const { return m_rotateAction; }

    QString selectedKeyUuid() const;
    // Selects the key and shows its details; false if no visible row has that uuid.
    bool selectKey(const QString &uuid);

    KeysTableModel *model() const { return m_model; }
    KeysFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    KeyDetailPanel *detailPanel() const { return m_detail; }
    QSplitter *splitter() const { return m_splitter; }
    // The first run's welcome (shown while the store is empty).
    WelcomePanel *welcomePanel() const { return m_welcome; }

public Q_SLOTS:
    void reload();
    void createKey();
    // Asks, warning that deleting is irreversible and stops the key at once, then deletes.
    void deleteKey(const QString &uuid);
    void deleteSelectedKey();
    void focusSearch();
    void copySelectedUuid();
    void renameSelectedKey();
    // Opens Rotate Secret for the key, then shows its new secret once.
    void rotateKey(const QString &uuid);
    void rotateSelectedKey();

Q_SIGNALS:
    // A short note for the status bar ("Key “x” deleted.").
    void statusMessage(const QString &message);

private:
    QWidget *buildToolbar();
    QWidget *buildEmptyState();
    QWidget *buildNoMatches();
    void reloadGroupFilter(const QList<store::GroupRecord> &groups);
    void currentRowChanged();
    void updateState();
    void showOneTimeKey(store::CreatedKey created);
    void showOneTimeKey(store::RotatedKey rotated);

    AppContext &m_context;
    KeysTableModel *m_model = nullptr;
    KeysFilterProxyModel *m_proxy = nullptr;
    KeyActionsDelegate *m_actionsDelegate = nullptr;

    QLineEdit *m_search = nullptr;
    QComboBox *m_groupFilter = nullptr;
    QLabel *m_count = nullptr;
    QLabel *m_loadError = nullptr;
    QStackedWidget *m_listStack = nullptr;
    QTableView *m_table = nullptr;
    QSplitter *m_splitter = nullptr;
    KeyDetailPanel *m_detail = nullptr;
    WelcomePanel *m_welcome = nullptr;

    QAction *m_newKeyAction = nullptr;
    QAction *m_deleteKeyAction = nullptr;
    QAction *m_findAction = nullptr;
    QAction *m_copyUuidAction = nullptr;
    QAction *m_renameAction = nullptr;
    QAction *m_rotateAction = nullptr;

    bool m_reloading = false;
};

} // namespace portico::ui
