// config.yaml and its secrets.yaml (gateway/config/configparser.h, secretresolver.h) on arbitrary
// text. The input is config.yaml; what follows a line "%%secrets.yaml" is written to secrets.yaml
// beside it (mode 0600). Properties: no crash, no hang; a config is returned exactly when there is
// no error; every problem says what; and no problem shows the value of a secret.
#include "fuzzsupport.h"

#include "config/gatewayconfig.h"

#include <QFile>
#include <QTemporaryDir>

#include <cstdlib>
#include <utility>

#include <yaml-cpp/yaml.h>

namespace {

using portico::config::Problem;

QTemporaryDir *folder = nullptr;

// The values of secrets.yaml that a message could only show by leaking them: long enough not to
// be there by chance, and written nowhere else in either file.
QList<QByteArray> distinctiveSecrets(const QByteArray &config, const QByteArray &secrets) {
    QList<QByteArray> values;
    try {
        const YAML::Node root = YAML::Load(secrets.toStdString());
        if (!root.IsMap())
            return values;
        for (auto it = root.begin(); it != root.end(); ++it) {
            if (!it->second.IsScalar())
                continue;
            const QByteArray value = QByteArray::fromStdString(it->second.Scalar());
            if (value.size() >= 8 && !config.contains(value) && secrets.count(value) == 1)
                values.append(value);
        }
    } catch (const std::exception &) {
        // Not YAML that yaml-cpp reads: the parser says so, and shows no value.
    }
    return values;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    folder = new QTemporaryDir; // for the whole run, and removed when it ends
    std::atexit([] { delete std::exchange(folder, nullptr); });
    if (!folder->isValid())
        std::abort();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    static const QByteArray separator = QByteArrayLiteral("\n%%secrets.yaml\n");
    const qsizetype cut = input.indexOf(separator);
    const QByteArray config = cut < 0 ? input : input.left(cut);
    const QByteArray secrets = cut < 0 ? QByteArray() : input.mid(cut + separator.size());

    const QString secretsFile = folder->filePath(QStringLiteral("secrets.yaml"));
    QFile::remove(secretsFile);
    if (cut >= 0) {
        QFile file(secretsFile);
        if (!file.open(QIODevice::WriteOnly) ||
            !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
            file.write(secrets) != secrets.size())
            std::abort();
    }

    const portico::config::LoadResult result = portico::config::parseConfig(
        config, folder->filePath(QStringLiteral("config.yaml")), secretsFile);
    bool hasError = false;
    const QList<QByteArray> secretValues = distinctiveSecrets(config, secrets);
    for (const Problem &problem : result.problems) {
        hasError = hasError || problem.severity == Problem::Severity::Error;
        PORTICO_FUZZ_CHECK(!problem.message.isEmpty(), "a problem says what");
        PORTICO_FUZZ_CHECK(problem.line >= 0 && problem.column >= 0, "a position is valid");
        const QByteArray shown = problem.toString().toUtf8();
        for (const QByteArray &value : secretValues)
            PORTICO_FUZZ_CHECK(!shown.contains(value), "a problem shows no secret");
    }
    PORTICO_FUZZ_CHECK(result.ok() == !hasError, "a config exactly when there is no error");
    if (result.ok())
        PORTICO_FUZZ_CHECK(result.config->warnings.size() == result.problems.size(),
                           "the warnings of a config are its problems");
    return 0;
}
