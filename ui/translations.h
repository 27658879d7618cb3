#pragma once

#include <QLocale>
#include <QStringList>

class QCoreApplication;

namespace portico::ui {

// Installs Qt's own translations (standard buttons, input dialogs) and Portico's for `locale`.
// Portico's are embedded in the binary (qt_add_translations, resource prefix /i18n); English
// is the source language, so only its plural forms ("1 key", "2 keys") come from a file, and
// they are installed first so any other language takes precedence.
void installTranslations(QCoreApplication &app, const QLocale &locale);
inline void installTranslations(QCoreApplication &app) {
    installTranslations(app, QLocale::system());
}

// The languages shipped, from the translations embedded under :/i18n ("en", "it", …), so a
// language added to translations/ shows up in the settings without a change here.
QStringList shippedLanguages();
// The locale for a language setting (DesktopSettings::language): the system's when it is empty
// or not shipped.
QLocale localeForLanguage(const QString &language);

} // namespace portico::ui
