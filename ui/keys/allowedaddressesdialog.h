#pragma once

#include "store/records.h"

#include <QDialog>

#include <optional>

class QLabel;
class QPlainTextEdit;

namespace portico::ui {

struct AppContext;

// "Edit…" of a key's allowed addresses: IP addresses or CIDR ranges (IPv4, IPv6), one per line
// or separated by commas; empty for any address. Saved with KeyStore::setAllowedIps, whose
// refusal of a malformed entry is shown in the dialog, which then stays open.
class AllowedAddressesDialog : public QDialog {
    Q_OBJECT
public:
    AllowedAddressesDialog(AppContext &context, const store::ApiKeyRecord &key,
                           QWidget *parent = nullptr);

    // The entries of `text`: split at line breaks, commas and spaces, empty ones dropped.
    static QStringList parse(const QString &text);

    QPlainTextEdit *editor() const { return m_editor; }
    const std::optional<store::ApiKeyRecord> &updatedKey() const { return m_updated; }

private:
    void save();

    AppContext &m_context;
    QString m_keyUuid;
    QPlainTextEdit *m_editor = nullptr;
    QLabel *m_error = nullptr;
    std::optional<store::ApiKeyRecord> m_updated;
};

} // namespace portico::ui
