#pragma once

#include "store/records.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace portico::ui {

// How an audit row reads in the window: actions and sources in words, the object by its name,
// and what changed as "old → new". Shared by the Audit page and the History sections.
class AuditText {
    Q_DECLARE_TR_FUNCTIONS(portico::ui::AuditText)
public:
    // An action the filter offers: its stored name ("key.rename") or prefix ("key.").
    struct ActionChoice {
        QString action;
        QString label;
    };
    // "Every key change", "Every group change", then every action the store writes.
    static QList<ActionChoice> actionChoices();

    // "Renamed key"; an action this version does not know is shown as stored.
    static QString action(const QString &action);
    // "Window", "Command line"; another source as stored.
    static QString source(const QString &source);
    // The object's name at the time of the change, else its uuid.
    static QString object(const store::AuditEntry &entry, const QJsonObject &details);
    // What changed, on one line: "alpha → beta", "Expires: never → 31 Jan 2027", ...
    static QString changes(const store::AuditEntry &entry, const QJsonObject &details);

    static QJsonObject details(const store::AuditEntry &entry);
};

} // namespace portico::ui
