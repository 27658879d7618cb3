#pragma once

#include <QCoreApplication>
#include <QLocale>
#include <QTranslator>

namespace portico::test {

// The app's embedded Italian translation, installed for this object's lifetime only, so the
// other tests of the program keep English.
class ItalianTranslation {
public:
    ItalianTranslation() {
        m_installed = m_translator.load(QLocale(QLocale::Italian), QStringLiteral("portico"),
                                        QStringLiteral("_"), QStringLiteral(":/i18n")) &&
                      QCoreApplication::installTranslator(&m_translator);
    }
    ~ItalianTranslation() { QCoreApplication::removeTranslator(&m_translator); }
    ItalianTranslation(const ItalianTranslation &) = delete;
    ItalianTranslation &operator=(const ItalianTranslation &) = delete;

    bool installed() const { return m_installed; }

private:
    QTranslator m_translator;
    bool m_installed = false;
};

} // namespace portico::test
