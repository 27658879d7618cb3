// KeysTableModel and KeysFilterProxyModel: model consistency, raw-value sorting, search and
// group filter, and 100,000 keys.
#include "testsupport.h"

#include "ui/translations.h"

#include "ui/keys/expirytext.h"
#include "ui/keys/keysfilterproxymodel.h"
#include "ui/keys/keystablemodel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QColor>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QIcon>
#include <QScrollBar>
#include <QTableView>

using namespace portico;
using ui::KeysTableModel;

namespace {

store::ApiKeyRecord record(const QString &name, const QDateTime &created, int routes,
                           const QList<store::GroupRef> &groups = {}) {
    store::ApiKeyRecord key;
    key.uuid = QStringLiteral("00000000-0000-4000-8000-%1")
                   .arg(qHash(name) % 1000000000000ull, 12, 10, QLatin1Char('0'));
    key.name = name;
    key.hint = QStringLiteral("ptc_\u2026abcd");
    key.createdAt = created;
    key.groups = groups;
    for (int i = 0; i < routes; ++i) {
        key.routes.append(store::RouteGrant{QStringLiteral("route-%1").arg(i),
                                            groups.isEmpty() ? store::GroupRef{} : groups.first()});
    }
    return key;
}

QStringList namesInProxyOrder(const QAbstractItemModel &proxy) {
    QStringList names;
    for (int row = 0; row < proxy.rowCount(); ++row)
        names.append(proxy.index(row, KeysTableModel::NameColumn).data().toString());
    return names;
}

} // namespace

class TestKeysModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void modelTesterWithRealStore();
    void headersAndDisplay();
    void sortsDatesAndCountsByValue();
    void expiresColumnFlagsExpiredAndSoon();
    void searchByNameOrUuid();
    void groupFilter();
    void hundredThousandKeys();

private:
    QTemporaryDir m_settingsDir;
};

void TestKeysModel::initTestCase() {
    // English plurals ("in 3 days"), as the app installs them.
    ui::installTranslations(*QCoreApplication::instance(), QLocale(QLocale::English));
    test::isolateSettings(m_settingsDir);
}

void TestKeysModel::modelTesterWithRealStore() {
    test::UiFixture fixture;
    QVERIFY(fixture.open());
    const QString team = fixture.createGroup(QStringLiteral("team"), {QStringLiteral("demo")});
    QVERIFY(!team.isEmpty());
    QVERIFY(!fixture.createKey(QStringLiteral("alpha"), {team}).isEmpty());
    QVERIFY(!fixture.createKey(QStringLiteral("beta")).isEmpty());

    KeysTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ui::KeysFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);

    auto keys = fixture.keys().listKeys();
    QVERIFY(keys.ok());
    model.setKeys(keys.value());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(KeysTableModel::ColumnCount));
    proxy.sort(KeysTableModel::NameColumn);
    proxy.setSearchText(QStringLiteral("al"));
    QCOMPARE(proxy.rowCount(), 1);
    proxy.setSearchText({});
    model.setKeys({});
    QCOMPARE(proxy.rowCount(), 0);
    model.setKeys(keys.value());
    QCOMPARE(proxy.rowCount(), 2);

    const int alpha = model.rowOfUuid(keys->first().uuid);
    QVERIFY(alpha >= 0);
}

void TestKeysModel::headersAndDisplay() {
    KeysTableModel model;
    const QStringList expected = {
        QStringLiteral("Key Name"),      QStringLiteral("UUID"),
        QStringLiteral("Groups"),        QStringLiteral("Accessible Routes"),
        QStringLiteral("Creation Date"), QStringLiteral("Expires"),
        QStringLiteral("Actions")};
    for (int column = 0; column < expected.size(); ++column)
        QCOMPARE(model.headerData(column, Qt::Horizontal).toString(), expected.at(column));

    const store::GroupRef a{QStringLiteral("g-a"), QStringLiteral("Alpha")};
    const store::GroupRef b{QStringLiteral("g-b"), QStringLiteral("Beta")};
    model.setKeys({record(QStringLiteral("k"), QDateTime::currentDateTimeUtc(), 3, {a, b})});
    QCOMPARE(model.index(0, KeysTableModel::GroupsColumn).data().toString(),
             QStringLiteral("Alpha, Beta"));
    QCOMPARE(
        model.index(0, KeysTableModel::RoutesColumn).data(KeysTableModel::RawValueRole).toInt(), 3);
    QCOMPARE(
        model.index(0, KeysTableModel::CreatedColumn).data(KeysTableModel::RawValueRole).metaType(),
        QMetaType::fromType<QDateTime>());
}

void TestKeysModel::expiresColumnFlagsExpiredAndSoon() {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto never = record(QStringLiteral("never"), now, 0);
    auto expired = record(QStringLiteral("expired"), now, 0);
    expired.expiresAt = now.addSecs(-3600);
    auto soon = record(QStringLiteral("soon"), now, 0);
    soon.expiresAt = now.addDays(3).addSecs(600);
    auto hours = record(QStringLiteral("hours"), now, 0);
    hours.expiresAt = now.addSecs(5 * 3600 + 600);
    auto later = record(QStringLiteral("later"), now, 0);
    later.expiresAt = now.addDays(30);
    KeysTableModel model;
    model.setKeys({never, expired, soon, hours, later});

    const auto cell = [&model](const QString &name, int role) {
        return model.index(model.rowOfUuid(record(name, {}, 0).uuid), KeysTableModel::ExpiresColumn)
            .data(role);
    };
    using ui::ExpiryStatus;
    QCOMPARE(cell(QStringLiteral("never"), Qt::DisplayRole).toString(), QStringLiteral("Never"));
    QCOMPARE(cell(QStringLiteral("never"), KeysTableModel::ExpiryStatusRole).toInt(),
             int(ExpiryStatus::Never));
    QVERIFY(cell(QStringLiteral("never"), Qt::DecorationRole).isNull());

    QCOMPARE(cell(QStringLiteral("expired"), Qt::DisplayRole).toString(),
             QStringLiteral("Expired"));
    QCOMPARE(cell(QStringLiteral("expired"), KeysTableModel::ExpiryStatusRole).toInt(),
             int(ExpiryStatus::Expired));
    QVERIFY(!cell(QStringLiteral("expired"), Qt::DecorationRole).value<QIcon>().isNull());
    QCOMPARE(cell(QStringLiteral("expired"), Qt::ForegroundRole).value<QColor>(),
             QColor(0xb0, 0x1e, 0x1e));
    QVERIFY(cell(QStringLiteral("expired"), Qt::ToolTipRole)
                .toString()
                .startsWith(QStringLiteral("Expired on")));

    // Within 7 days: how long is left, with a warning icon and colour.
    QCOMPARE(cell(QStringLiteral("soon"), Qt::DisplayRole).toString(), QStringLiteral("in 3 days"));
    QCOMPARE(cell(QStringLiteral("soon"), KeysTableModel::ExpiryStatusRole).toInt(),
             int(ExpiryStatus::Soon));
    QVERIFY(!cell(QStringLiteral("soon"), Qt::DecorationRole).value<QIcon>().isNull());
    QCOMPARE(cell(QStringLiteral("hours"), Qt::DisplayRole).toString(),
             QStringLiteral("in 5 hours"));

    // Further away: the date, unflagged.
    QCOMPARE(cell(QStringLiteral("later"), Qt::DisplayRole).toString(),
             later.expiresAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd")));
    QCOMPARE(cell(QStringLiteral("later"), KeysTableModel::ExpiryStatusRole).toInt(),
             int(ExpiryStatus::Later));
    QVERIFY(cell(QStringLiteral("later"), Qt::DecorationRole).isNull());

    // Sorted by the time, never-expiring keys last.
    ui::KeysFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(KeysTableModel::ExpiresColumn, Qt::AscendingOrder);
    QCOMPARE(
        namesInProxyOrder(proxy),
        (QStringList{QStringLiteral("expired"), QStringLiteral("hours"), QStringLiteral("soon"),
                     QStringLiteral("later"), QStringLiteral("never")}));
}

void TestKeysModel::sortsDatesAndCountsByValue() {
    // Display strings sort differently from the values: "10" < "9", and "1/2/26" < "12/31/25".
    const QDateTime older(QDate(2025, 12, 31), QTime(23, 0), Qt::UTC);
    const QDateTime newer(QDate(2026, 1, 2), QTime(8, 0), Qt::UTC);
    const QDateTime newest(QDate(2026, 11, 5), QTime(9, 30), Qt::UTC);
    KeysTableModel model;
    model.setKeys({record(QStringLiteral("ten"), newer, 10),
                   record(QStringLiteral("nine"), newest, 9),
                   record(QStringLiteral("two"), older, 2)});
    ui::KeysFilterProxyModel proxy;
    proxy.setSourceModel(&model);

    proxy.sort(KeysTableModel::RoutesColumn, Qt::AscendingOrder);
    QCOMPARE(namesInProxyOrder(proxy),
             (QStringList{QStringLiteral("two"), QStringLiteral("nine"), QStringLiteral("ten")}));
    proxy.sort(KeysTableModel::RoutesColumn, Qt::DescendingOrder);
    QCOMPARE(namesInProxyOrder(proxy),
             (QStringList{QStringLiteral("ten"), QStringLiteral("nine"), QStringLiteral("two")}));
    proxy.sort(KeysTableModel::CreatedColumn, Qt::AscendingOrder);
    QCOMPARE(namesInProxyOrder(proxy),
             (QStringList{QStringLiteral("two"), QStringLiteral("ten"), QStringLiteral("nine")}));
    proxy.sort(KeysTableModel::NameColumn, Qt::AscendingOrder);
    QCOMPARE(namesInProxyOrder(proxy),
             (QStringList{QStringLiteral("nine"), QStringLiteral("ten"), QStringLiteral("two")}));
}

void TestKeysModel::searchByNameOrUuid() {
    KeysTableModel model;
    const auto now = QDateTime::currentDateTimeUtc();
    const auto production = record(QStringLiteral("Production App Key"), now, 0);
    model.setKeys({production, record(QStringLiteral("staging"), now, 0),
                   record(QStringLiteral("dev laptop"), now, 0)});
    ui::KeysFilterProxyModel proxy;
    proxy.setSourceModel(&model);

    proxy.setSearchText(QStringLiteral("PRODUCTION"));
    QCOMPARE(namesInProxyOrder(proxy), QStringList{QStringLiteral("Production App Key")});
    proxy.setSearchText(production.uuid.right(8).toUpper());
    QCOMPARE(namesInProxyOrder(proxy), QStringList{QStringLiteral("Production App Key")});
    proxy.setSearchText(QStringLiteral("  a  "));
    QCOMPARE(proxy.rowCount(), 3);
    proxy.setSearchText(QStringLiteral("nothing like this"));
    QCOMPARE(proxy.rowCount(), 0);
}

void TestKeysModel::groupFilter() {
    const store::GroupRef a{QStringLiteral("g-a"), QStringLiteral("Alpha")};
    const store::GroupRef b{QStringLiteral("g-b"), QStringLiteral("Beta")};
    const auto now = QDateTime::currentDateTimeUtc();
    KeysTableModel model;
    model.setKeys({record(QStringLiteral("one"), now, 1, {a}),
                   record(QStringLiteral("both"), now, 1, {a, b}),
                   record(QStringLiteral("ungrouped"), now, 0)});
    ui::KeysFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.sort(KeysTableModel::NameColumn);

    proxy.setGroupFilter(a.uuid);
    QCOMPARE(namesInProxyOrder(proxy),
             (QStringList{QStringLiteral("both"), QStringLiteral("one")}));
    proxy.setGroupFilter(b.uuid);
    QCOMPARE(namesInProxyOrder(proxy), QStringList{QStringLiteral("both")});
    proxy.setSearchText(QStringLiteral("one"));
    QCOMPARE(proxy.rowCount(), 0);
    proxy.setGroupFilter({});
    QCOMPARE(namesInProxyOrder(proxy), QStringList{QStringLiteral("one")});
}

void TestKeysModel::hundredThousandKeys() {
    constexpr int kKeys = 100'000;
    const store::GroupRef group{QStringLiteral("g-big"), QStringLiteral("Big")};
    QList<store::ApiKeyRecord> keys;
    keys.reserve(kKeys);
    const QDateTime start(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
    for (int i = 0; i < kKeys; ++i) {
        store::ApiKeyRecord key;
        key.uuid = QStringLiteral("00000000-0000-4000-8000-%1").arg(i, 12, 10, QLatin1Char('0'));
        key.name = QStringLiteral("key %1").arg(i);
        key.createdAt = start.addSecs(i);
        if (i % 3 == 0)
            key.groups = {group};
        keys.append(std::move(key));
    }

    KeysTableModel model;
    ui::KeysFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    QTableView view;
    view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view.setModel(&proxy);
    view.setSortingEnabled(true);
    view.sortByColumn(KeysTableModel::CreatedColumn, Qt::DescendingOrder);
    view.resize(900, 600);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    QElapsedTimer timer;
    timer.start();
    model.setKeys(keys);
    QCOMPARE(proxy.rowCount(), kKeys);
    QCOMPARE(proxy.index(0, KeysTableModel::NameColumn).data().toString(),
             QStringLiteral("key 99999"));
    proxy.setSearchText(QStringLiteral("key 4242"));
    QCOMPARE(proxy.rowCount(), 11); // 4242 and 42420..42429
    proxy.setSearchText({});
    proxy.setGroupFilter(group.uuid);
    QCOMPARE(proxy.rowCount(), (kKeys + 2) / 3);
    proxy.setGroupFilter({});
    view.sortByColumn(KeysTableModel::NameColumn, Qt::AscendingOrder);
    view.scrollToBottom();
    QCoreApplication::processEvents();
    model.setKeys(keys); // a reload
    QCOMPARE(proxy.rowCount(), kKeys);
    const qint64 elapsed = timer.elapsed();
    qInfo("100,000 keys: load, two filters, a sort and a reload took %lld ms", elapsed);
    // Generous: this proves "no per-row work that grows badly", not a speed figure.
    QVERIFY2(elapsed < 30'000, "100,000 keys should stay fluid");
}

QTEST_MAIN(TestKeysModel)
#include "test_keys_model.moc"
