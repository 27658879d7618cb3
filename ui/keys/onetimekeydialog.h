#pragma once

#include "store/records.h"

#include <QDialog>

class QLineEdit;
class QPlainTextEdit;
class QLabel;
class QTabWidget;

namespace portico::ui {

struct AppContext;

// The one-time display after "Create" and after "Rotate Secret": the key, a Copy button, the
// warning that it is shown only once, and ready-to-paste examples with the key and the gateway's
// real address; after a rotation, also until when the previous secret keeps working. Closing
// without having copied the key asks first. The key is never logged nor saved; it is wiped on
// close.
class OneTimeKeyDialog : public QDialog {
    Q_OBJECT
public:
    OneTimeKeyDialog(AppContext &context, store::CreatedKey created, QWidget *parent = nullptr);
    // The new secret of a rotated key.
    OneTimeKeyDialog(AppContext &context, store::RotatedKey rotated, QWidget *parent = nullptr);
    ~OneTimeKeyDialog() override;

    bool keyWasCopied() const { return m_copied; }

    void done(int result) override;

    // The examples, as pasted into a terminal or an editor. `baseUrl` has no trailing slash.
    static QString curlExample(const QString &baseUrl, const QString &key, const QString &route);
    static QString pythonExample(const QString &baseUrl, const QString &key, const QString &route);
    static QString javascriptExample(const QString &baseUrl, const QString &key,
                                     const QString &route);

private:
    void build(AppContext &context, const store::ApiKeyRecord &record, bool rotated,
               const QDateTime &previousValidUntil);
    void copyKey();
    void copyExample(QPlainTextEdit *example);
    void wipe();
    QWidget *exampleTab(const QString &code, const QString &objectName);

    QString m_key;
    QLineEdit *m_keyEdit = nullptr;
    QLabel *m_copiedNote = nullptr;
    QTabWidget *m_examples = nullptr;
    bool m_copied = false;
};

} // namespace portico::ui
