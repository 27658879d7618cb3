#pragma once

#include "store/result.h"

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QStringList>

namespace portico::store {

// The client addresses a key may be used from: IPv4 and IPv6 addresses and CIDR ranges.
class AddressRanges {
public:
    // Each entry is an address ("192.168.1.5", "2001:db8::1") or a range ("10.0.0.0/8",
    // "2001:db8::/32"), trimmed. Returns them in one normal form (a range's host bits cleared, a
    // full-length range written as the bare address, duplicates removed), or InvalidAddress
    // naming the first entry that is neither.
    static Result<QStringList> normalize(const QStringList &entries);

    // From entries already normalised (as stored); entries that do not parse are skipped.
    explicit AddressRanges(const QStringList &entries = {});

    // Empty allows any address.
    bool isEmpty() const { return m_ranges.isEmpty(); }
    // An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) matches IPv4 ranges.
    bool contains(const QHostAddress &address) const;

private:
    QList<QPair<QHostAddress, int>> m_ranges;
};

} // namespace portico::store
