#pragma once

#include "store/records.h"

#include <QList>
#include <QString>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace portico::ui {

struct AppContext;
class HistorySection;
class LimitsView;

// The Groups page: every group with its members and the routes it grants. A group is what links
// keys to routes, so the page shows both sides of a group at once: the keys in it and a checklist
// of the routes of config.yaml (checked = granted). Grants of routes that config.yaml no longer
// has stay checked and are marked, as the store keeps them.
class GroupsPage : public QWidget {
    Q_OBJECT
public:
    explicit GroupsPage(AppContext &ctx, QWidget *parent = nullptr);

    // The uuid of the selected group, empty if none.
    QString selectedGroupUuid() const;
    // Selects a group by uuid (no-op if unknown). Returns whether it is now selected.
    bool selectGroup(const QString &uuid);
    LimitsView *limitsView() const { return m_limits; }

public Q_SLOTS:
    // Reads the store and the config again, keeping the selection and any edit in progress.
    void reload();

private:
    void buildUi();
    void populateTable();
    void showSelectedGroup();
    void populateMembers(const store::GroupRecord &group);
    void populateRoutes(const store::GroupRecord &group);
    const store::GroupRecord *selectedGroup() const;

    // Empty when `name` is acceptable for a group (other than the one with `exceptUuid`).
    QString nameProblem(const QString &name, const QString &exceptUuid) const;
    void validateNewGroup();
    void createGroup();
    void validateEdits();
    void saveEdits();
    void deleteGroup();
    void addMember();
    void removeSelectedMember();
    void routeItemChanged(QListWidgetItem *item);
    void editLimits();
    void showError(const QString &message);

    // Why a group delete hurts: the keys that lose at least one route (a route another of their
    // groups still grants is not lost), and the routes this group granted.
    QString deleteImpact(const store::GroupRecord &group) const;

    AppContext &m_ctx;
    QList<store::GroupRecord> m_groups;
    QList<store::ApiKeyRecord> m_keys;
    bool m_populating = false;

    // List side
    QLineEdit *m_newName = nullptr;
    QLineEdit *m_newDescription = nullptr;
    QPushButton *m_createButton = nullptr;
    QLabel *m_createError = nullptr;
    QStackedWidget *m_listStack = nullptr;
    QTableWidget *m_table = nullptr;

    // Detail side
    QStackedWidget *m_detailStack = nullptr;
    QLineEdit *m_nameEdit = nullptr;
    QLineEdit *m_descriptionEdit = nullptr;
    QLabel *m_nameError = nullptr;
    QLabel *m_uuidLabel = nullptr;
    QLabel *m_createdLabel = nullptr;
    QPushButton *m_saveButton = nullptr;
    QPushButton *m_deleteButton = nullptr;
    QTableWidget *m_members = nullptr;
    QPushButton *m_removeMemberButton = nullptr;
    QComboBox *m_addMemberCombo = nullptr;
    QPushButton *m_addMemberButton = nullptr;
    QListWidget *m_routes = nullptr;
    QLabel *m_routesHint = nullptr;
    QLabel *m_errorLabel = nullptr;
    LimitsView *m_limits = nullptr;      // the limits all the group's keys share
    HistorySection *m_history = nullptr; // the group's newest audit rows

    // What the edit fields showed when the group was last loaded: a reload only overwrites a
    // field the user has not touched.
    QString m_shownUuid;
    QString m_shownName;
    QString m_shownDescription;
};

} // namespace portico::ui
