#pragma once

#include <QString>
#include <QStringList>

namespace portico::store {
struct UsageRecord;
}

namespace portico::ui {

// CSV as RFC 4180 writes it: fields with a comma, a double quote or a line break are quoted,
// quotes doubled, lines end with CRLF.
class UsageCsv {
public:
    static QString field(const QString &value);
    static QString line(const QStringList &fields);
    // The drill-down columns, for the header and for each raw row.
    static QStringList recordHeader();
    static QStringList recordFields(const store::UsageRecord &record);
};

} // namespace portico::ui
