#pragma once

// What the benchmark's own HTTP tools (the fake upstream, the stream client) share.

#include <cctype>
#include <cstddef>
#include <string_view>

namespace portico::bench {

// HTTP header names compare without regard to ASCII case.
inline bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

} // namespace portico::bench
