// The CI check of the desktop app's languages. The languages are the ones the app ships (the
// portico_LL.qm embedded under :/i18n, one per translations/portico_LL.ts), so a language added to
// translations/CMakeLists.txt is checked like the others: every user-visible string of ui/ and
// app/ translated and finished, its placeholders, markup and one keyboard accelerator kept, as
// many plural forms as the language has; and the real window shows it, with accelerators that do
// not clash, when the system locale asks for it.
#include "testsupport.h"

#include "ui/mainwindow.h"
#include "ui/translations.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QComboBox>
#include <QDir>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMap>
#include <QMenu>
#include <QMenuBar>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTranslator>
#include <QXmlStreamReader>

using namespace portico;

namespace {

// One <message> of a .ts file.
struct Message {
    QString context;
    QString source;
    QString comment;
    bool numerus = false;
    QString translationType;  // "", "unfinished", "vanished", "obsolete"
    QStringList translations; // one, or one per plural form
    QString id() const { return context + u'|' + source + u'|' + comment; }
    bool translated() const {
        if (!translationType.isEmpty() || translations.isEmpty())
            return false;
        for (const auto &text : translations) {
            if (text.isEmpty())
                return false;
        }
        return true;
    }
};

struct TsFile {
    QString language; // the <TS language="..."> attribute
    QMap<QString, Message> messages;
};

TsFile readTs(const QString &path, QString *error) {
    TsFile ts;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot open ") + path;
        return ts;
    }
    QXmlStreamReader xml(&file);
    QString context;
    Message message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const auto name = xml.name();
            if (name == QLatin1String("TS")) {
                ts.language = xml.attributes().value(QLatin1String("language")).toString();
            } else if (name == QLatin1String("context")) {
                context.clear();
            } else if (name == QLatin1String("name")) {
                context = xml.readElementText();
            } else if (name == QLatin1String("message")) {
                message = Message{};
                message.context = context;
                message.numerus =
                    xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
            } else if (name == QLatin1String("source")) {
                message.source = xml.readElementText();
            } else if (name == QLatin1String("comment")) {
                message.comment = xml.readElementText();
            } else if (name == QLatin1String("translation")) {
                message.translationType = xml.attributes().value(QLatin1String("type")).toString();
                if (!message.numerus)
                    message.translations.append(xml.readElementText());
            } else if (name == QLatin1String("numerusform")) {
                message.translations.append(xml.readElementText());
            }
        } else if (xml.isEndElement() && xml.name() == QLatin1String("message")) {
            ts.messages.insert(message.id(), message);
        }
    }
    if (xml.hasError())
        *error = path + QStringLiteral(": ") + xml.errorString();
    return ts;
}

QSet<QString> placeholders(const QString &text) {
    static const QRegularExpression pattern(QStringLiteral("%(\\d+|n)"));
    QSet<QString> found;
    for (auto it = pattern.globalMatch(text); it.hasNext();)
        found.insert(it.next().captured(0));
    return found;
}

QStringList markup(const QString &text) {
    static const QRegularExpression pattern(QStringLiteral("<[^<>]+>"));
    QStringList found;
    for (auto it = pattern.globalMatch(text); it.hasNext();)
        found.append(it.next().captured(0));
    return found;
}

// The keyboard accelerators of a text: the characters after a single '&' ("&&" is a literal &).
QString mnemonics(const QString &text) {
    QString found;
    for (qsizetype i = 0; i + 1 < text.size(); ++i) {
        if (text.at(i) != u'&')
            continue;
        if (text.at(i + 1) != u'&')
            found.append(text.at(i + 1).toLower());
        ++i;
    }
    return found;
}

// The languages the app ships: portico_LL.qm under :/i18n, English (the source language, which
// only carries plural forms) aside.
QStringList shippedLanguages() {
    QStringList languages;
    const auto files =
        QDir(QStringLiteral(":/i18n")).entryList({QStringLiteral("portico_*.qm")}, QDir::Files);
    for (const QString &file : files) {
        const QString code = file.mid(8, file.size() - 8 - 3);
        if (code != QLatin1String("en"))
            languages.append(code);
    }
    return languages;
}

void removeAppTranslators() {
    const auto translators =
        QCoreApplication::instance()->findChildren<QTranslator *>(Qt::FindDirectChildrenOnly);
    for (QTranslator *translator : translators) {
        QCoreApplication::removeTranslator(translator);
        delete translator;
    }
}

// What a widget shows: its text, title, placeholder, items and column headers.
QStringList shownTexts(QWidget *widget) {
    QStringList texts;
    if (auto *label = qobject_cast<QLabel *>(widget))
        texts.append(label->text());
    if (auto *button = qobject_cast<QAbstractButton *>(widget))
        texts.append(button->text());
    if (auto *box = qobject_cast<QGroupBox *>(widget))
        texts.append(box->title());
    if (auto *edit = qobject_cast<QLineEdit *>(widget))
        texts.append(edit->placeholderText());
    if (auto *combo = qobject_cast<QComboBox *>(widget)) {
        for (int i = 0; i < combo->count(); ++i)
            texts.append(combo->itemText(i));
    }
    if (auto *tabs = qobject_cast<QTabWidget *>(widget)) {
        for (int i = 0; i < tabs->count(); ++i)
            texts.append(tabs->tabText(i));
    }
    if (auto *view = qobject_cast<QAbstractItemView *>(widget); view && view->model()) {
        for (int column = 0; column < view->model()->columnCount(); ++column)
            texts.append(view->model()->headerData(column, Qt::Horizontal).toString());
        if (qobject_cast<QListWidget *>(widget)) {
            for (int row = 0; row < view->model()->rowCount(); ++row)
                texts.append(view->model()->index(row, 0).data().toString());
        }
    }
    texts.append(widget->toolTip());
    texts.removeAll(QString());
    return texts;
}

} // namespace

class TestTranslations : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void everyTranslationIsShipped();
    void isComplete_data() { languageRows(); }
    void isComplete();
    void pluralFormsMatchTheLanguage_data() { languageRows(); }
    void pluralFormsMatchTheLanguage();
    void placeholdersMarkupAndAcceleratorsAreKept_data() { languageRows(); }
    void placeholdersMarkupAndAcceleratorsAreKept();
    void englishPluralsAreComplete();
    void embeddedTranslationsLoad_data();
    void embeddedTranslationsLoad();
    void systemLocalePicksTheLanguage_data();
    void systemLocalePicksTheLanguage();
    void windowShowsTheLanguage_data() { languageRows(); }
    void windowShowsTheLanguage();

private:
    void languageRows();
    QString translation(const QString &language, const QString &context,
                        const QString &source) const;

    QTemporaryDir m_dir;
    QStringList m_languages;
    QMap<QString, TsFile> m_current; // per language: what the sources say today, untranslated
    QMap<QString, TsFile> m_shipped; // per language: translations/portico_LL.ts
    TsFile m_english;
};

void TestTranslations::initTestCase() {
    QVERIFY(m_dir.isValid());
    test::isolateSettings(m_dir);
    m_languages = shippedLanguages();
    // The README promises these two; any other shipped language is checked the same way.
    QVERIFY2(m_languages.contains(QStringLiteral("it")) &&
                 m_languages.contains(QStringLiteral("de")),
             qPrintable(QStringLiteral("embedded translations: ") + m_languages.join(u' ')));

    const QString source = QStringLiteral(PORTICO_SOURCE_DIR);
    QString error;
    for (const QString &language : std::as_const(m_languages)) {
        // lupdate over the sources, as a translator would, for this language: its untranslated
        // messages carry as many plural forms as the language has.
        const QString ts = m_dir.filePath(QStringLiteral("current_%1.ts").arg(language));
        QProcess lupdate;
        lupdate.setProcessChannelMode(QProcess::MergedChannels);
        lupdate.start(QStringLiteral(PORTICO_LUPDATE),
                      {QStringLiteral("-silent"), QStringLiteral("-locations"),
                       QStringLiteral("none"), QStringLiteral("-target-language"), language,
                       // Include paths let lupdate see the classes' namespaces, as tr() does.
                       QStringLiteral("-I"), source, QStringLiteral("-I"),
                       source + QStringLiteral("/gateway"), source + QStringLiteral("/ui"),
                       source + QStringLiteral("/app"), QStringLiteral("-ts"), ts});
        QVERIFY2(lupdate.waitForFinished(120000), "lupdate did not finish");
        QVERIFY2(lupdate.exitStatus() == QProcess::NormalExit && lupdate.exitCode() == 0,
                 lupdate.readAll().constData());
        m_current.insert(language, readTs(ts, &error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(m_current[language].messages.size() > 50,
                 "lupdate found almost no strings: is tr() used?");

        m_shipped.insert(
            language,
            readTs(source + QStringLiteral("/translations/portico_%1.ts").arg(language), &error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY2(m_shipped[language].language.section(u'_', 0, 0) == language,
                 qPrintable(QStringLiteral("translations/portico_%1.ts says language=\"%2\"")
                                .arg(language, m_shipped[language].language)));
    }
    m_english = readTs(source + QStringLiteral("/translations/portico_en.ts"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestTranslations::cleanup() {
    removeAppTranslators();
}

void TestTranslations::languageRows() {
    QTest::addColumn<QString>("language");
    for (const QString &language : std::as_const(m_languages))
        QTest::newRow(qPrintable(language)) << language;
}

QString TestTranslations::translation(const QString &language, const QString &context,
                                      const QString &source) const {
    return m_shipped.value(language)
        .messages.value(context + u'|' + source + u'|')
        .translations.value(0);
}

// A .ts file in translations/ that the build does not embed is a language nobody gets.
void TestTranslations::everyTranslationIsShipped() {
    QStringList files = QDir(QStringLiteral(PORTICO_SOURCE_DIR "/translations"))
                            .entryList({QStringLiteral("portico_*.ts")}, QDir::Files);
    files.sort();
    QStringList shipped;
    for (const QString &language : std::as_const(m_languages))
        shipped.append(QStringLiteral("portico_%1.ts").arg(language));
    shipped.append(QStringLiteral("portico_en.ts"));
    shipped.sort();
    QCOMPARE(files, shipped);
}

void TestTranslations::isComplete() {
    QFETCH(QString, language);
    const auto &shipped = m_shipped[language].messages;
    QStringList missing;
    for (const auto &message : std::as_const(m_current[language].messages)) {
        const auto it = shipped.constFind(message.id());
        if (it == shipped.cend())
            missing.append(QStringLiteral("missing: [%1] %2").arg(message.context, message.source));
        else if (!it->translated())
            missing.append(
                QStringLiteral("untranslated: [%1] %2").arg(message.context, message.source));
    }
    QVERIFY2(missing.isEmpty(),
             qPrintable(QStringLiteral("translations/portico_%1.ts lacks %2 string(s) (see "
                                       "translations/CMakeLists.txt to update it):\n")
                            .arg(language)
                            .arg(missing.size()) +
                        missing.join(u'\n')));
}

void TestTranslations::pluralFormsMatchTheLanguage() {
    QFETCH(QString, language);
    const auto &shipped = m_shipped[language].messages;
    QStringList wrong;
    for (const auto &message : std::as_const(m_current[language].messages)) {
        const auto it = shipped.constFind(message.id());
        if (!message.numerus || it == shipped.cend())
            continue;
        if (!it->numerus || it->translations.size() != message.translations.size()) {
            wrong.append(QStringLiteral("[%1] %2: %3 form(s), the language has %4")
                             .arg(message.context, message.source)
                             .arg(it->translations.size())
                             .arg(message.translations.size()));
        }
    }
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u'\n')));
}

void TestTranslations::placeholdersMarkupAndAcceleratorsAreKept() {
    QFETCH(QString, language);
    const auto &current = m_current[language].messages;
    QStringList wrong;
    for (const auto &message : std::as_const(m_shipped[language].messages)) {
        if (!message.translated() || !current.contains(message.id()))
            continue;
        const QSet<QString> expected = placeholders(message.source);
        for (const auto &translation : message.translations) {
            QSet<QString> got = placeholders(translation);
            // A singular form may spell the number out ("Una chiave") instead of %n.
            if (message.numerus && !got.contains(QStringLiteral("%n")))
                got.insert(QStringLiteral("%n"));
            QString problem;
            if (got != expected)
                problem = QStringLiteral("placeholders");
            else if (markup(translation) != markup(message.source))
                problem = QStringLiteral("markup");
            else if (mnemonics(translation).size() != mnemonics(message.source).size())
                problem = QStringLiteral("accelerator");
            if (!problem.isEmpty())
                wrong.append(QStringLiteral("%1 differ: [%2] %3 -> %4")
                                 .arg(problem, message.context, message.source, translation));
        }
    }
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u'\n')));
}

void TestTranslations::englishPluralsAreComplete() {
    QVERIFY(!m_languages.isEmpty());
    QStringList missing;
    for (const auto &message : std::as_const(m_current[m_languages.first()].messages)) {
        if (!message.numerus)
            continue;
        const auto it = m_english.messages.constFind(message.id());
        if (it == m_english.messages.cend() || !it->translated() || it->translations.size() != 2)
            missing.append(QStringLiteral("[%1] %2").arg(message.context, message.source));
    }
    QVERIFY2(missing.isEmpty(),
             qPrintable(QStringLiteral("translations/portico_en.ts lacks plural forms of:\n") +
                        missing.join(u'\n')));
}

void TestTranslations::embeddedTranslationsLoad_data() {
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("createGroup");
    QTest::addColumn<QString>("twoMinutes");
    // Spelled out here, so a wrong .ts cannot pass by agreeing with itself.
    QTest::newRow("it") << QStringLiteral("it") << QStringLiteral("Crea gruppo")
                        << QStringLiteral("2 minuti");
    QTest::newRow("de") << QStringLiteral("de") << QStringLiteral("Gruppe erstellen")
                        << QStringLiteral("2 Minuten");
    QTest::newRow("en") << QStringLiteral("en") << QStringLiteral("Create Group")
                        << QStringLiteral("2 minutes");
}

// The .qm files compiled into portico_ui give every string of their .ts, and proper plurals.
void TestTranslations::embeddedTranslationsLoad() {
    QFETCH(QString, language);
    QFETCH(QString, createGroup);
    QFETCH(QString, twoMinutes);
    ui::installTranslations(*QCoreApplication::instance(), QLocale(language));
    QCOMPARE(QCoreApplication::translate("portico::ui::GroupsPage", "Create Group"), createGroup);
    QCOMPARE(QCoreApplication::translate("portico::ui::RoutesPage", "%n minute(s)", nullptr, 2),
             twoMinutes);
    QStringList wrong;
    const QMap<QString, Message> messages =
        language == QLatin1String("en") ? m_english.messages : m_shipped.value(language).messages;
    for (const auto &message : messages) {
        if (message.numerus || !message.translated())
            continue;
        const QString got = QCoreApplication::translate(
            message.context.toUtf8().constData(), message.source.toUtf8().constData(),
            message.comment.isEmpty() ? nullptr : message.comment.toUtf8().constData());
        if (got != message.translations.first())
            wrong.append(QStringLiteral("[%1] %2 -> %3").arg(message.context, message.source, got));
    }
    QVERIFY2(
        wrong.isEmpty(),
        qPrintable(QStringLiteral("the embedded .qm differs from the .ts:\n") + wrong.join(u'\n')));
}

void TestTranslations::systemLocalePicksTheLanguage_data() {
    QTest::addColumn<QString>("lang"); // the LANG variable
    QTest::addColumn<QString>("language");
    for (const QString &language : std::as_const(m_languages)) {
        const QString lang = QLocale(language).name() + QStringLiteral(".UTF-8");
        QTest::newRow(qPrintable(lang)) << lang << language;
    }
    QTest::newRow("de_AT") << QStringLiteral("de_AT.UTF-8") << QStringLiteral("de");
    QTest::newRow("de_CH") << QStringLiteral("de_CH.UTF-8") << QStringLiteral("de");
    QTest::newRow("it_CH") << QStringLiteral("it_CH.UTF-8") << QStringLiteral("it");
    QTest::newRow("en_GB") << QStringLiteral("en_GB.UTF-8") << QStringLiteral("en");
    QTest::newRow("no translation: English")
        << QStringLiteral("sv_SE.UTF-8") << QStringLiteral("en");
}

// The real desktop app, started with a system locale, prints its help in that language.
void TestTranslations::systemLocalePicksTheLanguage() {
#ifndef PORTICO_DESKTOP_APP
    QSKIP("the desktop app is not built");
#else
    QFETCH(QString, lang);
    QFETCH(QString, language);
    const char *description =
        "Portico: API keys, groups and routes, with a local OpenAI-compatible gateway.";
    const QString expected =
        language == QLatin1String("en")
            ? QString::fromLatin1(description)
            : translation(language, QStringLiteral("main"), QString::fromLatin1(description));
    QVERIFY(!expected.isEmpty());

    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Only LANG speaks: every LC_* and LANGUAGE would take precedence over it.
    const QStringList names = env.keys();
    for (const QString &name : names) {
        if (name.startsWith(QLatin1String("LC_")) || name == QLatin1String("LANGUAGE"))
            env.remove(name);
    }
    env.insert(QStringLiteral("LANG"), lang);
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("HOME"), m_dir.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
    app.setProcessEnvironment(env);
    app.setProcessChannelMode(QProcess::MergedChannels);
    app.start(QStringLiteral(PORTICO_DESKTOP_APP), {QStringLiteral("--help")});
    QVERIFY2(app.waitForFinished(60000), "portico --help did not finish");
    const QString output = QString::fromUtf8(app.readAll());
    QVERIFY2(app.exitStatus() == QProcess::NormalExit && app.exitCode() == 0, qPrintable(output));
    QVERIFY2(output.contains(expected), qPrintable(output));
#endif
}

// The main window under each language: its pages and menus in that language, no English text
// where the language has a translation, Qt's own buttons translated too, and keyboard
// accelerators that do not clash in the menu bar or within a menu.
void TestTranslations::windowShowsTheLanguage() {
    QFETCH(QString, language);
    ui::installTranslations(*QCoreApplication::instance(), QLocale(language));

    test::UiFixture fixture;
    QVERIFY(fixture.open());
    // A key in a group, so the pages have rows, counts and plurals to show.
    const QString group = fixture.createGroup(QStringLiteral("team"), {QStringLiteral("demo")});
    fixture.createKey(QStringLiteral("app"), {group});
    ui::MainWindow window(fixture.context);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigation"));
    QVERIFY(navigation);
    const QStringList pages = {QStringLiteral("Keys"),   QStringLiteral("Groups"),
                               QStringLiteral("Routes"), QStringLiteral("Dashboard"),
                               QStringLiteral("Usage"),  QStringLiteral("Logs"),
                               QStringLiteral("Audit")};
    QCOMPARE(navigation->count(), pages.size());
    for (int i = 0; i < pages.size(); ++i) {
        QCOMPARE(navigation->item(i)->text(),
                 translation(language, QStringLiteral("portico::ui::MainWindow"), pages.at(i)));
    }
    QVERIFY(QCoreApplication::translate("QPlatformTheme", "Cancel") != QLatin1String("Cancel"));

    // Spelled out for the languages the README names, so a wrong .ts cannot pass by agreeing
    // with itself.
    const QMap<QString, QString> fileMenu = {{QStringLiteral("it"), QStringLiteral("&File")},
                                             {QStringLiteral("de"), QStringLiteral("&Datei")}};
    if (fileMenu.contains(language))
        QCOMPARE(window.menuBar()->actions().value(0)->text(), fileMenu.value(language));

    // Every English text of the sources, except those the language keeps as they are
    // ("Dashboard", "UUID"): any of them on screen is a string that missed tr() or its
    // translation.
    QSet<QString> english;
    for (const auto &message : std::as_const(m_current[language].messages)) {
        if (!message.numerus)
            english.insert(message.source);
    }
    for (const auto &message : std::as_const(m_shipped[language].messages)) {
        if (!message.numerus && message.translated() &&
            message.translations.first() == message.source)
            english.remove(message.source);
    }
    QStringList untranslated;
    const auto widgets = window.findChildren<QWidget *>();
    for (QWidget *widget : widgets) {
        for (const QString &text : shownTexts(widget)) {
            if (english.contains(text))
                untranslated.append(QStringLiteral("%1 (%2): %3")
                                        .arg(widget->objectName(),
                                             QString::fromLatin1(widget->metaObject()->className()),
                                             text));
        }
    }
    QVERIFY2(untranslated.isEmpty(), qPrintable(untranslated.join(u'\n')));

    QStringList clashes;
    const auto checkUnique = [&clashes](const QString &where, const QStringList &texts) {
        QMap<QChar, QString> seen;
        for (const QString &text : texts) {
            for (const QChar key : mnemonics(text)) {
                if (seen.contains(key))
                    clashes.append(QStringLiteral("%1: %2 and %3").arg(where, seen[key], text));
                seen.insert(key, text);
            }
        }
    };
    QStringList menuTitles;
    const auto menus = window.menuBar()->actions();
    for (QAction *menuAction : menus) {
        menuTitles.append(menuAction->text());
        QVERIFY2(!mnemonics(menuAction->text()).isEmpty(), qPrintable(menuAction->text()));
        if (!menuAction->menu())
            continue;
        QStringList items;
        const auto actions = menuAction->menu()->actions();
        for (QAction *action : actions) {
            if (!action->isSeparator())
                items.append(action->text());
        }
        checkUnique(menuAction->text(), items);
    }
    checkUnique(QStringLiteral("menu bar"), menuTitles);
    // Alt+letter on a page reaches its buttons and labelled fields and the menu bar alike.
    auto *stack = window.findChild<QStackedWidget *>(QStringLiteral("pages"));
    QVERIFY(stack);
    for (int i = 0; i < stack->count(); ++i) {
        QStringList texts = menuTitles;
        const auto children = stack->widget(i)->findChildren<QWidget *>();
        for (QWidget *child : children) {
            if (auto *button = qobject_cast<QAbstractButton *>(child))
                texts.append(button->text());
            else if (auto *label = qobject_cast<QLabel *>(child); label && label->buddy())
                texts.append(label->text());
        }
        checkUnique(navigation->item(i)->text(), texts);
    }
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(u'\n')));
}

QTEST_MAIN(TestTranslations)
#include "test_translations.moc"
