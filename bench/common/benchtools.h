#pragma once

// What the benchmark's own HTTP tools (the fake upstream, the stream client) share.

#include <cctype>
#include <csignal>
#include <cstddef>
#include <string_view>

#include <sys/prctl.h>
#include <sys/resource.h>

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

// What every tool does first: it goes with the harness even when that is killed, a peer that
// closes does not kill it (SIGPIPE), and it may open as many sockets as the hard limit allows
// (hundreds of streams, a thousand calls).
inline void prepareProcess() {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    std::signal(SIGPIPE, SIG_IGN);
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace portico::bench
