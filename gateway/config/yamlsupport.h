#pragma once

#include "config/gatewayconfig.h"

#include <QByteArray>
#include <QString>

#include <yaml-cpp/yaml.h>

#include <optional>

namespace portico::config::detail {

// Files larger than this are refused before parsing: a config is a few kilobytes.
inline constexpr qint64 maxYamlFileBytes = 8 * 1024 * 1024;

// True when `file` exists and its group or other users may read it (a mode wider than 0600).
bool readableByOthers(const QString &file);

Problem makeProblem(Problem::Severity severity, const QString &file, const YAML::Mark &mark,
                    const QString &message);

// Parses the first document of `text` into `document` and tells where a second one starts, if
// any; on a parser error (or any other yaml-cpp failure) appends a problem and returns false.
bool parseYaml(const QByteArray &text, const QString &fileName, YAML::Node &document,
               std::optional<YAML::Mark> &secondDocument, QList<Problem> &problems);

QString fromStd(const std::string &text);
// A user-written name, shortened so that a message stays readable.
QString quoted(const QString &text);
QString describeType(const YAML::Node &node);

} // namespace portico::config::detail
