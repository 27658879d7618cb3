#include "store/addressranges.h"

#include <optional>

namespace portico::store {

namespace {

int fullLength(const QHostAddress &address) {
    return address.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128;
}

// An IPv4-mapped IPv6 address as the IPv4 address it carries; any other unchanged.
QHostAddress unmapped(const QHostAddress &address) {
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        bool isV4 = false;
        const quint32 v4 = address.toIPv4Address(&isV4);
        if (isV4)
            return QHostAddress(v4);
    }
    return address;
}

std::optional<QPair<QHostAddress, int>> parse(const QString &entry) {
    const QString text = entry.trimmed();
    if (text.isEmpty())
        return std::nullopt;
    if (!text.contains(u'/')) {
        const QHostAddress address(text);
        if (address.isNull() || !address.scopeId().isEmpty())
            return std::nullopt;
        const QHostAddress plain = unmapped(address);
        return qMakePair(plain, fullLength(plain));
    }
    // parseSubnet also accepts "10.1" style shorthand; only whole addresses are taken here.
    const QString host = text.section(u'/', 0, 0);
    const QString prefix = text.section(u'/', 1);
    bool numeric = false;
    const int length = prefix.toInt(&numeric);
    const QHostAddress address(host);
    if (address.isNull() || !numeric || prefix.isEmpty() || length < 0 ||
        length > fullLength(address) || !address.scopeId().isEmpty())
        return std::nullopt;
    const auto subnet = QHostAddress::parseSubnet(text);
    if (subnet.first.isNull())
        return std::nullopt;
    return subnet;
}

QString toText(const QPair<QHostAddress, int> &range) {
    const QString address = range.first.toString();
    return range.second == fullLength(range.first) ? address
                                                   : address + u'/' + QString::number(range.second);
}

} // namespace

Result<QStringList> AddressRanges::normalize(const QStringList &entries) {
    QStringList normal;
    for (const QString &entry : entries) {
        const auto range = parse(entry);
        if (!range)
            return makeError(Error::Reason::InvalidAddress, Error::Subject::None,
                             {entry.trimmed().left(100)});
        const QString text = toText(*range);
        if (!normal.contains(text))
            normal.append(text);
    }
    return normal;
}

AddressRanges::AddressRanges(const QStringList &entries) {
    for (const QString &entry : entries) {
        if (const auto range = parse(entry))
            m_ranges.append(*range);
    }
}

bool AddressRanges::contains(const QHostAddress &address) const {
    const QHostAddress client = unmapped(address);
    for (const auto &range : m_ranges) {
        if (client.isInSubnet(range))
            return true;
    }
    return false;
}

} // namespace portico::store
