#pragma once

#include <QDateTime>
#include <QString>

namespace portico::ui {

// How the window words a key's expiry, the same way in the keys table, the detail panel and the
// Dashboard's count.

// A key that expires within this many days is flagged (table, Dashboard).
inline constexpr int kExpirySoonDays = 7;

enum class ExpiryStatus {
    Never,   // no expiry
    Later,   // more than kExpirySoonDays away
    Soon,    // within kExpirySoonDays
    Expired, // at or before now: requests with it are refused
};

ExpiryStatus expiryStatus(const QDateTime &expiresAt, const QDateTime &now);
// For the table: "Never", "Expired", "in 3 days" / "in 5 hours" when soon, else the date.
QString expiryShortText(const QDateTime &expiresAt, const QDateTime &now);
// For the detail panel: "Never", "Expired on <date and time>", "<date and time> (in 3 days)".
QString expiryLongText(const QDateTime &expiresAt, const QDateTime &now);

} // namespace portico::ui
