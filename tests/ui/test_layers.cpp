// The ui layer, held from two sides besides the configure-time check of cmake/PorticoLayers.cmake:
// no file under ui/ includes a header of the HTTP server, the gateway proxy or the upstream
// client, and the link command of a program made of portico_ui alone (this test) names none of
// their libraries.
#include <QDirIterator>
#include <QFile>
#include <QRegularExpression>
#include <QTest>

namespace {

// The libraries a ui program must not be linked with, as their files are named.
const QStringList kForbiddenLibraries = {
    QStringLiteral("libportico_http."), QStringLiteral("libportico_proxy."),
    QStringLiteral("libportico_upstream."), QStringLiteral("libcurl.")};

// This test's own link command, as the build system wrote it: the LINK_LIBRARIES of its build
// statement in build.ninja, or link.txt with the Makefile generators. Empty when neither exists.
QString ownLinkCommand() {
    const QString binary = QStringLiteral(PORTICO_BINARY_DIR);
    QFile linkTxt(binary + QStringLiteral("/tests/ui/CMakeFiles/test_layers.dir/link.txt"));
    if (linkTxt.open(QIODevice::ReadOnly))
        return QString::fromUtf8(linkTxt.readAll());
    QFile ninja(binary + QStringLiteral("/build.ninja"));
    if (!ninja.open(QIODevice::ReadOnly))
        return {};
    bool inStatement = false;
    while (!ninja.atEnd()) {
        const QString line = QString::fromUtf8(ninja.readLine());
        if (line.startsWith(QLatin1String("build tests/ui/test_layers:"))) {
            inStatement = true;
        } else if (inStatement && !line.startsWith(u' ')) {
            inStatement = false;
        } else if (inStatement && line.trimmed().startsWith(QLatin1String("LINK_LIBRARIES ="))) {
            return line;
        }
    }
    return {};
}

} // namespace

class TestLayers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void uiIncludesNoGatewayServerHeader();
    void uiLinksNoGatewayServerLibrary();
};

void TestLayers::uiIncludesNoGatewayServerHeader() {
    static const QRegularExpression include(
        QStringLiteral("^\\s*#\\s*include\\s*[<\"]((?:http|proxy|upstream)/[^>\"]+)[>\"]"),
        QRegularExpression::MultilineOption);
    const QString ui = QStringLiteral(PORTICO_SOURCE_DIR "/ui");
    QStringList offences;
    int files = 0;
    QDirIterator it(ui, {QStringLiteral("*.h"), QStringLiteral("*.cpp")}, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        ++files;
        const QString text = QString::fromUtf8(file.readAll());
        for (auto match = include.globalMatch(text); match.hasNext();) {
            const auto found = match.next();
            const int line = int(text.left(found.capturedStart()).count(u'\n')) + 1;
            offences.append(QStringLiteral("%1:%2 includes %3")
                                .arg(file.fileName().mid(ui.size() - 2))
                                .arg(line)
                                .arg(found.captured(1)));
        }
    }
    QVERIFY2(files > 20, "ui/ holds almost no sources: is PORTICO_SOURCE_DIR right?");
    QVERIFY2(offences.isEmpty(),
             qPrintable(QStringLiteral("the pages must not use the gateway's HTTP server, proxy "
                                       "or upstream client:\n") +
                        offences.join(u'\n')));
}

void TestLayers::uiLinksNoGatewayServerLibrary() {
    const QString command = ownLinkCommand();
    if (command.isEmpty())
        QSKIP("no build.ninja or link.txt for test_layers: a generator this test cannot read");
    // Else the test would pass on a command that is not the one sought.
    QVERIFY2(command.contains(QLatin1String("libportico_ui.")), qPrintable(command));
    QStringList found;
    for (const QString &library : kForbiddenLibraries) {
        if (command.contains(library))
            found.append(library);
    }
    QVERIFY2(found.isEmpty(),
             qPrintable(QStringLiteral("a program made of portico_ui is linked with ") +
                        found.join(QStringLiteral(", "))));
}

QTEST_GUILESS_MAIN(TestLayers)
#include "test_layers.moc"
