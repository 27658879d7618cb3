#pragma once

#include <QStyledItemDelegate>

namespace portico::ui {

// Paints the View / Edit / Delete buttons of the Actions column and turns clicks on them into
// signals. A delegate rather than a widget per row keeps the table fluid with 100,000 keys.
class KeyActionsDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    enum class Action { View, Edit, Delete };

    explicit KeyActionsDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                     const QModelIndex &index) override;

    // Where the button for `action` is drawn inside a cell (public so tests can click it).
    QRect buttonRect(const QStyleOptionViewItem &option, Action action) const;
    static QString label(Action action);

Q_SIGNALS:
    void actionTriggered(portico::ui::KeyActionsDelegate::Action action, const QModelIndex &index);

private:
    QSize buttonSize(const QStyleOptionViewItem &option, Action action) const;

    QPersistentModelIndex m_pressed;
    int m_pressedAction = -1;
};

} // namespace portico::ui
