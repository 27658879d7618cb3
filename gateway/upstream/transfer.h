#pragma once

#include "upstream/upstreamclient.h"

#include <curl/curl.h>

#include <memory>

// Private to portico_upstream: one libcurl easy handle and what it has parsed so far.
namespace portico::upstream::detail {

class CallState;

// Used only in its CurlMultiLoop's thread. Borrows its easy handle from the loop (which reuses
// handles: setting one up is cheaper than making one).
class Transfer {
public:
    Transfer(std::shared_ptr<CallState> state, const UpstreamRequest &request, CURL *easy);
    ~Transfer();
    Transfer(const Transfer &) = delete;
    Transfer &operator=(const Transfer &) = delete;

    CURL *easy() const { return m_easy; }
    const std::shared_ptr<CallState> &state() const { return m_state; }

    // The transfer ended with `result`: tells the call how.
    void complete(CURLcode result);

private:
    static size_t onHeader(char *buffer, size_t size, size_t count, void *self);
    static size_t onWrite(char *buffer, size_t size, size_t count, void *self);
    void headerLine(QByteArray line);
    void startResponse();

    std::shared_ptr<CallState> m_state;
    CURL *m_easy = nullptr;
    curl_slist *m_requestHeaders = nullptr;
    QByteArray m_body; // libcurl reads the request body from here without copying it
    QByteArray m_url;  // for messages, as host:port only: never credentials or the path

    int m_status = 0;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    bool m_started = false;
};

} // namespace portico::upstream::detail
