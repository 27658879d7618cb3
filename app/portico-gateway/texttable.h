#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace portico::cli {

// Columns on a terminal: the width of what a string shows, not its length in UTF-16 units
// (combining marks take no cell, East Asian wide characters and emoji take two).
int displayWidth(QStringView text);

// A table printed with aligned columns, a header row and two spaces between columns.
class TextTable {
public:
    explicit TextTable(QStringList headers);
    void addRow(QStringList cells);
    bool isEmpty() const { return m_rows.isEmpty(); }
    // Each line indented by `indent` spaces; trailing spaces trimmed.
    QString toString(int indent = 0) const;

private:
    QStringList m_headers;
    QList<QStringList> m_rows;
};

} // namespace portico::cli
