#include "proxy/fastjson.h"

#include <algorithm>

namespace portico::proxy::fastjson {

simdjson::error_code parse(const QByteArray &json, std::optional<simdjson::dom::parser> &own,
                           simdjson::dom::element &root) {
    thread_local simdjson::dom::parser kept;
    const size_t size = size_t(json.size());
    simdjson::dom::parser &parser = size <= kKeptBytes ? kept : own.emplace(size);
    // The depth is set with the first buffers; later growth keeps it.
    if (parser.capacity() == 0 || parser.max_depth() != kMaxDepth) {
        if (const simdjson::error_code error =
                parser.allocate(std::max<size_t>(size, 4096), kMaxDepth))
            return error;
    }
    return parser.parse(json.constData(), size, true).get(root);
}

std::optional<simdjson::dom::element> lastMember(simdjson::dom::object object,
                                                 std::string_view name) {
    std::optional<simdjson::dom::element> found;
    for (const simdjson::dom::key_value_pair member : object) {
        if (member.key == name)
            found = member.value;
    }
    return found;
}

qsizetype utf16Length(std::string_view utf8) {
    qsizetype units = 0;
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte & 0xC0) != 0x80)
            units += byte >= 0xF0 ? 2 : 1; // a 4-byte sequence is a surrogate pair
    }
    return units;
}

} // namespace portico::proxy::fastjson
