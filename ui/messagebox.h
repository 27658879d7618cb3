#pragma once

#include <QMessageBox>
#include <QString>

#include <optional>

class QWidget;

namespace portico::ui {

// Every modal box of the desktop app goes through here, so GUI tests can answer it without a
// nested event loop: setNextAnswer() makes the next call return that button at once, without
// showing anything, and records what the box would have said (lastText()).
class MessageBox {
public:
    static QMessageBox::StandardButton
    question(QWidget *parent, const QString &title, const QString &text,
             QMessageBox::StandardButtons buttons = QMessageBox::Yes | QMessageBox::No,
             QMessageBox::StandardButton defaultButton = QMessageBox::No,
             const QString &informativeText = {});

    static QMessageBox::StandardButton
    warning(QWidget *parent, const QString &title, const QString &text,
            QMessageBox::StandardButtons buttons = QMessageBox::Ok,
            QMessageBox::StandardButton defaultButton = QMessageBox::Ok,
            const QString &informativeText = {});

    static void information(QWidget *parent, const QString &title, const QString &text,
                            const QString &informativeText = {});

    // Asks for a number (a port, for instance). Returns nothing when cancelled.
    static std::optional<int> getInteger(QWidget *parent, const QString &title,
                                         const QString &label, int value, int minimum, int maximum);

    // Test seam: the next box returns `answer` without being shown.
    static void setNextAnswer(QMessageBox::StandardButton answer);
    // Test seam: the next getInteger() returns `value` (std::nullopt: as if cancelled).
    static void setNextInteger(std::optional<int> value);
    // What the last box said (text and informative text), shown or answered by the seam.
    static QString lastText();
    // How many boxes have been asked since the start (answered by the seam or by a person).
    static int askedCount();

private:
    static QMessageBox::StandardButton ask(QMessageBox::Icon icon, QWidget *parent,
                                           const QString &title, const QString &text,
                                           QMessageBox::StandardButtons buttons,
                                           QMessageBox::StandardButton defaultButton,
                                           const QString &informativeText);
};

} // namespace portico::ui
