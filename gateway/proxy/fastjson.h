#pragma once

// What the proxy's two simdjson readers share (RequestValidator's fast path, readAnswer()).
// simdjson stays private to this library: only its .cpp files include this header.

#include <QByteArray>
#include <QByteArrayView>

#include <simdjson.h>

#include <array>
#include <optional>
#include <string_view>

namespace portico::proxy::fastjson {

// Parses `json` into `root`. Texts up to kKeptBytes are read with the thread's parser, which
// keeps its buffers for the next text (one per thread for both readers: the validator's fast
// path and readAnswer() run one after the other, never nested); a larger text gets a parser of
// its own in `own` (a local of the caller), so that one big text does not leave every worker
// holding its size for good. `root` lives until that parser reads again: use it before the next
// parse() on the thread. The depth limit, below QJsonDocument's, makes any text near Qt's limit
// fall back to Qt, whose verdict stays the reference; so does a text with a floating-point zero
// (simdjson reads a number that underflows a double as 0, where Qt refuses the text).
constexpr size_t kKeptBytes = 1024 * 1024;
constexpr size_t kMaxDepth = 256;
simdjson::error_code parse(QByteArrayView json, std::optional<simdjson::dom::parser> &own,
                           simdjson::dom::element &root);

// The last member called `name` (QJsonObject keeps the last of duplicates).
std::optional<simdjson::dom::element> lastMember(simdjson::dom::object object,
                                                 std::string_view name);

// The last member of each of `names`, in one walk over the object (a walk per name cost that
// many times as much).
template <size_t N>
std::array<std::optional<simdjson::dom::element>, N>
lastMembers(simdjson::dom::object object, const std::array<std::string_view, N> &names) {
    std::array<std::optional<simdjson::dom::element>, N> found;
    for (const simdjson::dom::key_value_pair member : object) {
        for (size_t i = 0; i < N; ++i) {
            if (member.key == names[i]) {
                found[i] = member.value;
                break;
            }
        }
    }
    return found;
}

// The length in UTF-16 code units (QString::size()) of valid UTF-8.
qsizetype utf16Length(std::string_view utf8);

} // namespace portico::proxy::fastjson
