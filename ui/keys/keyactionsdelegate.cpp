#include "ui/keys/keyactionsdelegate.h"

#include <QApplication>
#include <QMouseEvent>
#include <QPainter>
#include <QStyle>
#include <QStyleOptionButton>

namespace portico::ui {

namespace {
constexpr int kSpacing = 4;
constexpr KeyActionsDelegate::Action kActions[] = {KeyActionsDelegate::Action::View,
                                                   KeyActionsDelegate::Action::Edit,
                                                   KeyActionsDelegate::Action::Delete};
} // namespace

KeyActionsDelegate::KeyActionsDelegate(QObject *parent)
    : QStyledItemDelegate(parent) {}

QString KeyActionsDelegate::label(Action action) {
    switch (action) {
    case Action::View:
        return tr("View");
    case Action::Edit:
        return tr("Edit");
    case Action::Delete:
        return tr("Delete");
    }
    return {};
}

QSize KeyActionsDelegate::buttonSize(const QStyleOptionViewItem &option, Action action) const {
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    QStyleOptionButton button;
    button.fontMetrics = option.fontMetrics;
    const QSize text = option.fontMetrics.size(Qt::TextShowMnemonic, label(action));
    QSize size = style->sizeFromContents(QStyle::CT_PushButton, &button, text, widget);
    // Buttons sit inside a table row: keep them a little smaller than dialog buttons.
    size.setHeight(
        qMin(size.height(), option.rect.height() > 0 ? option.rect.height() - 2 : size.height()));
    size.setWidth(qMax(size.width() - 16, text.width() + 16));
    return size;
}

QRect KeyActionsDelegate::buttonRect(const QStyleOptionViewItem &option, Action action) const {
    int x = option.rect.left() + kSpacing;
    for (const Action a : kActions) {
        const QSize size = buttonSize(option, a);
        const QRect rect(QPoint(x, option.rect.top() + (option.rect.height() - size.height()) / 2),
                         size);
        if (a == action)
            return rect;
        x += size.width() + kSpacing;
    }
    return {};
}

void KeyActionsDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                               const QModelIndex &index) const {
    QStyleOptionViewItem background = option;
    initStyleOption(&background, index);
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawPrimitive(QStyle::PE_PanelItemViewItem, &background, painter, widget);

    for (const Action action : kActions) {
        QStyleOptionButton button;
        button.rect = buttonRect(option, action);
        button.text = label(action);
        button.fontMetrics = option.fontMetrics;
        button.palette = option.palette;
        button.state = QStyle::State_Enabled;
        if (m_pressed == index && m_pressedAction == int(action))
            button.state |= QStyle::State_Sunken;
        else
            button.state |= QStyle::State_Raised;
        style->drawControl(QStyle::CE_PushButton, &button, painter, widget);
    }
}

QSize KeyActionsDelegate::sizeHint(const QStyleOptionViewItem &option,
                                   const QModelIndex &index) const {
    Q_UNUSED(index)
    int width = kSpacing;
    int height = 0;
    for (const Action action : kActions) {
        const QSize size = buttonSize(option, action);
        width += size.width() + kSpacing;
        height = qMax(height, size.height());
    }
    return {width, height + 2};
}

bool KeyActionsDelegate::editorEvent(QEvent *event, QAbstractItemModel *model,
                                     const QStyleOptionViewItem &option, const QModelIndex &index) {
    if (event->type() != QEvent::MouseButtonPress && event->type() != QEvent::MouseButtonRelease)
        return QStyledItemDelegate::editorEvent(event, model, option, index);
    const auto *mouse = static_cast<QMouseEvent *>(event);
    if (mouse->button() != Qt::LeftButton)
        return false;
    int hit = -1;
    for (const Action action : kActions) {
        if (buttonRect(option, action).contains(mouse->position().toPoint()))
            hit = int(action);
    }
    if (event->type() == QEvent::MouseButtonPress) {
        m_pressed = index;
        m_pressedAction = hit;
        return false; // let the view select the row too
    }
    const bool clicked = hit >= 0 && m_pressed == index && m_pressedAction == hit;
    m_pressed = QPersistentModelIndex();
    m_pressedAction = -1;
    if (clicked)
        Q_EMIT actionTriggered(static_cast<Action>(hit), index);
    return clicked;
}

} // namespace portico::ui
