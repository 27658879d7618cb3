#pragma once

#include "store/records.h"
#include "store/usagequery.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <functional>

class QIODevice;

namespace portico::store {

// The one CSV form of usage, written alike by the Usage page's export and by
// `portico-gateway usage --csv`, so the same rows give the same bytes either way:
// - RFC 4180: fields joined by commas, records ended by CRLF, UTF-8 without BOM. A field is
//   quoted (its quotes doubled) when it holds a comma, a quote or a line break, and also when it
//   starts or ends with a space, which spreadsheets otherwise trim.
// - Numbers as the program knows them: costs in the shortest form that reads back as the same
//   double, without exponent (see number()).
// - A missing value (no time to first token, no key) is an empty field, never a sentinel.
// - Column names are machine names, not translated, so exports from any locale read alike.
// Fields are written as recorded: nothing is prefixed to text that a spreadsheet could read as a
// formula, since neither writer ever did and the file is data, not a sheet.
namespace usagecsv {

QString field(const QString &text);
// One record, CRLF included, in UTF-8.
QByteArray record(const QStringList &fields);
// The shortest decimal text that reads back as the same double, never in exponent form: a cost
// of 1.5e-7 USD is "0.00000015", and 0.1 stays "0.1" rather than a fixed number of digits that
// either rounds small costs away or adds noise to every line.
QString number(double value);
// A value of a column: an invalid QVariant is missing (empty); bool, integer, double (number())
// and text as such.
QString text(const QVariant &value);

// The raw-row columns: a usage row's own fields, in the store's order.
QStringList rowHeader();
QStringList rowFields(const UsageRecord &row);

// One column of an aggregate line: its name (CSV header, JSON member) and its value, invalid
// when missing (a line without key, an average with nothing to average).
struct AggregateColumn {
    QString name;
    std::function<QVariant(const UsageAggregate &)> value;
};
// The columns of a line per key, route, model or day (Hour: also "day"), the grouping's own
// columns first; a totals line has only those after them (labelColumnCount()).
QList<AggregateColumn> aggregateColumns(UsageGrouping grouping);
qsizetype labelColumnCount(UsageGrouping grouping);
QStringList aggregateHeader(UsageGrouping grouping);
// The fields of one line; take `columns` from aggregateColumns() once per export, not per line.
QStringList aggregateFields(const QList<AggregateColumn> &columns, const UsageAggregate &line);

} // namespace usagecsv

// Writes CSV records to a device in blocks, so a large export is not a write per row.
class UsageCsvWriter {
public:
    explicit UsageCsvWriter(QIODevice &device);
    ~UsageCsvWriter();
    UsageCsvWriter(const UsageCsvWriter &) = delete;
    UsageCsvWriter &operator=(const UsageCsvWriter &) = delete;

    // False once the device refused a block: the export is incomplete.
    bool add(const QStringList &fields);
    // Writes what is buffered; false when the device refused any of it.
    bool flush();

private:
    static constexpr qsizetype kBlockBytes = 64 * 1024;
    QIODevice &m_device;
    QByteArray m_buffer;
    bool m_failed = false;
};

} // namespace portico::store
