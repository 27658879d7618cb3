#pragma once

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace portico::ui {

struct AppContext;
class ProviderKeys;

// Routes → Set API Key…: the API key of an upstream model, typed into a password field and kept
// in the OS keychain under the NAME that config.yaml's `api_key: !secret NAME` uses. The stored
// value is never shown again, nor written to any file: the dialog only says whether one is
// stored. When config.yaml does not refer to the NAME yet, the dialog shows the exact line to
// write there; Portico does not edit config.yaml itself (it may be managed by hand, by a
// configuration tool or be read-only, and its comments and layout are the admin's).
class SetApiKeyDialog : public QDialog {
    Q_OBJECT
public:
    // `modelId`: the model to choose first (the selected route's), if any.
    SetApiKeyDialog(AppContext &context, const QString &modelId, QWidget *parent = nullptr);
    ~SetApiKeyDialog() override;

    // One secret the dialog can set.
    struct Entry {
        QString label;           // "gpt (openai/gpt-4o)" or "NAME (referenced in config.yaml)"
        QString modelId;         // empty for a name config.yaml refers to outside a loaded model
        QString name;            // the NAME of !secret NAME
        bool referenced = false; // config.yaml already says !secret NAME
    };
    // The models of the current config that call a provider (not the mock), then the `!secret`
    // names config.yaml refers to that no loaded model explains (a config that does not load
    // because the secret is missing).
    static QList<Entry> entries(const AppContext &context);
    // The lines to write under the model in config.yaml.
    static QString configSnippet(const QString &name);

private:
    void entryChanged();
    void save();
    void showOutcome(bool ok, const QString &error);

    AppContext &m_context;
    ProviderKeys *m_keys = nullptr;
    QList<Entry> m_entries;
    QComboBox *m_entry = nullptr;
    QLabel *m_nameLabel = nullptr;
    QLabel *m_storedLabel = nullptr;
    QLineEdit *m_keyEdit = nullptr;
    QLabel *m_outcome = nullptr;
    QPlainTextEdit *m_snippet = nullptr;
    QPushButton *m_copySnippet = nullptr;
    QPushButton *m_save = nullptr;
};

} // namespace portico::ui
