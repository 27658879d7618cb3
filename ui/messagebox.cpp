#include "ui/messagebox.h"

#include <QInputDialog>

namespace portico::ui {

namespace {
// GUI thread only, like every widget.
std::optional<QMessageBox::StandardButton> g_nextAnswer;
bool g_hasNextInteger = false;
std::optional<int> g_nextInteger;
QString g_lastText;
int g_askedCount = 0;
} // namespace

QMessageBox::StandardButton MessageBox::ask(QMessageBox::Icon icon, QWidget *parent,
                                            const QString &title, const QString &text,
                                            QMessageBox::StandardButtons buttons,
                                            QMessageBox::StandardButton defaultButton,
                                            const QString &informativeText) {
    ++g_askedCount;
    g_lastText = informativeText.isEmpty() ? text : text + u'\n' + informativeText;
    if (g_nextAnswer) {
        const auto answer = *g_nextAnswer;
        g_nextAnswer.reset();
        return answer;
    }
    QMessageBox box(icon, title, text, buttons, parent);
    box.setDefaultButton(defaultButton);
    if (!informativeText.isEmpty())
        box.setInformativeText(informativeText);
    box.setTextFormat(Qt::PlainText);
    return static_cast<QMessageBox::StandardButton>(box.exec());
}

QMessageBox::StandardButton MessageBox::question(QWidget *parent, const QString &title,
                                                 const QString &text,
                                                 QMessageBox::StandardButtons buttons,
                                                 QMessageBox::StandardButton defaultButton,
                                                 const QString &informativeText) {
    return ask(QMessageBox::Question, parent, title, text, buttons, defaultButton, informativeText);
}

QMessageBox::StandardButton MessageBox::warning(QWidget *parent, const QString &title,
                                                const QString &text,
                                                QMessageBox::StandardButtons buttons,
                                                QMessageBox::StandardButton defaultButton,
                                                const QString &informativeText) {
    return ask(QMessageBox::Warning, parent, title, text, buttons, defaultButton, informativeText);
}

void MessageBox::information(QWidget *parent, const QString &title, const QString &text,
                             const QString &informativeText) {
    ask(QMessageBox::Information, parent, title, text, QMessageBox::Ok, QMessageBox::Ok,
        informativeText);
}

std::optional<int> MessageBox::getInteger(QWidget *parent, const QString &title,
                                          const QString &label, int value, int minimum,
                                          int maximum) {
    ++g_askedCount;
    g_lastText = label;
    if (g_hasNextInteger) {
        g_hasNextInteger = false;
        return g_nextInteger;
    }
    bool ok = false;
    const int chosen = QInputDialog::getInt(parent, title, label, value, minimum, maximum, 1, &ok);
    if (!ok)
        return std::nullopt;
    return chosen;
}

void MessageBox::setNextAnswer(QMessageBox::StandardButton answer) {
    g_nextAnswer = answer;
}

void MessageBox::setNextInteger(std::optional<int> value) {
    g_hasNextInteger = true;
    g_nextInteger = value;
}

QString MessageBox::lastText() {
    return g_lastText;
}

int MessageBox::askedCount() {
    return g_askedCount;
}

} // namespace portico::ui
