// The gateway logs the config's warnings (config_warning) when it starts and at every reload, so
// that `serve --log-file` and the window's Logs page show them, not only `config check`: here the
// provider key sent over plain http:// to another machine (issue 13, item 6).

#include "gatewayfixture.h"

#include "metering/gatewaylog.h"
#include "proxy/gateway.h"

#include <QTest>

using namespace portico;

namespace {

const QByteArray kPlainHttpConfig =
    "chat_models:\n"
    "  - model_id: remote\n"
    "    model: openai/gpt-test\n"
    "    credentials: { api_key: sk-clear, base_url: \"http://models.example.com/v1\" }\n"
    "routes:\n"
    "  remote: { chat_models: [remote] }\n";

int warningsLogged(const metering::GatewayLog &log) {
    int count = 0;
    for (const metering::LogEntry &entry : log.entries()) {
        if (entry.event == QLatin1String("config_warning") &&
            entry.message.contains(QLatin1String("is sent in clear text")) &&
            !entry.message.contains(QLatin1String("sk-clear")))
            ++count;
    }
    return count;
}

} // namespace

class TestConfigWarnings : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void loggedAtStartAndReload() {
        test::GatewayFixture fixture;
        QString error;
        QVERIFY2(fixture.open(kPlainHttpConfig, {QStringLiteral("remote")}, &error),
                 qPrintable(error));
        proxy::GatewayOptions options;
        options.log = std::make_shared<metering::GatewayLog>();
        auto gateway = fixture.startGateway(options, &error);
        QVERIFY2(gateway, qPrintable(error));
        QCOMPARE(warningsLogged(*options.log), 1);

        // A reload with the same problem says it again; one without it says nothing more.
        QVERIFY(fixture.writeConfig(kPlainHttpConfig + "# edited\n"));
        fixture.config->reload();
        QTRY_COMPARE(warningsLogged(*options.log), 2);
        QVERIFY(fixture.writeConfig(QByteArray(kPlainHttpConfig).replace("http://", "https://")));
        fixture.config->reload();
        QTest::qWait(200);
        QCOMPARE(warningsLogged(*options.log), 2);
    }
};

QTEST_MAIN(TestConfigWarnings)
#include "test_configwarnings.moc"
