#pragma once

#include "store/records.h"

#include <QDialog>

#include <optional>

class QLabel;
class QPushButton;

namespace portico::ui {

struct AppContext;
class ExpiryChooser;

// "Change Expiry…" of the key detail panel: the same presets as Create Key, starting from the
// key's current expiry. Saves with KeyStore::setKeyExpiry; a refusal is shown in the dialog,
// which then stays open. On success it is accepted and holds the updated key.
class ChangeExpiryDialog : public QDialog {
    Q_OBJECT
public:
    ChangeExpiryDialog(AppContext &context, const store::ApiKeyRecord &key,
                       QWidget *parent = nullptr);

    ExpiryChooser *chooser() const { return m_chooser; }
    const std::optional<store::ApiKeyRecord> &updatedKey() const { return m_updated; }

private:
    void save();

    AppContext &m_context;
    QString m_keyUuid;
    ExpiryChooser *m_chooser = nullptr;
    QLabel *m_error = nullptr;
    QPushButton *m_saveButton = nullptr;
    std::optional<store::ApiKeyRecord> m_updated;
};

} // namespace portico::ui
