#include "ui/common/errorlabel.h"

#include <QLabel>
#include <QPalette>

namespace portico::ui {

QLabel *makeErrorLabel(const QString &objectName, QWidget *parent) {
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, errorColor());
    label->setPalette(palette);
    label->hide();
    return label;
}

} // namespace portico::ui
