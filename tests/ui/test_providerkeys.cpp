// Upstream API keys in the OS keychain: Routes → Set API Key stores a model's key under the NAME
// of config.yaml's `!secret NAME`, the config finds it there first, the stored value is never
// shown again nor written to any file by the app. The widget tests put an in-memory keychain
// behind ui::ProviderKeychain; systemKeychain drives QtKeychain itself: without a keychain (a
// clear error) or, under with-test-keyring.sh, with a real GNOME Keyring of its own.
// Secrets are compared, never printed: QVERIFY, not QCOMPARE.
#include "memorykeychain.h"
#include "testsupport.h"

#include "ui/routes/routespage.h"
#include "ui/routes/setapikeydialog.h"
#include "ui/secrets/providerkeys.h"

#include <QComboBox>
#include <QDirIterator>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QUuid>

using namespace portico;
using test::findWidget;

namespace {

const QByteArray kProviderConfig =
    QByteArrayLiteral("# Hand-written: the app must leave this file as it is.\n"
                      "chat_models:\n"
                      "  - model_id: demo\n"
                      "    model: mock/echo\n"
                      "  - model_id: gpt\n"
                      "    model: openai/gpt-4o\n"
                      "    credentials:\n"
                      "      api_key: !secret PORTICO_TEST_UPSTREAM_KEY\n"
                      "      base_url: http://127.0.0.1:9/v1\n"
                      "routes:\n"
                      "  demo:\n"
                      "    chat_models: [demo]\n"
                      "  assistant:\n"
                      "    chat_models: [gpt]\n");

bool writeFile(const QString &path, const QByteArray &data) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(data) == data.size();
}

QByteArray readFile(const QString &path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The files under `dir` whose bytes contain `needle` (as UTF-8 or UTF-16, as Qt may write).
QStringList filesHolding(const QString &dir, const QString &needle) {
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QByteArray data = readFile(path);
        const QByteArray utf16(reinterpret_cast<const char *>(needle.utf16()), needle.size() * 2);
        if (data.contains(needle.toUtf8()) || data.contains(utf16))
            found.append(path);
    }
    return found;
}

// Every text the dialog shows, to check that a stored key is never among them.
QString shownTexts(QWidget *dialog) {
    QString all;
    for (auto *label : dialog->findChildren<QLabel *>())
        all += label->text() + u'\n';
    for (auto *edit : dialog->findChildren<QLineEdit *>())
        all += edit->text() + u'\n';
    for (auto *edit : dialog->findChildren<QPlainTextEdit *>())
        all += edit->toPlainText() + u'\n';
    for (auto *combo : dialog->findChildren<QComboBox *>()) {
        for (int i = 0; i < combo->count(); ++i)
            all += combo->itemText(i) + u'\n';
    }
    return all;
}

} // namespace

class TestProviderKeys : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void nameForModel();
    void setKeyForReferencedSecret();
    void setKeyShowsConfigLine();
    void keychainRefusesTheKey();
    void fetchedAtStartAndFollowed();
    void systemKeychain();

private:
    // The fixture's config replaced by `yaml`, with a config manager that looks in `keys` first.
    void useConfig(const QByteArray &yaml);
    ui::SetApiKeyDialog *openDialog(ui::RoutesPage &page);

    QTemporaryDir m_settingsDir;
    std::unique_ptr<test::UiFixture> m_fixture;
    std::shared_ptr<test::MemoryKeychain::State> m_keychain;
    std::unique_ptr<ui::ProviderKeys> m_keys;
    QString m_configPath;
};

void TestProviderKeys::initTestCase() {
    test::isolateApplication(m_settingsDir, QStringLiteral("portico-test"));
    test::isolateKeychain(m_settingsDir);
    qunsetenv("PORTICO_TEST_UPSTREAM_KEY");
    qunsetenv("PORTICO_GPT_API_KEY");
}

void TestProviderKeys::init() {
    m_fixture = std::make_unique<test::UiFixture>();
    QVERIFY(m_fixture->open());
    m_keychain = std::make_shared<test::MemoryKeychain::State>();
    m_keys = std::make_unique<ui::ProviderKeys>(std::make_unique<test::MemoryKeychain>(m_keychain));
    m_fixture->context.providerKeys = m_keys.get();
    m_configPath = m_fixture->dir.filePath(QStringLiteral("config.yaml"));
}

void TestProviderKeys::cleanup() {
    m_keys.reset();
    m_fixture.reset();
}

void TestProviderKeys::useConfig(const QByteArray &yaml) {
    QVERIFY(writeFile(m_configPath, yaml));
    m_keys->fetchNow(ui::ProviderKeys::secretNamesOf(m_configPath), std::chrono::seconds(30));
    m_fixture->config = std::make_shared<config::ConfigManager>(m_configPath, m_keys->source());
    m_fixture->context.config = m_fixture->config;
    m_keys->follow(m_fixture->config);
}

ui::SetApiKeyDialog *TestProviderKeys::openDialog(ui::RoutesPage &page) {
    auto *button = findWidget<QPushButton>(QStringLiteral("setApiKeyButton"), &page);
    if (!button || !button->isVisible())
        return nullptr;
    QTest::mouseClick(button, Qt::LeftButton);
    return page.findChild<ui::SetApiKeyDialog *>();
}

void TestProviderKeys::nameForModel() {
    QCOMPARE(ui::ProviderKeys::nameFor(QStringLiteral("gpt-4o.mini")),
             QStringLiteral("PORTICO_GPT_4O_MINI_API_KEY"));
    QCOMPARE(ui::ProviderKeys::nameFor(QStringLiteral("gpt")),
             QStringLiteral("PORTICO_GPT_API_KEY"));
    QCOMPARE(ui::ProviderKeys::service(), QStringLiteral("Portico provider keys"));
}

void TestProviderKeys::setKeyForReferencedSecret() {
    // config.yaml refers to a secret that is nowhere yet: it does not load.
    useConfig(kProviderConfig);
    QVERIFY(m_fixture->config->lastLoadFailed());
    const QString key =
        QStringLiteral("sk-test-") + QUuid::createUuid().toString(QUuid::Id128) + u'x';

    ui::RoutesPage page(m_fixture->context);
    page.show();
    auto *dialog = openDialog(page);
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    auto *combo = findWidget<QComboBox>(QStringLiteral("apiKeyModelCombo"), dialog);
    QCOMPARE(combo->currentText(),
             QStringLiteral("PORTICO_TEST_UPSTREAM_KEY (referenced in config.yaml)"));
    auto *stored = findWidget<QLabel>(QStringLiteral("apiKeyStoredLabel"), dialog);
    QCOMPARE(stored->text(), QStringLiteral("No key stored in the system keychain."));
    auto *edit = findWidget<QLineEdit>(QStringLiteral("apiKeyEdit"), dialog);
    QCOMPARE(edit->echoMode(), QLineEdit::Password);
    auto *save = findWidget<QPushButton>(QStringLiteral("saveApiKeyButton"), dialog);
    QVERIFY(!save->isEnabled());
    QTest::keyClicks(edit, key);
    QVERIFY(save->isEnabled());
    QTest::mouseClick(save, Qt::LeftButton);

    // Saved in the keychain; the config finds it there and loads.
    auto *outcome = findWidget<QLabel>(QStringLiteral("apiKeyOutcomeLabel"), dialog);
    QTRY_VERIFY2(outcome->text().startsWith(QStringLiteral("Saved. config.yaml refers to it as "
                                                           "!secret PORTICO_TEST_UPSTREAM_KEY")),
                 qPrintable(outcome->text()));
    QVERIFY(m_keychain->values.value(QStringLiteral("PORTICO_TEST_UPSTREAM_KEY")) == key);
    QVERIFY(!m_fixture->config->lastLoadFailed());
    QVERIFY(m_fixture->config->current()->chatModel(QStringLiteral("gpt"))->apiKey == key);
    QVERIFY(edit->text().isEmpty());
    QVERIFY(!shownTexts(dialog).contains(key));
    QCOMPARE(stored->text(), QStringLiteral("A key is stored in the system keychain. Type a new "
                                            "one to replace it."));
    dialog->close();
    QTRY_VERIFY(!page.findChild<ui::SetApiKeyDialog *>());

    // Opened again: only that a key is stored, never the key.
    page.selectRoute(QStringLiteral("assistant"));
    dialog = openDialog(page);
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->isVisible());
    combo = findWidget<QComboBox>(QStringLiteral("apiKeyModelCombo"), dialog);
    QCOMPARE(combo->currentText(), QStringLiteral("gpt (openai/gpt-4o)"));
    QCOMPARE(findWidget<QLabel>(QStringLiteral("apiKeyNameLabel"), dialog)->text(),
             QStringLiteral("PORTICO_TEST_UPSTREAM_KEY in “Portico provider keys”"));
    QCOMPARE(findWidget<QLabel>(QStringLiteral("apiKeyStoredLabel"), dialog)->text(),
             QStringLiteral("A key is stored in the system keychain. Type a new one to replace "
                            "it."));
    QVERIFY(findWidget<QLineEdit>(QStringLiteral("apiKeyEdit"), dialog)->text().isEmpty());
    QVERIFY(!shownTexts(dialog).contains(key));
    dialog->close();

    // Never in a file the app writes: the config folder (config.yaml, the store), the settings.
    QCOMPARE(readFile(m_configPath), kProviderConfig);
    QSettings().sync();
    QCOMPARE(filesHolding(m_fixture->dir.path(), key), QStringList());
    QCOMPARE(filesHolding(m_settingsDir.path(), key), QStringList());
}

void TestProviderKeys::setKeyShowsConfigLine() {
    // The model has no api_key line yet: the dialog proposes a NAME and shows the lines to write.
    QByteArray yaml = kProviderConfig;
    yaml.replace("    credentials:\n"
                 "      api_key: !secret PORTICO_TEST_UPSTREAM_KEY\n"
                 "      base_url: http://127.0.0.1:9/v1\n",
                 "");
    useConfig(yaml);
    QVERIFY(!m_fixture->config->lastLoadFailed());
    ui::RoutesPage page(m_fixture->context);
    page.show();
    QVERIFY(page.selectRoute(QStringLiteral("assistant")));
    auto *dialog = openDialog(page);
    QVERIFY(dialog);
    QCOMPARE(findWidget<QComboBox>(QStringLiteral("apiKeyModelCombo"), dialog)->currentText(),
             QStringLiteral("gpt (openai/gpt-4o)"));
    QCOMPARE(findWidget<QLabel>(QStringLiteral("apiKeyNameLabel"), dialog)->text(),
             QStringLiteral("PORTICO_GPT_API_KEY in “Portico provider keys”"));
    const QString key = QStringLiteral("sk-line-") + QUuid::createUuid().toString(QUuid::Id128);
    QTest::keyClicks(findWidget<QLineEdit>(QStringLiteral("apiKeyEdit"), dialog), key);
    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("saveApiKeyButton"), dialog),
                      Qt::LeftButton);
    auto *snippet = findWidget<QPlainTextEdit>(QStringLiteral("apiKeyConfigSnippet"), dialog);
    QTRY_VERIFY(!snippet->isHidden());
    QCOMPARE(snippet->toPlainText(),
             QStringLiteral("    credentials:\n      api_key: !secret PORTICO_GPT_API_KEY"));
    QVERIFY(findWidget<QLabel>(QStringLiteral("apiKeyOutcomeLabel"), dialog)
                ->text()
                .contains(QStringLiteral("under “model_id: gpt” write these lines")));
    // The app did not touch config.yaml.
    QCOMPARE(readFile(m_configPath), yaml);
    QVERIFY(m_fixture->config->current()->chatModel(QStringLiteral("gpt"))->apiKey.isEmpty());

    // The admin pastes the lines: the key comes from the keychain.
    QByteArray edited = yaml;
    const QByteArray lines = QByteArray("    model: openai/gpt-4o\n") +
                             snippet->toPlainText().toUtf8() + QByteArray("\n");
    edited.replace("    model: openai/gpt-4o\n", lines);
    QVERIFY(writeFile(m_configPath, edited));
    QVERIFY(m_fixture->config->reload());
    QVERIFY(m_fixture->config->current()->chatModel(QStringLiteral("gpt"))->apiKey == key);
    QCOMPARE(filesHolding(m_fixture->dir.path(), key), QStringList());
}

void TestProviderKeys::keychainRefusesTheKey() {
    m_keychain->refuseWrites = true;
    useConfig(kProviderConfig);
    ui::SetApiKeyDialog dialog(m_fixture->context, QStringLiteral("gpt"));
    dialog.show();
    QTest::keyClicks(findWidget<QLineEdit>(QStringLiteral("apiKeyEdit"), &dialog),
                     QStringLiteral("sk-refused"));
    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("saveApiKeyButton"), &dialog),
                      Qt::LeftButton);
    auto *outcome = findWidget<QLabel>(QStringLiteral("apiKeyOutcomeLabel"), &dialog);
    QTRY_VERIFY2(outcome->text().startsWith(QStringLiteral(
                     "Not saved: the system keychain did not take it (the test keychain is "
                     "locked). Put it in secrets.yaml")),
                 qPrintable(outcome->text()));
    QVERIFY(outcome->text().contains(QStringLiteral("environment variable "
                                                    "PORTICO_TEST_UPSTREAM_KEY")));
    QVERIFY(!m_keys->isStored(QStringLiteral("PORTICO_TEST_UPSTREAM_KEY")));
    QVERIFY(m_fixture->config->lastLoadFailed());
}

void TestProviderKeys::fetchedAtStartAndFollowed() {
    m_keychain->values.insert(QStringLiteral("PORTICO_TEST_UPSTREAM_KEY"), QStringLiteral("sk-1"));
    m_keychain->values.insert(QStringLiteral("PORTICO_TEST_LATER"), QStringLiteral("sk-2"));
    // Fetched before the first load: it loads at once.
    useConfig(kProviderConfig);
    QVERIFY(!m_fixture->config->lastLoadFailed());
    QVERIFY(m_fixture->config->current()->chatModel(QStringLiteral("gpt"))->apiKey ==
            QStringLiteral("sk-1"));
    QCOMPARE(m_keychain->reads, 1);

    // A name that appears in config.yaml later is fetched, and the config loaded again.
    QByteArray edited = kProviderConfig;
    edited.replace("    model: openai/gpt-4o\n",
                   "    model: openai/gpt-4o\n    params: { user: !secret PORTICO_TEST_LATER }\n");
    QVERIFY(writeFile(m_configPath, edited));
    m_fixture->config->reload();
    QTRY_VERIFY(!m_fixture->config->lastLoadFailed());
    QTRY_VERIFY(m_fixture->config->current()
                    ->chatModel(QStringLiteral("gpt"))
                    ->params.value(QStringLiteral("user"))
                    .toString() == QStringLiteral("sk-2"));
    QCOMPARE(m_keychain->reads, 2);
}

void TestProviderKeys::systemKeychain() {
    // QtKeychain itself, in the service "Portico provider keys".
    const QString name = QStringLiteral("PORTICO_TEST_") +
                         QUuid::createUuid().toString(QUuid::Id128).toUpper() +
                         QStringLiteral("_API_KEY");
    const QString key = QStringLiteral("sk-keyring-") + QUuid::createUuid().toString(QUuid::Id128);
    ui::SystemProviderKeychain keychain;
    std::optional<bool> wrote;
    QString writeError;
    keychain.write(name, key, [&](bool ok, const QString &error) {
        wrote = ok;
        writeError = error;
    });
    QTRY_VERIFY_WITH_TIMEOUT(wrote.has_value(), 60000);
    if (!test::usesTestKeyring()) {
        // No keychain on this session: the app says so, and nothing is written anywhere.
        QVERIFY(!*wrote);
        QVERIFY(!writeError.isEmpty());
        ui::ProviderKeys keys(std::make_unique<ui::SystemProviderKeychain>());
        keys.fetchNow({name}, std::chrono::seconds(60));
        QVERIFY(!keys.isStored(name));
        QVERIFY(!keys.keychainProblem().isEmpty());
        QCOMPARE(filesHolding(m_settingsDir.path(), key), QStringList());
        return;
    }
    QVERIFY2(*wrote, qPrintable(writeError));
    // A new process's view: fetched before the config loads, found first.
    {
        ui::ProviderKeys keys(std::make_unique<ui::SystemProviderKeychain>());
        keys.fetchNow({name}, std::chrono::seconds(60));
        QVERIFY(keys.isStored(name));
        QByteArray yaml = kProviderConfig;
        yaml.replace("PORTICO_TEST_UPSTREAM_KEY", name.toUtf8());
        QVERIFY(writeFile(m_configPath, yaml));
        config::ConfigManager manager(m_configPath, keys.source());
        QVERIFY(!manager.lastLoadFailed());
        QVERIFY(manager.current()->chatModel(QStringLiteral("gpt"))->apiKey == key);

        // Through ProviderKeys::store too (what the dialog does), replacing the value.
        const QString replaced = key + QStringLiteral("-2");
        std::optional<bool> stored;
        keys.store(name, replaced, [&](bool ok, const QString &) { stored = ok; });
        QTRY_VERIFY_WITH_TIMEOUT(stored.has_value(), 60000);
        QVERIFY(*stored);
        QVERIFY(manager.reload());
        QVERIFY(manager.current()->chatModel(QStringLiteral("gpt"))->apiKey == replaced);
    }
    std::optional<bool> removed;
    keychain.remove(name, [&](bool ok, const QString &) { removed = ok; });
    QTRY_VERIFY_WITH_TIMEOUT(removed.has_value(), 60000);
    QVERIFY(*removed);
    std::optional<std::optional<QString>> read;
    keychain.read(name,
                  [&](const std::optional<QString> &value, const QString &) { read = value; });
    QTRY_VERIFY_WITH_TIMEOUT(read.has_value(), 60000);
    QVERIFY(!read->has_value());
    QCOMPARE(filesHolding(m_fixture->dir.path(), key), QStringList());
    QCOMPARE(filesHolding(m_settingsDir.path(), key), QStringList());
}

QTEST_MAIN(TestProviderKeys)
#include "test_providerkeys.moc"
