#include "ui/common/usagetext.h"

#include "store/usagequery.h"

#include <QCoreApplication>
#include <QLocale>

namespace portico::ui {

// The translation context of these texts, shared by every page that shows them.
class UsageText {
    Q_DECLARE_TR_FUNCTIONS(portico::ui::UsageText)
};

QString costText(double usd) {
    return QStringLiteral("$") + QLocale().toString(usd, 'f', 4);
}

QString usageKeyText(const store::UsageAggregate &line) {
    QString name = line.keyUuid.isEmpty() ? UsageText::tr("(no key)") : line.keyName;
    if (line.deleted)
        name += QLatin1Char(' ') + UsageText::tr("(deleted)");
    return name;
}

QString usageRouteText(const QString &route) {
    return route.isEmpty() ? UsageText::tr("(no route)") : route;
}

} // namespace portico::ui
