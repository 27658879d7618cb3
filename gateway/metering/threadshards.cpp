#include "metering/threadshards.h"

namespace portico::metering {

quint64 nextShardsSerial() {
    static std::atomic<quint64> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
}

} // namespace portico::metering
