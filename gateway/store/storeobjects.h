#pragma once

// The one skeleton every change to a stored object (a key, a group) goes through: resolve the
// uuid or name, load the record, decide from it (nothing to do, refused, or what to write), check
// a new name is free, write, audit, reload; all in one write transaction. KeyStore and GroupStore
// only say what differs, so what applies to keys and groups alike (limits, budgets, history) can
// be written once here, over ObjectKind. Not part of the library's interface.

#include "store/names.h"
#include "store/storeinternal.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QVariant>

#include <functional>
#include <optional>

namespace portico::store::detail {

// A table that ties an object to other things: key_groups, group_routes.
struct LinkTable {
    QString table;
    QString ownerColumn; // names the object: "key_uuid"
    QString valueColumn; // what it is tied to: "group_uuid", "route_name"
};

// One SQL statement of a change, with its values bound in order.
struct Statement {
    QString sql;
    QVariantList values;
};

// Where a kind of object is stored and how errors and the audit trail name it.
struct ObjectTable {
    Error::Subject subject;
    QString table;          // "api_keys"
    QString noun;           // "key": the audit's object_type and action prefix ("key.rename")
    bool hasUpdatedAt;      // the row's updated_at follows every change to it
    QList<LinkTable> links; // rows deleted with the object

    // Sets `columns` of the object's row (and updated_at where there is one).
    Statement update(const QString &uuid, const QList<QPair<QString, QVariant>> &columns) const;
};

template <typename Record> struct ObjectKind {
    ObjectTable table;
    // Every record with its links, or only the one with `onlyUuid` when it is not empty.
    Result<QList<Record>> (*loadAll)(const QSqlDatabase &connection, const QString &onlyUuid);

    // The record with that uuid; NotFound when there is none.
    Result<Record> load(const QSqlDatabase &connection, const QString &uuid) const {
        Result<QList<Record>> records = loadAll(connection, uuid);
        if (!records)
            return records.error();
        if (records->isEmpty())
            return makeError(Error::Reason::NotFound, table.subject, {uuid});
        return records->first();
    }
};

// A change decided from the loaded record: what to write and the audit row saying so.
struct Edit {
    QList<Statement> statements;
    QString doing;       // for database errors: "renaming the key"
    QString action;      // audit action after the noun: "rename" is written "key.rename"
    QJsonObject details; // the audit details; never a secret
};
// An Edit to apply, nothing to do (the record already is as asked), or why it is refused.
using Plan = Result<std::optional<Edit>>;
inline Plan nothingToDo() {
    return std::optional<Edit>();
}
inline Plan edit(Edit change) {
    return std::optional<Edit>(std::move(change));
}

// The stored kinds and their links.
const ObjectTable &keyTable();
const ObjectTable &groupTable();
const LinkTable &keyGroupsLink();   // key_groups, owned by the key
const LinkTable &groupRoutesLink(); // group_routes, owned by the group

// An object named by a ref: uuid and current name.
struct Named {
    QString uuid;
    QString name;
};

// Refs are a uuid (any case, with or without braces) or an exact name (trimmed).
Result<Named> resolve(const QSqlDatabase &connection, const ObjectTable &table, const QString &ref);
Status checkNameFree(const QSqlDatabase &connection, const ObjectTable &table, const QString &name,
                     const QString &exceptUuid);
// Runs the statements of `change` and writes its audit row for the object `uuid`.
Status apply(const QSqlDatabase &connection, const QString &actor, const ObjectTable &table,
             const QString &uuid, const Edit &change);

// Ties the object to `value`; nothing to do when it already is.
Plan addLink(const QSqlDatabase &connection, const LinkTable &link, const QString &owner,
             const QString &value, Edit change);
// Unties it; `notLinked` when it is not tied.
Plan removeLink(const QSqlDatabase &connection, const LinkTable &link, const QString &owner,
                const QString &value, Edit change, const Error &notLinked);

// Calls `found(uuid, limits)` for every object with limits, or only for `onlyUuid`.
Status readLimits(const QSqlDatabase &connection, const QString &onlyUuid,
                  const std::function<void(const QString &, const Limits &)> &found);
// The limits after `change`, or why it is refused (a limit below 1, a negative budget).
Result<Limits> applyLimitsChange(const Limits &current, const LimitsChange &change);
// The edit that sets an object's limits: its row of object_limits is replaced (or removed when
// no limit is left), with the old and new values in the audit row.
Plan changeLimits(const ObjectTable &table, const QString &uuid, const QString &name,
                  const Limits &current, const LimitsChange &change);

// Runs a loader's query over all rows, or over those whose `uuidColumn` is `onlyUuid`, and
// calls `row(query)` for each.
template <typename Row>
Status readRows(const QSqlDatabase &connection, const QString &select, const QString &uuidColumn,
                const QString &orderBy, const QString &onlyUuid, const QString &doing, Row &&row) {
    const bool one = !onlyUuid.isEmpty();
    QSqlQuery query(connection);
    if (Status s =
            prepare(query,
                    select + (one ? QStringLiteral(" WHERE %1 = ?").arg(uuidColumn) : QString()) +
                        QStringLiteral(" ORDER BY ") + orderBy,
                    doing);
        !s)
        return s;
    if (one)
        query.addBindValue(onlyUuid);
    if (Status s = exec(query, doing); !s)
        return s;
    while (query.next())
        row(query);
    return {};
}

// Records loaded in a list, found again by uuid to attach their links.
template <typename Record> class LoadedRecords {
public:
    void add(Record record) {
        m_index.insert(record.uuid, m_records.size());
        m_records.append(std::move(record));
    }
    // The record with that uuid, or null (a link to a record the query did not load).
    Record *find(const QString &uuid) {
        const auto it = m_index.constFind(uuid);
        return it == m_index.constEnd() ? nullptr : &m_records[*it];
    }
    QList<Record> take() { return std::move(m_records); }

private:
    QList<Record> m_records;
    QHash<QString, qsizetype> m_index;
};

// The operations of one kind of object, for one actor.
template <typename Record> class ObjectStore {
public:
    ObjectStore(Database &db, const QString &actor, const ObjectKind<Record> &kind)
        : m_db(db)
        , m_actor(actor)
        , m_kind(kind) {}

    // Every object, in the loader's order.
    Result<QList<Record>> list() const {
        return readTransaction<QList<Record>>(
            m_db, [&](const QSqlDatabase &connection) { return m_kind.loadAll(connection, {}); });
    }

    // The object named by `ref`.
    Result<Record> find(const QString &ref) const {
        return readTransaction<Record>(m_db, [&](const QSqlDatabase &connection) -> Result<Record> {
            const Result<Named> object = resolve(connection, m_kind.table, ref);
            if (!object)
                return object.error();
            return m_kind.load(connection, object->uuid);
        });
    }

    // Creates an object named `name`: `insert(connection, uuid, validName)` says what to write.
    template <typename Insert> Result<Record> create(const QString &name, Insert &&insert) {
        const Result<QString> validName = validateName(name, m_kind.table.subject);
        if (!validName)
            return validName.error();
        return writeTransaction<Record>(
            m_db, [&](const QSqlDatabase &connection, bool & /*unchanged*/) -> Result<Record> {
                if (Status free = checkNameFree(connection, m_kind.table, *validName, {}); !free)
                    return free.error();
                const QString uuid = newUuid();
                const Result<Edit> change = insert(connection, uuid, *validName);
                if (!change)
                    return change.error();
                if (Status s = apply(connection, m_actor, m_kind.table, uuid, *change); !s)
                    return s.error();
                return m_kind.load(connection, uuid);
            });
    }

    // Changes the object named by `ref` as `decide(connection, before)` plans; returns the
    // record as it is afterwards.
    template <typename Decide> Result<Record> change(const QString &ref, Decide &&decide) {
        return run(ref, std::forward<Decide>(decide), false);
    }

    Result<Record> rename(const QString &ref, const QString &newName) {
        const Result<QString> validName = validateName(newName, m_kind.table.subject);
        if (!validName)
            return validName.error();
        return change(ref, [&](const QSqlDatabase &connection, const Record &before) -> Plan {
            if (before.name == *validName)
                return nothingToDo();
            if (Status free = checkNameFree(connection, m_kind.table, *validName, before.uuid);
                !free)
                return free.error();
            return edit({{m_kind.table.update(before.uuid, {{QStringLiteral("name"), *validName}})},
                         QStringLiteral("renaming the %1").arg(m_kind.table.noun),
                         QStringLiteral("rename"),
                         {{QStringLiteral("old_name"), before.name},
                          {QStringLiteral("new_name"), *validName}}});
        });
    }

    // Sets the object's limits (Record has uuid, name, limits).
    Result<Record> setLimits(const QString &ref, const LimitsChange &limits) {
        return change(ref, [&](const QSqlDatabase &, const Record &before) -> Plan {
            return changeLimits(m_kind.table, before.uuid, before.name, before.limits, limits);
        });
    }

    // Deletes the object and its links; returns the record as it was. `details(before)` is
    // the audit's.
    template <typename Details> Result<Record> remove(const QString &ref, Details &&details) {
        return run(
            ref,
            [&](const QSqlDatabase &, const Record &before) -> Plan {
                return edit({deleteStatements(before.uuid),
                             QStringLiteral("deleting the %1").arg(m_kind.table.noun),
                             QStringLiteral("delete"), details(before)});
            },
            true);
    }

private:
    template <typename Decide>
    Result<Record> run(const QString &ref, Decide &&decide, bool returnBefore) {
        return writeTransaction<Record>(
            m_db, [&](const QSqlDatabase &connection, bool &unchanged) -> Result<Record> {
                const Result<Named> object = resolve(connection, m_kind.table, ref);
                if (!object)
                    return object.error();
                Result<Record> before = m_kind.load(connection, object->uuid);
                if (!before)
                    return before.error();
                const Plan plan = decide(connection, *before);
                if (!plan)
                    return plan.error();
                if (!plan->has_value()) {
                    unchanged = true; // already so: nothing to write or audit
                    return before;
                }
                if (Status s = apply(connection, m_actor, m_kind.table, object->uuid, **plan); !s)
                    return s.error();
                if (returnBefore)
                    return before;
                return m_kind.load(connection, object->uuid);
            });
    }

    QList<Statement> deleteStatements(const QString &uuid) const {
        // Links are deleted explicitly, so the result does not depend on foreign_keys=ON.
        QList<Statement> statements;
        for (const LinkTable &link : m_kind.table.links)
            statements.append(
                {QStringLiteral("DELETE FROM %1 WHERE %2 = ?").arg(link.table, link.ownerColumn),
                 {uuid}});
        statements.append(
            {QStringLiteral("DELETE FROM %1 WHERE uuid = ?").arg(m_kind.table.table), {uuid}});
        return statements;
    }

    Database &m_db;
    QString m_actor;
    const ObjectKind<Record> &m_kind;
};

} // namespace portico::store::detail
