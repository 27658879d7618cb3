#pragma once

// What the proxy's two simdjson readers share (RequestValidator's fast path, readAnswer()).
// simdjson stays private to this library: only its .cpp files include this header.

#include <QByteArray>

#include <simdjson.h>

#include <optional>
#include <string_view>

namespace portico::proxy::fastjson {

// Texts up to kKeptBytes are read with `kept`, a caller's thread_local parser that keeps its
// buffers for the next text; a larger text gets a parser of its own in `own` (a local of the
// caller), so that one big text does not leave every worker holding its size for good. The
// depth limit, below QJsonDocument's, makes any text near Qt's limit fall back to Qt, whose
// verdict stays the reference. `root` lives as long as the parser that read it.
constexpr size_t kKeptBytes = 1024 * 1024;
constexpr size_t kMaxDepth = 256;
simdjson::error_code parse(const QByteArray &json, simdjson::dom::parser &kept,
                           std::optional<simdjson::dom::parser> &own, simdjson::dom::element &root);

// The last member called `name` (QJsonObject keeps the last of duplicates).
std::optional<simdjson::dom::element> lastMember(simdjson::dom::object object,
                                                 std::string_view name);

// The length in UTF-16 code units (QString::size()) of valid UTF-8.
qsizetype utf16Length(std::string_view utf8);

} // namespace portico::proxy::fastjson
