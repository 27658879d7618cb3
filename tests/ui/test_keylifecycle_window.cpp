// A key's lifecycle in the window, clicked through like a user on a real store: rotation with a
// grace period (the one-time display of the new secret, the warning when a grace is running, the
// previous secret and who still uses it, ending the grace), expiry (presets at creation, Change
// Expiry), the Dashboard's count of keys about to expire, limits with their live use (keys and
// groups) and allowed addresses. Secrets are compared, never printed: QVERIFY, not QCOMPARE.
#include "apptranslation.h"
#include "italiantranslation.h"
#include "testsupport.h"

#include "ui/translations.h"

#include "store/apikeyformat.h"
#include "store/limitcounters.h"
#include "store/usagestore.h"
#include "ui/common/limitsdialog.h"
#include "ui/common/limitsview.h"
#include "ui/dashboard/dashboardpage.h"
#include "ui/groups/groupspage.h"
#include "ui/keys/allowedaddressesdialog.h"
#include "ui/keys/changeexpirydialog.h"
#include "ui/keys/createkeydialog.h"
#include "ui/keys/expirychooser.h"
#include "ui/keys/keydetailpanel.h"
#include "ui/keys/keyspage.h"
#include "ui/keys/keystablemodel.h"
#include "ui/keys/onetimekeydialog.h"
#include "ui/keys/previoussecretview.h"
#include "ui/keys/rotatekeydialog.h"
#include "ui/messagebox.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QThread>

#include <algorithm>
#include <cmath>

using namespace portico;
using test::findWidget;
using ui::MessageBox;

namespace {

// |a - b| <= slack seconds: the store stamps times a moment after the test reads the clock.
bool near(const QDateTime &a, const QDateTime &b, qint64 slackSeconds = 30) {
    return a.isValid() && b.isValid() && std::llabs(a.secsTo(b)) <= slackSeconds;
}

// Counters are per minute: start a test that writes them with most of a minute left.
void waitForFreshMinute() {
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 left = store::limitwindows::minuteEnd(now) - now;
    if (left < 15000)
        QThread::msleep(quint64(left + 200)); // time must pass: the window is the clock's
}

} // namespace

class TestKeyLifecycle : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void rotateWithGrace_data();
    void rotateWithGrace();
    void rotateFromTableMenu();
    void rotatingDuringGraceWarnsFirst();
    void previousSecretAndItsUse();
    void endGracePeriodAsksFirst();
    void expiryPresetsAtCreation_data();
    void expiryPresetsAtCreation();
    void expiryDateMustBeInTheFuture();
    void changeExpiryFromPanel();
    void dashboardCountsKeysExpiringSoon();
    void keyLimitsEditorAndLiveUse();
    void groupLimitsEditorAndLiveUse();
    void allowedAddressesRefuseInvalidEntry();
    void rotateDialogInItalian();

private:
    ui::KeysPage *makePage();
    // Clicks the detail panel's Rotate Secret and returns the dialog.
    ui::RotateKeyDialog *openRotate(const QString &keyUuid);
    // Clicks Copy, then Done: the one-time dialog closes without asking.
    static void closeOneTime(ui::OneTimeKeyDialog *dialog);

    QTemporaryDir m_settingsDir;
    std::unique_ptr<test::UiFixture> m_fixture;
    std::unique_ptr<ui::KeysPage> m_page;
};

void TestKeyLifecycle::initTestCase() {
    // English plurals ("in 3 days"), as the app installs them.
    ui::installTranslations(*QCoreApplication::instance(), QLocale(QLocale::English));
    test::isolateSettings(m_settingsDir);
}

void TestKeyLifecycle::init() {
    m_fixture = std::make_unique<test::UiFixture>();
    QVERIFY(m_fixture->open());
}

void TestKeyLifecycle::cleanup() {
    m_page.reset();
    m_fixture.reset();
}

ui::KeysPage *TestKeyLifecycle::makePage() {
    m_page = std::make_unique<ui::KeysPage>(m_fixture->context);
    m_page->resize(1280, 900);
    m_page->show();
    if (!QTest::qWaitForWindowExposed(m_page.get()))
        return nullptr;
    return m_page.get();
}

ui::RotateKeyDialog *TestKeyLifecycle::openRotate(const QString &keyUuid) {
    if (!m_page->selectKey(keyUuid))
        return nullptr;
    auto *button = findWidget<QPushButton>(QStringLiteral("rotateKeyButton"), m_page.get());
    if (!button || !button->isVisible())
        return nullptr;
    QTest::mouseClick(button, Qt::LeftButton);
    auto *dialog = m_page->findChild<ui::RotateKeyDialog *>();
    return dialog && dialog->isVisible() ? dialog : nullptr;
}

void TestKeyLifecycle::closeOneTime(ui::OneTimeKeyDialog *dialog) {
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("copyKeyButton")),
                      Qt::LeftButton);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("doneButton")),
                      Qt::LeftButton);
}

void TestKeyLifecycle::rotateWithGrace_data() {
    QTest::addColumn<int>("grace");
    QTest::addColumn<int>("amount"); // for Custom
    QTest::addColumn<int>("unit");
    QTest::addColumn<qint64>("seconds");
    QTest::newRow("now") << int(ui::RotateKeyDialog::Now) << 0 << 0 << qint64(0);
    QTest::newRow("1 hour") << int(ui::RotateKeyDialog::OneHour) << 0 << 0 << qint64(3600);
    QTest::newRow("24 hours") << int(ui::RotateKeyDialog::OneDay) << 0 << 0 << qint64(86400);
    QTest::newRow("7 days") << int(ui::RotateKeyDialog::SevenDays) << 0 << 0 << qint64(7 * 86400);
    QTest::newRow("90 minutes") << int(ui::RotateKeyDialog::Custom) << 90
                                << int(ui::RotateKeyDialog::Minutes) << qint64(5400);
    QTest::newRow("3 days") << int(ui::RotateKeyDialog::Custom) << 3
                            << int(ui::RotateKeyDialog::Days) << qint64(3 * 86400);
}

void TestKeyLifecycle::rotateWithGrace() {
    QFETCH(int, grace);
    QFETCH(int, amount);
    QFETCH(int, unit);
    QFETCH(qint64, seconds);

    const QString group =
        m_fixture->createGroup(QStringLiteral("Platform"), {QStringLiteral("demo")});
    auto created = m_fixture->keys().createKey(QStringLiteral("Production App Key"), {group});
    QVERIFY(created);
    const QString uuid = created->record.uuid;
    const QString oldSecret = created->key;
    const QString oldHint = created->record.hint;
    QVERIFY(makePage());

    auto *dialog = openRotate(uuid);
    QVERIFY(dialog);
    QVERIFY(!dialog->warnsOfEarlierGrace()); // never rotated
    if (grace == ui::RotateKeyDialog::Custom) {
        dialog->setCustomGrace(amount, static_cast<ui::RotateKeyDialog::Unit>(unit));
    } else {
        // Click the radio button, as a user would.
        const char *names[] = {"graceNow", "grace1Hour", "grace24Hours", "grace7Days"};
        auto *radio = dialog->findChild<QAbstractButton *>(QString::fromLatin1(names[grace]));
        QVERIFY(radio);
        QTest::mouseClick(radio, Qt::LeftButton, {}, QPoint(4, radio->height() / 2));
        QVERIFY(radio->isChecked());
    }
    QCOMPARE(dialog->graceSeconds(), seconds);
    const QDateTime before = QDateTime::currentDateTimeUtc();
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("rotateButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!dialog->isVisible());

    // The store: same uuid, name and groups; the previous secret valid for the chosen grace.
    auto key = m_fixture->keys().key(uuid);
    QVERIFY(key);
    QCOMPARE(key->name, QStringLiteral("Production App Key"));
    QCOMPARE(key->groups.size(), 1);
    QVERIFY(key->hint != oldHint || seconds == 0 || true); // hints may collide: compared below
    if (seconds == 0) {
        QVERIFY(!key->previousSecret || key->previousSecret->validUntil <= before.addSecs(5));
    } else {
        QVERIFY(key->previousSecret);
        QCOMPARE(key->previousSecret->hint, oldHint);
        QVERIFY(near(key->previousSecret->validUntil, before.addSecs(seconds)));
    }

    // The new secret, in the one-time dialog of a new key (with its examples).
    auto *oneTime = test::visibleDialog<ui::OneTimeKeyDialog>();
    QVERIFY(oneTime);
    QCOMPARE(oneTime->windowTitle(), QStringLiteral("API Key Rotated"));
    QVERIFY(oneTime->findChild<QLabel *>(QStringLiteral("oneTimeTitle"))
                ->text()
                .startsWith(QStringLiteral("New secret for")));
    const QString newSecret =
        oneTime->findChild<QLineEdit *>(QStringLiteral("keyValueEdit"))->text();
    QVERIFY(store::apikey::hasValidFormat(newSecret));
    QVERIFY(newSecret != oldSecret);
    QVERIFY(store::apikey::hint(newSecret) == key->hint);
    QVERIFY(oneTime->findChild<QPlainTextEdit *>(QStringLiteral("curlExample"))
                ->toPlainText()
                .contains(newSecret));
    const QString note = oneTime->findChild<QLabel *>(QStringLiteral("previousSecretNote"))->text();
    QVERIFY2(seconds == 0 ? note.contains(QStringLiteral("no longer works"))
                          : note.contains(QStringLiteral("keeps working until")),
             qPrintable(note));
    closeOneTime(oneTime);
    QTRY_VERIFY(!oneTime->isVisible());

    // The panel shows the previous secret only while it works.
    auto *view = m_page->detailPanel()->previousSecretView();
    QCOMPARE(view->isVisible(), seconds > 0);
    if (seconds > 0) {
        QVERIFY(findWidget<QLabel>(QStringLiteral("previousSecretText"), view)
                    ->text()
                    .startsWith(QStringLiteral("Previous secret %1 works until").arg(oldHint)));
    }
}

void TestKeyLifecycle::rotateFromTableMenu() {
    const QString uuid = m_fixture->createKey(QStringLiteral("menu"));
    QVERIFY(makePage());
    QVERIFY(m_page->selectKey(uuid));
    QAction *rotate = m_page->rotateAction();
    QVERIFY(m_page->table()->actions().contains(rotate)); // the row's context menu
    QVERIFY(rotate->isEnabled());
    rotate->trigger();
    auto *dialog = m_page->findChild<ui::RotateKeyDialog *>();
    QVERIFY(dialog && dialog->isVisible());
    dialog->reject();
    QTRY_VERIFY(!dialog->isVisible());
    QVERIFY(!m_fixture->keys().key(uuid)->previousSecret); // cancelled: nothing changed
}

void TestKeyLifecycle::rotatingDuringGraceWarnsFirst() {
    const QString uuid = m_fixture->createKey(QStringLiteral("twice"));
    const QString firstHint = m_fixture->keys().key(uuid)->hint;
    auto first = m_fixture->keys().rotateKey(uuid, 3600);
    QVERIFY(first);
    const QString secondHint = first->record.hint;
    QVERIFY(makePage());

    auto *dialog = openRotate(uuid);
    QVERIFY(dialog);
    // Said before rotating: the earlier grace ends at once.
    QVERIFY(dialog->warnsOfEarlierGrace());
    auto *warning = dialog->findChild<QLabel *>(QStringLiteral("earlierGraceText"));
    QVERIFY(warning->isVisible());
    QVERIFY(warning->text().contains(firstHint));
    QVERIFY(warning->text().contains(QStringLiteral("ends that grace period at once")));

    dialog->setGrace(ui::RotateKeyDialog::OneHour);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("rotateButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!dialog->isVisible());
    auto key = m_fixture->keys().key(uuid);
    // The grace now belongs to the secret just replaced; the first one is refused.
    QVERIFY(key->previousSecret);
    QCOMPARE(key->previousSecret->hint, secondHint);
    auto snapshot = m_fixture->keys().accessSnapshot();
    QVERIFY(snapshot);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const auto &snapshotKey : snapshot->keys) {
        if (snapshotKey.uuid != uuid)
            continue;
        // The new one and the second only: the first one's grace has ended.
        const auto working = std::count_if(
            snapshotKey.secrets.cbegin(), snapshotKey.secrets.cend(), [&now](const auto &secret) {
                return !secret.validUntil.isValid() || secret.validUntil > now;
            });
        QCOMPARE(int(working), 2);
    }
    auto *oneTime = test::visibleDialog<ui::OneTimeKeyDialog>();
    QVERIFY(oneTime);
    closeOneTime(oneTime);
}

void TestKeyLifecycle::previousSecretAndItsUse() {
    const QString uuid = m_fixture->createKey(QStringLiteral("switching"));
    const QString oldHint = m_fixture->keys().key(uuid)->hint;
    QVERIFY(m_fixture->keys().rotateKey(uuid, 24 * 3600));
    QVERIFY(makePage());
    QVERIFY(m_page->selectKey(uuid));
    auto *view = m_page->detailPanel()->previousSecretView();
    QVERIFY(view->isVisible());
    auto *text = findWidget<QLabel>(QStringLiteral("previousSecretText"), view);
    auto *use = findWidget<QLabel>(QStringLiteral("oldSecretUseText"), view);
    QVERIFY(text->text().contains(oldHint));
    QTRY_COMPARE(use->text(), QStringLiteral("Old secret not used in the last hour."));

    // Requests with the old secret, as the gateway records them; one more than an hour ago.
    store::UsageStore usage(*m_fixture->database);
    QList<store::UsageRecord> rows;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < 12; ++i) {
        store::UsageRecord row;
        row.time = now.addSecs(-60 * (i + 1));
        row.requestId = QStringLiteral("req-%1").arg(i);
        row.keyUuid = uuid;
        row.keyName = QStringLiteral("switching");
        row.route = QStringLiteral("demo");
        row.status = 200;
        row.oldSecret = true;
        rows.append(row);
    }
    store::UsageRecord old = rows.first();
    old.time = now.addSecs(-2 * 3600);
    old.requestId = QStringLiteral("req-old");
    rows.append(old);
    store::UsageRecord current = rows.first();
    current.requestId = QStringLiteral("req-new");
    current.oldSecret = false;
    rows.append(current);
    QVERIFY(usage.insert(rows));
    // Usage rows bump nothing: the view polls while it is visible.
    QTRY_VERIFY(view->use().requests == 12);
    QVERIFY2(use->text().startsWith(QStringLiteral("Old secret used 12 times in the last hour, "
                                                   "last at ")),
             qPrintable(use->text()));
}

void TestKeyLifecycle::endGracePeriodAsksFirst() {
    const QString uuid = m_fixture->createKey(QStringLiteral("ending"));
    QVERIFY(m_fixture->keys().rotateKey(uuid, 3600));
    QVERIFY(makePage());
    QVERIFY(m_page->selectKey(uuid));
    auto *button = findWidget<QPushButton>(QStringLiteral("endGraceButton"), m_page.get());
    QVERIFY(button->isVisible());

    MessageBox::setNextAnswer(QMessageBox::Cancel);
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(MessageBox::lastText().contains(QStringLiteral("401")));
    QVERIFY(m_fixture->keys().key(uuid)->previousSecret); // cancelled

    MessageBox::setNextAnswer(QMessageBox::Yes);
    QTest::mouseClick(button, Qt::LeftButton);
    const auto key = m_fixture->keys().key(uuid);
    QVERIFY(!key->previousSecret ||
            key->previousSecret->validUntil <= QDateTime::currentDateTimeUtc());
    QVERIFY(!m_page->detailPanel()->previousSecretView()->isVisible());
}

void TestKeyLifecycle::expiryPresetsAtCreation_data() {
    QTest::addColumn<int>("preset");
    QTest::addColumn<qint64>("days"); // -1: never; 365: a year
    QTest::newRow("never") << int(ui::ExpiryChooser::Never) << qint64(-1);
    QTest::newRow("7 days") << int(ui::ExpiryChooser::Days7) << qint64(7);
    QTest::newRow("30 days") << int(ui::ExpiryChooser::Days30) << qint64(30);
    QTest::newRow("90 days") << int(ui::ExpiryChooser::Days90) << qint64(90);
    QTest::newRow("1 year") << int(ui::ExpiryChooser::Year1) << qint64(365);
    QTest::newRow("on a date") << int(ui::ExpiryChooser::OnDate) << qint64(12);
}

void TestKeyLifecycle::expiryPresetsAtCreation() {
    QFETCH(int, preset);
    QFETCH(qint64, days);
    QVERIFY(makePage());
    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("createKeyButton"), m_page.get()),
                      Qt::LeftButton);
    auto *dialog = m_page->findChild<ui::CreateKeyDialog *>();
    QVERIFY(dialog && dialog->isVisible());
    auto *chooser = dialog->expiryChooser();
    QCOMPARE(chooser->preset(), ui::ExpiryChooser::Never); // the default
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("keyNameEdit")),
                     QStringLiteral("expiring"));
    auto *combo = chooser->presetCombo();
    combo->setCurrentIndex(combo->findData(preset));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QDateTime expected;
    if (days == 365)
        expected = now.addYears(1);
    else if (days >= 0)
        expected = now.addDays(days);
    if (preset == ui::ExpiryChooser::OnDate) {
        QVERIFY(chooser->dateEdit()->isVisible());
        chooser->dateEdit()->setDateTime(expected.toLocalTime());
    } else {
        QVERIFY(!chooser->dateEdit()->isVisible());
    }
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("createButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!dialog->isVisible());
    auto *oneTime = test::visibleDialog<ui::OneTimeKeyDialog>();
    QVERIFY(oneTime);
    QCOMPARE(oneTime->windowTitle(), QStringLiteral("API Key Created"));
    closeOneTime(oneTime);

    auto keys = m_fixture->keys().listKeys();
    QVERIFY(keys);
    QCOMPARE(keys->size(), 1);
    const auto &key = keys->first();
    if (days < 0)
        QVERIFY(!key.expiresAt.isValid());
    else
        QVERIFY(near(key.expiresAt, expected, 60));
    // The table says it too.
    const int row = m_page->model()->rowOfUuid(key.uuid);
    const QString shown =
        m_page->model()->index(row, ui::KeysTableModel::ExpiresColumn).data().toString();
    if (days < 0)
        QCOMPARE(shown, QStringLiteral("Never"));
    else if (days == 7)
        QVERIFY2(shown.startsWith(QStringLiteral("in ")), qPrintable(shown)); // flagged
    else
        QCOMPARE(shown, key.expiresAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd")));
}

void TestKeyLifecycle::expiryDateMustBeInTheFuture() {
    QVERIFY(makePage());
    m_page->createKey();
    auto *dialog = m_page->findChild<ui::CreateKeyDialog *>();
    QVERIFY(dialog && dialog->isVisible());
    QTest::keyClicks(dialog->findChild<QLineEdit *>(QStringLiteral("keyNameEdit")),
                     QStringLiteral("past"));
    auto *create = dialog->findChild<QPushButton *>(QStringLiteral("createButton"));
    QVERIFY(create->isEnabled());
    auto *chooser = dialog->expiryChooser();
    chooser->setPreset(ui::ExpiryChooser::OnDate);
    chooser->dateEdit()->setDateTime(QDateTime::currentDateTime().addDays(-1));
    QVERIFY(!create->isEnabled());
    QCOMPARE(chooser->findChild<QLabel *>(QStringLiteral("expirySummary"))->text(),
             QStringLiteral("Choose a date and time in the future."));
    chooser->dateEdit()->setDateTime(QDateTime::currentDateTime().addDays(2));
    QVERIFY(create->isEnabled());
    dialog->reject();
}

void TestKeyLifecycle::changeExpiryFromPanel() {
    const QString uuid = m_fixture->createKey(QStringLiteral("later"));
    QVERIFY(makePage());
    QVERIFY(m_page->selectKey(uuid));
    auto *expires = findWidget<QLabel>(QStringLiteral("detailExpires"), m_page.get());
    QCOMPARE(expires->text(), QStringLiteral("Never"));

    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("changeExpiryButton"), m_page.get()),
                      Qt::LeftButton);
    auto *dialog = m_page->findChild<ui::ChangeExpiryDialog *>();
    QVERIFY(dialog && dialog->isVisible());
    QCOMPARE(dialog->chooser()->preset(), ui::ExpiryChooser::Never); // starts from the key's
    auto *combo = dialog->chooser()->presetCombo();
    combo->setCurrentIndex(combo->findData(int(ui::ExpiryChooser::Days90)));
    const QDateTime expected = QDateTime::currentDateTimeUtc().addDays(90);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("saveExpiryButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!dialog->isVisible());
    QVERIFY(near(m_fixture->keys().key(uuid)->expiresAt, expected, 60));
    QVERIFY2(expires->text().contains(QStringLiteral("(in 8")) ||
                 expires->text().contains(QStringLiteral("(in 9")),
             qPrintable(expires->text()));

    // The same dialog again, starting from the date, back to Never.
    QTest::mouseClick(findWidget<QPushButton>(QStringLiteral("changeExpiryButton"), m_page.get()),
                      Qt::LeftButton);
    QTRY_VERIFY((dialog = test::visibleDialog<ui::ChangeExpiryDialog>()) != nullptr);
    QCOMPARE(dialog->chooser()->preset(), ui::ExpiryChooser::OnDate);
    QVERIFY(near(dialog->chooser()->expiresAt(), expected, 120));
    dialog->chooser()->setPreset(ui::ExpiryChooser::Never);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("saveExpiryButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!dialog->isVisible());
    QVERIFY(!m_fixture->keys().key(uuid)->expiresAt.isValid());
    QCOMPARE(expires->text(), QStringLiteral("Never"));
}

void TestKeyLifecycle::dashboardCountsKeysExpiringSoon() {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto withExpiry = [this, &now](const QString &name, qint64 seconds) {
        auto created = m_fixture->keys().createKey(name, {}, now.addSecs(seconds));
        return created ? created->record.uuid : QString();
    };
    QVERIFY(!withExpiry(QStringLiteral("two days"), 2 * 86400).isEmpty());
    QVERIFY(!withExpiry(QStringLiteral("six days"), 6 * 86400).isEmpty());
    QVERIFY(!withExpiry(QStringLiteral("twenty days"), 20 * 86400).isEmpty());
    const QString disabled = withExpiry(QStringLiteral("disabled"), 3 * 86400);
    QVERIFY(m_fixture->keys().setKeyState(disabled, store::KeyState::Disabled));
    m_fixture->createKey(QStringLiteral("never"));

    ui::DashboardPage dashboard(m_fixture->context);
    dashboard.resize(1280, 800);
    dashboard.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dashboard));
    QTRY_COMPARE(dashboard.data().keysExpiringSoon, 2);
    auto *notice = dashboard.findChild<QWidget *>(QStringLiteral("expiringKeysNotice"));
    QTRY_VERIFY(notice->isVisible());
    auto *text = dashboard.findChild<QLabel *>(QStringLiteral("expiringKeysText"));
    QVERIFY2(text->text().contains(QStringLiteral("2 keys expire within 7 days")),
             qPrintable(text->text()));
    QSignalSpy showKeys(&dashboard, &ui::DashboardPage::showKeysRequested);
    Q_EMIT text->linkActivated(QStringLiteral("keys"));
    QCOMPARE(showKeys.count(), 1);

    // A key moved past the week is no longer counted.
    auto keys = m_fixture->keys().listKeys();
    for (const auto &key : keys.value()) {
        if (key.name == QStringLiteral("two days"))
            QVERIFY(m_fixture->keys().setKeyExpiry(key.uuid, now.addDays(60)));
    }
    QTRY_COMPARE(dashboard.data().keysExpiringSoon, 1);
    QTRY_VERIFY(text->text().contains(QStringLiteral("1 key expires within 7 days")));
}

void TestKeyLifecycle::keyLimitsEditorAndLiveUse() {
    const QString uuid = m_fixture->createKey(QStringLiteral("metered"));
    QVERIFY(makePage());
    QVERIFY(m_page->selectKey(uuid));
    auto *view = m_page->detailPanel()->limitsView();
    auto *requestsText = view->findChild<QLabel *>(QStringLiteral("limitRequestsText"));
    auto *budgetText = view->findChild<QLabel *>(QStringLiteral("limitBudgetText"));
    QVERIFY(requestsText->text().startsWith(QStringLiteral("No limit")));
    QCOMPARE(budgetText->text(), QStringLiteral("No budget"));

    QTest::mouseClick(view->findChild<QPushButton *>(QStringLiteral("editLimitsButton")),
                      Qt::LeftButton);
    auto *dialog = m_page->findChild<ui::LimitsDialog *>();
    QVERIFY(dialog && dialog->isVisible());
    QVERIFY(!dialog->requestsCheck()->isChecked());
    QVERIFY(!dialog->requestsSpin()->isEnabled());
    dialog->requestsCheck()->setChecked(true);
    {
        // The unit follows the number (the app installs the English plurals at every start).
        const test::AppTranslation english(QLocale::English);
        QVERIFY(english.installed());
        dialog->requestsSpin()->setValue(1);
        QCOMPARE(dialog->requestsSpin()->text(), QStringLiteral("1 request"));
        dialog->requestsSpin()->setValue(60);
        QCOMPARE(dialog->requestsSpin()->text(), QStringLiteral("60 requests"));
    }
    dialog->tokensCheck()->setChecked(true);
    dialog->tokensSpin()->setValue(20000);
    dialog->parallelCheck()->setChecked(true);
    dialog->parallelSpin()->setValue(4);
    dialog->budgetCheck()->setChecked(true);
    dialog->budgetSpin()->setValue(5.0);
    dialog->budgetPeriodCombo()->setCurrentIndex(
        dialog->budgetPeriodCombo()->findData(int(store::BudgetPeriod::Month)));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("saveLimitsButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!dialog->isVisible());
    auto limits = m_fixture->keys().key(uuid)->limits;
    QCOMPARE(limits.requestsPerMinute, std::optional<qint64>(60));
    QCOMPARE(limits.tokensPerMinute, std::optional<qint64>(20000));
    QCOMPARE(limits.maxParallel, std::optional<qint64>(4));
    QCOMPARE(limits.budgetUsd, std::optional<double>(5.0));
    QVERIFY(limits.budgetPeriod == store::BudgetPeriod::Month);

    // What the gateway saves about once a second: this minute's counts, this month's spend.
    waitForFreshMinute();
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const QString subject = store::limitwindows::keySubject(uuid);
    store::LimitCounterStore counters(*m_fixture->database);
    const qint64 minute = store::limitwindows::minuteStart(nowMs);
    const qint64 month = store::limitwindows::periodStart(store::BudgetPeriod::Month, nowMs);
    QVERIFY(
        counters.add({{subject, QString::fromLatin1(store::limitwindows::kRequests), minute, 15},
                      {subject, QString::fromLatin1(store::limitwindows::kTokens), minute, 5000},
                      {subject, QString::fromLatin1(store::limitwindows::kSpendUsd), month, 1.23}},
                     0));
    QTRY_COMPARE(view->use().requestsThisMinute, 15.0);
    QCOMPARE(requestsText->text(), QStringLiteral("15 of 60 this minute"));
    QCOMPARE(view->findChild<QProgressBar *>(QStringLiteral("limitRequestsBar"))->value(), 250);
    QCOMPARE(view->findChild<QLabel *>(QStringLiteral("limitTokensText"))->text(),
             QStringLiteral("5,000 of 20,000 this minute"));
    QCOMPARE(view->findChild<QProgressBar *>(QStringLiteral("limitTokensBar"))->value(), 250);
    QCOMPARE(view->findChild<QLabel *>(QStringLiteral("limitParallelText"))->text(),
             QStringLiteral("At most 4 at once"));
    QVERIFY2(budgetText->text().startsWith(QStringLiteral("$1.23 of $5.00 this month, resets ")),
             qPrintable(budgetText->text()));
    QCOMPARE(view->findChild<QProgressBar *>(QStringLiteral("limitBudgetBar"))->value(), 246);

    // Unticked: the limit goes; the use is still shown.
    QTest::mouseClick(view->findChild<QPushButton *>(QStringLiteral("editLimitsButton")),
                      Qt::LeftButton);
    QTRY_VERIFY((dialog = test::visibleDialog<ui::LimitsDialog>()) != nullptr);
    QVERIFY(dialog->requestsCheck()->isChecked());
    QCOMPARE(dialog->requestsSpin()->value(), 60);
    dialog->requestsCheck()->setChecked(false);
    dialog->budgetPeriodCombo()->setCurrentIndex(
        dialog->budgetPeriodCombo()->findData(int(store::BudgetPeriod::Day)));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("saveLimitsButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!dialog->isVisible());
    limits = m_fixture->keys().key(uuid)->limits;
    QVERIFY(!limits.requestsPerMinute);
    QVERIFY(limits.budgetPeriod == store::BudgetPeriod::Day);
    QCOMPARE(requestsText->text(), QStringLiteral("No limit (15 this minute)"));
    // Today's spend is counted in its own window: none was saved for the day.
    QTRY_VERIFY(budgetText->text().startsWith(QStringLiteral("$0.00 of $5.00 today, resets ")));
}

void TestKeyLifecycle::groupLimitsEditorAndLiveUse() {
    const QString group =
        m_fixture->createGroup(QStringLiteral("Shared"), {QStringLiteral("demo")});
    ui::GroupsPage page(m_fixture->context);
    page.resize(1280, 900);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QVERIFY(page.selectGroup(group));
    auto *view = page.limitsView();
    QTRY_VERIFY(view->isVisible());
    QVERIFY(view->findChild<QLabel *>(QStringLiteral("limitsNote"))
                ->text()
                .contains(QStringLiteral("shared by all its keys")));

    QTest::mouseClick(view->findChild<QPushButton *>(QStringLiteral("editLimitsButton")),
                      Qt::LeftButton);
    auto *dialog = page.findChild<ui::LimitsDialog *>();
    QVERIFY(dialog && dialog->isVisible());
    dialog->requestsCheck()->setChecked(true);
    dialog->requestsSpin()->setValue(100);
    dialog->budgetCheck()->setChecked(true);
    dialog->budgetSpin()->setValue(2.0);
    dialog->budgetPeriodCombo()->setCurrentIndex(
        dialog->budgetPeriodCombo()->findData(int(store::BudgetPeriod::Day)));
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("saveLimitsButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!dialog->isVisible());
    const auto limits = m_fixture->groups().group(group)->limits;
    QCOMPARE(limits.requestsPerMinute, std::optional<qint64>(100));
    QCOMPARE(limits.budgetUsd, std::optional<double>(2.0));
    QVERIFY(limits.budgetPeriod == store::BudgetPeriod::Day);
    QVERIFY(!limits.tokensPerMinute);

    waitForFreshMinute();
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const QString subject = store::limitwindows::groupSubject(group);
    store::LimitCounterStore counters(*m_fixture->database);
    QVERIFY(counters.add({{subject, QString::fromLatin1(store::limitwindows::kRequests),
                           store::limitwindows::minuteStart(nowMs), 40},
                          {subject, QString::fromLatin1(store::limitwindows::kSpendUsd),
                           store::limitwindows::periodStart(store::BudgetPeriod::Day, nowMs), 2.0}},
                         0));
    QTRY_COMPARE(view->use().requestsThisMinute, 40.0);
    QCOMPARE(view->findChild<QLabel *>(QStringLiteral("limitRequestsText"))->text(),
             QStringLiteral("40 of 100 this minute"));
    QVERIFY(view->findChild<QLabel *>(QStringLiteral("limitBudgetText"))
                ->text()
                .startsWith(QStringLiteral("$2.00 of $2.00 today")));
    QCOMPARE(view->findChild<QProgressBar *>(QStringLiteral("limitBudgetBar"))->value(), 1000);
}

void TestKeyLifecycle::allowedAddressesRefuseInvalidEntry() {
    const QString uuid = m_fixture->createKey(QStringLiteral("office only"));
    QVERIFY(makePage());
    QVERIFY(m_page->selectKey(uuid));
    auto *shown = findWidget<QLabel>(QStringLiteral("detailAllowedAddresses"), m_page.get());
    QCOMPARE(shown->text(), QStringLiteral("Any address"));

    auto *edit = findWidget<QPushButton>(QStringLiteral("editAddressesButton"), m_page.get());
    QTest::mouseClick(edit, Qt::LeftButton);
    auto *dialog = m_page->findChild<ui::AllowedAddressesDialog *>();
    QVERIFY(dialog && dialog->isVisible());
    QTest::keyClicks(dialog->editor(), QStringLiteral("10.0.0.0/8, 192.168.1.7"));
    QTest::keyClick(dialog->editor(), Qt::Key_Return);
    QTest::keyClicks(dialog->editor(), QStringLiteral("2001:db8::/32"));
    auto *save = dialog->findChild<QPushButton *>(QStringLiteral("saveAddressesButton"));
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY(!dialog->isVisible());
    const QStringList expected = {QStringLiteral("10.0.0.0/8"), QStringLiteral("192.168.1.7"),
                                  QStringLiteral("2001:db8::/32")};
    QCOMPARE(m_fixture->keys().key(uuid)->allowedIps, expected);
    QCOMPARE(shown->text(), expected.join(u'\n'));

    // A malformed entry: refused by the store, said in the dialog, nothing changed.
    QTest::mouseClick(edit, Qt::LeftButton);
    QTRY_VERIFY((dialog = test::visibleDialog<ui::AllowedAddressesDialog>()) != nullptr);
    QCOMPARE(dialog->editor()->toPlainText(), expected.join(u'\n'));
    dialog->editor()->setPlainText(QStringLiteral("10.0.0.0/8\n300.1.2.3/8"));
    save = dialog->findChild<QPushButton *>(QStringLiteral("saveAddressesButton"));
    QTest::mouseClick(save, Qt::LeftButton);
    QVERIFY(dialog->isVisible());
    auto *error = dialog->findChild<QLabel *>(QStringLiteral("allowedAddressesError"));
    QVERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("\u201c300.1.2.3/8\u201d is not an IP address")),
             qPrintable(error->text()));
    QCOMPARE(m_fixture->keys().key(uuid)->allowedIps, expected);

    // Emptied: any address again.
    dialog->editor()->clear();
    QVERIFY(!error->isVisible());
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY(!dialog->isVisible());
    QVERIFY(m_fixture->keys().key(uuid)->allowedIps.isEmpty());
    QCOMPARE(shown->text(), QStringLiteral("Any address"));
}

void TestKeyLifecycle::rotateDialogInItalian() {
    const test::ItalianTranslation italian;
    QVERIFY(italian.installed());
    const QString uuid = m_fixture->createKey(QStringLiteral("chiave"));
    QVERIFY(m_fixture->keys().rotateKey(uuid, 3600));
    QVERIFY(makePage());
    auto *dialog = openRotate(uuid);
    QVERIFY(dialog);
    QCOMPARE(dialog->windowTitle(), QStringLiteral("Ruota il segreto"));
    QVERIFY(dialog->warnsOfEarlierGrace());
    dialog->reject();
}

QTEST_MAIN(TestKeyLifecycle)
#include "test_keylifecycle_window.moc"
