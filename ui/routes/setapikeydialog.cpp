#include "ui/routes/setapikeydialog.h"

#include "config/configmanager.h"
#include "config/secretsource.h"
#include "ui/appcontext.h"
#include "ui/secrets/providerkeys.h"

#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace portico::ui {

SetApiKeyDialog::SetApiKeyDialog(AppContext &context, const QString &modelId, QWidget *parent)
    : QDialog(parent)
    , m_context(context)
    , m_keys(context.providerKeys)
    , m_entries(entries(context)) {
    setObjectName(QStringLiteral("setApiKeyDialog"));
    setWindowTitle(tr("Set API Key"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(tr("The API key of an upstream model is kept in the system keychain, "
                                "never in a file. config.yaml refers to it as "
                                "<code>api_key: !secret NAME</code>; the keychain is looked at "
                                "first, then secrets.yaml, then the environment."),
                             this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *form = new QFormLayout;
    m_entry = new QComboBox(this);
    m_entry->setObjectName(QStringLiteral("apiKeyModelCombo"));
    for (const Entry &entry : std::as_const(m_entries))
        m_entry->addItem(entry.label);
    form->addRow(tr("&Model:"), m_entry);
    m_nameLabel = new QLabel(this);
    m_nameLabel->setObjectName(QStringLiteral("apiKeyNameLabel"));
    m_nameLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Keychain entry:"), m_nameLabel);
    m_storedLabel = new QLabel(this);
    m_storedLabel->setObjectName(QStringLiteral("apiKeyStoredLabel"));
    m_storedLabel->setWordWrap(true);
    form->addRow(tr("Now:"), m_storedLabel);
    m_keyEdit = new QLineEdit(this);
    m_keyEdit->setObjectName(QStringLiteral("apiKeyEdit"));
    m_keyEdit->setEchoMode(QLineEdit::Password);
    m_keyEdit->setPlaceholderText(tr("Paste the provider's API key"));
    // Never offered to an input method's history or the clipboard by drag.
    m_keyEdit->setInputMethodHints(Qt::ImhSensitiveData | Qt::ImhNoPredictiveText |
                                   Qt::ImhHiddenText);
    m_keyEdit->setDragEnabled(false);
    form->addRow(tr("New &API key:"), m_keyEdit);
    layout->addLayout(form);

    m_outcome = new QLabel(this);
    m_outcome->setObjectName(QStringLiteral("apiKeyOutcomeLabel"));
    m_outcome->setWordWrap(true);
    m_outcome->setTextFormat(Qt::PlainText);
    m_outcome->hide();
    layout->addWidget(m_outcome);
    m_snippet = new QPlainTextEdit(this);
    m_snippet->setObjectName(QStringLiteral("apiKeyConfigSnippet"));
    m_snippet->setReadOnly(true);
    m_snippet->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_snippet->setFixedHeight(m_snippet->fontMetrics().lineSpacing() * 3 + 16);
    m_snippet->hide();
    layout->addWidget(m_snippet);
    m_copySnippet = new QPushButton(tr("&Copy Lines"), this);
    m_copySnippet->setObjectName(QStringLiteral("copyConfigSnippetButton"));
    m_copySnippet->hide();
    layout->addWidget(m_copySnippet, 0, Qt::AlignRight);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_save = buttons->addButton(tr("&Save in Keychain"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(QStringLiteral("saveApiKeyButton"));
    m_save->setDefault(true);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // Save keeps the dialog open: it shows what config.yaml needs next.
    connect(m_save, &QPushButton::clicked, this, &SetApiKeyDialog::save);
    connect(m_copySnippet, &QPushButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_snippet->toPlainText()); });
    connect(m_entry, &QComboBox::currentIndexChanged, this, &SetApiKeyDialog::entryChanged);
    connect(m_keyEdit, &QLineEdit::textChanged, this, [this] {
        m_save->setEnabled(m_keys && m_entry->currentIndex() >= 0 && !m_keyEdit->text().isEmpty());
    });

    for (int i = 0; i < m_entries.size(); ++i) {
        if (!modelId.isEmpty() && m_entries.at(i).modelId == modelId) {
            m_entry->setCurrentIndex(i);
            break;
        }
    }
    entryChanged();
    resize(560, sizeHint().height());
}

SetApiKeyDialog::~SetApiKeyDialog() {
    m_keyEdit->clear();
}

QList<SetApiKeyDialog::Entry> SetApiKeyDialog::entries(const AppContext &context) {
    QList<Entry> list;
    if (!context.config)
        return list;
    const QString path = context.config->path();
    const QStringList referenced = ProviderKeys::secretNamesOf(path);
    const QHash<QString, QString> apiKeySecrets = ProviderKeys::apiKeySecretsOf(path);
    const auto config = context.config->current();
    QStringList covered;
    for (const auto *models : {&config->chatModels, &config->embeddingModels}) {
        for (const auto &model : *models) {
            // The mock answers by itself: it has no key to set.
            if (model.provider == QLatin1String("mock"))
                continue;
            Entry entry;
            entry.modelId = model.modelId;
            entry.label =
                QStringLiteral("%1 (%2/%3)").arg(model.modelId, model.provider, model.model);
            const QString written = apiKeySecrets.value(model.modelId);
            entry.name = written.isEmpty() ? ProviderKeys::nameFor(model.modelId) : written;
            entry.referenced = !written.isEmpty() || referenced.contains(entry.name);
            covered.append(entry.name);
            list.append(entry);
        }
    }
    for (const QString &name : referenced) {
        if (covered.contains(name))
            continue;
        Entry entry;
        entry.name = name;
        entry.label = tr("%1 (referenced in config.yaml)").arg(name);
        entry.referenced = true;
        list.append(entry);
    }
    return list;
}

QString SetApiKeyDialog::configSnippet(const QString &name) {
    // YAML, not prose: never translated.
    return QStringLiteral("    credentials:\n      api_key: !secret %1").arg(name);
}

void SetApiKeyDialog::entryChanged() {
    const int index = m_entry->currentIndex();
    m_outcome->hide();
    m_snippet->hide();
    m_copySnippet->hide();
    if (index < 0 || index >= m_entries.size()) {
        m_nameLabel->setText(tr("none"));
        m_storedLabel->setText(tr("config.yaml has no model that calls a provider, so there is "
                                  "no API key to set."));
        m_keyEdit->setEnabled(false);
        m_save->setEnabled(false);
        return;
    }
    const Entry &entry = m_entries.at(index);
    m_nameLabel->setText(tr("%1 in “%2”").arg(entry.name, ProviderKeys::service()));
    m_keyEdit->setEnabled(m_keys != nullptr);
    m_keyEdit->clear();
    m_save->setEnabled(false);
    if (!m_keys) {
        m_storedLabel->setText(tr("No keychain in this window."));
        return;
    }
    // Whether a key is stored, never which: the value is not shown again.
    m_storedLabel->setText(m_keys->isStored(entry.name)
                               ? tr("A key is stored in the system keychain. Type a new one to "
                                    "replace it.")
                               : tr("No key stored in the system keychain."));
}

void SetApiKeyDialog::save() {
    const int index = m_entry->currentIndex();
    if (!m_keys || index < 0 || index >= m_entries.size() || m_keyEdit->text().isEmpty())
        return;
    const QString value = m_keyEdit->text().trimmed();
    m_keyEdit->clear();
    m_save->setEnabled(false);
    m_entry->setEnabled(false);
    m_outcome->setText(tr("Saving in the system keychain…"));
    m_outcome->show();
    QPointer<SetApiKeyDialog> self(this);
    m_keys->store(m_entries.at(index).name, value, [self](bool ok, const QString &error) {
        if (self)
            self->showOutcome(ok, error);
    });
}

void SetApiKeyDialog::showOutcome(bool ok, const QString &error) {
    m_entry->setEnabled(true);
    const int index = m_entry->currentIndex();
    if (index < 0 || index >= m_entries.size())
        return;
    Entry &entry = m_entries[index];
    if (!ok) {
        m_outcome->setText(
            tr("Not saved: the system keychain did not take it (%1). Put it in secrets.yaml "
               "beside config.yaml instead (a line “%2: <key>”, in a file only you can read), or "
               "in the environment variable %2.")
                .arg(error, entry.name));
        return;
    }
    m_storedLabel->setText(tr("A key is stored in the system keychain. Type a new one to "
                              "replace it."));
    // config.yaml may have changed since the dialog opened.
    if (!entry.referenced && m_context.config)
        entry.referenced =
            ProviderKeys::secretNamesOf(m_context.config->path()).contains(entry.name);
    if (entry.referenced) {
        m_outcome->setText(tr("Saved. config.yaml refers to it as !secret %1, so the gateway "
                              "uses it from now on.")
                               .arg(entry.name));
        return;
    }
    m_outcome->setText(tr("Saved. config.yaml does not refer to it yet: under “model_id: %1” "
                          "write these lines (in place of any api_key there) and save the file. "
                          "The gateway uses the key as soon as config.yaml is reloaded.")
                           .arg(entry.modelId));
    m_snippet->setPlainText(configSnippet(entry.name));
    m_snippet->show();
    m_copySnippet->show();
}

} // namespace portico::ui
