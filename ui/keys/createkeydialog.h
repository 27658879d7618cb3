#pragma once

#include "store/records.h"

#include <QDialog>

#include <optional>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace portico::ui {

struct AppContext;
class ExpiryChooser;

// "Create Key" of the Keys page: a required name (trimmed, checked while typing, duplicates
// refused with the store's message under the field), optional groups and an expiry (Never by
// default; presets or a date in the future). On success the dialog
// is accepted and holds the created key until takeCreatedKey().
class CreateKeyDialog : public QDialog {
    Q_OBJECT
public:
    explicit CreateKeyDialog(AppContext &context, QWidget *parent = nullptr);
    ~CreateKeyDialog() override;

    // The created key, once; the dialog forgets it.
    std::optional<store::CreatedKey> takeCreatedKey();

    ExpiryChooser *expiryChooser() const { return m_expiry; }

private:
    void validate();
    void create();
    void showNameError(const QString &message);

    AppContext &m_context;
    QLineEdit *m_name = nullptr;
    QLabel *m_nameError = nullptr;
    QListWidget *m_groups = nullptr;
    ExpiryChooser *m_expiry = nullptr;
    QPushButton *m_createButton = nullptr;
    bool m_nameTouched = false;
    std::optional<store::CreatedKey> m_created;
};

} // namespace portico::ui
