#pragma once

#include <QCoreApplication>
#include <QLocale>
#include <QTranslator>

namespace portico::test {

// One of the app's embedded translations (:/i18n/portico_LL.qm), installed for this object's
// lifetime only, so the other tests of the program keep English.
class AppTranslation {
public:
    explicit AppTranslation(QLocale::Language language) {
        m_installed = m_translator.load(QLocale(language), QStringLiteral("portico"),
                                        QStringLiteral("_"), QStringLiteral(":/i18n")) &&
                      QCoreApplication::installTranslator(&m_translator);
    }
    ~AppTranslation() { QCoreApplication::removeTranslator(&m_translator); }
    AppTranslation(const AppTranslation &) = delete;
    AppTranslation &operator=(const AppTranslation &) = delete;

    bool installed() const { return m_installed; }

private:
    QTranslator m_translator;
    bool m_installed = false;
};

class ItalianTranslation : public AppTranslation {
public:
    ItalianTranslation()
        : AppTranslation(QLocale::Italian) {}
};

class GermanTranslation : public AppTranslation {
public:
    GermanTranslation()
        : AppTranslation(QLocale::German) {}
};

} // namespace portico::test
