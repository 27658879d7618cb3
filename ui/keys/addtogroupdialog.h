#pragma once

#include "store/records.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace portico::ui {

// "Add to Group": the groups the key is not in yet, a search field, Confirm (enabled once a group
// is selected) and Cancel. Shows which routes the selected group would add.
class AddToGroupDialog : public QDialog {
    Q_OBJECT
public:
    AddToGroupDialog(const QString &keyName, QList<store::GroupRecord> candidates,
                     QWidget *parent = nullptr);

    QString selectedGroupUuid() const;

private:
    void applySearch(const QString &text);
    void selectionChanged();

    QList<store::GroupRecord> m_candidates;
    QLineEdit *m_search = nullptr;
    QListWidget *m_list = nullptr;
    QLabel *m_routes = nullptr;
    QLabel *m_empty = nullptr;
    QPushButton *m_confirm = nullptr;
};

} // namespace portico::ui
