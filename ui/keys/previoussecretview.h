#pragma once

#include "store/records.h"
#include "store/usagestore.h"
#include "ui/common/backgroundloadedwidget.h"

class QLabel;
class QPushButton;

namespace portico::ui {

struct AppContext;

// A rotated key's previous secret while its grace period lasts, for the key detail panel:
// "Previous secret ptc_…XyZw works until …", who still uses it ("Old secret used 12 times in the
// last hour, last at …", read from the usage rows in a worker thread every 2 seconds while
// visible) and "End Grace Period Now" (editRequested-style: the panel asks and ends it).
class PreviousSecretView : public BackgroundLoadedWidget {
    Q_OBJECT
public:
    explicit PreviousSecretView(AppContext &context, QWidget *parent = nullptr);

    // Shows the key's previous secret; nothing (and no loading) when it has none.
    void setKey(const QString &keyUuid, const std::optional<store::PreviousSecret> &previous);
    // The use shown, as of the last finished load.
    const store::OldSecretUse &use() const { return m_use; }

public Q_SLOTS:
    void refresh() override;

Q_SIGNALS:
    void endGraceRequested();

protected:
    void startLoad() override;

private:
    void display();

    AppContext &m_context;
    QString m_keyUuid;
    std::optional<store::PreviousSecret> m_previous;
    store::OldSecretUse m_use;
    bool m_useKnown = false;
    QLabel *m_validity = nullptr;
    QLabel *m_useText = nullptr;
    QPushButton *m_endButton = nullptr;
};

} // namespace portico::ui
