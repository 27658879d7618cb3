#pragma once

// Keeps an in-process gateway's structured log for test_logscan. Header-only: only the tests that
// link portico_metering include it, and the support library stays free of the gateway.

#include "testlogs.h"

#include "metering/gatewaylog.h"

namespace portico::testsupport {

// Appends the entries `log` still holds to the test log `name` as the JSON lines that
// `portico-gateway serve --log-file` writes: they are replayed through a GatewayLog of their own,
// so the product's serializer (every field it writes) is what test_logscan reads.
inline void saveGatewayLog(const QString &name, const metering::GatewayLog &log) {
    const QList<metering::LogEntry> entries = log.entries();
    if (entries.isEmpty())
        return;
    const QString path = testLogPath(name);
    if (path.isEmpty())
        return;
    metering::GatewayLog copy(int(entries.size()));
    QString error;
    if (!copy.setJsonOutput(path, &error)) {
        qWarning("%s", qPrintable(error));
        return;
    }
    for (const metering::LogEntry &entry : entries)
        copy.append(entry);
}

} // namespace portico::testsupport
