// portico-bench-stream: the streaming client of bench/run.sh (scenario S4). One thread, epoll,
// no Qt, so that 500 streams cost it little CPU (run.sh prints its CPU time).
//
//   portico-bench-stream URL --connections N [--requests K] [--ramp-ms MS] [--model NAME]
//                        [--key-file FILE] [--expect-chunks C] [--timeout-s S] [--no-stream]
//
// Opens N connections to URL (http://HOST:PORT/PATH, IPv4), spread evenly over --ramp-ms, and on
// each sends K chat completion requests one after the other (keep-alive), streamed unless
// --no-stream. For every response it measures the time to its first byte (TTFB) and to its first
// SSE event, and for every event carrying the fake upstream's stamp ("t=<CLOCK_MONOTONIC ns>"
// in the delta's content, bench/fakeupstream) the delay from the moment the fake sent it to the
// moment it was read here: the chunk's relay delay. A stream counts as answered when its status
// is 200, it ends with `data: [DONE]` and (with --expect-chunks) it carried C stamped events.
// The key is read from FILE and never printed. Prints one JSON object on stdout.
#include "common/benchtools.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

std::int64_t nowNs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

struct Options {
    std::string host;
    int port = 0;
    std::string path;
    int connections = 1;
    int requests = 1;
    double rampMs = 0;
    std::string model = "stream";
    std::string keyFile;
    int expectChunks = -1;
    double timeoutS = 60;
    bool stream = true;
};

struct Results {
    std::vector<std::int64_t> ttfbNs;
    std::vector<std::int64_t> firstEventNs;
    std::vector<std::int64_t> chunkDelayNs;
    std::uint64_t answered = 0;
    std::uint64_t events = 0;
    std::map<std::string, std::uint64_t> errors;
    std::map<int, std::uint64_t> statuses;
};

enum class BodyMode { Length, Chunked, UntilClose };

struct Connection {
    int index = 0;
    int fd = -1;
    int requestsDone = 0;
    std::int64_t startAtNs = 0;
    bool connecting = false;
    bool started = false;
    bool finished = false; // no more requests on this connection
    // The response being read.
    std::int64_t sentNs = 0;
    bool gotByte = false;
    bool gotEvent = false;
    bool headersDone = false;
    int status = 0;
    BodyMode mode = BodyMode::Length;
    bool serverCloses = false;
    std::size_t remaining = 0; // Length: body bytes left; Chunked: bytes left in this chunk
    bool chunkTrailerCrlf = false;
    std::string raw;
    std::size_t rawStart = 0;
    std::string body; // de-chunked, not yet split into events
    std::size_t bodyStart = 0;
    int stampedEvents = 0;
    bool sawDone = false;
    std::string out;
    std::size_t outStart = 0;
};

class Client {
public:
    Client(Options options, std::string request)
        : m_options(std::move(options))
        , m_request(std::move(request)) {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        m_connections.resize(std::size_t(m_options.connections));
        const std::int64_t start = nowNs();
        for (int i = 0; i < m_options.connections; ++i) {
            Connection &c = m_connections[std::size_t(i)];
            c.index = i;
            c.startAtNs = start + std::int64_t(m_options.rampMs * 1e6 * i /
                                               std::max(1, m_options.connections));
        }
    }

    Results run() {
        const std::int64_t deadline = nowNs() + std::int64_t(m_options.timeoutS * 1e9);
        std::vector<epoll_event> events(1024);
        int nextToStart = 0;
        while (m_unfinished > 0) {
            const std::int64_t now = nowNs();
            while (nextToStart < m_options.connections &&
                   m_connections[std::size_t(nextToStart)].startAtNs <= now)
                open(m_connections[std::size_t(nextToStart++)]);
            if (now >= deadline)
                break;
            int timeoutMs = int(std::min<std::int64_t>((deadline - now) / 1'000'000 + 1, 1000));
            if (nextToStart < m_options.connections) {
                const std::int64_t wait = m_connections[std::size_t(nextToStart)].startAtNs - now;
                timeoutMs = std::min(timeoutMs, int(std::max<std::int64_t>(wait / 1'000'000, 0)));
            }
            const int count = epoll_wait(m_epoll, events.data(), int(events.size()), timeoutMs);
            const std::int64_t readAt = nowNs();
            for (int i = 0; i < count; ++i) {
                Connection &c = m_connections[std::size_t(events[std::size_t(i)].data.u32)];
                onEvent(c, events[std::size_t(i)].events, readAt);
            }
        }
        for (Connection &c : m_connections) {
            if (!c.finished) {
                m_results.errors["timeout"] += std::size_t(m_options.requests - c.requestsDone);
                if (c.fd >= 0)
                    ::close(c.fd);
            }
        }
        return std::move(m_results);
    }

private:
    void fail(Connection &c, const char *why) {
        // This request and the ones still to come on this connection are lost.
        m_results.errors[why] += std::size_t(m_options.requests - c.requestsDone);
        finish(c);
    }

    void finish(Connection &c) {
        if (c.fd >= 0) {
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
            ::close(c.fd);
            c.fd = -1;
        }
        if (!c.finished) {
            c.finished = true;
            --m_unfinished;
        }
    }

    void open(Connection &c) {
        c.started = true;
        c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c.fd < 0) {
            fail(c, "socket");
            return;
        }
        const int one = 1;
        setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(std::uint16_t(m_options.port));
        inet_pton(AF_INET, m_options.host.c_str(), &address.sin_addr);
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
        event.data.u32 = std::uint32_t(c.index);
        if (::connect(c.fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 &&
            errno != EINPROGRESS) {
            fail(c, "connect");
            return;
        }
        c.connecting = true;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &event);
    }

    void sendRequest(Connection &c) {
        c.sentNs = nowNs();
        c.gotByte = c.gotEvent = c.headersDone = c.sawDone = false;
        c.status = 0;
        c.stampedEvents = 0;
        c.raw.clear();
        c.rawStart = 0;
        c.body.clear();
        c.bodyStart = 0;
        c.out = m_request;
        c.outStart = 0;
        flush(c);
    }

    void flush(Connection &c) {
        while (c.outStart < c.out.size()) {
            const ssize_t n =
                ::send(c.fd, c.out.data() + c.outStart, c.out.size() - c.outStart, MSG_NOSIGNAL);
            if (n > 0) {
                c.outStart += std::size_t(n);
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && errno == EAGAIN) {
                setEvents(c, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
                return;
            }
            fail(c, "write");
            return;
        }
        setEvents(c, EPOLLIN | EPOLLRDHUP);
    }

    void setEvents(Connection &c, std::uint32_t what) {
        epoll_event event{};
        event.events = what;
        event.data.u32 = std::uint32_t(c.index);
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &event);
    }

    void onEvent(Connection &c, std::uint32_t what, std::int64_t readAt) {
        if (c.fd < 0)
            return;
        if (c.connecting) {
            if (what & (EPOLLERR | EPOLLHUP)) {
                fail(c, "connect");
                return;
            }
            if (what & EPOLLOUT) {
                c.connecting = false;
                sendRequest(c);
                return;
            }
        }
        if ((what & EPOLLOUT) && c.outStart < c.out.size()) {
            flush(c);
            if (c.fd < 0)
                return;
        }
        if (!(what & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
            return;
        char buffer[65536];
        bool closed = false;
        for (;;) {
            const ssize_t n = ::read(c.fd, buffer, sizeof buffer);
            if (n > 0) {
                if (!c.gotByte) {
                    c.gotByte = true;
                    m_results.ttfbNs.push_back(readAt - c.sentNs);
                }
                c.raw.append(buffer, std::size_t(n));
                if (std::size_t(n) < sizeof buffer)
                    break;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && errno == EAGAIN)
                break;
            closed = true;
            break;
        }
        parse(c, readAt, closed);
    }

    // Consumes c.raw; completes the response when its end is there.
    void parse(Connection &c, std::int64_t readAt, bool closed) {
        for (;;) {
            std::string_view pending(c.raw.data() + c.rawStart, c.raw.size() - c.rawStart);
            if (!c.headersDone) {
                const std::size_t end = pending.find("\r\n\r\n");
                if (end == std::string_view::npos) {
                    if (closed)
                        fail(c, c.gotByte ? "malformed" : "closed");
                    return;
                }
                parseHead(c, pending.substr(0, end));
                c.rawStart += end + 4;
                continue;
            }
            if (c.mode == BodyMode::Length || c.mode == BodyMode::UntilClose) {
                std::size_t take = pending.size();
                if (c.mode == BodyMode::Length)
                    take = std::min(take, c.remaining);
                c.body.append(pending.data(), take);
                c.rawStart += take;
                if (c.mode == BodyMode::Length)
                    c.remaining -= take;
                events(c, readAt);
                if ((c.mode == BodyMode::Length && c.remaining == 0) ||
                    (c.mode == BodyMode::UntilClose && closed)) {
                    complete(c, readAt);
                    return;
                }
                if (closed)
                    fail(c, "closed");
                return;
            }
            // Chunked.
            if (c.chunkTrailerCrlf) {
                if (pending.size() < 2)
                    break;
                c.rawStart += 2;
                c.chunkTrailerCrlf = false;
                continue;
            }
            if (c.remaining == 0) {
                const std::size_t lineEnd = pending.find("\r\n");
                if (lineEnd == std::string_view::npos)
                    break;
                const std::size_t size =
                    std::strtoull(std::string(pending.substr(0, lineEnd)).c_str(), nullptr, 16);
                if (size == 0) {
                    // The last chunk; no trailers expected: its empty line ends the response.
                    if (pending.size() < lineEnd + 4)
                        break;
                    c.rawStart += lineEnd + 4;
                    events(c, readAt);
                    complete(c, readAt);
                    return;
                }
                c.rawStart += lineEnd + 2;
                c.remaining = size;
                continue;
            }
            const std::size_t take = std::min(pending.size(), c.remaining);
            if (take == 0)
                break;
            c.body.append(pending.data(), take);
            c.rawStart += take;
            c.remaining -= take;
            if (c.remaining == 0)
                c.chunkTrailerCrlf = true;
        }
        events(c, readAt);
        if (c.rawStart == c.raw.size()) {
            c.raw.clear();
            c.rawStart = 0;
        }
        if (closed)
            fail(c, "closed");
    }

    void parseHead(Connection &c, std::string_view head) {
        c.headersDone = true;
        c.status = head.size() > 12 ? std::atoi(std::string(head.substr(9, 3)).c_str()) : 0;
        c.mode = BodyMode::UntilClose;
        c.serverCloses = false;
        c.remaining = 0;
        c.chunkTrailerCrlf = false;
        std::size_t position = head.find("\r\n");
        while (position != std::string_view::npos && position < head.size()) {
            position += 2;
            std::size_t end = head.find("\r\n", position);
            if (end == std::string_view::npos)
                end = head.size();
            const std::string_view line = head.substr(position, end - position);
            position = end;
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos)
                continue;
            const std::string_view name = line.substr(0, colon);
            std::string_view value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ')
                value.remove_prefix(1);
            if (portico::bench::equalsIgnoreCase(name, "content-length")) {
                c.mode = BodyMode::Length;
                c.remaining = std::strtoull(std::string(value).c_str(), nullptr, 10);
            } else if (portico::bench::equalsIgnoreCase(name, "transfer-encoding") &&
                       portico::bench::equalsIgnoreCase(value, "chunked")) {
                c.mode = BodyMode::Chunked;
            } else if (portico::bench::equalsIgnoreCase(name, "connection") &&
                       portico::bench::equalsIgnoreCase(value, "close")) {
                c.serverCloses = true;
            }
        }
        ++m_results.statuses[c.status];
    }

    // Splits the de-chunked body into SSE events and measures the stamped ones.
    void events(Connection &c, std::int64_t readAt) {
        if (!m_options.stream) {
            return;
        }
        for (;;) {
            const std::string_view pending(c.body.data() + c.bodyStart,
                                           c.body.size() - c.bodyStart);
            const std::size_t end = pending.find("\n\n");
            if (end == std::string_view::npos)
                break;
            const std::string_view event = pending.substr(0, end);
            c.bodyStart += end + 2;
            if (event.substr(0, 6) != "data: ")
                continue;
            const std::string_view data = event.substr(6);
            if (!c.gotEvent) {
                c.gotEvent = true;
                m_results.firstEventNs.push_back(readAt - c.sentNs);
            }
            ++m_results.events;
            if (data == "[DONE]") {
                c.sawDone = true;
                continue;
            }
            const std::size_t stamp = data.find("\"t=");
            if (stamp == std::string_view::npos)
                continue;
            const std::int64_t sentAt = std::strtoll(data.data() + stamp + 3, nullptr, 10);
            ++c.stampedEvents;
            m_results.chunkDelayNs.push_back(readAt - sentAt);
        }
        if (c.bodyStart == c.body.size()) {
            c.body.clear();
            c.bodyStart = 0;
        }
    }

    void complete(Connection &c, std::int64_t) {
        ++c.requestsDone;
        const char *problem = nullptr;
        if (c.status != 200)
            problem = "status";
        else if (m_options.stream && !c.sawDone)
            problem = "no_done";
        else if (m_options.stream && m_options.expectChunks >= 0 &&
                 c.stampedEvents != m_options.expectChunks)
            problem = "chunk_count";
        if (problem)
            ++m_results.errors[problem];
        else
            ++m_results.answered;
        if (c.requestsDone >= m_options.requests) {
            finish(c);
            return;
        }
        if (c.serverCloses || c.mode == BodyMode::UntilClose) {
            // Reconnect for the next request.
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
            ::close(c.fd);
            c.fd = -1;
            open(c);
            return;
        }
        sendRequest(c);
    }

    Options m_options;
    std::string m_request;
    int m_epoll = -1;
    std::vector<Connection> m_connections;
    int m_unfinished = m_options.connections;
    Results m_results;
};

struct Summary {
    std::int64_t p50, p90, p99, p999, max;
    std::size_t count;
};

Summary summarise(std::vector<std::int64_t> values) {
    Summary s{0, 0, 0, 0, 0, values.size()};
    if (values.empty())
        return s;
    std::sort(values.begin(), values.end());
    auto at = [&](double q) {
        const std::size_t index =
            std::min(values.size() - 1, std::size_t(q * double(values.size())));
        return values[index];
    };
    s.p50 = at(0.50);
    s.p90 = at(0.90);
    s.p99 = at(0.99);
    s.p999 = at(0.999);
    s.max = values.back();
    return s;
}

void printSummary(const char *name, const std::vector<std::int64_t> &values, bool comma) {
    const Summary s = summarise(values);
    std::printf("\"%s\":{\"count\":%zu,\"p50\":%.1f,\"p90\":%.1f,\"p99\":%.1f,\"p999\":%.1f,"
                "\"max\":%.1f}%s",
                name, s.count, double(s.p50) / 1e3, double(s.p90) / 1e3, double(s.p99) / 1e3,
                double(s.p999) / 1e3, double(s.max) / 1e3, comma ? "," : "");
}

[[noreturn]] void usage(int status) {
    std::fputs("usage: portico-bench-stream URL --connections N [--requests K] [--ramp-ms MS]\n"
               "       [--model NAME] [--key-file FILE] [--expect-chunks C] [--timeout-s S]\n"
               "       [--no-stream]\n",
               status == 0 ? stdout : stderr);
    std::exit(status);
}

bool parseUrl(const std::string &url, Options *options) {
    const std::string prefix = "http://";
    if (url.compare(0, prefix.size(), prefix) != 0)
        return false;
    const std::size_t slash = url.find('/', prefix.size());
    const std::string authority = url.substr(prefix.size(), slash - prefix.size());
    options->path = slash == std::string::npos ? "/" : url.substr(slash);
    const std::size_t colon = authority.rfind(':');
    if (colon == std::string::npos)
        return false;
    options->host = authority.substr(0, colon);
    options->port = std::atoi(authority.c_str() + colon + 1);
    in_addr probe{};
    return options->port > 0 && inet_pton(AF_INET, options->host.c_str(), &probe) == 1;
}

} // namespace

int main(int argc, char **argv) {
    Options options;
    std::string url;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const bool hasValue = i + 1 < argc;
        if (arg == "--connections" && hasValue)
            options.connections = std::atoi(argv[++i]);
        else if (arg == "--requests" && hasValue)
            options.requests = std::atoi(argv[++i]);
        else if (arg == "--ramp-ms" && hasValue)
            options.rampMs = std::atof(argv[++i]);
        else if (arg == "--model" && hasValue)
            options.model = argv[++i];
        else if (arg == "--key-file" && hasValue)
            options.keyFile = argv[++i];
        else if (arg == "--expect-chunks" && hasValue)
            options.expectChunks = std::atoi(argv[++i]);
        else if (arg == "--timeout-s" && hasValue)
            options.timeoutS = std::atof(argv[++i]);
        else if (arg == "--no-stream")
            options.stream = false;
        else if (arg == "-h" || arg == "--help")
            usage(0);
        else if (!arg.empty() && arg.front() != '-' && url.empty())
            url = arg;
        else
            usage(2);
    }
    if (url.empty() || !parseUrl(url, &options) || options.connections < 1 || options.requests < 1)
        usage(2);
    portico::bench::prepareProcess();

    std::string key;
    if (!options.keyFile.empty()) {
        std::ifstream file(options.keyFile);
        std::getline(file, key);
        if (key.empty()) {
            std::fprintf(stderr, "portico-bench-stream: no key in %s\n", options.keyFile.c_str());
            return 2;
        }
    }
    const std::string body = "{\"model\":\"" + options.model +
                             "\",\"stream\":" + (options.stream ? "true" : "false") +
                             ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}";
    std::string request = "POST " + options.path + " HTTP/1.1\r\nHost: " + options.host + ":" +
                          std::to_string(options.port) +
                          "\r\nContent-Type: application/json\r\nAccept: " +
                          (options.stream ? "text/event-stream" : "application/json") +
                          "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    if (!key.empty())
        request += "Authorization: Bearer " + key + "\r\n";
    request += "\r\n" + body;

    const std::int64_t started = nowNs();
    Client client(options, std::move(request));
    const Results results = client.run();
    const double elapsed = double(nowNs() - started) / 1e9;
    rusage usageSelf{};
    getrusage(RUSAGE_SELF, &usageSelf);
    const double cpu = double(usageSelf.ru_utime.tv_sec + usageSelf.ru_stime.tv_sec) +
                       double(usageSelf.ru_utime.tv_usec + usageSelf.ru_stime.tv_usec) / 1e6;

    std::uint64_t errorTotal = 0;
    for (const auto &[name, count] : results.errors)
        errorTotal += count;
    std::printf("{\"connections\":%d,\"requests_per_connection\":%d,\"requests\":%d,"
                "\"answered\":%llu,\"errors\":%llu,\"events\":%llu,\"elapsed_s\":%.3f,"
                "\"cpu_s\":%.3f,\"max_rss_kb\":%ld,",
                options.connections, options.requests, options.connections * options.requests,
                static_cast<unsigned long long>(results.answered),
                static_cast<unsigned long long>(errorTotal),
                static_cast<unsigned long long>(results.events), elapsed, cpu, usageSelf.ru_maxrss);
    std::printf("\"error_kinds\":{");
    bool first = true;
    for (const auto &[name, count] : results.errors) {
        std::printf("%s\"%s\":%llu", first ? "" : ",", name.c_str(),
                    static_cast<unsigned long long>(count));
        first = false;
    }
    std::printf("},\"statuses\":{");
    first = true;
    for (const auto &[status, count] : results.statuses) {
        std::printf("%s\"%d\":%llu", first ? "" : ",", status,
                    static_cast<unsigned long long>(count));
        first = false;
    }
    std::printf("},");
    printSummary("ttfb_us", results.ttfbNs, true);
    printSummary("first_event_us", results.firstEventNs, true);
    printSummary("chunk_delay_us", results.chunkDelayNs, false);
    std::printf("}\n");
    return 0;
}
