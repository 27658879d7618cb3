#include "config/yamlsupport.h"

#include <QFileInfo>

#include <yaml-cpp/eventhandler.h>

#include <exception>
#include <sstream>

namespace portico::config::detail {

bool readableByOthers(const QString &file) {
    const QFileInfo info(file);
    return info.exists() &&
           (info.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther)) != 0;
}

Problem makeProblem(Problem::Severity severity, const QString &file, const YAML::Mark &mark,
                    const QString &message) {
    Problem problem;
    problem.severity = severity;
    problem.file = file;
    // yaml-cpp counts from 0 and uses -1 for "no position".
    problem.line = mark.line >= 0 ? mark.line + 1 : 0;
    problem.column = mark.line >= 0 && mark.column >= 0 ? mark.column + 1 : 0;
    problem.message = message;
    return problem;
}

namespace {

// Sees where documents start, and nothing else.
class DocumentCounter : public YAML::EventHandler {
public:
    int documents = 0;
    YAML::Mark secondStart;

    void OnDocumentStart(const YAML::Mark &mark) override {
        if (++documents == 2)
            secondStart = mark;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark &, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark &, const std::string &, YAML::anchor_t,
                  const std::string &) override {}
    void OnSequenceStart(const YAML::Mark &, const std::string &, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark &, const std::string &, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

} // namespace

bool parseYaml(const QByteArray &text, const QString &fileName, YAML::Node &document,
               std::optional<YAML::Mark> &secondDocument, QList<Problem> &problems) {
    if (text.size() > maxYamlFileBytes) {
        problems.append(makeProblem(
            Problem::Severity::Error, fileName, YAML::Mark::null_mark(),
            QStringLiteral("the file is %1 bytes; at most %2 bytes are read, check that this is "
                           "the right file")
                .arg(text.size())
                .arg(maxYamlFileBytes)));
        return false;
    }
    const std::string input(text.constData(), size_t(text.size()));
    try {
        // Never YAML::LoadAll: yaml-cpp 0.7 loops forever, allocating, on some broken input
        // (a lone ','). One document at a time always ends; a second one is only looked at to
        // warn that it is ignored (and to report its syntax errors).
        {
            std::istringstream stream(input);
            YAML::Parser parser(stream);
            DocumentCounter counter;
            if (parser.HandleNextDocument(counter))
                parser.HandleNextDocument(counter);
            if (counter.documents >= 2)
                secondDocument = counter.secondStart;
        }
        document = YAML::Load(input);
        return true;
    } catch (const YAML::ParserException &e) {
        problems.append(makeProblem(Problem::Severity::Error, fileName, e.mark,
                                    QStringLiteral("YAML syntax error: %1").arg(fromStd(e.msg))));
    } catch (const YAML::Exception &e) {
        problems.append(makeProblem(Problem::Severity::Error, fileName, e.mark,
                                    QStringLiteral("cannot read YAML: %1").arg(fromStd(e.msg))));
    } catch (const std::exception &e) {
        problems.append(makeProblem(Problem::Severity::Error, fileName, YAML::Mark::null_mark(),
                                    QStringLiteral("cannot read YAML: %1").arg(fromStd(e.what()))));
    }
    return false;
}

QString fromStd(const std::string &text) {
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

QString quoted(const QString &text) {
    constexpr qsizetype maxShown = 80;
    if (text.size() <= maxShown)
        return QLatin1Char('\'') + text + QLatin1Char('\'');
    return QLatin1Char('\'') + text.left(maxShown) + QStringLiteral("...'");
}

QString describeType(const YAML::Node &node) {
    switch (node.Type()) {
    case YAML::NodeType::Null:
        return QStringLiteral("nothing");
    case YAML::NodeType::Scalar:
        return QStringLiteral("a single value");
    case YAML::NodeType::Sequence:
        return QStringLiteral("a list");
    case YAML::NodeType::Map:
        return QStringLiteral("a map");
    case YAML::NodeType::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

} // namespace portico::config::detail
