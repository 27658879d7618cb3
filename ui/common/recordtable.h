#pragma once

#include <QList>
#include <QPair>
#include <QString>

class QAbstractItemModel;
class QTableView;
class QWidget;

namespace portico::ui {

// A read-only table of records in the order they come (the Logs and Audit pages): whole rows
// selected, no editing, no sorting, compact rows without row numbers, the last column stretched.
QTableView *makeRecordTable(const QString &objectName, QAbstractItemModel *model, QWidget *parent);

// Column widths given in digits of the table's font, so they follow the font size.
void setColumnWidthsInDigits(QTableView *table, const QList<QPair<int, int>> &columnDigits);

} // namespace portico::ui
