#include "ui/common/heading.h"

#include <QLabel>

namespace portico::ui {

namespace {
qreal scaleOf(Heading heading) {
    switch (heading) {
    case Heading::Page:
        return 1.4;
    case Heading::Panel:
        return 1.3;
    case Heading::Dialog:
        return 1.25;
    }
    return 1.0;
}
} // namespace

void makeHeading(QLabel *label, Heading heading) {
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * scaleOf(heading));
    font.setBold(true);
    label->setFont(font);
}

} // namespace portico::ui
