// portico-fake-upstream: the fake OpenAI-compatible upstream of bench/run.sh, for the answers
// nginx cannot give (a delay, an SSE stream with a schedule). One thread, epoll, no Qt: it must
// never be what limits a measurement (run.sh prints its CPU time beside every figure).
//
//   portico-fake-upstream [--host 127.0.0.1] [--port 0]    prints "PORT <n>" when it listens
//   portico-fake-upstream --print-body                     prints the fixed answer and exits
//
// It answers, on HTTP/1.1 keep-alive connections (pipelined requests in order):
//   POST [/v1]/chat/completions                  at once: the fixed chat completion below (648
//                                                bytes, the same bytes nginx serves in the bench)
//   POST /delay/MS[/v1]/chat/completions         the same after MS milliseconds
//   POST /stream/N/MS[/v1]/chat/completions      an SSE stream (Transfer-Encoding: chunked) of N
//                                                chat.completion.chunk events MS milliseconds
//                                                apart, the first at once; each delta's content is
//                                                "t=<CLOCK_MONOTONIC ns when sent> ", so a client
//                                                on the same host measures each chunk's delay;
//                                                then a usage-only chunk and `data: [DONE]`
//   GET  /_stats                                 {"requests", "connections", "open_connections",
//                                                "max_open_connections", "in_flight",
//                                                "max_in_flight", "chunks"} since the start
// The request body is read (Content-Length) and ignored. Anything else answers 404.
#include "common/benchtools.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
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
#include <memory>
#include <queue>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
constexpr std::size_t kMaxBodyBytes = 16 * 1024 * 1024;
constexpr std::size_t kFixedBodyBytes = 648;

std::int64_t nowNs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// A chat completion of exactly kFixedBodyBytes bytes, with usage. No '$', '\'' or '\\': nginx's
// `return 200 '...'` serves the same text.
std::string fixedBody() {
    const std::string head =
        R"({"id":"chatcmpl-portico-bench","object":"chat.completion","created":1700000000,)"
        R"("model":"bench-model","system_fingerprint":"fp_bench","choices":[{"index":0,)"
        R"("message":{"role":"assistant","content":")";
    const std::string tail =
        R"("},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,)"
        R"("completion_tokens":96,"total_tokens":108}})";
    const std::string words = "The quick brown fox jumps over the lazy dog. ";
    std::string content;
    while (head.size() + content.size() + tail.size() < kFixedBodyBytes)
        content += words[content.size() % words.size()];
    return head + content + tail;
}

struct Stats {
    std::uint64_t requests = 0;
    std::uint64_t connections = 0;
    std::uint64_t openConnections = 0;
    std::uint64_t maxOpenConnections = 0;
    std::uint64_t inFlight = 0; // delayed answers and streams not finished
    std::uint64_t maxInFlight = 0;
    std::uint64_t chunks = 0;
};

struct Connection {
    int fd = -1;
    std::uint32_t generation = 0;
    std::string in;
    std::size_t inStart = 0; // parsed up to here
    std::string out;
    std::size_t outStart = 0;
    bool waitingWritable = false;
    bool closeAfterResponse = false;
    bool busy = false; // a delayed answer or a stream is in progress: later requests wait
    // The stream in progress.
    int chunkTotal = 0;
    int chunkNext = 0;
    std::int64_t streamStartNs = 0;
    std::int64_t intervalNs = 0;
};

struct Timer {
    std::int64_t dueNs;
    int fd;
    std::uint32_t generation;
    bool operator>(const Timer &other) const { return dueNs > other.dueNs; }
};

class Server {
public:
    Server(int listenFd)
        : m_listenFd(listenFd)
        , m_fixedBody(fixedBody()) {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        m_timerFd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (m_epoll < 0 || m_timerFd < 0) {
            std::perror("portico-fake-upstream: epoll/timerfd");
            std::exit(1);
        }
        add(m_listenFd, EPOLLIN);
        add(m_timerFd, EPOLLIN);
        m_fixedAnswer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(m_fixedBody.size()) + "\r\n\r\n" + m_fixedBody;
    }

    [[noreturn]] void run() {
        std::vector<epoll_event> events(1024);
        for (;;) {
            const int count = epoll_wait(m_epoll, events.data(), int(events.size()), -1);
            if (count < 0) {
                if (errno == EINTR)
                    continue;
                std::perror("portico-fake-upstream: epoll_wait");
                std::exit(1);
            }
            for (int i = 0; i < count; ++i) {
                const int fd = events[std::size_t(i)].data.fd;
                const std::uint32_t what = events[std::size_t(i)].events;
                if (fd == m_listenFd)
                    acceptAll();
                else if (fd == m_timerFd)
                    runTimers();
                else
                    onConnectionEvent(fd, what);
            }
        }
    }

private:
    void add(int fd, std::uint32_t events) {
        epoll_event event{};
        event.events = events;
        event.data.fd = fd;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
    }
    void modify(int fd, std::uint32_t events) {
        epoll_event event{};
        event.events = events;
        event.data.fd = fd;
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, fd, &event);
    }

    Connection *connection(int fd) {
        if (fd < 0 || std::size_t(fd) >= m_connections.size())
            return nullptr;
        Connection *c = m_connections[std::size_t(fd)].get();
        return c && c->fd == fd ? c : nullptr;
    }

    void acceptAll() {
        for (;;) {
            const int fd = accept4(m_listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0)
                return; // EAGAIN, or out of descriptors: the next epoll round tries again
            const int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (std::size_t(fd) >= m_connections.size())
                m_connections.resize(std::size_t(fd) + 1024);
            auto &slot = m_connections[std::size_t(fd)];
            if (!slot)
                slot = std::make_unique<Connection>();
            const std::uint32_t generation = slot->generation + 1;
            *slot = Connection{};
            slot->fd = fd;
            slot->generation = generation;
            add(fd, EPOLLIN | EPOLLRDHUP);
            ++m_stats.connections;
            m_stats.maxOpenConnections =
                std::max(m_stats.maxOpenConnections, ++m_stats.openConnections);
        }
    }

    void closeConnection(Connection *c) {
        if (c->busy)
            --m_stats.inFlight;
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, c->fd, nullptr);
        ::close(c->fd);
        c->fd = -1;
        c->in.clear();
        c->in.shrink_to_fit();
        c->out.clear();
        c->out.shrink_to_fit();
        --m_stats.openConnections;
    }

    void onConnectionEvent(int fd, std::uint32_t what) {
        Connection *c = connection(fd);
        if (!c)
            return;
        if (what & EPOLLOUT) {
            if (!flush(c))
                return;
        }
        if (what & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
            char buffer[65536];
            for (;;) {
                const ssize_t n = ::read(fd, buffer, sizeof buffer);
                if (n > 0) {
                    c->in.append(buffer, std::size_t(n));
                    if (std::size_t(n) < sizeof buffer)
                        break;
                    continue;
                }
                if (n < 0 && (errno == EAGAIN || errno == EINTR))
                    break;
                closeConnection(c); // 0: the peer closed; <0: reset
                return;
            }
            handleInput(c);
        }
    }

    // Parses and answers the complete requests in c->in, in order, until one is in progress.
    void handleInput(Connection *c) {
        while (!c->busy && c->fd >= 0) {
            const std::string_view pending(c->in.data() + c->inStart, c->in.size() - c->inStart);
            const std::size_t headerEnd = pending.find("\r\n\r\n");
            if (headerEnd == std::string_view::npos) {
                if (pending.size() > kMaxHeaderBytes)
                    closeConnection(c);
                break;
            }
            const std::string_view head = pending.substr(0, headerEnd);
            const std::size_t lineEnd = head.find("\r\n");
            const std::string_view requestLine = head.substr(0, lineEnd);
            const std::size_t space1 = requestLine.find(' ');
            const std::size_t space2 = requestLine.find(' ', space1 + 1);
            if (space1 == std::string_view::npos || space2 == std::string_view::npos) {
                closeConnection(c);
                break;
            }
            const std::string_view method = requestLine.substr(0, space1);
            std::string_view path = requestLine.substr(space1 + 1, space2 - space1 - 1);
            const std::string_view version = requestLine.substr(space2 + 1);
            std::size_t contentLength = 0;
            bool close = version == "HTTP/1.0";
            bool chunked = false;
            std::size_t position = lineEnd == std::string_view::npos ? head.size() : lineEnd + 2;
            while (position < head.size()) {
                std::size_t end = head.find("\r\n", position);
                if (end == std::string_view::npos)
                    end = head.size();
                const std::string_view line = head.substr(position, end - position);
                position = end + 2;
                const std::size_t colon = line.find(':');
                if (colon == std::string_view::npos)
                    continue;
                const std::string_view name = line.substr(0, colon);
                std::string_view value = line.substr(colon + 1);
                while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
                    value.remove_prefix(1);
                if (portico::bench::equalsIgnoreCase(name, "content-length"))
                    contentLength = std::strtoull(std::string(value).c_str(), nullptr, 10);
                else if (portico::bench::equalsIgnoreCase(name, "connection"))
                    close = portico::bench::equalsIgnoreCase(value, "close") ||
                            (close && !portico::bench::equalsIgnoreCase(value, "keep-alive"));
                else if (portico::bench::equalsIgnoreCase(name, "transfer-encoding"))
                    chunked = true;
            }
            if (chunked || contentLength > kMaxBodyBytes) {
                queue(c, "HTTP/1.1 411 Length Required\r\nContent-Length: 0\r\nConnection: "
                         "close\r\n\r\n");
                c->closeAfterResponse = true;
                flush(c);
                break;
            }
            if (pending.size() < headerEnd + 4 + contentLength)
                break; // the body is not all here yet
            c->inStart += headerEnd + 4 + contentLength;
            c->closeAfterResponse = close;
            ++m_stats.requests;
            const std::size_t query = path.find('?');
            if (query != std::string_view::npos)
                path = path.substr(0, query);
            dispatch(c, method, path);
            if (c->fd < 0)
                return;
        }
        if (c->fd >= 0 && c->inStart > 0 && c->inStart == c->in.size()) {
            c->in.clear();
            c->inStart = 0;
        } else if (c->fd >= 0 && c->inStart > 65536) {
            c->in.erase(0, c->inStart);
            c->inStart = 0;
        }
    }

    static bool readNumber(std::string_view &rest, std::int64_t *value) {
        if (rest.empty() || rest.front() != '/')
            return false;
        rest.remove_prefix(1);
        std::int64_t number = 0;
        std::size_t digits = 0;
        while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9' && digits < 9)
            number = number * 10 + (rest[digits++] - '0');
        if (digits == 0)
            return false;
        rest.remove_prefix(digits);
        *value = number;
        return true;
    }

    void dispatch(Connection *c, std::string_view method, std::string_view path) {
        if (method == "GET" && path == "/_stats") {
            char body[512];
            const int n = std::snprintf(
                body, sizeof body,
                "{\"requests\":%llu,\"connections\":%llu,\"open_connections\":%llu,"
                "\"max_open_connections\":%llu,\"in_flight\":%llu,\"max_in_flight\":%llu,"
                "\"chunks\":%llu}",
                static_cast<unsigned long long>(m_stats.requests),
                static_cast<unsigned long long>(m_stats.connections),
                static_cast<unsigned long long>(m_stats.openConnections),
                static_cast<unsigned long long>(m_stats.maxOpenConnections),
                static_cast<unsigned long long>(m_stats.inFlight),
                static_cast<unsigned long long>(m_stats.maxInFlight),
                static_cast<unsigned long long>(m_stats.chunks));
            queue(c, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(n) + "\r\n\r\n" + std::string(body, std::size_t(n)));
            flush(c);
            return;
        }
        std::string_view rest = path;
        const std::string_view suffix = "/chat/completions";
        if (method != "POST" || rest.size() < suffix.size() ||
            rest.substr(rest.size() - suffix.size()) != suffix) {
            notFound(c);
            return;
        }
        rest.remove_suffix(suffix.size());
        if (rest.size() >= 3 && rest.substr(rest.size() - 3) == "/v1")
            rest.remove_suffix(3);
        if (rest.empty()) {
            queue(c, m_fixedAnswer);
            flush(c);
            return;
        }
        std::int64_t first = 0;
        std::int64_t second = 0;
        if (rest.substr(0, 6) == "/delay") {
            rest.remove_prefix(6);
            if (!readNumber(rest, &first) || !rest.empty()) {
                notFound(c);
                return;
            }
            startBusy(c);
            schedule(c, nowNs() + first * 1'000'000);
            return;
        }
        if (rest.substr(0, 7) == "/stream") {
            rest.remove_prefix(7);
            if (!readNumber(rest, &first) || !readNumber(rest, &second) || !rest.empty() ||
                first < 1) {
                notFound(c);
                return;
            }
            startBusy(c);
            c->chunkTotal = int(first);
            c->chunkNext = 0;
            c->intervalNs = second * 1'000'000;
            c->streamStartNs = nowNs();
            queue(c, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: "
                     "no-cache\r\nTransfer-Encoding: chunked\r\n\r\n");
            sendChunk(c, false);
            return;
        }
        notFound(c);
    }

    void notFound(Connection *c) {
        static const std::string body =
            R"({"error":{"message":"portico-fake-upstream: no such path","type":"not_found"}})";
        queue(c, "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body);
        flush(c);
    }

    void startBusy(Connection *c) {
        c->busy = true;
        m_stats.maxInFlight = std::max(m_stats.maxInFlight, ++m_stats.inFlight);
    }
    void endBusy(Connection *c) {
        c->busy = false;
        --m_stats.inFlight;
    }

    static void appendHttpChunk(std::string &out, const char *data, std::size_t size) {
        char header[32];
        const int n = std::snprintf(header, sizeof header, "%zx\r\n", size);
        out.append(header, std::size_t(n));
        out.append(data, size);
        out.append("\r\n", 2);
    }

    // Sends the stream's next event (and after the last one the usage, [DONE] and the end).
    // From a timer, a finished stream lets the next pipelined request in (from dispatch(), the
    // caller's loop does).
    void sendChunk(Connection *c, bool fromTimer) {
        const int index = c->chunkNext++;
        const bool last = c->chunkNext == c->chunkTotal;
        char event[512];
        const long long stamp = static_cast<long long>(nowNs());
        const int n = std::snprintf(
            event, sizeof event,
            "data: {\"id\":\"chatcmpl-portico-bench\",\"object\":\"chat.completion.chunk\","
            "\"created\":1700000000,\"model\":\"bench-model\",\"choices\":[{\"index\":0,"
            "\"delta\":{%s\"content\":\"t=%lld \"},\"logprobs\":null,\"finish_reason\":%s}]}"
            "\n\n",
            index == 0 ? "\"role\":\"assistant\"," : "", stamp, last ? "\"stop\"" : "null");
        appendHttpChunk(c->out, event, std::size_t(n));
        ++m_stats.chunks;
        if (last) {
            char usage[256];
            const int u = std::snprintf(
                usage, sizeof usage,
                "data: {\"id\":\"chatcmpl-portico-bench\",\"object\":\"chat.completion.chunk\","
                "\"created\":1700000000,\"model\":\"bench-model\",\"choices\":[],\"usage\":{"
                "\"prompt_tokens\":12,\"completion_tokens\":%d,\"total_tokens\":%d}}\n\n",
                c->chunkTotal * 4, 12 + c->chunkTotal * 4);
            appendHttpChunk(c->out, usage, std::size_t(u));
            const char done[] = "data: [DONE]\n\n";
            appendHttpChunk(c->out, done, sizeof done - 1);
            c->out.append("0\r\n\r\n");
            c->chunkTotal = 0;
            endBusy(c);
        } else {
            schedule(c, c->streamStartNs + std::int64_t(c->chunkNext) * c->intervalNs);
        }
        if (flush(c) && last && fromTimer)
            handleInput(c); // a pipelined request may wait behind the stream
    }

    void schedule(Connection *c, std::int64_t dueNs) {
        m_timers.push(Timer{dueNs, c->fd, c->generation});
        if (m_timers.top().dueNs == dueNs)
            armTimer();
    }

    void armTimer() {
        if (m_timers.empty())
            return;
        const std::int64_t due = std::max<std::int64_t>(m_timers.top().dueNs, 1);
        if (due == m_armedNs)
            return;
        itimerspec spec{};
        spec.it_value.tv_sec = due / 1'000'000'000;
        spec.it_value.tv_nsec = due % 1'000'000'000;
        timerfd_settime(m_timerFd, TFD_TIMER_ABSTIME, &spec, nullptr);
        m_armedNs = due;
    }

    void runTimers() {
        std::uint64_t expirations = 0;
        while (::read(m_timerFd, &expirations, sizeof expirations) > 0) {
        }
        m_armedNs = 0;
        const std::int64_t now = nowNs();
        while (!m_timers.empty() && m_timers.top().dueNs <= now) {
            const Timer timer = m_timers.top();
            m_timers.pop();
            Connection *c = connection(timer.fd);
            if (!c || c->generation != timer.generation || !c->busy)
                continue; // the connection went away
            if (c->chunkTotal > 0) {
                sendChunk(c, true);
            } else {
                endBusy(c);
                queue(c, m_fixedAnswer);
                if (flush(c))
                    handleInput(c);
            }
        }
        armTimer();
    }

    void queue(Connection *c, const std::string &data) { c->out += data; }

    // Writes what is queued; false when the connection was closed.
    bool flush(Connection *c) {
        while (c->outStart < c->out.size()) {
            const ssize_t n = ::send(c->fd, c->out.data() + c->outStart,
                                     c->out.size() - c->outStart, MSG_NOSIGNAL);
            if (n > 0) {
                c->outStart += std::size_t(n);
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && errno == EAGAIN) {
                if (!c->waitingWritable) {
                    c->waitingWritable = true;
                    modify(c->fd, EPOLLIN | EPOLLRDHUP | EPOLLOUT);
                }
                return true;
            }
            closeConnection(c);
            return false;
        }
        c->out.clear();
        c->outStart = 0;
        if (c->waitingWritable) {
            c->waitingWritable = false;
            modify(c->fd, EPOLLIN | EPOLLRDHUP);
        }
        if (c->closeAfterResponse && !c->busy) {
            closeConnection(c);
            return false;
        }
        return true;
    }

    int m_listenFd;
    int m_epoll = -1;
    int m_timerFd = -1;
    std::int64_t m_armedNs = 0;
    std::string m_fixedBody;
    std::string m_fixedAnswer;
    std::vector<std::unique_ptr<Connection>> m_connections;
    std::priority_queue<Timer, std::vector<Timer>, std::greater<>> m_timers;
    Stats m_stats;
};

[[noreturn]] void usage(int status) {
    std::fputs("usage: portico-fake-upstream [--host 127.0.0.1] [--port 0] | --print-body\n",
               status == 0 ? stdout : stderr);
    std::exit(status);
}

} // namespace

int main(int argc, char **argv) {
    std::string host = "127.0.0.1";
    int port = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--print-body") {
            std::fputs(fixedBody().c_str(), stdout);
            return 0;
        }
        if (arg == "--host" && i + 1 < argc)
            host = argv[++i];
        else if (arg == "--port" && i + 1 < argc)
            port = std::atoi(argv[++i]);
        else if (arg == "-h" || arg == "--help")
            usage(0);
        else
            usage(2);
    }
    portico::bench::prepareProcess();

    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(std::uint16_t(port));
    if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) {
        std::fprintf(stderr, "portico-fake-upstream: '%s' is not an IPv4 address\n", host.c_str());
        return 2;
    }
    if (bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
        listen(fd, 4096) != 0) {
        std::perror("portico-fake-upstream: bind/listen");
        return 1;
    }
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    std::printf("PORT %d\n", int(ntohs(address.sin_port)));
    std::fflush(stdout);
    Server server(fd);
    server.run();
}
