#include "proxy/fastjson.h"

#include <algorithm>

namespace portico::proxy::fastjson {

namespace {

// Whether the document holds a floating-point number that reads as zero. QJsonDocument refuses
// a whole text whose number underflows a double (1.5e-400, or 0. followed by 400 digits),
// while simdjson reads that number as 0: such a text must go to the reference. A literal zero
// written as a float (0.0) is declined too, and the reference, which accepts it, decides.
bool holdsFloatZero(simdjson::dom::element element) {
    switch (element.type()) {
    case simdjson::dom::element_type::DOUBLE:
        return element.get_double().value_unsafe() == 0.0;
    case simdjson::dom::element_type::ARRAY: {
        const simdjson::dom::array items = element.get_array().value_unsafe();
        for (const simdjson::dom::element item : items) {
            if (holdsFloatZero(item))
                return true;
        }
        return false;
    }
    case simdjson::dom::element_type::OBJECT: {
        const simdjson::dom::object members = element.get_object().value_unsafe();
        for (const simdjson::dom::key_value_pair member : members) {
            if (holdsFloatZero(member.value))
                return true;
        }
        return false;
    }
    default:
        return false;
    }
}

} // namespace

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
    if (const simdjson::error_code error = parser.parse(json.constData(), size, true).get(root))
        return error;
    return holdsFloatZero(root) ? simdjson::NUMBER_ERROR : simdjson::SUCCESS;
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
