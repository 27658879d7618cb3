#include "texttable.h"

namespace portico::cli {

namespace {

bool isWide(char32_t c) {
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
           (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD);
}

QString padded(const QString &text, int width) {
    const int missing = width - displayWidth(text);
    return missing > 0 ? text + QString(missing, QLatin1Char(' ')) : text;
}

} // namespace

int displayWidth(QStringView text) {
    int width = 0;
    for (char32_t c : text.toUcs4()) {
        const QChar::Category category = QChar::category(c);
        if (category == QChar::Mark_NonSpacing || category == QChar::Mark_Enclosing ||
            category == QChar::Other_Format || c == 0x200B)
            continue;
        width += isWide(c) ? 2 : 1;
    }
    return width;
}

TextTable::TextTable(QStringList headers)
    : m_headers(std::move(headers)) {}

void TextTable::addRow(QStringList cells) {
    while (cells.size() < m_headers.size())
        cells << QString();
    m_rows << cells;
}

QString TextTable::toString(int indent) const {
    QList<int> widths;
    for (const QString &header : m_headers)
        widths << displayWidth(header);
    for (const QStringList &row : m_rows) {
        for (qsizetype i = 0; i < widths.size(); ++i)
            widths[i] = qMax(widths[i], displayWidth(row.at(i)));
    }
    const QString margin(indent, QLatin1Char(' '));
    auto line = [&](const QStringList &cells) -> QString {
        QString text = margin;
        for (qsizetype i = 0; i < widths.size(); ++i) {
            if (i > 0)
                text += QStringLiteral("  ");
            text += padded(cells.at(i), widths.at(i));
        }
        while (text.endsWith(QLatin1Char(' ')))
            text.chop(1);
        return text + QLatin1Char('\n');
    };
    QString text = line(m_headers);
    for (const QStringList &row : m_rows)
        text += line(row);
    return text;
}

} // namespace portico::cli
