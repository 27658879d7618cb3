#pragma once

#include "ui/common/backgroundloadedwidget.h"

class QLabel;
class QTreeWidget;

namespace portico::ui {

struct AppContext;

// The newest changes to one key or one group, for its detail panel: when, who, what, and a link
// to the Audit page showing all of them. Read in a worker thread; follows store changes.
class HistorySection : public BackgroundLoadedWidget {
    Q_OBJECT
public:
    static constexpr int kRows = 20;

    explicit HistorySection(AppContext &context, QWidget *parent = nullptr);

    // objectType "key" or "group"; an empty uuid shows nothing.
    void setObject(const QString &objectType, const QString &uuid);
    QString objectUuid() const { return m_uuid; }
    QTreeWidget *list() const { return m_list; }

public Q_SLOTS:
    void refresh() override;

Q_SIGNALS:
    // "Show all in Audit" was clicked; the main window opens the Audit page on the object.
    void showAllRequested(const QString &objectType, const QString &uuid);

protected:
    void startLoad() override;

private:
    AppContext &m_context;
    QString m_objectType;
    QString m_uuid;
    QTreeWidget *m_list = nullptr;
    QLabel *m_empty = nullptr;
    QLabel *m_showAll = nullptr;
};

} // namespace portico::ui
