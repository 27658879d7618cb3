// routes list, config check
#include "clicontext.h"
#include "commands.h"
#include "recordformat.h"
#include "texttable.h"

#include "config/gatewayconfig.h"
#include "store/database.h"
#include "store/groupstore.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>

namespace portico::cli {

namespace {

QString severityName(config::Problem::Severity severity) {
    return severity == config::Problem::Severity::Error ? QStringLiteral("error")
                                                        : QStringLiteral("warning");
}

// FILE:LINE:COLUMN: severity: message, the form editors and CI logs link to.
QString problemLine(const config::Problem &problem) {
    QString where = problem.file;
    if (problem.line > 0) {
        where += QLatin1Char(':') + QString::number(problem.line);
        if (problem.column > 0)
            where += QLatin1Char(':') + QString::number(problem.column);
    }
    return QStringLiteral("%1: %2: %3").arg(where, severityName(problem.severity), problem.message);
}

QJsonObject problemToJson(const config::Problem &problem) {
    return {{QStringLiteral("file"), problem.file},
            {QStringLiteral("line"), problem.line},
            {QStringLiteral("column"), problem.column},
            {QStringLiteral("severity"), severityName(problem.severity)},
            {QStringLiteral("message"), problem.message}};
}

QJsonObject modelToJson(const config::ModelConfig &model) {
    return {{QStringLiteral("model_id"), model.modelId},
            {QStringLiteral("provider"), model.provider},
            {QStringLiteral("model"), model.model}};
}

QString windowText(qint64 seconds) {
    if (seconds % 86400 == 0)
        return QStringLiteral("%1 day(s)").arg(seconds / 86400);
    if (seconds % 3600 == 0)
        return QStringLiteral("%1 hour(s)").arg(seconds / 3600);
    if (seconds % 60 == 0)
        return QStringLiteral("%1 minute(s)").arg(seconds / 60);
    return QStringLiteral("%1 second(s)").arg(seconds);
}

QStringList limitTexts(const config::RouteConfig &route) {
    QStringList texts;
    if (route.rateLimit) {
        texts << QStringLiteral("%1 requests per %2")
                     .arg(route.rateLimit->maxRequests)
                     .arg(windowText(route.rateLimit->windowSeconds));
    }
    if (route.tokenLimit) {
        QStringList parts;
        if (route.tokenLimit->maxInputTokens > 0)
            parts << QStringLiteral("%1 input").arg(route.tokenLimit->maxInputTokens);
        if (route.tokenLimit->maxOutputTokens > 0)
            parts << QStringLiteral("%1 output").arg(route.tokenLimit->maxOutputTokens);
        texts << QStringLiteral("%1 tokens per %2")
                     .arg(parts.join(QStringLiteral(" + ")),
                          windowText(route.tokenLimit->windowSeconds));
    }
    if (route.budgetLimit) {
        texts << QStringLiteral("%1 per %2")
                     .arg(format::costText(route.budgetLimit->maxBudgetUsd),
                          windowText(route.budgetLimit->windowSeconds));
    }
    return texts;
}

QJsonValue limitsToJson(const config::RouteConfig &route, const char *which) {
    const QLatin1String kind(which);
    if (kind == QLatin1String("rate") && route.rateLimit) {
        return QJsonObject{{QStringLiteral("algorithm"), route.rateLimit->algorithm},
                           {QStringLiteral("window_seconds"), route.rateLimit->windowSeconds},
                           {QStringLiteral("max_requests"), route.rateLimit->maxRequests}};
    }
    if (kind == QLatin1String("token") && route.tokenLimit) {
        return QJsonObject{
            {QStringLiteral("algorithm"), route.tokenLimit->algorithm},
            {QStringLiteral("window_seconds"), route.tokenLimit->windowSeconds},
            {QStringLiteral("max_input_tokens"), route.tokenLimit->maxInputTokens},
            {QStringLiteral("max_output_tokens"), route.tokenLimit->maxOutputTokens}};
    }
    if (kind == QLatin1String("budget") && route.budgetLimit) {
        return QJsonObject{{QStringLiteral("window_seconds"), route.budgetLimit->windowSeconds},
                           {QStringLiteral("max_budget_usd"), route.budgetLimit->maxBudgetUsd}};
    }
    return QJsonValue::Null;
}

// Prints the problems of a config that did not load and returns kExitFailed.
int failOnConfig(CliContext &context) {
    const QList<config::Problem> &problems = context.configProblems();
    QString first;
    for (const config::Problem &problem : problems) {
        if (problem.severity == config::Problem::Severity::Error && first.isEmpty())
            first = problemLine(problem);
        if (!context.json())
            CliContext::printErr(problemLine(problem) + QLatin1Char('\n'));
    }
    return context.fail(
        QStringLiteral("config"),
        QStringLiteral("%1 does not load%2. Fix it and run 'portico-gateway "
                       "config check'.")
            .arg(context.configLabel(),
                 first.isEmpty() ? QString() : QStringLiteral(" (") + first + QLatin1Char(')')));
}

int listRoutes(CliContext &context) {
    const config::GatewayConfig *config = context.config();
    if (!config)
        return failOnConfig(context);
    store::Database *db = context.database();
    if (!db)
        return kExitFailed;
    store::GroupStore groupStore(*db, CliContext::actor());
    auto groups = groupStore.listGroups();
    if (!groups.ok())
        return context.fail(groups.error());

    QMap<QString, QList<const store::GroupRecord *>> grantsByRoute;
    for (const store::GroupRecord &group : groups.value()) {
        for (const QString &route : group.routes)
            grantsByRoute[route] << &group;
    }

    auto models = [config](const QStringList &ids, bool chat) {
        QList<const config::ModelConfig *> found;
        for (const QString &id : ids) {
            if (const config::ModelConfig *model =
                    chat ? config->chatModel(id) : config->embeddingModel(id))
                found << model;
        }
        return found;
    };

    if (context.json()) {
        QJsonArray array;
        for (const config::RouteConfig &route : config->routes) {
            QJsonArray chat;
            for (const config::ModelConfig *model : models(route.chatModels, true))
                chat.append(modelToJson(*model));
            QJsonArray embedding;
            for (const config::ModelConfig *model : models(route.embeddingModels, false))
                embedding.append(modelToJson(*model));
            QJsonArray fallbacks;
            for (const config::Fallback &fallback : route.fallbacks)
                fallbacks.append(QJsonObject{
                    {QStringLiteral("target"), fallback.target},
                    {QStringLiteral("fallbacks"), QJsonArray::fromStringList(fallback.fallbacks)}});
            QJsonArray grantedBy;
            for (const store::GroupRecord *group : grantsByRoute.value(route.name))
                grantedBy.append(QJsonObject{{QStringLiteral("uuid"), group->uuid},
                                             {QStringLiteral("name"), group->name}});
            array.append(QJsonObject{
                {QStringLiteral("name"), route.name},
                {QStringLiteral("chat_models"), chat},
                {QStringLiteral("embedding_models"), embedding},
                {QStringLiteral("fallback"), fallbacks},
                {QStringLiteral("rate_limiting"), limitsToJson(route, "rate")},
                {QStringLiteral("token_limiting"), limitsToJson(route, "token")},
                {QStringLiteral("budget_limiting"), limitsToJson(route, "budget")},
                {QStringLiteral("groups"), grantedBy},
            });
        }
        context.printJson(array);
        return kExitOk;
    }

    QString text = QStringLiteral("Routes of %1:\n").arg(context.configLabel());
    if (config->routes.isEmpty())
        text += QStringLiteral("  none: add routes to config.yaml\n");
    for (const config::RouteConfig &route : config->routes) {
        text += QStringLiteral("\n%1\n").arg(route.name);
        TextTable table({QStringLiteral("  KIND"), QStringLiteral("MODEL ID"),
                         QStringLiteral("PROVIDER/MODEL")});
        for (const config::ModelConfig *model : models(route.chatModels, true))
            table.addRow({QStringLiteral("  chat"), model->modelId,
                          model->provider + QLatin1Char('/') + model->model});
        for (const config::ModelConfig *model : models(route.embeddingModels, false))
            table.addRow({QStringLiteral("  embedding"), model->modelId,
                          model->provider + QLatin1Char('/') + model->model});
        text += table.toString(0);
        for (const config::Fallback &fallback : route.fallbacks)
            text += QStringLiteral("  fallback: %1 -> %2\n")
                        .arg(fallback.target, fallback.fallbacks.join(QStringLiteral(", ")));
        const QStringList limits = limitTexts(route);
        text +=
            QStringLiteral("  limits: %1\n")
                .arg(limits.isEmpty() ? QStringLiteral("none") : limits.join(QStringLiteral("; ")));
        QStringList grantedBy;
        for (const store::GroupRecord *group : grantsByRoute.value(route.name))
            grantedBy << group->name;
        text += QStringLiteral("  granted by: %1\n")
                    .arg(grantedBy.isEmpty()
                             ? QStringLiteral("no group (no key can use it yet: run "
                                              "'portico-gateway groups add-route GROUP %1')")
                                   .arg(route.name)
                             : grantedBy.join(QStringLiteral(", ")));
    }
    QStringList missing;
    for (auto it = grantsByRoute.cbegin(); it != grantsByRoute.cend(); ++it) {
        if (!config->routes.contains(it.key())) {
            QStringList names;
            for (const store::GroupRecord *group : it.value())
                names << group->name;
            missing << QStringLiteral("  %1 (granted by %2)")
                           .arg(it.key(), names.join(QStringLiteral(", ")));
        }
    }
    if (!missing.isEmpty()) {
        text += QStringLiteral("\nGranted by groups but missing from config.yaml (requests get "
                               "404):\n") +
                missing.join(QLatin1Char('\n')) + QLatin1Char('\n');
    }
    CliContext::printOut(text);
    return kExitOk;
}

int checkConfig(CliContext &context) {
    const config::GatewayConfig *config = context.config();
    const QList<config::Problem> &problems = context.configProblems();
    qint64 modelCount = 0;
    qint64 routeCount = 0;
    if (config) {
        modelCount = config->chatModels.size() + config->embeddingModels.size();
        routeCount = config->routes.size();
    }
    if (context.json()) {
        QJsonArray array;
        for (const config::Problem &problem : problems)
            array.append(problemToJson(problem));
        context.printJson(QJsonObject{
            {QStringLiteral("ok"), problems.isEmpty() && config != nullptr},
            {QStringLiteral("file"), context.configLabel()},
            {QStringLiteral("problems"), array},
            {QStringLiteral("routes"), routeCount},
            {QStringLiteral("models"), modelCount},
        });
        return problems.isEmpty() && config ? kExitOk : kExitFailed;
    }
    for (const config::Problem &problem : problems)
        CliContext::printOut(problemLine(problem) + QLatin1Char('\n'));
    if (problems.isEmpty() && config) {
        CliContext::printOut(
            QStringLiteral("OK: %1 routes, %2 models\n").arg(routeCount).arg(modelCount));
        return kExitOk;
    }
    qsizetype errors = 0;
    for (const config::Problem &problem : problems)
        errors += problem.severity == config::Problem::Severity::Error ? 1 : 0;
    const qsizetype warnings = problems.size() - errors;
    const QString first = problems.isEmpty() ? QString() : problemLine(problems.first());
    QString message =
        config ? QStringLiteral("%1 loads, but with %2 warning(s) (first: %3). Fix or remove "
                                "what Portico does not support.")
                     .arg(context.configLabel())
                     .arg(warnings)
                     .arg(first)
               : QStringLiteral("%1 has %2 error(s) and %3 warning(s) (first: %4); the gateway "
                                "refuses it and keeps its last good config. Fix them and run "
                                "'portico-gateway config check' again.")
                     .arg(context.configLabel())
                     .arg(errors)
                     .arg(warnings)
                     .arg(first);
    return context.fail(QStringLiteral("config"), message);
}

} // namespace

QList<CommandSpec> routeCommands() {
    return {
        {{QStringLiteral("routes"), QStringLiteral("list")},
         {},
         {},
         QStringLiteral("List the routes of the config: models, limits and granting groups."),
         {},
         listRoutes},
        {{QStringLiteral("config"), QStringLiteral("check")},
         {},
         {},
         QStringLiteral("Validate the config and print every problem as FILE:LINE:COLUMN."),
         QStringLiteral("Prints \"OK: N routes, M models\" when the config is clean. Exit "
                        "status 1 when there is any\nproblem, warnings included."),
         checkConfig},
    };
}

} // namespace portico::cli
