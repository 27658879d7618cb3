#include "ui/translations.h"

#include <QCoreApplication>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

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

QMap<QString, Message> readTs(const QString &path, QString *error) {
    QMap<QString, Message> messages;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot open ") + path;
        return messages;
    }
    QXmlStreamReader xml(&file);
    QString context;
    Message message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const auto name = xml.name();
            if (name == QLatin1String("context")) {
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
            messages.insert(message.id(), message);
        }
    }
    if (xml.hasError())
        *error = path + QStringLiteral(": ") + xml.errorString();
    return messages;
}

QSet<QString> placeholders(const QString &text) {
    static const QRegularExpression pattern(QStringLiteral("%(\\d+|n)"));
    QSet<QString> found;
    for (auto it = pattern.globalMatch(text); it.hasNext();)
        found.insert(it.next().captured(0));
    return found;
}

} // namespace

// The CI check that every user-visible string of ui/ and app/ has a finished Italian
// translation in translations/portico_it.ts, and every plural an English form.
class TestTranslations : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void italianIsComplete();
    void englishPluralsAreComplete();
    void placeholdersAreKept();
    void embeddedTranslationsLoad();

private:
    QMap<QString, Message> m_current; // what the sources say today
    QMap<QString, Message> m_italian;
    QMap<QString, Message> m_english;
};

void TestTranslations::initTestCase() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString source = QStringLiteral(PORTICO_SOURCE_DIR);
    const QString ts = dir.filePath(QStringLiteral("current_it.ts"));
    QProcess lupdate;
    lupdate.setProcessChannelMode(QProcess::MergedChannels);
    lupdate.start(QStringLiteral(PORTICO_LUPDATE),
                  {QStringLiteral("-silent"), QStringLiteral("-locations"), QStringLiteral("none"),
                   // Include paths let lupdate see the classes' namespaces, as tr() does.
                   QStringLiteral("-I"), source, QStringLiteral("-I"),
                   source + QStringLiteral("/gateway"), source + QStringLiteral("/ui"),
                   source + QStringLiteral("/app"), QStringLiteral("-ts"), ts});
    QVERIFY2(lupdate.waitForFinished(120000), "lupdate did not finish");
    QVERIFY2(lupdate.exitStatus() == QProcess::NormalExit && lupdate.exitCode() == 0,
             lupdate.readAll().constData());

    QString error;
    m_current = readTs(ts, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(m_current.size() > 50, "lupdate found almost no strings: is tr() used?");
    m_italian = readTs(source + QStringLiteral("/translations/portico_it.ts"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_english = readTs(source + QStringLiteral("/translations/portico_en.ts"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestTranslations::italianIsComplete() {
    QStringList missing;
    for (const auto &message : std::as_const(m_current)) {
        const auto it = m_italian.constFind(message.id());
        if (it == m_italian.cend())
            missing.append(QStringLiteral("missing: [%1] %2").arg(message.context, message.source));
        else if (!it->translated())
            missing.append(
                QStringLiteral("untranslated: [%1] %2").arg(message.context, message.source));
    }
    QVERIFY2(missing.isEmpty(),
             qPrintable(QStringLiteral("translations/portico_it.ts lacks %1 string(s) (see "
                                       "translations/CMakeLists.txt to update it):\n")
                            .arg(missing.size()) +
                        missing.join(u'\n')));
}

void TestTranslations::englishPluralsAreComplete() {
    QStringList missing;
    for (const auto &message : std::as_const(m_current)) {
        if (!message.numerus)
            continue;
        const auto it = m_english.constFind(message.id());
        if (it == m_english.cend() || !it->translated() || it->translations.size() != 2)
            missing.append(QStringLiteral("[%1] %2").arg(message.context, message.source));
    }
    QVERIFY2(missing.isEmpty(),
             qPrintable(QStringLiteral("translations/portico_en.ts lacks plural forms of:\n") +
                        missing.join(u'\n')));
}

void TestTranslations::placeholdersAreKept() {
    QStringList wrong;
    for (const auto &message : std::as_const(m_italian)) {
        if (!message.translated() || !m_current.contains(message.id()))
            continue;
        const QSet<QString> expected = placeholders(message.source);
        for (const auto &translation : message.translations) {
            QSet<QString> got = placeholders(translation);
            // A singular form may spell the number out ("Una chiave") instead of %n.
            if (message.numerus && !got.contains(QStringLiteral("%n")))
                got.insert(QStringLiteral("%n"));
            if (got != expected)
                wrong.append(QStringLiteral("[%1] %2 -> %3")
                                 .arg(message.context, message.source, translation));
        }
    }
    QVERIFY2(wrong.isEmpty(),
             qPrintable(QStringLiteral("placeholders differ:\n") + wrong.join(u'\n')));
}

void TestTranslations::embeddedTranslationsLoad() {
    // The .qm files are compiled into portico_ui; loading them for Italian must change a string
    // of every page, and English must give proper plurals.
    portico::ui::installTranslations(*QCoreApplication::instance(), QLocale(QLocale::Italian));
    QCOMPARE(QCoreApplication::translate("portico::ui::GroupsPage", "Create Group"),
             m_italian.value(QStringLiteral("portico::ui::GroupsPage|Create Group|"))
                 .translations.value(0));
    QVERIFY(QCoreApplication::translate("portico::ui::RoutesPage", "Problems in config.yaml") !=
            QLatin1String("Problems in config.yaml"));
    const QString two =
        QCoreApplication::translate("portico::ui::RoutesPage", "%n minute(s)", nullptr, 2);
    QCOMPARE(two, QStringLiteral("2 minuti"));
}

QTEST_MAIN(TestTranslations)
#include "test_translations.moc"
