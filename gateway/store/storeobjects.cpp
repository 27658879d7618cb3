#include "store/storeobjects.h"

#include <QUuid>

#include <cmath>

namespace portico::store::detail {

const LinkTable &keyGroupsLink() {
    static const LinkTable link{QStringLiteral("key_groups"), QStringLiteral("key_uuid"),
                                QStringLiteral("group_uuid")};
    return link;
}

const LinkTable &groupRoutesLink() {
    static const LinkTable link{QStringLiteral("group_routes"), QStringLiteral("group_uuid"),
                                QStringLiteral("route_name")};
    return link;
}

// Limits belong to their object, key or group, and go with it.
const LinkTable &limitsLink() {
    static const LinkTable link{QStringLiteral("object_limits"), QStringLiteral("object_uuid"),
                                QStringLiteral("object_type")};
    return link;
}

const ObjectTable &keyTable() {
    static const ObjectTable table{
        Error::Subject::Key,
        QStringLiteral("api_keys"),
        QStringLiteral("key"),
        true,
        {keyGroupsLink(), limitsLink(),
         LinkTable{QStringLiteral("key_secrets"), QStringLiteral("key_uuid"),
                   QStringLiteral("secret_hash")}}};
    return table;
}

const ObjectTable &groupTable() {
    static const ObjectTable table{
        Error::Subject::Group,
        QStringLiteral("groups"),
        QStringLiteral("group"),
        false,
        {LinkTable{QStringLiteral("key_groups"), QStringLiteral("group_uuid"),
                   QStringLiteral("key_uuid")},
         groupRoutesLink(), limitsLink()}};
    return table;
}

Statement ObjectTable::update(const QString &uuid,
                              const QList<QPair<QString, QVariant>> &columns) const {
    QStringList assignments;
    QVariantList values;
    for (const auto &[column, value] : columns) {
        assignments.append(column + QStringLiteral(" = ?"));
        values.append(value);
    }
    if (hasUpdatedAt) {
        assignments.append(QStringLiteral("updated_at = ?"));
        values.append(nowMs());
    }
    values.append(uuid);
    return {QStringLiteral("UPDATE %1 SET %2 WHERE uuid = ?")
                .arg(table, assignments.join(QStringLiteral(", "))),
            values};
}

namespace {

// The first row of `sql` as {uuid, name}, or nothing.
Result<std::optional<Named>> selectNamed(const QSqlDatabase &connection, const QString &sql,
                                         const QString &value, const QString &doing) {
    QSqlQuery query(connection);
    if (Status s = prepare(query, sql, doing); !s)
        return s.error();
    query.addBindValue(value);
    if (Status s = exec(query, doing); !s)
        return s.error();
    if (!query.next())
        return std::optional<Named>();
    return std::optional<Named>(Named{query.value(0).toString(), query.value(1).toString()});
}

Result<bool> isLinked(const QSqlDatabase &connection, const LinkTable &link, const QString &owner,
                      const QString &value) {
    QSqlQuery query(connection);
    const QString doing = QStringLiteral("reading %1").arg(link.table);
    if (Status s = prepare(query,
                           QStringLiteral("SELECT 1 FROM %1 WHERE %2 = ? AND %3 = ?")
                               .arg(link.table, link.ownerColumn, link.valueColumn),
                           doing);
        !s)
        return s.error();
    query.addBindValue(owner);
    query.addBindValue(value);
    if (Status s = exec(query, doing); !s)
        return s.error();
    return query.next();
}

} // namespace

Result<Named> resolve(const QSqlDatabase &connection, const ObjectTable &table,
                      const QString &ref) {
    const QString trimmed = ref.trimmed();
    const QUuid asUuid = QUuid::fromString(trimmed);
    if (!asUuid.isNull()) {
        const auto byUuid = selectNamed(
            connection, QStringLiteral("SELECT uuid, name FROM %1 WHERE uuid = ?").arg(table.table),
            asUuid.toString(QUuid::WithoutBraces), QStringLiteral("looking up a uuid"));
        if (!byUuid)
            return byUuid.error();
        if (*byUuid)
            return **byUuid;
    }
    const auto byName = selectNamed(
        connection, QStringLiteral("SELECT uuid, name FROM %1 WHERE name = ?").arg(table.table),
        trimmed, QStringLiteral("looking up a name"));
    if (!byName)
        return byName.error();
    if (*byName)
        return **byName;
    // Someone may paste an API key itself: it is never stored, and must not be echoed back.
    if (containsApiKey(ref))
        return makeError(Error::Reason::NotFoundKeyLike, table.subject);
    return makeError(Error::Reason::NotFound, table.subject, {trimmed});
}

Status checkNameFree(const QSqlDatabase &connection, const ObjectTable &table, const QString &name,
                     const QString &exceptUuid) {
    const auto holder = selectNamed(
        connection, QStringLiteral("SELECT uuid, name FROM %1 WHERE name = ?").arg(table.table),
        name, QStringLiteral("checking the %1 name").arg(table.noun));
    if (!holder)
        return holder.error();
    if (*holder && (*holder)->uuid != exceptUuid)
        return makeError(Error::Reason::NameTaken, table.subject, {name});
    return {};
}

Status apply(const QSqlDatabase &connection, const QString &actor, const ObjectTable &table,
             const QString &uuid, const Edit &change) {
    for (const Statement &statement : change.statements) {
        if (Status s = run(connection, statement.sql, statement.values, change.doing); !s)
            return s;
    }
    return writeAudit(connection, actor, table.noun + QLatin1Char('.') + change.action, table.noun,
                      uuid, change.details);
}

Plan addLink(const QSqlDatabase &connection, const LinkTable &link, const QString &owner,
             const QString &value, Edit change) {
    const Result<bool> linked = isLinked(connection, link, owner, value);
    if (!linked)
        return linked.error();
    if (*linked)
        return nothingToDo();
    change.statements.append({QStringLiteral("INSERT INTO %1 (%2, %3) VALUES (?, ?)")
                                  .arg(link.table, link.ownerColumn, link.valueColumn),
                              {owner, value}});
    return edit(std::move(change));
}

Plan removeLink(const QSqlDatabase &connection, const LinkTable &link, const QString &owner,
                const QString &value, Edit change, const Error &notLinked) {
    const Result<bool> linked = isLinked(connection, link, owner, value);
    if (!linked)
        return linked.error();
    if (!*linked)
        return notLinked;
    change.statements.append({QStringLiteral("DELETE FROM %1 WHERE %2 = ? AND %3 = ?")
                                  .arg(link.table, link.ownerColumn, link.valueColumn),
                              {owner, value}});
    return edit(std::move(change));
}

Status readLimits(const QSqlDatabase &connection, const QString &onlyUuid,
                  const std::function<void(const QString &, const Limits &)> &found) {
    const auto optionalInteger = [](const QVariant &value) {
        return value.isNull() ? std::optional<qint64>() : std::optional<qint64>(value.toLongLong());
    };
    return readRows(
        connection,
        QStringLiteral("SELECT object_uuid, requests_per_minute, tokens_per_minute, "
                       "max_parallel, budget_usd, budget_period FROM object_limits"),
        QStringLiteral("object_uuid"), QStringLiteral("object_uuid"), onlyUuid,
        QStringLiteral("reading limits"), [&](const QSqlQuery &row) {
            Limits limits;
            limits.requestsPerMinute = optionalInteger(row.value(1));
            limits.tokensPerMinute = optionalInteger(row.value(2));
            limits.maxParallel = optionalInteger(row.value(3));
            if (!row.value(4).isNull())
                limits.budgetUsd = row.value(4).toDouble();
            limits.budgetPeriod =
                budgetPeriodFromString(row.value(5).toString()).value_or(BudgetPeriod::Month);
            found(row.value(0).toString(), limits);
        });
}

Result<Limits> applyLimitsChange(const Limits &current, const LimitsChange &change) {
    Limits next = current;
    const auto wholeNumber = [](const char *name, const std::optional<std::optional<qint64>> &in,
                                std::optional<qint64> &out) -> Status {
        if (!in)
            return {};
        if (*in && **in < 1)
            return makeError(Error::Reason::InvalidLimit, Error::Subject::None,
                             {QLatin1String(name), QString::number(**in)});
        out = *in;
        return {};
    };
    if (Status s = wholeNumber("rpm", change.requestsPerMinute, next.requestsPerMinute); !s)
        return s.error();
    if (Status s = wholeNumber("tpm", change.tokensPerMinute, next.tokensPerMinute); !s)
        return s.error();
    if (Status s = wholeNumber("max-parallel", change.maxParallel, next.maxParallel); !s)
        return s.error();
    if (change.budgetUsd) {
        if (*change.budgetUsd && !(**change.budgetUsd >= 0 && std::isfinite(**change.budgetUsd)))
            return makeError(Error::Reason::InvalidLimit, Error::Subject::None,
                             {QStringLiteral("budget"), QString::number(**change.budgetUsd)});
        next.budgetUsd = *change.budgetUsd;
    }
    if (change.budgetPeriod)
        next.budgetPeriod = *change.budgetPeriod;
    return next;
}

Plan changeLimits(const ObjectTable &table, const QString &uuid, const QString &name,
                  const Limits &current, const LimitsChange &change) {
    const Result<Limits> next = applyLimitsChange(current, change);
    if (!next)
        return next.error();
    if (*next == current)
        return nothingToDo();
    Edit limitsEdit{{{QStringLiteral("DELETE FROM object_limits WHERE object_uuid = ?"), {uuid}}},
                    QStringLiteral("changing the %1's limits").arg(table.noun),
                    QStringLiteral("set_limits"),
                    {{QStringLiteral("name"), name},
                     {QStringLiteral("old_limits"), toJson(current)},
                     {QStringLiteral("limits"), toJson(*next)}}};
    if (!next->isEmpty()) {
        const auto orNull = [](const auto &value) { return value ? QVariant(*value) : QVariant(); };
        limitsEdit.statements.append(
            {QStringLiteral("INSERT INTO object_limits (object_uuid, object_type, "
                            "requests_per_minute, tokens_per_minute, max_parallel, budget_usd, "
                            "budget_period) VALUES (?, ?, ?, ?, ?, ?, ?)"),
             {uuid, table.noun, orNull(next->requestsPerMinute), orNull(next->tokensPerMinute),
              orNull(next->maxParallel), orNull(next->budgetUsd), toString(next->budgetPeriod)}});
    }
    // Keys have an updated_at; a group's row has nothing to change.
    if (table.hasUpdatedAt)
        limitsEdit.statements.append(table.update(uuid, {}));
    return edit(std::move(limitsEdit));
}

// The lookups the usage queries use.
Result<QString> resolveKeyUuid(const QSqlDatabase &connection, const QString &keyRef) {
    const Result<Named> key = resolve(connection, keyTable(), keyRef);
    return key ? Result<QString>(key->uuid) : Result<QString>(key.error());
}

Result<QString> resolveGroupUuid(const QSqlDatabase &connection, const QString &groupRef) {
    const Result<Named> group = resolve(connection, groupTable(), groupRef);
    return group ? Result<QString>(group->uuid) : Result<QString>(group.error());
}

} // namespace portico::store::detail
