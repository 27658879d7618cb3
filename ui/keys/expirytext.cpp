#include "ui/keys/expirytext.h"

#include <QCoreApplication>
#include <QLocale>

namespace portico::ui {

// The translation context of the texts below.
class ExpiryText {
    Q_DECLARE_TR_FUNCTIONS(portico::ui::ExpiryText)

public:
    // "in 3 days", "in 5 hours", "in 12 minutes", "in less than a minute".
    static QString remaining(const QDateTime &expiresAt, const QDateTime &now) {
        // Rounded to the nearest unit: a key made "for 3 days" a minute ago reads "in 3 days".
        const qint64 seconds = now.secsTo(expiresAt);
        const auto rounded = [seconds](qint64 unit) { return int((seconds + unit / 2) / unit); };
        if (seconds >= 36 * 3600)
            return tr("in %n day(s)", nullptr, rounded(86400));
        if (seconds >= 90 * 60)
            return tr("in %n hour(s)", nullptr, rounded(3600));
        if (seconds >= 60)
            return tr("in %n minute(s)", nullptr, rounded(60));
        return tr("in less than a minute");
    }
    static QString shortText(const QDateTime &expiresAt, const QDateTime &now) {
        switch (expiryStatus(expiresAt, now)) {
        case ExpiryStatus::Never:
            return tr("Never");
        case ExpiryStatus::Expired:
            return tr("Expired");
        case ExpiryStatus::Soon:
            return remaining(expiresAt, now);
        case ExpiryStatus::Later:
            break;
        }
        // ISO-like, as the Creation Date column.
        return expiresAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd"));
    }
    static QString longText(const QDateTime &expiresAt, const QDateTime &now) {
        const QString date = QLocale().toString(expiresAt.toLocalTime(), QLocale::LongFormat);
        switch (expiryStatus(expiresAt, now)) {
        case ExpiryStatus::Never:
            return tr("Never");
        case ExpiryStatus::Expired:
            return tr("Expired on %1: requests with this key are refused").arg(date);
        case ExpiryStatus::Soon:
        case ExpiryStatus::Later:
            break;
        }
        return tr("%1 (%2)").arg(date, remaining(expiresAt, now));
    }
};

ExpiryStatus expiryStatus(const QDateTime &expiresAt, const QDateTime &now) {
    if (!expiresAt.isValid())
        return ExpiryStatus::Never;
    if (expiresAt <= now)
        return ExpiryStatus::Expired;
    if (expiresAt <= now.addDays(kExpirySoonDays))
        return ExpiryStatus::Soon;
    return ExpiryStatus::Later;
}

QString expiryShortText(const QDateTime &expiresAt, const QDateTime &now) {
    return ExpiryText::shortText(expiresAt, now);
}

QString expiryLongText(const QDateTime &expiresAt, const QDateTime &now) {
    return ExpiryText::longText(expiresAt, now);
}

} // namespace portico::ui
