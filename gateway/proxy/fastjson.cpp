#include "proxy/fastjson.h"

#include <algorithm>
#include <cstring>

namespace portico::proxy::fastjson {

namespace {

// Whether the document holds a floating-point number that reads as zero. QJsonDocument refuses
// a whole text whose number underflows a double (1.5e-400, or 0. followed by 400 digits),
// while simdjson reads that number as 0: such a text must go to the reference. A literal zero
// written as a float (0.0) is declined too, and the reference, which accepts it, decides.
//
// Read from the document's tape, in order, rather than by walking its elements: the walk cost
// 1.6k instructions a request (docs/PERFORMANCE.md, round 6). The tape's layout is simdjson's
// documented one (doc/tape.md): a root word whose payload is the index after the last word;
// one word a value, and two for a number, whose second word holds its bits.
bool holdsFloatZero(const simdjson::dom::document &document) {
    const uint64_t *const tape = document.tape.get();
    const auto typeOf = [](uint64_t word) { return char(word >> 56); };
    if (typeOf(tape[0]) != 'r')
        return true; // not a tape this code knows: let the reference decide
    const size_t end = size_t(tape[0] & simdjson::internal::JSON_VALUE_MASK);
    for (size_t i = 1; i < end; ++i) {
        switch (typeOf(tape[i])) {
        case 'd': {
            double value;
            std::memcpy(&value, &tape[++i], sizeof value);
            if (value == 0.0)
                return true;
            break;
        }
        case 'l':
        case 'u':
            ++i;
            break;
        default:
            break;
        }
    }
    return false;
}

} // namespace

simdjson::error_code parse(QByteArrayView json, std::optional<simdjson::dom::parser> &own,
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
    // A view of a null byte array has no data at all, where QByteArray::constData() gave "":
    // simdjson copies from it, and a copy from null is undefined even for no bytes.
    const char *const text = json.isNull() ? "" : json.constData();
    if (const simdjson::error_code error = parser.parse(text, size, true).get(root))
        return error;
    return holdsFloatZero(parser.doc) ? simdjson::NUMBER_ERROR : simdjson::SUCCESS;
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
