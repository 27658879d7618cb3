#include "config/configmanager.h"
#include "config/gatewayconfig.h"
#include "config/secretsource.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>

#include <sys/stat.h>

using namespace portico::config;

namespace {

const QString kFile = QStringLiteral("config.yaml");

// A problem as the tests expect it: "LINE:COLUMN:error|warning:message substring".
struct Expected {
    int line = 0;
    int column = 0;
    Problem::Severity severity = Problem::Severity::Error;
    QString text;
};

Expected parseExpected(const QString &spec) {
    const QStringList parts = spec.split(QLatin1Char(':'));
    Expected expected;
    expected.line = parts.value(0).toInt();
    expected.column = parts.value(1).toInt();
    expected.severity = parts.value(2) == QLatin1String("warning") ? Problem::Severity::Warning
                                                                   : Problem::Severity::Error;
    expected.text = parts.mid(3).join(QLatin1Char(':'));
    return expected;
}

bool matches(const Problem &problem, const Expected &expected) {
    return problem.line == expected.line && problem.column == expected.column &&
           problem.severity == expected.severity && problem.message.contains(expected.text);
}

QString describe(const QList<Problem> &problems) {
    QStringList lines;
    for (const Problem &problem : problems)
        lines.append(problem.toString());
    return lines.isEmpty() ? QStringLiteral("(no problems)") : lines.join(QLatin1Char('\n'));
}

bool writeFile(const QString &path, const QByteArray &content) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(content) == content.size();
}

// Writes a new file and renames it over the old one, as many editors do.
bool replaceFile(const QString &path, const QByteArray &content) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return false;
    file.write(content);
    return file.commit();
}

const QByteArray kMinimal = "chat_models:\n"
                            "  - model_id: demo\n"
                            "    model: mock/echo\n"
                            "routes:\n"
                            "  demo:\n"
                            "    chat_models: [demo]\n";

// Every supported setting, with Unicode ids and flow and block styles mixed.
QByteArray fullYaml() {
    QFile file(QStringLiteral(PORTICO_SOURCE_DIR "/tests/config/data/full.yaml"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read tests/config/data/full.yaml");
    return file.readAll();
}

} // namespace

class TestConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void problems_data();
    void problems();
    void fullConfigValues();
    void collectsAllProblems();
    void warningsKeepTheConfig();
    void durations_data();
    void durations();
    void problemToString();
    void bundledConfig();
    void secretFromSecretsFile();
    void secretFromEnvironment();
    void secretsFileWinsOverEnvironment();
    void injectedSourceComesFirst();
    void secretNamesOfAFile();
    void brokenSecretsFile();
    void secretNeverInMessages();
    void loadConfigFileErrors();
    void oddInputNeverCrashes_data();
    void oddInputNeverCrashes();
    void randomMutationsNeverCrash();
    void managerBuiltIn();
    void managerBeforeAnyGoodLoad();
    void managerKeepsLastGoodConfig();
    void managerWatchesFile();
    void managerReadersDuringReloads();
};

void TestConfig::problems_data() {
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<bool>("loads");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("good minimal") << kMinimal << true << QStringList();
    QTest::newRow("good full") << fullYaml() << true << QStringList();
    QTest::newRow("parse error")
        << QByteArray("chat_models:\n"
                      "  - model_id: demo\n"
                      "    model: [mock/echo\n"
                      "routes: {}\n")
        << false
        << QStringList{
               QStringLiteral("4:7:error:YAML syntax error: end of sequence flow not found")};
    QTest::newRow("parse error: bad indentation")
        << QByteArray("routes:\n"
                      "  demo:\n"
                      "    chat_models: [demo]\n"
                      "   oops: 1\n")
        << false << QStringList{QStringLiteral("4:4:error:YAML syntax error")};
    QTest::newRow("tab indentation")
        << QByteArray("routes:\n\tdemo:\n\t\tchat_models: [demo]\n") << false
        << QStringList{QStringLiteral("2:6:error:YAML syntax error: illegal map value")};
    QTest::newRow("tab inside a value")
        << QByteArray(kMinimal).replace("demo]", "demo\t]") << true << QStringList();
    QTest::newRow("empty file") << QByteArray() << false
                                << QStringList{
                                       QStringLiteral("1:1:error:the file has no settings")};
    QTest::newRow("only comments")
        << QByteArray("# nothing\n\n") << false
        << QStringList{QStringLiteral("1:1:error:the file has no settings")};
    QTest::newRow("top level is a list")
        << QByteArray("- chat_models\n- routes\n") << false
        << QStringList{QStringLiteral("1:1:error:the top level must be a map")};
    QTest::newRow("top level is a scalar")
        << QByteArray("hello\n") << false
        << QStringList{QStringLiteral("1:1:error:the top level must be a map")};
    QTest::newRow("missing model_id")
        << QByteArray("chat_models:\n"
                      "  - model_id: demo\n"
                      "    model: mock/echo\n"
                      "  - model: openai/gpt-4o\n"
                      "routes:\n"
                      "  demo:\n"
                      "    chat_models: [demo]\n")
        << false << QStringList{QStringLiteral("4:5:error:chat_models[1]: missing model_id")};
    QTest::newRow("missing model")
        << QByteArray("chat_models:\n"
                      "  - model_id: demo\n"
                      "    model: mock/echo\n"
                      "  - model_id: other\n"
                      "routes:\n"
                      "  demo:\n"
                      "    chat_models: [demo, other]\n")
        << false << QStringList{QStringLiteral("4:5:error:chat_models[1]: missing model:")};
    QTest::newRow("empty model_id")
        << QByteArray(kMinimal).replace("model_id: demo", "model_id: \"  \"") << false
        << QStringList{QStringLiteral("2:15:error:chat_models[0].model_id: is empty"),
                       QStringLiteral("6:19:error:unknown model id 'demo'")};
    QTest::newRow("bad provider") << QByteArray(kMinimal).replace("mock/echo", "anthropic/claude-3")
                                  << false
                                  << QStringList{QStringLiteral(
                                         "3:12:error:chat_models[0].model: unknown provider "
                                         "'anthropic'; Portico supports openai")};
    QTest::newRow("model without provider")
        << QByteArray(kMinimal).replace("mock/echo", "gpt-4o") << false
        << QStringList{QStringLiteral("3:12:error:'gpt-4o' has no provider")};
    QTest::newRow("mock model other than echo")
        << QByteArray(kMinimal).replace("mock/echo", "mock/gateway") << false
        << QStringList{QStringLiteral("3:12:error:the mock provider has only the model 'echo'")};
    QTest::newRow("provider without model name")
        << QByteArray(kMinimal).replace("mock/echo", "openai/") << false
        << QStringList{QStringLiteral("3:12:error:the model name after 'openai/' is missing")};
    QTest::newRow("base_url not http")
        << QByteArray("chat_models:\n"
                      "  - model_id: demo\n"
                      "    model: openai/x\n"
                      "    credentials: { base_url: ftp://example.com/v1 }\n"
                      "routes:\n"
                      "  demo:\n"
                      "    chat_models: [demo]\n")
        << false
        << QStringList{QStringLiteral("4:30:error:credentials.base_url: 'ftp://example.com/v1' "
                                      "is not an http(s) URL")};
    // A provider key over plain http:// to another machine travels in clear text (issue 13).
    QTest::newRow("key over plain http to another host")
        << QByteArray(
               "chat_models:\n"
               "  - model_id: demo\n"
               "    model: openai/x\n"
               "    credentials: { api_key: sk-test, base_url: \"http://models.example.com/v1\" }\n"
               "routes:\n"
               "  demo:\n"
               "    chat_models: [demo]\n")
        << true
        << QStringList{QStringLiteral("4:48:warning:credentials.base_url: the provider key "
                                      "(api_key) is sent in clear text over plain http:// to "
                                      "'models.example.com', which is not this computer")};
    QTest::newRow("key over plain http to an IP address")
        << QByteArray("chat_models:\n"
                      "  - model_id: demo\n"
                      "    model: openai/x\n"
                      "    credentials:\n"
                      "      base_url: http://192.168.1.20:8000/v1\n"
                      "      api_key: sk-test\n"
                      "routes:\n"
                      "  demo:\n"
                      "    chat_models: [demo]\n")
        << true
        << QStringList{QStringLiteral("5:17:warning:credentials.base_url: the provider key "
                                      "(api_key) is sent in clear text")};
    for (const char *local :
         {"http://localhost:11434/v1", "http://127.0.0.2:8080/v1", "http://[::1]:8000/v1",
          "http://gpu.localhost/v1", "https://models.example.com/v1"}) {
        QTest::newRow(qPrintable(QStringLiteral("key to %1: no warning").arg(QLatin1String(local))))
            << QByteArray("chat_models:\n"
                          "  - model_id: demo\n"
                          "    model: openai/x\n"
                          "    credentials: { api_key: sk-test, base_url: \"" +
                          QByteArray(local) +
                          "\" }\n"
                          "routes:\n"
                          "  demo:\n"
                          "    chat_models: [demo]\n")
            << true << QStringList();
    }
    QTest::newRow("plain http without a key: no warning")
        << QByteArray("chat_models:\n"
                      "  - model_id: demo\n"
                      "    model: openai/x\n"
                      "    credentials: { base_url: \"http://192.168.1.20:11434/v1\" }\n"
                      "routes:\n"
                      "  demo:\n"
                      "    chat_models: [demo]\n")
        << true << QStringList();
    QTest::newRow("duplicate model id")
        << QByteArray("chat_models:\n"
                      "  - model_id: demo\n"
                      "    model: mock/echo\n"
                      "  - model_id: demo\n"
                      "    model: openai/gpt-4o\n"
                      "routes:\n"
                      "  demo:\n"
                      "    chat_models: [demo]\n")
        << false
        << QStringList{QStringLiteral(
               "4:15:error:chat_models[1].model_id: duplicate model id 'demo', already defined "
               "on line 2")};
    QTest::newRow("duplicate model id across chat and embedding")
        << QByteArray(kMinimal + "embedding_models:\n"
                                 "  - model_id: demo\n"
                                 "    model: openai/text-embedding-3-small\n")
        << false
        << QStringList{QStringLiteral("8:15:error:embedding_models[0].model_id: duplicate model "
                                      "id 'demo', already defined on line 2 (in chat_models)")};
    QTest::newRow("unknown model in route")
        << QByteArray(kMinimal).replace("[demo]", "[demo, gpt-5]") << false
        << QStringList{QStringLiteral("6:25:error:routes.demo.chat_models[1]: unknown model id "
                                      "'gpt-5'; define it under the top-level chat_models "
                                      "(defined: 'demo')")};
    QTest::newRow("chat route names an embedding model")
        << QByteArray(kMinimal + "embedding_models:\n"
                                 "  - model_id: embed\n"
                                 "    model: openai/text-embedding-3-small\n")
               .replace("[demo]", "[embed]")
        << false
        << QStringList{QStringLiteral("6:19:error:routes.demo.chat_models[0]: 'embed' is an "
                                      "embedding model; list it under the route's "
                                      "embedding_models")};
    QTest::newRow("route lists a model definition")
        << QByteArray("routes:\n"
                      "  demo:\n"
                      "    chat_models:\n"
                      "      - model_id: demo\n"
                      "        model: mock/echo\n")
        << false
        << QStringList{QStringLiteral("4:9:error:routes.demo.chat_models[0]: expected a model "
                                      "id, found a model definition")};
    QTest::newRow("route with no models")
        << QByteArray(kMinimal + "  empty:\n") << false
        << QStringList{QStringLiteral("7:3:error:routes.empty: the route has no models")};
    QTest::newRow("route with an empty model list")
        << QByteArray(kMinimal + "  empty:\n    chat_models: []\n") << false
        << QStringList{QStringLiteral("7:3:error:routes.empty: the route has no models")};
    QTest::newRow("route models as a string")
        << QByteArray(kMinimal).replace("[demo]", "demo") << false
        << QStringList{QStringLiteral("6:18:error:routes.demo.chat_models: expected a list of "
                                      "model ids, e.g. [demo], found a single value")};
    QTest::newRow("models not a list")
        << QByteArray("chat_models: demo\nroutes:\n  demo:\n    chat_models: [demo]\n") << false
        << QStringList{
               QStringLiteral("1:14:error:chat_models: expected a list of models"),
               QStringLiteral("4:19:error:routes.demo.chat_models[0]: unknown model id 'demo'")};
    QTest::newRow("fallback target not in route")
        << QByteArray(kMinimal + "    fallback:\n"
                                 "      - target: other\n"
                                 "        fallbacks: [demo]\n")
               .replace("model: mock/echo\n",
                        "model: mock/echo\n  - model_id: other\n    model: openai/x\n")
        << false
        << QStringList{QStringLiteral("10:17:error:routes.demo.fallback[0].target: fallback "
                                      "target 'other' is not in the chat_models of route 'demo'")};
    QTest::newRow("fallback model not in route")
        << QByteArray(kMinimal + "    fallback:\n"
                                 "      - target: demo\n"
                                 "        fallbacks: [demo2, elsewhere]\n")
               .replace("model: mock/echo\n",
                        "model: mock/echo\n  - model_id: demo2\n    model: mock/echo\n")
               .replace("[demo]\n", "[demo, demo2]\n")
        << false
        << QStringList{QStringLiteral("11:28:error:routes.demo.fallback[0].fallbacks[1]: "
                                      "fallback 'elsewhere' is not in the chat_models of route "
                                      "'demo'")};
    QTest::newRow("fallback missing fallbacks")
        << QByteArray(kMinimal + "    fallback:\n      - target: demo\n") << false
        << QStringList{QStringLiteral("8:9:error:routes.demo.fallback[0]: missing fallbacks")};
    QTest::newRow("fallback to itself")
        << QByteArray(kMinimal + "    fallback:\n      - { target: demo, fallbacks: [demo] }\n")
        << false
        << QStringList{QStringLiteral(
               "8:37:error:routes.demo.fallback[0].fallbacks[0]: 'demo' is the target itself")};
    QTest::newRow("retry_attempts not a number")
        << QByteArray(kMinimal).replace("mock/echo\n", "mock/echo\n    retry_attempts: three\n")
        << false
        << QStringList{QStringLiteral("4:21:error:chat_models[0].retry_attempts: must be a whole "
                                      "number, found 'three'")};
    QTest::newRow("retry_attempts a list")
        << QByteArray(kMinimal).replace("mock/echo\n", "mock/echo\n    retry_attempts: [1]\n")
        << false
        << QStringList{QStringLiteral("4:21:error:chat_models[0].retry_attempts: expected a single "
                                      "value, found a list")};
    QTest::newRow("negative retry_attempts")
        << QByteArray(kMinimal).replace("mock/echo\n", "mock/echo\n    retry_attempts: -1\n")
        << false << QStringList{QStringLiteral("4:21:error:retry_attempts: must not be negative")};
    QTest::newRow("negative price")
        << QByteArray(kMinimal).replace("mock/echo\n",
                                        "mock/echo\n    input_cost_per_million_tokens: -0.5\n")
        << false
        << QStringList{QStringLiteral("4:36:error:chat_models[0].input_cost_per_million_tokens: "
                                      "must not be negative")};
    QTest::newRow("price not a number")
        << QByteArray(kMinimal).replace("mock/echo\n",
                                        "mock/echo\n    output_cost_per_million_tokens: cheap\n")
        << false
        << QStringList{QStringLiteral("4:37:error:output_cost_per_million_tokens: must be a "
                                      "number, found 'cheap'")};
    QTest::newRow("params not a map")
        << QByteArray(kMinimal).replace("mock/echo\n", "mock/echo\n    params: [1, 2]\n") << false
        << QStringList{QStringLiteral("4:13:error:chat_models[0].params: expected a map")};
    QTest::newRow("bad window_size")
        << QByteArray(kMinimal + "    rate_limiting:\n"
                                 "      window_size: 1 fortnight\n"
                                 "      max_requests: 10\n")
        << false
        << QStringList{QStringLiteral("8:20:error:routes.demo.rate_limiting.window_size: '1 "
                                      "fortnight' is not a window size")};
    QTest::newRow("window_size without a unit")
        << QByteArray(kMinimal + "    budget_limiting: { window_size: 60, max_budget: 1 }\n")
        << false
        << QStringList{QStringLiteral("7:37:error:budget_limiting.window_size: '60' is not a "
                                      "window size")};
    QTest::newRow("rate limit missing max_requests")
        << QByteArray(kMinimal + "    rate_limiting: { window_size: 1 minute }\n") << false
        << QStringList{
               QStringLiteral("7:20:error:routes.demo.rate_limiting: missing max_requests")};
    QTest::newRow("zero max_requests")
        << QByteArray(kMinimal + "    rate_limiting: { window_size: 1 minute, max_requests: 0 }\n")
        << false << QStringList{QStringLiteral("7:59:error:max_requests: must be at least 1")};
    QTest::newRow("unknown algorithm")
        << QByteArray(kMinimal + "    rate_limiting: { algorithm: leaky, window_size: 1 minute, "
                                 "max_requests: 5 }\n")
        << false
        << QStringList{QStringLiteral("7:33:error:unknown algorithm 'leaky'; use fixed_window")};
    QTest::newRow("token windows differ")
        << QByteArray(kMinimal + "    token_limiting:\n"
                                 "      input: { window_size: 1 hour, max_token: 10 }\n"
                                 "      output: { window_size: 1 day, max_token: 10 }\n")
        << false
        << QStringList{QStringLiteral("9:30:error:token_limiting.output.window_size: Portico "
                                      "needs the same window_size")};
    QTest::newRow("token limit with neither side")
        << QByteArray(kMinimal + "    token_limiting: { scope: route }\n") << false
        << QStringList{QStringLiteral("7:21:error:token_limiting: needs input and/or output")};
    QTest::newRow("negative budget")
        << QByteArray(kMinimal + "    budget_limiting: { window_size: 1 day, max_budget: -3 }\n")
        << false << QStringList{QStringLiteral("7:56:error:max_budget: must not be negative")};
    QTest::newRow("unsupported top-level key")
        << QByteArray("guardrails:\n  - name: x\n" + kMinimal) << true
        << QStringList{QStringLiteral("1:1:warning:'guardrails' is not supported by Portico yet "
                                      "and is ignored")};
    QTest::newRow("unsupported nested keys")
        << QByteArray(kMinimal)
               .replace("mock/echo\n", "mock/echo\n    prompt: be nice\n")
               .append("    caching: { ttl: 60 }\n")
        << true
        << QStringList{QStringLiteral("4:5:warning:chat_models[0]: 'prompt' is not supported by "
                                      "Portico yet and is ignored"),
                       QStringLiteral("8:5:warning:routes.demo: 'caching' is not supported")};
    QTest::newRow("unsupported credential and scope")
        << QByteArray(kMinimal)
               .replace("mock/echo\n", "mock/echo\n    credentials: { api_version: \"1\" }\n")
               .append("    token_limiting:\n"
                       "      scope: user\n"
                       "      input: { window_size: 1 hour, max_token: 10 }\n")
        << true
        << QStringList{QStringLiteral("4:20:warning:credentials: 'api_version' is not supported"),
                       QStringLiteral("9:14:warning:scope 'user' is not supported by Portico yet")};
    QTest::newRow("typo in a key")
        << QByteArray("chat_models:\n"
                      "  - model_id: demo\n"
                      "    modle: mock/echo\n"
                      "routes:\n"
                      "  demo:\n"
                      "    chat_models: [demo]\n")
        << false
        << QStringList{QStringLiteral("2:5:error:chat_models[0]: missing model:"),
                       QStringLiteral("3:5:warning:'modle' is not a setting Portico knows and is "
                                      "ignored; did you mean 'model'?")};
    QTest::newRow("duplicate key")
        << QByteArray(kMinimal).replace("mock/echo\n", "mock/echo\n    model: openai/x\n") << false
        << QStringList{QStringLiteral("4:5:error:chat_models[0]: 'model' appears twice (first on "
                                      "line 3)")};
    QTest::newRow("duplicate route")
        << QByteArray(kMinimal + "  demo:\n    chat_models: [demo]\n") << false
        << QStringList{QStringLiteral("7:3:error:routes: 'demo' appears twice")};
    QTest::newRow("missing secret")
        << QByteArray(kMinimal).replace(
               "mock/echo\n",
               "mock/echo\n    credentials: { api_key: !secret PORTICO_TEST_NOT_SET_ANYWHERE }\n")
        << false
        << QStringList{QStringLiteral("4:29:error:chat_models[0].credentials.api_key: secret "
                                      "'PORTICO_TEST_NOT_SET_ANYWHERE' is not in the environment")};
    QTest::newRow("secret outside credentials")
        << QByteArray(kMinimal).replace("model_id: demo", "model_id: !secret DEMO") << false
        << QStringList{QStringLiteral("2:15:error:!secret is only allowed in credentials, params "
                                      "and gateway.metrics_token"),
                       QStringLiteral("6:19:error:unknown model id 'demo'")};
    QTest::newRow("unknown tag") << QByteArray(kMinimal).replace("model: mock/echo",
                                                                 "model: !env MODEL")
                                 << false
                                 << QStringList{QStringLiteral("3:12:error:unknown tag '!env'")};
    QTest::newRow("no routes section")
        << QByteArray("chat_models:\n  - model_id: demo\n    model: mock/echo\n") << true
        << QStringList{QStringLiteral("1:1:warning:there is no routes section")};
    QTest::newRow("second document")
        << QByteArray(kMinimal + "---\nfoo: bar\n") << true
        << QStringList{QStringLiteral("7:1:warning:only the first YAML document is read")};
    QTest::newRow("usage retention")
        << QByteArray(kMinimal + "usage:\n  raw_retention_days: 90\n") << true << QStringList();
    QTest::newRow("usage retention zero: keep for ever")
        << QByteArray(kMinimal + "usage: { raw_retention_days: 0 }\n") << true << QStringList();
    QTest::newRow("usage retention negative")
        << QByteArray(kMinimal + "usage:\n  raw_retention_days: -7\n") << false
        << QStringList{QStringLiteral("8:23:error:usage.raw_retention_days: must not be "
                                      "negative, found -7")};
    QTest::newRow("usage retention not a number")
        << QByteArray(kMinimal + "usage:\n  raw_retention_days: monthly\n") << false
        << QStringList{QStringLiteral("8:23:error:usage.raw_retention_days: must be a whole "
                                      "number, found 'monthly'")};
    QTest::newRow("usage retention too long")
        << QByteArray(kMinimal + "usage:\n  raw_retention_days: 100000\n") << false
        << QStringList{QStringLiteral("8:23:error:usage.raw_retention_days: must be at most")};
    QTest::newRow("usage retention typo")
        << QByteArray(kMinimal + "usage:\n  raw_retention_day: 9\n") << true
        << QStringList{QStringLiteral("8:3:warning:usage: 'raw_retention_day' is not a setting "
                                      "Portico knows and is ignored; did you mean "
                                      "'raw_retention_days'?")};
    QTest::newRow("usage not a map")
        << QByteArray(kMinimal + "usage: 30\n") << false
        << QStringList{QStringLiteral("7:8:error:usage: expected a map")};
}

void TestConfig::problems() {
    QFETCH(QByteArray, yaml);
    QFETCH(bool, loads);
    QFETCH(QStringList, expected);

    const LoadResult result = parseConfig(yaml, kFile, QString());
    const QString all = describe(result.problems);
    QVERIFY2(result.ok() == loads, qPrintable(all));
    QVERIFY2(result.problems.size() == expected.size(), qPrintable(all));
    for (const QString &spec : expected) {
        const Expected want = parseExpected(spec);
        const bool found = std::any_of(result.problems.cbegin(), result.problems.cend(),
                                       [&](const Problem &p) { return matches(p, want); });
        QVERIFY2(found, qPrintable(QStringLiteral("expected %1 in:\n%2").arg(spec, all)));
    }
    for (const Problem &problem : result.problems) {
        QCOMPARE(problem.file, kFile);
        QVERIFY(problem.line > 0);
        QVERIFY(problem.column > 0);
    }
    if (result.ok()) {
        QCOMPARE(result.config->warnings.size(), result.problems.size());
    }
}

void TestConfig::fullConfigValues() {
    const LoadResult result = parseConfig(fullYaml(), kFile, QString());
    QVERIFY2(result.ok(), qPrintable(describe(result.problems)));
    const GatewayConfig &config = *result.config;
    QCOMPARE(config.chatModels.size(), 4);
    QCOMPARE(config.embeddingModels.size(), 2);
    QCOMPARE(config.routes.size(), 2);

    const ModelConfig *demo = config.chatModel(QStringLiteral("demo"));
    QVERIFY(demo);
    QCOMPARE(demo->provider, QStringLiteral("mock"));
    QCOMPARE(demo->model, QStringLiteral("echo"));
    QCOMPARE(demo->retryAttempts, 0);

    const ModelConfig *gpt = config.chatModel(QStringLiteral("gpt-4o-mini"));
    QVERIFY(gpt);
    QCOMPARE(gpt->kind, ModelKind::Chat);
    QCOMPARE(gpt->provider, QStringLiteral("openai"));
    QCOMPARE(gpt->model, QStringLiteral("gpt-4o-mini"));
    QVERIFY(gpt->apiKey == QStringLiteral("plain-test-key"));
    QCOMPARE(gpt->baseUrl, QStringLiteral("https://api.openai.com/v1"));
    QCOMPARE(gpt->retryAttempts, 2);
    QCOMPARE(gpt->timeoutSeconds, 30);
    QCOMPARE(gpt->inputCostPerMillionTokens, 0.15);
    QCOMPARE(gpt->outputCostPerMillionTokens, 0.60);
    QCOMPARE(gpt->params.value(QStringLiteral("temperature")).toDouble(), 0.2);
    QCOMPARE(gpt->params.value(QStringLiteral("max_tokens")).toInteger(), 100);
    QVERIFY(gpt->params.value(QStringLiteral("max_tokens")).isDouble());
    QCOMPARE(gpt->params.value(QStringLiteral("stream_options"))
                 .toObject()
                 .value(QStringLiteral("include_usage")),
             QJsonValue(true));
    QCOMPARE(gpt->params.value(QStringLiteral("stop")).toArray().size(), 2);
    // Quoted: text, not a number.
    QCOMPARE(gpt->params.value(QStringLiteral("user")), QJsonValue(QStringLiteral("7")));

    const ModelConfig *local = config.chatModel(QStringLiteral("local-llama"));
    QVERIFY(local);
    QCOMPARE(local->model, QStringLiteral("llama3.2:3b"));
    QCOMPARE(local->baseUrl, QStringLiteral("http://localhost:11434/v1"));
    QVERIFY(local->apiKey.isEmpty());
    QCOMPARE(local->timeoutSeconds, 120);

    const ModelConfig *unicode = config.chatModel(QStringLiteral("модель-ü"));
    QVERIFY(unicode);
    QCOMPARE(unicode->provider, QStringLiteral("openai"));
    QCOMPARE(unicode->model, QStringLiteral("qwen/qwen2.5"));

    const ModelConfig *embed = config.embeddingModel(QStringLiteral("embed-local"));
    QVERIFY(embed);
    QCOMPARE(embed->kind, ModelKind::Embedding);
    QCOMPARE(embed->baseUrl, QStringLiteral("http://127.0.0.1:8080/v1"));
    QVERIFY(!config.chatModel(QStringLiteral("embed")));

    const RouteConfig *assistant = config.route(QStringLiteral("assistant"));
    QVERIFY(assistant);
    QCOMPARE(assistant->name, QStringLiteral("assistant"));
    QCOMPARE(assistant->chatModels,
             (QStringList{QStringLiteral("gpt-4o-mini"), QStringLiteral("local-llama"),
                          QStringLiteral("модель-ü")}));
    QCOMPARE(assistant->embeddingModels,
             (QStringList{QStringLiteral("embed"), QStringLiteral("embed-local")}));
    QCOMPARE(assistant->fallbacks.size(), 2);
    QCOMPARE(assistant->fallbacks.at(0).target, QStringLiteral("gpt-4o-mini"));
    QCOMPARE(assistant->fallbacks.at(0).fallbacks,
             (QStringList{QStringLiteral("local-llama"), QStringLiteral("модель-ü")}));
    QCOMPARE(assistant->fallbacks.at(1).target, QStringLiteral("embed"));
    QCOMPARE(assistant->fallbacks.at(1).fallbacks, QStringList{QStringLiteral("embed-local")});
    QVERIFY(assistant->rateLimit);
    QCOMPARE(assistant->rateLimit->algorithm, QStringLiteral("fixed_window"));
    QCOMPARE(assistant->rateLimit->windowSeconds, 60);
    QCOMPARE(assistant->rateLimit->maxRequests, 60);
    QVERIFY(assistant->tokenLimit);
    QCOMPARE(assistant->tokenLimit->windowSeconds, 7200);
    QCOMPARE(assistant->tokenLimit->maxInputTokens, 200000);
    QCOMPARE(assistant->tokenLimit->maxOutputTokens, 100000);
    QVERIFY(assistant->budgetLimit);
    QCOMPARE(assistant->budgetLimit->windowSeconds, 86400);
    QCOMPARE(assistant->budgetLimit->maxBudgetUsd, 5.5);
    QCOMPARE(config.usage.rawRetentionDays, 45);

    const RouteConfig *demoRoute = config.route(QStringLiteral("demo"));
    QVERIFY(demoRoute);
    QVERIFY(!demoRoute->rateLimit);
    QVERIFY(!demoRoute->tokenLimit);
    QVERIFY(!demoRoute->budgetLimit);
    QVERIFY(demoRoute->fallbacks.isEmpty());
    QVERIFY(!config.route(QStringLiteral("nope")));
}

void TestConfig::collectsAllProblems() {
    const QByteArray yaml = "chat_models:\n"
                            "  - model_id: a\n"
                            "    model: nope/x\n"
                            "  - model_id: a\n"
                            "    model: mock/echo\n"
                            "    retry_attempts: -2\n"
                            "routes:\n"
                            "  r:\n"
                            "    chat_models: [a, b]\n"
                            "    rate_limiting: { window_size: soon, max_requests: 1 }\n";
    const LoadResult result = parseConfig(yaml, kFile, QString());
    QVERIFY(!result.ok());
    const QString all = describe(result.problems);
    QVERIFY2(result.problems.size() == 5, qPrintable(all));
    // In file order.
    const QList<int> lines = {3, 4, 6, 9, 10};
    for (qsizetype i = 0; i < lines.size(); ++i)
        QCOMPARE(result.problems.at(i).line, lines.at(i));
}

void TestConfig::warningsKeepTheConfig() {
    const LoadResult result =
        parseConfig("cache:\n  ttl: 3\n" + kMinimal + "    guardrails: [x]\n", kFile, QString());
    QVERIFY(result.ok());
    QCOMPARE(result.config->warnings.size(), 2);
    QVERIFY(result.config->route(QStringLiteral("demo")));
    for (const Problem &p : result.config->warnings)
        QCOMPARE(p.severity, Problem::Severity::Warning);
}

void TestConfig::durations_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("seconds"); // 0: refused

    QTest::newRow("1 minute") << QStringLiteral("1 minute") << qint64(60);
    QTest::newRow("30 seconds") << QStringLiteral("30 seconds") << qint64(30);
    QTest::newRow("1 second") << QStringLiteral("1 second") << qint64(1);
    QTest::newRow("2 hours") << QStringLiteral("2 hours") << qint64(7200);
    QTest::newRow("1 hour") << QStringLiteral("1 hour") << qint64(3600);
    QTest::newRow("1 day") << QStringLiteral("1 day") << qint64(86400);
    QTest::newRow("3 days") << QStringLiteral("3 days") << qint64(3 * 86400);
    QTest::newRow("1 week") << QStringLiteral("1 week") << qint64(7 * 86400);
    QTest::newRow("2 weeks") << QStringLiteral("2 weeks") << qint64(14 * 86400);
    QTest::newRow("10 minutes") << QStringLiteral("10 minutes") << qint64(600);
    QTest::newRow("short form") << QStringLiteral("30s") << qint64(30);
    QTest::newRow("capitals") << QStringLiteral("5 Minutes") << qint64(300);
    QTest::newRow("zero") << QStringLiteral("0 seconds") << qint64(0);
    QTest::newRow("negative") << QStringLiteral("-1 minute") << qint64(0);
    QTest::newRow("no number") << QStringLiteral("minute") << qint64(0);
    QTest::newRow("no unit") << QStringLiteral("60") << qint64(0);
    QTest::newRow("unknown unit") << QStringLiteral("2 fortnights") << qint64(0);
    QTest::newRow("fraction") << QStringLiteral("1.5 hours") << qint64(0);
    QTest::newRow("too long") << QStringLiteral("999999999 weeks") << qint64(0);
}

void TestConfig::durations() {
    QFETCH(QString, text);
    QFETCH(qint64, seconds);
    const QByteArray yaml = kMinimal + "    rate_limiting: { window_size: \"" + text.toUtf8() +
                            "\", max_requests: 1 }\n";
    const LoadResult result = parseConfig(yaml, kFile, QString());
    if (seconds == 0) {
        QVERIFY(!result.ok());
        QCOMPARE(result.problems.size(), 1);
        QCOMPARE(result.problems.at(0).line, 7);
        QCOMPARE(result.problems.at(0).column, 35);
        QVERIFY(result.problems.at(0).message.contains(QStringLiteral("is not a window size")));
    } else {
        QVERIFY2(result.ok(), qPrintable(describe(result.problems)));
        QCOMPARE(result.config->route(QStringLiteral("demo"))->rateLimit->windowSeconds, seconds);
    }
}

void TestConfig::problemToString() {
    Problem problem;
    problem.file = QStringLiteral("/etc/portico/config.yaml");
    problem.line = 12;
    problem.column = 5;
    problem.message = QStringLiteral("routes.demo.chat_models[0]: unknown model id 'x'");
    QCOMPARE(problem.toString(),
             QStringLiteral("/etc/portico/config.yaml:12:5: error: routes.demo.chat_models[0]: "
                            "unknown model id 'x'"));
    problem.severity = Problem::Severity::Warning;
    problem.message = QStringLiteral("'cache' is not supported by Portico yet and is ignored");
    QCOMPARE(problem.toString(),
             QStringLiteral("/etc/portico/config.yaml:12:5: warning: 'cache' is not supported by "
                            "Portico yet and is ignored"));
    problem.line = 0;
    problem.column = 0;
    QCOMPARE(problem.toString(), QStringLiteral("/etc/portico/config.yaml: warning: 'cache' is "
                                                "not supported by Portico yet and is ignored"));
}

void TestConfig::bundledConfig() {
    const QByteArray text = builtInConfigText();
    QVERIFY(!text.isEmpty());
    QFile source(QStringLiteral(PORTICO_SOURCE_DIR "/resources/config.yaml"));
    QVERIFY(source.open(QIODevice::ReadOnly));
    QCOMPARE(text, source.readAll());

    const LoadResult result =
        parseConfig(text, QStringLiteral("config.yaml (built-in)"), QString());
    QVERIFY2(result.ok(), qPrintable(describe(result.problems)));
    QVERIFY2(result.problems.isEmpty(), qPrintable(describe(result.problems)));
    const RouteConfig *demo = result.config->route(QStringLiteral("demo"));
    QVERIFY(demo);
    QCOMPARE(demo->chatModels, QStringList{QStringLiteral("demo")});
    const ModelConfig *model = result.config->chatModel(QStringLiteral("demo"));
    QVERIFY(model);
    QCOMPARE(model->provider, QStringLiteral("mock"));
    QCOMPARE(model->model, QStringLiteral("echo"));

    // Its commented examples must be valid too, once uncommented (given the secret).
    QByteArray uncommented;
    for (const QByteArray &line : text.split('\n')) {
        const QByteArray trimmed = line.trimmed();
        if (trimmed.startsWith("# - model_id:") || trimmed.startsWith("#   ") ||
            trimmed.startsWith("# assistant:") || trimmed.startsWith("# embedding_models:") ||
            trimmed.startsWith("# usage:") || trimmed.startsWith("# gateway:")) {
            const qsizetype hash = line.indexOf('#');
            uncommented += line.left(hash) + line.mid(hash + 2) + '\n';
        } else {
            uncommented += line + '\n';
        }
    }
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("config.yaml")), uncommented));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("secrets.yaml")),
                      "OPENAI_API_KEY: test-value\n"
                      "PORTICO_METRICS_TOKEN: test-token\n"));
    const LoadResult examples = loadConfigFile(dir.filePath(QStringLiteral("config.yaml")));
    QVERIFY2(examples.ok(), qPrintable(describe(examples.problems) + QLatin1Char('\n') +
                                       QString::fromUtf8(uncommented)));
    QVERIFY2(examples.problems.isEmpty(), qPrintable(describe(examples.problems)));
    const RouteConfig *assistant = examples.config->route(QStringLiteral("assistant"));
    QVERIFY(assistant);
    QVERIFY(assistant->rateLimit && assistant->tokenLimit && assistant->budgetLimit);
    QCOMPARE(assistant->fallbacks.size(), 1);
    QCOMPARE(examples.config->gateway.allowedHosts,
             QStringList{QStringLiteral("portico.example.com")});
    QCOMPARE(examples.config->gateway.metricsToken, QStringLiteral("test-token"));
    QCOMPARE(examples.config->chatModels.size(), 3);
    QCOMPARE(examples.config->embeddingModels.size(), 1);
    QCOMPARE(examples.config->usage.rawRetentionDays, 90);
}

void TestConfig::secretFromSecretsFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString config = dir.filePath(QStringLiteral("config.yaml"));
    QVERIFY(writeFile(config,
                      QByteArray(kMinimal).replace("model: mock/echo\n",
                                                   "model: openai/gpt-4o\n"
                                                   "    credentials:\n"
                                                   "      api_key: !secret PORTICO_TEST_KEY\n"
                                                   "      base_url: !secret PORTICO_TEST_URL\n")));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("secrets.yaml")),
                      "PORTICO_TEST_KEY: sk-from-file\n"
                      "PORTICO_TEST_URL: \"http://localhost:9999/v1/\"\n"));
    const LoadResult result = loadConfigFile(config);
    QVERIFY2(result.ok(), qPrintable(describe(result.problems)));
    QVERIFY(result.problems.isEmpty());
    const ModelConfig *model = result.config->chatModel(QStringLiteral("demo"));
    QVERIFY(model);
    QVERIFY(model->apiKey == QStringLiteral("sk-from-file"));
    QCOMPARE(model->baseUrl, QStringLiteral("http://localhost:9999/v1"));
    QCOMPARE(result.config->sourceFile, QFileInfo(config).absoluteFilePath());
}

void TestConfig::secretFromEnvironment() {
    qputenv("PORTICO_TEST_ENV_SECRET", "sk-from-env");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString config = dir.filePath(QStringLiteral("config.yaml"));
    QVERIFY(writeFile(config, QByteArray(kMinimal).replace(
                                  "model: mock/echo\n",
                                  "model: openai/gpt-4o\n"
                                  "    credentials: { api_key: !secret PORTICO_TEST_ENV_SECRET }\n"
                                  "    params: { user: !secret PORTICO_TEST_ENV_SECRET }\n")));
    // No secrets.yaml at all: the environment alone.
    LoadResult result = loadConfigFile(config);
    QVERIFY2(result.ok(), qPrintable(describe(result.problems)));
    QVERIFY(result.config->chatModel(QStringLiteral("demo"))->apiKey ==
            QStringLiteral("sk-from-env"));
    QVERIFY(result.config->chatModel(QStringLiteral("demo"))
                ->params.value(QStringLiteral("user"))
                .toString() == QStringLiteral("sk-from-env"));

    // A secrets.yaml without the name: still the environment.
    QVERIFY(writeFile(dir.filePath(QStringLiteral("secrets.yaml")), "OTHER: x\n"));
    result = loadConfigFile(config);
    QVERIFY2(result.ok(), qPrintable(describe(result.problems)));
    QVERIFY(result.config->chatModel(QStringLiteral("demo"))->apiKey ==
            QStringLiteral("sk-from-env"));
    qunsetenv("PORTICO_TEST_ENV_SECRET");

    result = loadConfigFile(config);
    QVERIFY(!result.ok());
    QCOMPARE(result.problems.size(), 2);
    const Problem &problem = result.problems.at(0);
    QCOMPARE(problem.line, 4);
    QCOMPARE(problem.column, 29);
    QVERIFY2(problem.message.contains(
                 QStringLiteral("secret 'PORTICO_TEST_ENV_SECRET' is not in secrets.yaml (%1) nor "
                                "in the environment")
                     .arg(dir.filePath(QStringLiteral("secrets.yaml")))),
             qPrintable(problem.message));
}

void TestConfig::secretsFileWinsOverEnvironment() {
    qputenv("PORTICO_TEST_BOTH", "from-env");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString config = dir.filePath(QStringLiteral("config.yaml"));
    QVERIFY(writeFile(config, QByteArray(kMinimal).replace(
                                  "model: mock/echo\n",
                                  "model: openai/gpt-4o\n"
                                  "    credentials: { api_key: !secret PORTICO_TEST_BOTH }\n")));
    QVERIFY(
        writeFile(dir.filePath(QStringLiteral("secrets.yaml")), "PORTICO_TEST_BOTH: from-file\n"));
    const LoadResult result = loadConfigFile(config);
    qunsetenv("PORTICO_TEST_BOTH");
    QVERIFY2(result.ok(), qPrintable(describe(result.problems)));
    QVERIFY(result.config->chatModel(QStringLiteral("demo"))->apiKey ==
            QStringLiteral("from-file"));
}

namespace {
// The injected source of the desktop app (its keychain, ui/secrets/providerkeys.h) is an
// interface: here a map.
class MapSource : public SecretSource {
public:
    explicit MapSource(QHash<QString, QString> values)
        : m_values(std::move(values)) {}
    std::optional<QString> lookup(const QString &name) const override {
        const auto it = m_values.constFind(name);
        return it == m_values.constEnd() ? std::nullopt : std::optional<QString>(*it);
    }
    QString description() const override { return QStringLiteral("the test keychain"); }

private:
    QHash<QString, QString> m_values;
};
} // namespace

void TestConfig::injectedSourceComesFirst() {
    qputenv("PORTICO_TEST_ORDER", "from-env");
    qputenv("PORTICO_TEST_ENV_ONLY", "env-only");
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString config = dir.filePath(QStringLiteral("config.yaml"));
    QVERIFY(writeFile(config, QByteArray(kMinimal).replace(
                                  "model: mock/echo\n",
                                  "model: openai/gpt-4o\n"
                                  "    credentials: { api_key: !secret PORTICO_TEST_ORDER }\n"
                                  "    params: { user: !secret PORTICO_TEST_ENV_ONLY }\n")));
    QVERIFY(
        writeFile(dir.filePath(QStringLiteral("secrets.yaml")), "PORTICO_TEST_ORDER: from-file\n"));
    const auto source = std::make_shared<MapSource>(
        QHash<QString, QString>{{QStringLiteral("PORTICO_TEST_ORDER"), QStringLiteral("from-kc")}});

    // Keychain, then secrets.yaml, then the environment.
    LoadResult result = loadConfigFile(config, source);
    QVERIFY2(result.ok(), qPrintable(describe(result.problems)));
    const ModelConfig *model = result.config->chatModel(QStringLiteral("demo"));
    QVERIFY(model->apiKey == QStringLiteral("from-kc"));
    QVERIFY(model->params.value(QStringLiteral("user")).toString() == QStringLiteral("env-only"));
    result = loadConfigFile(config);
    QVERIFY2(result.ok(), qPrintable(describe(result.problems)));
    QVERIFY(result.config->chatModel(QStringLiteral("demo"))->apiKey ==
            QStringLiteral("from-file"));

    // The manager passes it on at every reload.
    ConfigManager manager(config, source);
    QVERIFY(!manager.lastLoadFailed());
    QVERIFY(manager.current()->chatModel(QStringLiteral("demo"))->apiKey ==
            QStringLiteral("from-kc"));

    // Found nowhere: the message names the keychain and where to set it.
    qunsetenv("PORTICO_TEST_ORDER");
    qunsetenv("PORTICO_TEST_ENV_ONLY");
    result = loadConfigFile(config, source);
    QVERIFY(!result.ok());
    const QString all = describe(result.problems);
    QVERIFY2(all.contains(QStringLiteral("secret 'PORTICO_TEST_ENV_ONLY' is not in the test "
                                         "keychain nor in secrets.yaml")),
             qPrintable(all));
    QVERIFY2(all.contains(QStringLiteral("Set API Key")), qPrintable(all));
    QVERIFY(!all.contains(QStringLiteral("from-kc")));
}

void TestConfig::secretNamesOfAFile() {
    QCOMPARE(secretNamesIn("chat_models:\n"
                           "  - model_id: a\n"
                           "    credentials: { api_key: !secret A_KEY, base_url: !secret URL }\n"
                           "  - model_id: b\n"
                           "    credentials:\n"
                           "      api_key: !secret A_KEY\n"
                           "    params: { x: [1, !secret  B_KEY ] }\n"
                           "gateway: { metrics_token: !secret TOKEN }\n"),
             (QStringList{QStringLiteral("A_KEY"), QStringLiteral("URL"), QStringLiteral("B_KEY"),
                          QStringLiteral("TOKEN")}));
    QCOMPARE(apiKeySecretNames("chat_models:\n"
                               "  - model_id: a\n"
                               "    credentials: { api_key: !secret A_KEY }\n"
                               "  - model_id: b\n"
                               "    credentials: { api_key: sk-in-file }\n"
                               "  - model_id: c\n"
                               "    model: mock/echo\n"
                               "embedding_models:\n"
                               "  - model_id: e\n"
                               "    credentials:\n"
                               "      api_key: !secret E_KEY\n"),
             (QHash<QString, QString>{{QStringLiteral("a"), QStringLiteral("A_KEY")},
                                      {QStringLiteral("e"), QStringLiteral("E_KEY")}}));
    QVERIFY(secretNamesIn("routes: [unterminated\n").isEmpty());
    QVERIFY(secretNamesIn("").isEmpty());
}

void TestConfig::brokenSecretsFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString config = dir.filePath(QStringLiteral("config.yaml"));
    const QString secrets = dir.filePath(QStringLiteral("secrets.yaml"));
    QVERIFY(writeFile(config, QByteArray(kMinimal).replace(
                                  "model: mock/echo\n",
                                  "model: openai/gpt-4o\n"
                                  "    credentials: { api_key: !secret PORTICO_TEST_KEY }\n")));
    QVERIFY(writeFile(secrets, "PORTICO_TEST_KEY: [sk-unterminated\nOTHER: 1\n"));
    LoadResult result = loadConfigFile(config);
    QVERIFY(!result.ok());
    const QString all = describe(result.problems);
    const auto inSecrets = std::find_if(result.problems.cbegin(), result.problems.cend(),
                                        [&](const Problem &p) { return p.file == secrets; });
    QVERIFY2(inSecrets != result.problems.cend(), qPrintable(all));
    QVERIFY(inSecrets->line > 0);
    QVERIFY(inSecrets->column > 0);
    QVERIFY(inSecrets->message.contains(QStringLiteral("YAML syntax error")));
    QVERIFY(!all.contains(QStringLiteral("sk-unterminated")));

    // A value that is not text.
    QVERIFY(writeFile(secrets, "PORTICO_TEST_KEY:\n  nested: sk-hidden\n"));
    result = loadConfigFile(config);
    QVERIFY(!result.ok());
    const QString all2 = describe(result.problems);
    QVERIFY2(std::any_of(result.problems.cbegin(), result.problems.cend(),
                         [&](const Problem &p) {
                             return p.file == secrets && p.line == 2 && p.column == 3 &&
                                    p.message.contains(QStringLiteral("single text value"));
                         }),
             qPrintable(all2));
    QVERIFY(!all2.contains(QStringLiteral("sk-hidden")));

    // A secrets.yaml that is not a map.
    QVERIFY(writeFile(secrets, "- sk-listed\n"));
    result = loadConfigFile(config);
    QVERIFY(!result.ok());
    QVERIFY(std::any_of(result.problems.cbegin(), result.problems.cend(), [&](const Problem &p) {
        return p.file == secrets && p.line == 1 && p.column == 1;
    }));
    QVERIFY(!describe(result.problems).contains(QStringLiteral("sk-listed")));
}

void TestConfig::secretNeverInMessages() {
    const QString value = QStringLiteral("sk-super-secret-value-42");
    qputenv("PORTICO_TEST_SECRET_URL", value.toUtf8());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString config = dir.filePath(QStringLiteral("config.yaml"));
    QVERIFY(writeFile(
        config, QByteArray(kMinimal).replace("model: mock/echo\n",
                                             "model: openai/gpt-4o\n"
                                             "    credentials:\n"
                                             "      api_key: !secret PORTICO_TEST_FILE_SECRET\n"
                                             "      base_url: !secret PORTICO_TEST_SECRET_URL\n"
                                             "    params: { p: !secret PORTICO_TEST_MISSING }\n")));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("secrets.yaml")),
                      "PORTICO_TEST_FILE_SECRET: " + value.toUtf8() + "-file\n"));
    const LoadResult result = loadConfigFile(config);
    qunsetenv("PORTICO_TEST_SECRET_URL");
    QVERIFY(!result.ok());
    const QString all = describe(result.problems);
    QCOMPARE(result.problems.size(), 2);
    QVERIFY2(result.problems.at(0).message.contains(QStringLiteral("base_url: the secret's value "
                                                                   "is not an http(s) URL")),
             qPrintable(all));
    QVERIFY(result.problems.at(1).message.contains(QStringLiteral("PORTICO_TEST_MISSING")));
    QVERIFY(!all.contains(value));
    QVERIFY(!all.contains(QStringLiteral("super-secret")));
}

void TestConfig::loadConfigFileErrors() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    LoadResult result = loadConfigFile(dir.filePath(QStringLiteral("missing.yaml")));
    QVERIFY(!result.ok());
    QCOMPARE(result.problems.size(), 1);
    QVERIFY(result.problems.at(0).message.contains(QStringLiteral("does not exist")));
    QCOMPARE(result.problems.at(0).file, dir.filePath(QStringLiteral("missing.yaml")));

    result = loadConfigFile(dir.path());
    QVERIFY(!result.ok());
    QVERIFY(result.problems.at(0).message.contains(QStringLiteral("folder")));

    const QString huge = dir.filePath(QStringLiteral("huge.yaml"));
    QVERIFY(writeFile(huge, QByteArray(9 * 1024 * 1024, '#')));
    result = loadConfigFile(huge);
    QVERIFY(!result.ok());
    QVERIFY(result.problems.at(0).message.contains(QStringLiteral("bytes")));

    const QString good = dir.filePath(QStringLiteral("config.yaml"));
    QVERIFY(writeFile(good, kMinimal));
    result = loadConfigFile(good);
    QVERIFY(result.ok());
    QCOMPARE(result.config->sourceFile, QFileInfo(good).absoluteFilePath());
}

void TestConfig::oddInputNeverCrashes_data() {
    QTest::addColumn<QByteArray>("yaml");

    QByteArray garbage(64 * 1024, '\0');
    QRandomGenerator random(42);
    for (char &c : garbage)
        c = char(random.bounded(256));
    QTest::newRow("binary garbage") << garbage;
    QTest::newRow("nul bytes") << QByteArray(1000, '\0');
    QTest::newRow("invalid utf-8") << QByteArray("routes:\n  \xff\xfe:\n    chat_models: [\xc3]\n");
    QTest::newRow("deep lists") << QByteArray(100000, '[');
    QTest::newRow("deep lists closed") << QByteArray(5000, '[') + QByteArray(5000, ']');
    QTest::newRow("deep maps") << QByteArray().fill('{', 50000) + "a: 1";
    QByteArray deepParams = kMinimal;
    deepParams.replace(QByteArray("mock/echo\n"),
                       QByteArray(QByteArray("mock/echo\n    params: ") + QByteArray(1000, '[') +
                                  QByteArray(1000, ']') + "\n"));
    QTest::newRow("deep params") << deepParams;
    QByteArray laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'k'; ++c) {
        laughs += c + QByteArray(": &") + c + " [";
        for (int i = 0; i < 10; ++i)
            laughs += QByteArray(i ? ", *" : "*") + char(c - 1);
        laughs += "]\n";
    }
    QByteArray billion = kMinimal;
    billion.replace("mock/echo\n", "mock/echo\n    params: { big: *k }\n");
    QTest::newRow("billion laughs in params") << laughs + billion;
    QTest::newRow("alias as model id") << QByteArray(
        "x: &id demo\n" + QByteArray(kMinimal).replace("model_id: demo", "model_id: *id"));
    QTest::newRow("unknown alias") << QByteArray("a: *nope\n");
    QTest::newRow("complex key") << QByteArray("? [a, b]\n: c\n");
    QTest::newRow("null key") << QByteArray(": c\n");
    QByteArray many = "chat_models:\n";
    for (int i = 0; i < 20000; ++i)
        many += "  - { model_id: m" + QByteArray::number(i) + ", model: mock/echo }\n";
    many += "routes:\n  r:\n    chat_models: [m1, m2]\n";
    QTest::newRow("many models") << many;
    QTest::newRow("long line") << QByteArray("routes: ") + QByteArray(2 * 1024 * 1024, 'x');
    QTest::newRow("too large") << QByteArray(9 * 1024 * 1024, ' ');
    QTest::newRow("weird scalars") << QByteArray(kMinimal).replace(
        "mock/echo\n", "mock/echo\n    retry_attempts: .nan\n    input_cost_per_million_tokens: "
                       ".inf\n    timeout_seconds: 99999999999999999999999\n");
    QTest::newRow("tags everywhere") << QByteArray("!!map { !!str routes: !foo [!secret] }\n");
    QTest::newRow("bom") << QByteArray("\xef\xbb\xbf") + kMinimal;
    QTest::newRow("windows newlines") << QByteArray(kMinimal).replace("\n", "\r\n");
}

void TestConfig::oddInputNeverCrashes() {
    QFETCH(QByteArray, yaml);
    const LoadResult result = parseConfig(yaml, kFile, QString());
    // No crash and a consistent answer: either a config or at least one error.
    const bool hasError =
        std::any_of(result.problems.cbegin(), result.problems.cend(),
                    [](const Problem &p) { return p.severity == Problem::Severity::Error; });
    QVERIFY(result.ok() != hasError);
    QVERIFY(result.problems.size() < 100000);
}

void TestConfig::randomMutationsNeverCrash() {
    QRandomGenerator random(7);
    int loaded = 0;
    for (int round = 0; round < 3000; ++round) {
        QByteArray yaml = fullYaml();
        const int edits = 1 + int(random.bounded(4));
        for (int e = 0; e < edits; ++e) {
            const qsizetype at = qsizetype(random.bounded(quint32(yaml.size())));
            switch (random.bounded(4)) {
            case 0:
                yaml[at] = char(random.bounded(256));
                break;
            case 1:
                yaml.remove(at, 1 + qsizetype(random.bounded(20)));
                break;
            case 2:
                yaml.insert(at, "\n  - [{: ,\t&*!"[random.bounded(13)]);
                break;
            default:
                yaml.insert(at, yaml.mid(qsizetype(random.bounded(quint32(yaml.size()))), 30));
                break;
            }
        }
        const LoadResult result = parseConfig(yaml, kFile, QString());
        if (result.ok())
            ++loaded;
        else
            QVERIFY(!result.problems.isEmpty());
    }
    QVERIFY(loaded < 3000);
}

void TestConfig::managerBuiltIn() {
    ConfigManager manager{QString()};
    QVERIFY(manager.reload());
    QVERIFY(!manager.lastLoadFailed());
    QVERIFY(manager.lastProblems().isEmpty());
    const auto config = manager.current();
    QVERIFY(config);
    QVERIFY(config->route(QStringLiteral("demo")));
    QCOMPARE(config->chatModel(QStringLiteral("demo"))->provider, QStringLiteral("mock"));
    QVERIFY(config->sourceFile.isEmpty());
    manager.setWatchFile(true); // nothing to watch: harmless
    QVERIFY(manager.current()->route(QStringLiteral("demo")));
}

void TestConfig::managerBeforeAnyGoodLoad() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    ConfigManager manager(dir.filePath(QStringLiteral("config.yaml")));
    QVERIFY(manager.current());
    QVERIFY(manager.current()->routes.isEmpty());
    QVERIFY(manager.lastLoadFailed());
    QCOMPARE(manager.lastProblems().size(), 1);
    QSignalSpy failed(&manager, &ConfigManager::loadFailed);
    QVERIFY(!manager.reload());
    QCOMPARE(failed.count(), 1);
    QVERIFY(manager.current());
}

void TestConfig::managerKeepsLastGoodConfig() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("config.yaml"));
    QVERIFY(writeFile(path, kMinimal));
    ConfigManager manager(path);
    QCOMPARE(manager.path(), path);
    QVERIFY(!manager.lastLoadFailed());
    const auto first = manager.current();
    QVERIFY(first->route(QStringLiteral("demo")));

    QSignalSpy changed(&manager, &ConfigManager::configChanged);
    QSignalSpy failed(&manager, &ConfigManager::loadFailed);

    QVERIFY(writeFile(path, QByteArray(kMinimal).replace("[demo]", "[ghost]")));
    QVERIFY(!manager.reload());
    QCOMPARE(failed.count(), 1);
    QCOMPARE(changed.count(), 0);
    const auto problems = failed.at(0).at(0).value<QList<Problem>>();
    QCOMPARE(problems.size(), 1);
    QVERIFY(problems.at(0).message.contains(QStringLiteral("unknown model id 'ghost'")));
    QVERIFY(manager.lastLoadFailed());
    QCOMPARE(manager.lastProblems().size(), 1);
    QVERIFY(manager.current() == first);
    QVERIFY(manager.current()->route(QStringLiteral("demo")));

    QVERIFY(writeFile(path, kMinimal + "  second:\n    chat_models: [demo]\n"));
    QVERIFY(manager.reload());
    QCOMPARE(changed.count(), 1);
    QVERIFY(!manager.lastLoadFailed());
    QVERIFY(manager.lastProblems().isEmpty());
    QVERIFY(manager.current()->route(QStringLiteral("second")));
    // Holders of the old config keep a valid object.
    QVERIFY(first->route(QStringLiteral("demo")));
    QVERIFY(!first->route(QStringLiteral("second")));
}

void TestConfig::managerWatchesFile() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("config.yaml"));
    QVERIFY(writeFile(path, kMinimal));
    ConfigManager manager(path);
    manager.setWatchFile(true);
    QSignalSpy changed(&manager, &ConfigManager::configChanged);
    QSignalSpy failed(&manager, &ConfigManager::loadFailed);

    // Edited in place.
    QVERIFY(writeFile(path, kMinimal + "  second:\n    chat_models: [demo]\n"));
    QTRY_VERIFY_WITH_TIMEOUT(manager.current()->route(QStringLiteral("second")), 10000);

    // Replaced by rename, twice: the watch must survive the first replacement.
    QVERIFY(replaceFile(path, kMinimal + "  third:\n    chat_models: [demo]\n"));
    QTRY_VERIFY_WITH_TIMEOUT(manager.current()->route(QStringLiteral("third")), 10000);
    QVERIFY(replaceFile(path, kMinimal + "  fourth:\n    chat_models: [demo]\n"));
    QTRY_VERIFY_WITH_TIMEOUT(manager.current()->route(QStringLiteral("fourth")), 10000);

    // Broken: reported, the last good one stays.
    QVERIFY(replaceFile(path, "routes: [\n"));
    QTRY_VERIFY_WITH_TIMEOUT(failed.count() >= 1, 10000);
    QVERIFY(manager.current()->route(QStringLiteral("fourth")));

    // A new secrets.yaml is picked up too.
    QVERIFY(writeFile(path, QByteArray(kMinimal).replace(
                                "model: mock/echo\n",
                                "model: openai/x\n"
                                "    credentials: { api_key: !secret PORTICO_TEST_WATCH }\n")));
    QTRY_VERIFY_WITH_TIMEOUT(failed.count() >= 2, 10000);
    QVERIFY(writeFile(dir.filePath(QStringLiteral("secrets.yaml")), "PORTICO_TEST_WATCH: w\n"));
    QTRY_VERIFY_WITH_TIMEOUT(manager.current()->chatModel(QStringLiteral("demo"))->provider ==
                                 QStringLiteral("openai"),
                             10000);
    QVERIFY(changed.count() >= 4);

    manager.setWatchFile(false);
}

void TestConfig::managerReadersDuringReloads() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("config.yaml"));
    QVERIFY(writeFile(path, kMinimal));
    ConfigManager manager(path);
    std::atomic<bool> stop = false;
    std::atomic<int> reads = 0;
    std::atomic<int> bad = 0;
    QList<QThread *> readers;
    for (int i = 0; i < 2; ++i) {
        readers.append(QThread::create([&] {
            while (!stop) {
                const auto config = manager.current();
                if (!config || !config->route(QStringLiteral("demo")))
                    ++bad;
                ++reads;
            }
        }));
        readers.last()->start();
    }
    for (int i = 0; i < 100; ++i) {
        QVERIFY(writeFile(path, i % 2 ? kMinimal : QByteArray("routes: [\n")));
        manager.reload();
    }
    QTRY_VERIFY_WITH_TIMEOUT(reads > 1000, 10000);
    stop = true;
    for (QThread *reader : readers) {
        QVERIFY(reader->wait(10000));
        delete reader;
    }
    QCOMPARE(bad.load(), 0);
}

// The files these tests write are private, as a user's secrets.yaml should be: a readable one is
// warned about (test_private_files), which would add a problem to every secrets test here.
int main(int argc, char *argv[]) {
    ::umask(077);
    QCoreApplication app(argc, argv);
    TestConfig test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_config.moc"
