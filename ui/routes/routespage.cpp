#include "ui/routes/routespage.h"

#include "config/configmanager.h"
#include "store/database.h"
#include "store/groupstore.h"
#include "ui/appcontext.h"
#include "ui/common/heading.h"
#include "ui/routes/setapikeydialog.h"
#include "ui/storewatcher.h"

#include <QClipboard>
#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace portico::ui {

namespace {

enum RouteColumn {
    NameColumn,
    ChatModelsColumn,
    EmbeddingModelsColumn,
    ProvidersColumn,
    LimitsColumn,
    FallbacksColumn,
    GroupsColumn,
    ColumnCount
};

const QColor kErrorColor(0xb0, 0x1c, 0x1c);
const QColor kWarningColor(0x8a, 0x5a, 0x00);

QTableWidgetItem *readOnlyItem(const QString &text) {
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    item->setToolTip(text);
    return item;
}

QString providerOf(const config::ModelConfig *model) {
    return model ? model->provider : QString();
}

} // namespace

RoutesPage::RoutesPage(AppContext &ctx, QWidget *parent)
    : QWidget(parent)
    , m_ctx(ctx) {
    buildUi();
    if (m_ctx.storeWatcher)
        connect(m_ctx.storeWatcher, &StoreWatcher::storeChanged, this, &RoutesPage::refresh);
    if (m_ctx.config) {
        connect(m_ctx.config.get(), &config::ConfigManager::configChanged, this,
                &RoutesPage::refresh);
        // A reload started elsewhere (the file watcher) failed: show why here too.
        connect(m_ctx.config.get(), &config::ConfigManager::loadFailed, this, &RoutesPage::refresh);
    }
    refresh();
}

void RoutesPage::buildUi() {
    auto *layout = new QVBoxLayout(this);

    auto *title = new QLabel(tr("Routes"), this);
    makeHeading(title);
    layout->addWidget(title);
    auto *intro = new QLabel(tr("The routes defined in config.yaml. A request names a route in its "
                                "“model” field; a key can call a route when one of its groups "
                                "grants it."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *fileRow = new QHBoxLayout;
    auto *fileCaption = new QLabel(tr("Config file:"), this);
    m_pathLabel = new QLabel(this);
    m_pathLabel->setObjectName(QStringLiteral("configPathLabel"));
    m_pathLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pathLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_reloadButton = new QPushButton(tr("&Reload"), this);
    m_reloadButton->setObjectName(QStringLiteral("reloadConfigButton"));
    m_reloadButton->setToolTip(tr("Read config.yaml again"));
    fileRow->addWidget(fileCaption);
    fileRow->addWidget(m_pathLabel, 1);
    fileRow->addWidget(m_reloadButton);
    m_apiKeyButton = new QPushButton(tr("Set API &Key…"), this);
    m_apiKeyButton->setObjectName(QStringLiteral("setApiKeyButton"));
    m_apiKeyButton->setToolTip(tr("Keep a model's upstream API key in the system keychain"));
    m_apiKeyButton->setVisible(m_ctx.providerKeys != nullptr);
    fileRow->addWidget(m_apiKeyButton);
    layout->addLayout(fileRow);

    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("configStatusLabel"));
    m_statusLabel->setWordWrap(true);
    m_statusLabel->setTextFormat(Qt::PlainText);
    m_statusLabel->hide();
    layout->addWidget(m_statusLabel);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter, 1);

    auto *top = new QWidget(splitter);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    m_table = new QTableWidget(0, ColumnCount, top);
    m_table->setObjectName(QStringLiteral("routesTable"));
    m_table->setHorizontalHeaderLabels({tr("Route"), tr("Chat Models"), tr("Embedding Models"),
                                        tr("Providers"), tr("Limits"), tr("Fallbacks"),
                                        tr("Granted To")});
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(true);
    topLayout->addWidget(m_table, 1);
    m_missingLabel = new QLabel(top);
    m_missingLabel->setObjectName(QStringLiteral("missingRoutesLabel"));
    m_missingLabel->setWordWrap(true);
    m_missingLabel->setTextFormat(Qt::PlainText);
    QPalette warning = m_missingLabel->palette();
    warning.setColor(QPalette::WindowText, kWarningColor);
    m_missingLabel->setPalette(warning);
    m_missingLabel->hide();
    topLayout->addWidget(m_missingLabel);

    auto *bottom = new QSplitter(Qt::Horizontal, splitter);
    bottom->setChildrenCollapsible(false);

    auto *exampleBox = new QGroupBox(tr("Try It"), bottom);
    auto *exampleLayout = new QVBoxLayout(exampleBox);
    m_exampleTitle = new QLabel(exampleBox);
    m_exampleTitle->setWordWrap(true);
    exampleLayout->addWidget(m_exampleTitle);
    m_example = new QPlainTextEdit(exampleBox);
    m_example->setObjectName(QStringLiteral("curlExample"));
    m_example->setReadOnly(true);
    m_example->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_example->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_example->setAccessibleName(tr("curl example"));
    exampleLayout->addWidget(m_example, 1);
    auto *copyRow = new QHBoxLayout;
    m_gatewayNote = new QLabel(exampleBox);
    m_gatewayNote->setWordWrap(true);
    m_copiedLabel = new QLabel(exampleBox);
    m_copyButton = new QPushButton(tr("&Copy Example"), exampleBox);
    m_copyButton->setObjectName(QStringLiteral("copyCurlButton"));
    copyRow->addWidget(m_gatewayNote, 1);
    copyRow->addWidget(m_copiedLabel);
    copyRow->addWidget(m_copyButton);
    exampleLayout->addLayout(copyRow);

    auto *problemsBox = new QGroupBox(tr("Problems in config.yaml"), bottom);
    auto *problemsLayout = new QVBoxLayout(problemsBox);
    m_problemsSummary = new QLabel(problemsBox);
    m_problemsSummary->setObjectName(QStringLiteral("problemsSummary"));
    m_problemsSummary->setWordWrap(true);
    problemsLayout->addWidget(m_problemsSummary);
    m_problems = new QTreeWidget(problemsBox);
    m_problems->setObjectName(QStringLiteral("problemsTree"));
    m_problems->setRootIsDecorated(false);
    m_problems->setHeaderLabels({tr("Severity"), tr("Where"), tr("Problem")});
    m_problems->setWordWrap(true);
    m_problems->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_problems->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    problemsLayout->addWidget(m_problems, 1);

    bottom->addWidget(exampleBox);
    bottom->addWidget(problemsBox);
    bottom->setStretchFactor(0, 3);
    bottom->setStretchFactor(1, 2);

    splitter->addWidget(top);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    connect(m_reloadButton, &QPushButton::clicked, this, &RoutesPage::reloadConfig);
    connect(m_apiKeyButton, &QPushButton::clicked, this, &RoutesPage::setApiKey);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &RoutesPage::updateExample);
    connect(m_copyButton, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_example->toPlainText());
        m_copiedLabel->setText(tr("Copied."));
        QTimer::singleShot(3000, m_copiedLabel, [label = m_copiedLabel] { label->clear(); });
    });
}

QString RoutesPage::selectedRoute() const {
    const auto rows = m_table->selectionModel()->selectedRows(NameColumn);
    return rows.isEmpty() ? QString() : rows.first().data(Qt::UserRole).toString();
}

bool RoutesPage::selectRoute(const QString &name) {
    for (int row = 0; row < m_table->rowCount(); ++row) {
        if (m_table->item(row, NameColumn)->data(Qt::UserRole).toString() == name) {
            m_table->selectRow(row);
            return true;
        }
    }
    return false;
}

void RoutesPage::refresh() {
    m_grantingGroups.clear();
    if (m_ctx.database) {
        store::GroupStore groups(*m_ctx.database, m_ctx.actor);
        if (auto list = groups.listGroups()) {
            for (const auto &group : list.value()) {
                for (const auto &route : group.routes)
                    m_grantingGroups[route].append(group.name);
            }
        }
    }
    const auto config = m_ctx.config ? m_ctx.config->current() : nullptr;
    const QString path = m_ctx.config ? m_ctx.config->path() : QString();
    m_pathLabel->setText(path.isEmpty() ? tr("built-in default config (no file)")
                                        : QDir::toNativeSeparators(path));
    m_pathLabel->setToolTip(m_pathLabel->text());
    m_reloadButton->setEnabled(m_ctx.config && !path.isEmpty());
    if (config)
        populateRoutes(*config);
    populateProblems();
    updateStatus();
}

void RoutesPage::reloadConfig() {
    if (!m_ctx.config)
        return;
    // On success configChanged refreshes the page; on failure the status says the last good
    // config is still in use and the problems list shows why.
    m_ctx.config->reload();
    refresh();
}

void RoutesPage::setApiKey() {
    QString modelId;
    const auto config = m_ctx.config ? m_ctx.config->current() : nullptr;
    if (const config::RouteConfig *route = config ? config->route(selectedRoute()) : nullptr) {
        for (const QString &id : route->chatModels + route->embeddingModels) {
            const config::ModelConfig *model = config->chatModel(id);
            if (!model)
                model = config->embeddingModel(id);
            if (model && model->provider != QLatin1String("mock")) {
                modelId = id;
                break;
            }
        }
    }
    auto *dialog = new SetApiKeyDialog(m_ctx, modelId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void RoutesPage::showEvent(QShowEvent *event) {
    QWidget::showEvent(event);
    // The gateway may have started or moved since: the example must show where it listens now.
    updateExample();
}

void RoutesPage::populateRoutes(const config::GatewayConfig &config) {
    const QString keep = selectedRoute();
    QSignalBlocker blocker(m_table);
    m_table->clearContents();
    m_table->setRowCount(int(config.routes.size()));
    int row = 0;
    for (const auto &route : config.routes) {
        auto *name = readOnlyItem(route.name);
        name->setData(Qt::UserRole, route.name);
        QFont bold = name->font();
        bold.setBold(true);
        name->setFont(bold);
        m_table->setItem(row, NameColumn, name);
        m_table->setItem(row, ChatModelsColumn,
                         readOnlyItem(route.chatModels.join(QStringLiteral(", "))));
        m_table->setItem(row, EmbeddingModelsColumn,
                         readOnlyItem(route.embeddingModels.join(QStringLiteral(", "))));
        QStringList providers;
        for (const auto &id : route.chatModels) {
            const QString provider = providerOf(config.chatModel(id));
            if (!provider.isEmpty() && !providers.contains(provider))
                providers.append(provider);
        }
        for (const auto &id : route.embeddingModels) {
            const QString provider = providerOf(config.embeddingModel(id));
            if (!provider.isEmpty() && !providers.contains(provider))
                providers.append(provider);
        }
        m_table->setItem(row, ProvidersColumn, readOnlyItem(providers.join(QStringLiteral(", "))));
        m_table->setItem(row, LimitsColumn, readOnlyItem(limitsText(route)));
        QStringList fallbacks;
        for (const auto &fallback : route.fallbacks) {
            fallbacks.append(fallback.target % QStringLiteral(" → ") %
                             fallback.fallbacks.join(QStringLiteral(" → ")));
        }
        m_table->setItem(row, FallbacksColumn, readOnlyItem(fallbacks.join(u'\n')));
        const QStringList groups = m_grantingGroups.value(route.name);
        auto *granted =
            readOnlyItem(groups.isEmpty() ? tr("no group") : groups.join(QStringLiteral(", ")));
        if (groups.isEmpty()) {
            granted->setForeground(kWarningColor);
            granted->setToolTip(tr("No group grants this route yet, so no key can call it. Tick "
                                   "it on the Groups page."));
        }
        m_table->setItem(row, GroupsColumn, granted);
        ++row;
    }
    m_table->resizeColumnsToContents();
    for (int column = 0; column < ColumnCount - 1; ++column)
        m_table->setColumnWidth(column, std::min(m_table->columnWidth(column), 260));
    m_table->resizeRowsToContents();

    QStringList missing;
    for (auto it = m_grantingGroups.cbegin(); it != m_grantingGroups.cend(); ++it) {
        if (!config.routes.contains(it.key()))
            missing.append(
                tr("%1 (granted by %2)").arg(it.key(), it.value().join(QStringLiteral(", "))));
    }
    m_missingLabel->setText(missing.isEmpty()
                                ? QString()
                                : tr("Granted by groups but missing from config.yaml: %1. "
                                     "Requests to these routes fail until config.yaml defines "
                                     "them again.")
                                      .arg(missing.join(QStringLiteral("; "))));
    m_missingLabel->setVisible(!missing.isEmpty());

    if (!selectRoute(keep) && m_table->rowCount() > 0)
        m_table->selectRow(0);
    blocker.unblock();
    updateExample();
}

void RoutesPage::populateProblems() {
    m_problems->clear();
    const QList<config::Problem> problems =
        m_ctx.config ? m_ctx.config->lastProblems() : QList<config::Problem>{};
    int errors = 0;
    int warnings = 0;
    for (const auto &problem : problems) {
        const bool isError = problem.severity == config::Problem::Severity::Error;
        if (isError)
            ++errors;
        else
            ++warnings;
        QString where = QFileInfo(problem.file).fileName();
        if (where.isEmpty())
            where = problem.file;
        if (problem.line > 0) {
            where += u':' + QString::number(problem.line);
            if (problem.column > 0)
                where += u':' + QString::number(problem.column);
        }
        auto *item = new QTreeWidgetItem(
            m_problems, {isError ? tr("Error") : tr("Warning"), where, problem.message});
        item->setForeground(0, isError ? kErrorColor : kWarningColor);
        item->setToolTip(1, problem.file);
        item->setToolTip(2, problem.toString());
    }
    if (problems.isEmpty())
        m_problemsSummary->setText(tr("No problems found."));
    else
        m_problemsSummary->setText(tr("%1, %2.").arg(tr("%n error(s)", nullptr, errors),
                                                     tr("%n warning(s)", nullptr, warnings)));
}

void RoutesPage::updateStatus() {
    QString text;
    QColor color;
    if (m_ctx.config && m_ctx.config->lastLoadFailed()) {
        const auto config = m_ctx.config->current();
        color = kErrorColor;
        if (config && !config->sourceFile.isEmpty())
            text = tr("config.yaml has errors and was not loaded. The last good config is still "
                      "in use: the routes below are the ones the gateway serves.");
        else
            text = tr("config.yaml has errors and no good config was loaded yet, so the gateway "
                      "serves no routes. Fix the problems below, then click Reload.");
    }
    if (text.isEmpty()) {
        m_statusLabel->hide();
        return;
    }
    QPalette palette = m_statusLabel->palette();
    palette.setColor(QPalette::WindowText, color);
    m_statusLabel->setPalette(palette);
    m_statusLabel->setText(text);
    m_statusLabel->show();
}

QString RoutesPage::baseUrl() const {
    QString url = m_ctx.gatewayBaseUrl ? m_ctx.gatewayBaseUrl() : QString();
    if (url.endsWith(u'/'))
        url.chop(1);
    return url;
}

QString RoutesPage::curlExample(const QString &routeName) const {
    const auto config = m_ctx.config ? m_ctx.config->current() : nullptr;
    const config::RouteConfig *route = config ? config->route(routeName) : nullptr;
    QString base = baseUrl();
    if (base.isEmpty())
        base = QStringLiteral("http://127.0.0.1:8000");
    const bool embeddingsOnly =
        route && route->chatModels.isEmpty() && !route->embeddingModels.isEmpty();
    // The example is code, not prose: it stays in English in every language.
    if (embeddingsOnly) {
        return QStringLiteral("curl -X POST %1/v1/embeddings \\\n"
                              "  -H \"Authorization: Bearer YOUR_API_KEY\" \\\n"
                              "  -H \"Content-Type: application/json\" \\\n"
                              "  -d '{\n"
                              "    \"model\": \"%2\",\n"
                              "    \"input\": \"Hello!\"\n"
                              "  }'")
            .arg(base, routeName);
    }
    return QStringLiteral("curl -X POST %1/v1/chat/completions \\\n"
                          "  -H \"Authorization: Bearer YOUR_API_KEY\" \\\n"
                          "  -H \"Content-Type: application/json\" \\\n"
                          "  -d '{\n"
                          "    \"model\": \"%2\",\n"
                          "    \"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}]\n"
                          "  }'")
        .arg(base, routeName);
}

void RoutesPage::updateExample() {
    const QString route = selectedRoute();
    m_copyButton->setEnabled(!route.isEmpty());
    if (route.isEmpty()) {
        m_exampleTitle->setText(tr("Select a route to see how to call it."));
        m_example->clear();
        m_gatewayNote->clear();
        return;
    }
    m_exampleTitle->setText(
        tr("Call “%1” with curl. Replace YOUR_API_KEY with a key whose groups grant this route.")
            .arg(route));
    m_example->setPlainText(curlExample(route));
    m_gatewayNote->setText(baseUrl().isEmpty()
                               ? tr("The gateway is stopped: start it to try this example.")
                               : QString());
}

QString RoutesPage::windowText(qint64 seconds) const {
    const int n = int(seconds);
    if (seconds > 0 && seconds % 86400 == 0)
        return tr("%n day(s)", nullptr, n / 86400);
    if (seconds > 0 && seconds % 3600 == 0)
        return tr("%n hour(s)", nullptr, n / 3600);
    if (seconds > 0 && seconds % 60 == 0)
        return tr("%n minute(s)", nullptr, n / 60);
    return tr("%n second(s)", nullptr, n);
}

QString RoutesPage::limitsText(const config::RouteConfig &route) const {
    const QLocale locale;
    QStringList lines;
    if (route.rateLimit) {
        lines.append(tr("%1 requests per %2")
                         .arg(locale.toString(route.rateLimit->maxRequests),
                              windowText(route.rateLimit->windowSeconds)));
    }
    if (route.tokenLimit) {
        QStringList parts;
        if (route.tokenLimit->maxInputTokens > 0)
            parts.append(
                tr("%1 input tokens").arg(locale.toString(route.tokenLimit->maxInputTokens)));
        if (route.tokenLimit->maxOutputTokens > 0)
            parts.append(
                tr("%1 output tokens").arg(locale.toString(route.tokenLimit->maxOutputTokens)));
        if (!parts.isEmpty())
            lines.append(tr("%1 per %2")
                             .arg(parts.join(QStringLiteral(", ")),
                                  windowText(route.tokenLimit->windowSeconds)));
    }
    if (route.budgetLimit) {
        lines.append(tr("US$%1 per %2")
                         .arg(locale.toString(route.budgetLimit->maxBudgetUsd, 'f', 2),
                              windowText(route.budgetLimit->windowSeconds)));
    }
    return lines.isEmpty() ? tr("none") : lines.join(u'\n');
}

} // namespace portico::ui
