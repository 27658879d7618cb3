#include "config/configmanager.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "ui/appcontext.h"
#include "ui/routes/routespage.h"
#include "ui/storewatcher.h"
#include "ui/translations.h"

#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace portico;

namespace {

const QByteArray kConfig = QByteArrayLiteral(
    "chat_models:\n"
    "  - model_id: echo\n"
    "    model: mock/echo\n"
    "  - model_id: local-llama\n"
    "    model: openai/llama3.2\n"
    "    credentials: { base_url: 'http://127.0.0.1:9/v1' }\n"
    "embedding_models:\n"
    "  - model_id: embed\n"
    "    model: openai/text-embedding-3-small\n"
    "    credentials: { base_url: 'http://127.0.0.1:9/v1' }\n"
    "routes:\n"
    "  demo:\n"
    "    chat_models: [echo]\n"
    "    rate_limiting: { algorithm: fixed_window, window_size: 1 minute, max_requests: 60 }\n"
    "  assistant:\n"
    "    chat_models: [echo, local-llama]\n"
    "    embedding_models: [embed]\n"
    "    fallback: [{ target: echo, fallbacks: [local-llama] }]\n"
    "  vectors:\n"
    "    embedding_models: [embed]\n");

enum Column { Name, Chat, Embedding, Providers, Limits, Fallbacks, Groups };

} // namespace

// The Routes page against a real config file and store: what it lists, the curl example, and
// what a broken config.yaml looks like after Reload.
class TestRoutesPage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void listsRoutesModelsProvidersLimitsAndGroups();
    void curlExampleIsReadyToPaste();
    void brokenConfigAfterReloadKeepsLastGoodRoutes();
    void warningsAreShownWithTheNewConfig();
    void grantsOfMissingRoutesAreShown();
    void groupChangesShowUp();

private:
    void writeConfig(const QByteArray &yaml);
    int rowOf(const QString &route);
    QString cell(const QString &route, int column);
    template <typename T> T *child(const char *name) {
        auto *widget = m_page->findChild<T *>(QString::fromLatin1(name));
        if (!widget)
            qFatal("no child %s", name);
        return widget;
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<store::Database> m_db;
    std::shared_ptr<config::ConfigManager> m_config;
    std::unique_ptr<ui::StoreWatcher> m_watcher;
    ui::AppContext m_ctx;
    QString m_baseUrl = QStringLiteral("http://127.0.0.1:18123");
    std::unique_ptr<ui::RoutesPage> m_page;
};

void TestRoutesPage::initTestCase() {
    // English plurals ("1 minute"), as the app installs them.
    ui::installTranslations(*QCoreApplication::instance(), QLocale(QLocale::English));
}

void TestRoutesPage::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto db = store::Database::open(m_dir->filePath(QStringLiteral("portico.db")));
    QVERIFY2(db.ok(), qPrintable(db.error().message));
    m_db = db.value();
    writeConfig(kConfig);
    m_config =
        std::make_shared<config::ConfigManager>(m_dir->filePath(QStringLiteral("config.yaml")));
    QVERIFY2(!m_config->lastLoadFailed(), qPrintable(m_config->lastProblems().value(0).toString()));
    m_watcher = std::make_unique<ui::StoreWatcher>(m_db);
    m_ctx = ui::AppContext{m_db,
                           m_config,
                           QStringLiteral("test:routes"),
                           [this] { return m_baseUrl; },
                           m_watcher.get(),
                           nullptr};

    store::GroupStore groups(*m_db, QStringLiteral("test"));
    QVERIFY(groups.createGroup(QStringLiteral("team")).ok());
    QVERIFY(groups.createGroup(QStringLiteral("ops")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("team"), QStringLiteral("demo")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("ops"), QStringLiteral("demo")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("ops"), QStringLiteral("assistant")).ok());

    m_page = std::make_unique<ui::RoutesPage>(m_ctx);
    m_page->resize(1200, 760);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
}

void TestRoutesPage::cleanup() {
    m_page.reset();
    m_watcher.reset();
    m_config.reset();
    m_db.reset();
    m_dir.reset();
}

void TestRoutesPage::writeConfig(const QByteArray &yaml) {
    QFile file(m_dir->filePath(QStringLiteral("config.yaml")));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(yaml);
}

int TestRoutesPage::rowOf(const QString &route) {
    auto *table = child<QTableWidget>("routesTable");
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, Name)->text() == route)
            return row;
    }
    return -1;
}

QString TestRoutesPage::cell(const QString &route, int column) {
    const int row = rowOf(route);
    return row < 0 ? QStringLiteral("<no row>")
                   : child<QTableWidget>("routesTable")->item(row, column)->text();
}

void TestRoutesPage::listsRoutesModelsProvidersLimitsAndGroups() {
    auto *table = child<QTableWidget>("routesTable");
    QCOMPARE(table->rowCount(), 3);
    QCOMPARE(cell(QStringLiteral("demo"), Chat), QStringLiteral("echo"));
    QCOMPARE(cell(QStringLiteral("demo"), Providers), QStringLiteral("mock"));
    QCOMPARE(cell(QStringLiteral("demo"), Limits), QStringLiteral("60 requests per minute"));
    QCOMPARE(cell(QStringLiteral("demo"), Groups), QStringLiteral("ops, team"));

    QCOMPARE(cell(QStringLiteral("assistant"), Chat), QStringLiteral("echo, local-llama"));
    QCOMPARE(cell(QStringLiteral("assistant"), Embedding), QStringLiteral("embed"));
    QCOMPARE(cell(QStringLiteral("assistant"), Providers), QStringLiteral("mock, openai"));
    QCOMPARE(cell(QStringLiteral("assistant"), Fallbacks), QStringLiteral("echo → local-llama"));
    QCOMPARE(cell(QStringLiteral("assistant"), Limits), QStringLiteral("none"));
    QCOMPARE(cell(QStringLiteral("assistant"), Groups), QStringLiteral("ops"));

    QCOMPARE(cell(QStringLiteral("vectors"), Groups), QStringLiteral("no group"));
    QVERIFY(child<QLabel>("configPathLabel")->text().endsWith(QStringLiteral("config.yaml")));
    QVERIFY(!child<QLabel>("configStatusLabel")->isVisible());
    QCOMPARE(child<QLabel>("problemsSummary")->text(), QStringLiteral("No problems found."));
}

void TestRoutesPage::curlExampleIsReadyToPaste() {
    auto *table = child<QTableWidget>("routesTable");
    const QRect rect = table->visualItemRect(table->item(rowOf(QStringLiteral("demo")), Name));
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(m_page->selectedRoute(), QStringLiteral("demo"));

    const QString example = child<QPlainTextEdit>("curlExample")->toPlainText();
    QVERIFY2(example.startsWith(
                 QStringLiteral("curl -X POST http://127.0.0.1:18123/v1/chat/completions \\\n")),
             qPrintable(example));
    QVERIFY(example.contains(QStringLiteral("-H \"Authorization: Bearer YOUR_API_KEY\"")));
    QVERIFY(example.contains(QStringLiteral("\"model\": \"demo\"")));
    QVERIFY(example.contains(QStringLiteral("\"messages\": [{\"role\": \"user\"")));

    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(child<QPushButton>("copyCurlButton"), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), example);

    // An embeddings-only route gets an embeddings call.
    m_page->selectRoute(QStringLiteral("vectors"));
    const QString vectors = child<QPlainTextEdit>("curlExample")->toPlainText();
    QVERIFY2(vectors.contains(QStringLiteral("/v1/embeddings")), qPrintable(vectors));
    QVERIFY(vectors.contains(QStringLiteral("\"input\"")));

    // The address follows the gateway when the page is shown again.
    m_baseUrl = QStringLiteral("http://127.0.0.1:18999");
    m_page->hide();
    m_page->show();
    QVERIFY(child<QPlainTextEdit>("curlExample")
                ->toPlainText()
                .contains(QStringLiteral("http://127.0.0.1:18999/v1/embeddings")));
}

void TestRoutesPage::brokenConfigAfterReloadKeepsLastGoodRoutes() {
    writeConfig(QByteArrayLiteral("chat_models:\n"
                                  "  - model_id: echo\n"
                                  "    model: mock/echo\n"
                                  "routes:\n"
                                  "  demo:\n"
                                  "    chat_models: [no-such-model]\n"));
    QTest::mouseClick(child<QPushButton>("reloadConfigButton"), Qt::LeftButton);

    auto *status = child<QLabel>("configStatusLabel");
    QVERIFY(status->isVisible());
    QVERIFY2(status->text().contains(QStringLiteral("last good config is still in use")),
             qPrintable(status->text()));
    auto *problems = child<QTreeWidget>("problemsTree");
    QVERIFY(problems->topLevelItemCount() >= 1);
    bool namesTheModel = false;
    for (int i = 0; i < problems->topLevelItemCount(); ++i) {
        const QTreeWidgetItem *item = problems->topLevelItem(i);
        if (item->text(0) == QStringLiteral("Error") &&
            item->text(1).startsWith(QStringLiteral("config.yaml:6:")) &&
            item->text(2).contains(QStringLiteral("no-such-model")))
            namesTheModel = true;
    }
    QVERIFY2(namesTheModel, qPrintable(problems->topLevelItem(0)->text(1) + u' ' +
                                       problems->topLevelItem(0)->text(2)));
    QVERIFY(child<QLabel>("problemsSummary")->text().startsWith(QStringLiteral("1 error")));

    // The routes shown are still the ones the gateway serves: the last good config.
    QCOMPARE(child<QTableWidget>("routesTable")->rowCount(), 3);
    QCOMPARE(cell(QStringLiteral("demo"), Chat), QStringLiteral("echo"));

    // Fixing the file and reloading clears the message.
    writeConfig(kConfig);
    QTest::mouseClick(child<QPushButton>("reloadConfigButton"), Qt::LeftButton);
    QVERIFY(!status->isVisible());
    QCOMPARE(problems->topLevelItemCount(), 0);
}

void TestRoutesPage::warningsAreShownWithTheNewConfig() {
    // A warning does not stop the file from loading: the new routes show, and so does the warning.
    writeConfig(QByteArrayLiteral("chat_models:\n"
                                  "  - model_id: echo\n"
                                  "    model: mock/echo\n"
                                  "routes:\n"
                                  "  limited:\n"
                                  "    chat_models: [echo]\n"
                                  "    rate_limiting: { algorithm: sliding_window, window_size: 1 "
                                  "hour, max_requests: 5 }\n"));
    QTest::mouseClick(child<QPushButton>("reloadConfigButton"), Qt::LeftButton);

    QVERIFY(!child<QLabel>("configStatusLabel")->isVisible());
    QCOMPARE(child<QTableWidget>("routesTable")->rowCount(), 1);
    QCOMPARE(cell(QStringLiteral("limited"), Limits), QStringLiteral("5 requests per hour"));
    auto *problems = child<QTreeWidget>("problemsTree");
    QCOMPARE(problems->topLevelItemCount(), 1);
    QCOMPARE(problems->topLevelItem(0)->text(0), QStringLiteral("Warning"));
    QVERIFY(problems->topLevelItem(0)->text(1).startsWith(QStringLiteral("config.yaml:7:")));
    QVERIFY(problems->topLevelItem(0)->text(2).contains(QStringLiteral("sliding_window")));
    QCOMPARE(child<QLabel>("problemsSummary")->text(), QStringLiteral("0 errors, 1 warning."));
}

void TestRoutesPage::grantsOfMissingRoutesAreShown() {
    store::GroupStore groups(*m_db, QStringLiteral("test"));
    QVERIFY(groups.addRoute(QStringLiteral("team"), QStringLiteral("retired")).ok());
    m_page->refresh();
    auto *missing = child<QLabel>("missingRoutesLabel");
    QVERIFY(missing->isVisible());
    QVERIFY2(missing->text().contains(QStringLiteral("retired (granted by team)")),
             qPrintable(missing->text()));
    QCOMPARE(child<QTableWidget>("routesTable")->rowCount(), 3);
}

void TestRoutesPage::groupChangesShowUp() {
    // A change made elsewhere (the command line, the Groups page) reaches the page by itself.
    store::GroupStore groups(*m_db, QStringLiteral("cli:someone"));
    QVERIFY(groups.createGroup(QStringLiteral("search")).ok());
    QVERIFY(groups.addRoute(QStringLiteral("search"), QStringLiteral("vectors")).ok());
    QTRY_COMPARE_WITH_TIMEOUT(cell(QStringLiteral("vectors"), Groups), QStringLiteral("search"),
                              5000);
}

QTEST_MAIN(TestRoutesPage)
#include "test_routespage.moc"
