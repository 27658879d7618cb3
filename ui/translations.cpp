#include "ui/translations.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QTranslator>

namespace portico::ui {

namespace {

// The translator belongs to the application, so it lives as long as the strings it provides.
bool install(QCoreApplication &app, const QLocale &locale, const QString &name,
             const QString &directory) {
    auto *translator = new QTranslator(&app);
    if (!translator->load(locale, name, QStringLiteral("_"), directory)) {
        delete translator;
        return false;
    }
    QCoreApplication::installTranslator(translator);
    return true;
}

} // namespace

void installTranslations(QCoreApplication &app, const QLocale &locale) {
    const QString embedded = QStringLiteral(":/i18n");
    // Installed translators are searched last-installed first: English plurals are the fallback.
    install(app, QLocale(QLocale::English), QStringLiteral("portico"), embedded);
    if (locale.language() == QLocale::English || locale.language() == QLocale::C)
        return;
    install(app, locale, QStringLiteral("qtbase"),
            QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    install(app, locale, QStringLiteral("portico"), embedded);
}

QStringList shippedLanguages() {
    QStringList languages;
    const QStringList files =
        QDir(QStringLiteral(":/i18n"))
            .entryList({QStringLiteral("portico_*.qm")}, QDir::Files, QDir::Name);
    for (const QString &file : files)
        languages.append(file.mid(8, file.size() - 8 - 3)); // portico_XX.qm
    return languages;
}

QLocale localeForLanguage(const QString &language) {
    if (language.isEmpty() || !shippedLanguages().contains(language))
        return QLocale::system();
    return QLocale(language);
}

} // namespace portico::ui
