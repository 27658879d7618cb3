#pragma once

#include <QColor>
#include <QString>

class QLabel;
class QWidget;

namespace portico::ui {

// The red of error texts and of expired keys, dark enough to read on a light background.
inline QColor errorColor() {
    return QColor(0xb0, 0x1e, 0x1e);
}

// The line a dialog or panel says what went wrong on: plain text, wrapped, in errorColor(),
// hidden until there is something to say.
QLabel *makeErrorLabel(const QString &objectName, QWidget *parent);

} // namespace portico::ui
