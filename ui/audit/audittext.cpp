#include "ui/audit/audittext.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSet>

namespace portico::ui {

namespace {

// Names are history, not validated text: keep a row on one line.
QString oneLine(QString text) {
    for (QChar &c : text) {
        if (c.category() == QChar::Other_Control || c == QChar::LineSeparator ||
            c == QChar::ParagraphSeparator)
            c = QLatin1Char(' ');
    }
    return text;
}

const QString kArrow = QStringLiteral(" → ");

} // namespace

QList<AuditText::ActionChoice> AuditText::actionChoices() {
    QList<ActionChoice> choices = {
        {QStringLiteral("key."), tr("Every key change")},
        {QStringLiteral("group."), tr("Every group change")},
    };
    for (const char *name :
         {"key.create", "key.rename", "key.enable", "key.disable", "key.set_expiry",
          "key.add_group", "key.remove_group", "key.rotate", "key.end_grace", "key.set_limits",
          "key.set_allowed_ips", "key.delete", "group.create", "group.rename", "group.describe",
          "group.add_route", "group.remove_route", "group.set_limits", "group.delete"}) {
        const QString stored = QString::fromLatin1(name);
        choices.append({stored, action(stored)});
    }
    return choices;
}

QString AuditText::action(const QString &action) {
    static const QHash<QString, const char *> labels = {
        {QStringLiteral("key.create"), QT_TR_NOOP("Created key")},
        {QStringLiteral("key.rename"), QT_TR_NOOP("Renamed key")},
        {QStringLiteral("key.enable"), QT_TR_NOOP("Enabled key")},
        {QStringLiteral("key.disable"), QT_TR_NOOP("Disabled key")},
        {QStringLiteral("key.set_expiry"), QT_TR_NOOP("Changed expiry")},
        {QStringLiteral("key.add_group"), QT_TR_NOOP("Added to group")},
        {QStringLiteral("key.remove_group"), QT_TR_NOOP("Removed from group")},
        {QStringLiteral("key.rotate"), QT_TR_NOOP("Rotated secret")},
        {QStringLiteral("key.end_grace"), QT_TR_NOOP("Ended grace period")},
        {QStringLiteral("key.set_limits"), QT_TR_NOOP("Changed key limits")},
        {QStringLiteral("key.set_allowed_ips"), QT_TR_NOOP("Changed allowed addresses")},
        {QStringLiteral("key.delete"), QT_TR_NOOP("Deleted key")},
        {QStringLiteral("group.create"), QT_TR_NOOP("Created group")},
        {QStringLiteral("group.rename"), QT_TR_NOOP("Renamed group")},
        {QStringLiteral("group.describe"), QT_TR_NOOP("Changed description")},
        {QStringLiteral("group.add_route"), QT_TR_NOOP("Granted route")},
        {QStringLiteral("group.remove_route"), QT_TR_NOOP("Revoked route")},
        {QStringLiteral("group.set_limits"), QT_TR_NOOP("Changed group limits")},
        {QStringLiteral("group.delete"), QT_TR_NOOP("Deleted group")},
    };
    const auto it = labels.constFind(action);
    return it == labels.constEnd() ? action : tr(*it);
}

QString AuditText::source(const QString &source) {
    if (source == QLatin1String("desktop"))
        return tr("Window");
    if (source == QLatin1String("cli"))
        return tr("Command line");
    if (source.isEmpty())
        return tr("Unknown");
    return source;
}

QJsonObject AuditText::details(const store::AuditEntry &entry) {
    return QJsonDocument::fromJson(entry.details.toUtf8()).object();
}

QString AuditText::object(const store::AuditEntry &entry, const QJsonObject &details) {
    QString name = details.value(QStringLiteral("name")).toString();
    if (name.isEmpty()) // a rename names the object by its new name
        name = details.value(QStringLiteral("new_name")).toString();
    return name.isEmpty() ? entry.objectUuid : oneLine(name);
}

namespace {

// A detail value as people read it: times in local time, lists joined, no JSON punctuation.
QString valueText(const QString &field, const QJsonValue &value) {
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        if (field.endsWith(QLatin1String("_at")) || field.endsWith(QLatin1String("_until")))
            return AuditText::tr("never");
        if (field.contains(QLatin1String("allowed_ips")))
            return AuditText::tr("any address");
        return AuditText::tr("none");
    case QJsonValue::Bool:
        return value.toBool() ? AuditText::tr("yes") : AuditText::tr("no");
    case QJsonValue::Double:
        return QLocale().toString(value.toDouble(), 'g', 12);
    case QJsonValue::String: {
        const QString text = value.toString();
        if (text.isEmpty())
            return AuditText::tr("none");
        // Times are stored as ISO 8601 UTC; anything else shown as it is.
        if (text.size() >= 20 && text.at(10) == QLatin1Char('T')) {
            const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
            if (time.isValid())
                return QLocale().toString(time.toLocalTime(), QLocale::ShortFormat);
        }
        return oneLine(text);
    }
    case QJsonValue::Array: {
        const QJsonArray array = value.toArray();
        if (array.isEmpty())
            return field.contains(QLatin1String("allowed_ips")) ? AuditText::tr("any address")
                                                                : AuditText::tr("none");
        QStringList parts;
        for (const QJsonValue &item : array)
            parts << valueText(field, item);
        return parts.join(QStringLiteral(", "));
    }
    case QJsonValue::Object: {
        // Limits: only those set.
        const QJsonObject object = value.toObject();
        QStringList parts;
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (!it.value().isNull())
                parts << it.key() + QLatin1Char(' ') + valueText(it.key(), it.value());
        }
        return parts.isEmpty() ? AuditText::tr("none") : parts.join(QStringLiteral(", "));
    }
    }
    return {};
}

// The label of a detail field, where one is needed to tell the values apart.
QString fieldLabel(const QString &field) {
    static const QHash<QString, const char *> labels = {
        {QStringLiteral("name"), QT_TRANSLATE_NOOP("portico::ui::AuditText", "Name")},
        {QStringLiteral("expires_at"), QT_TRANSLATE_NOOP("portico::ui::AuditText", "Expires")},
        {QStringLiteral("groups"), QT_TRANSLATE_NOOP("portico::ui::AuditText", "Groups")},
        {QStringLiteral("group"), QT_TRANSLATE_NOOP("portico::ui::AuditText", "Group")},
        {QStringLiteral("keys"), QT_TRANSLATE_NOOP("portico::ui::AuditText", "Keys")},
        {QStringLiteral("routes"), QT_TRANSLATE_NOOP("portico::ui::AuditText", "Routes")},
        {QStringLiteral("route"), QT_TRANSLATE_NOOP("portico::ui::AuditText", "Route")},
        {QStringLiteral("description"), QT_TRANSLATE_NOOP("portico::ui::AuditText", "Description")},
        {QStringLiteral("limits"), QT_TRANSLATE_NOOP("portico::ui::AuditText", "Limits")},
        {QStringLiteral("allowed_ips"),
         QT_TRANSLATE_NOOP("portico::ui::AuditText", "Allowed addresses")},
        {QStringLiteral("hint"), QT_TRANSLATE_NOOP("portico::ui::AuditText", "Secret")},
        {QStringLiteral("valid_until"),
         QT_TRANSLATE_NOOP("portico::ui::AuditText", "Old secret valid until")},
        {QStringLiteral("previous_valid_until"),
         QT_TRANSLATE_NOOP("portico::ui::AuditText", "Old secret valid until")},
        {QStringLiteral("grace_seconds"),
         QT_TRANSLATE_NOOP("portico::ui::AuditText", "Grace period (s)")},
        {QStringLiteral("ended_earlier_grace"),
         QT_TRANSLATE_NOOP("portico::ui::AuditText", "Ended the grace of")},
    };
    const auto it = labels.constFind(field);
    return it == labels.constEnd() ? field : AuditText::tr(*it);
}

} // namespace

QString AuditText::changes(const store::AuditEntry &entry, const QJsonObject &details) {
    // Membership and grants: the other side of the link is the whole story.
    const QString verb = entry.action.section(QLatin1Char('.'), 1);
    if (verb == QLatin1String("add_group") || verb == QLatin1String("remove_group"))
        return oneLine(details.value(QStringLiteral("group")).toString());
    if (verb == QLatin1String("add_route") || verb == QLatin1String("remove_route"))
        return oneLine(details.value(QStringLiteral("route")).toString());

    // "old_x" pairs with "new_x" or "x": one "old → new" each. The name is the object's, so a
    // field other than a rename's stays out of the changes.
    QStringList parts;
    QSet<QString> used = {QStringLiteral("name")};
    for (auto it = details.constBegin(); it != details.constEnd(); ++it) {
        if (!it.key().startsWith(QLatin1String("old_")))
            continue;
        const QString field = it.key().mid(4);
        QString newField = QStringLiteral("new_") + field;
        if (!details.contains(newField))
            newField = field;
        used << it.key();
        QString text = valueText(field, it.value());
        if (details.contains(newField)) {
            used << newField;
            text += kArrow + valueText(field, details.value(newField));
        }
        // A rename is its own label; other pairs say what they are.
        if (field != QLatin1String("name"))
            text = fieldLabel(field) + QStringLiteral(": ") + text;
        parts << text;
    }
    for (auto it = details.constBegin(); it != details.constEnd(); ++it) {
        // Uuids are for finding rows, not for reading.
        if (used.contains(it.key()) || it.key() == QLatin1String("group_uuid") ||
            it.key() == QLatin1String("group_uuids"))
            continue;
        // A new object's empty fields say nothing.
        const QJsonValue value = it.value();
        if (verb == QLatin1String("create") &&
            (value.isNull() || (value.isString() && value.toString().isEmpty()) ||
             (value.isArray() && value.toArray().isEmpty())))
            continue;
        parts << fieldLabel(it.key()) + QStringLiteral(": ") + valueText(it.key(), value);
    }
    return parts.join(QStringLiteral("; "));
}

} // namespace portico::ui
