#pragma once

#include <QSpinBox>
#include <QString>

#include <functional>

namespace portico::ui {

// A spin box's unit in the plural form its value needs ("1 day", "2 days"; "1 giorno", "2
// giorni"): a prefix or suffix has no plural forms of its own. `text(n)` is the translated
// "%n day(s)"; what stands before the number becomes the prefix, what follows it the suffix, so
// a language may put the unit on either side. Updated whenever the value changes.
inline void showUnitInPlural(QSpinBox *spin, std::function<QString(int)> text) {
    const auto apply = [spin, text = std::move(text)](int value) {
        const QString shown = text(value);
        const QString number = QString::number(value);
        const qsizetype at = shown.indexOf(number);
        spin->setPrefix(at < 0 ? QString() : shown.left(at));
        spin->setSuffix(at < 0 ? u' ' + shown : shown.mid(at + number.size()));
    };
    QObject::connect(spin, &QSpinBox::valueChanged, spin, apply);
    apply(spin->value());
}

} // namespace portico::ui
