#include "ui/common/recordtable.h"

#include <QHeaderView>
#include <QTableView>

namespace portico::ui {

QTableView *makeRecordTable(const QString &objectName, QAbstractItemModel *model, QWidget *parent) {
    auto *table = new QTableView(parent);
    table->setObjectName(objectName);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setAlternatingRowColors(true);
    table->setWordWrap(false);
    table->setSortingEnabled(false);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 6);
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setHighlightSections(false);
    return table;
}

void setColumnWidthsInDigits(QTableView *table, const QList<QPair<int, int>> &columnDigits) {
    const int digit = table->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    for (const auto &[column, digits] : columnDigits)
        table->horizontalHeader()->resizeSection(column, digit * digits);
}

} // namespace portico::ui
