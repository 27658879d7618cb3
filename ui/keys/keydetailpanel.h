#pragma once

#include "store/records.h"

#include <QWidget>

#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace portico::ui {

struct AppContext;
class HistorySection;
class KeyUsageSummary;
class LimitsView;
class PreviousSecretView;

// The detail panel beside the keys table: General Information (with rename in place,
// enable/disable, Rotate Secret, the previous secret during its grace period, and the expiry),
// Associated Groups (remove, Add to Group) and Accessible Routes (with the group granting each
// and a mark where config.yaml no longer has the route), Limits with their live use, Allowed
// Addresses, Usage, History (the key's newest audit rows), and Delete.
// Changes go straight to the store; the panel shows the updated key at once.
class KeyDetailPanel : public QWidget {
    Q_OBJECT
public:
    explicit KeyDetailPanel(AppContext &context, QWidget *parent = nullptr);

    // Shows `key`. A rename in progress on the same key is kept (a reload must not eat typing).
    void showKey(const store::ApiKeyRecord &key);
    // Nothing selected.
    void clear();
    QString keyUuid() const { return m_key ? m_key->uuid : QString(); }
    bool isRenaming() const;

    // Whether the current config.yaml defines `route`.
    bool routeExistsInConfig(const QString &route) const;

    LimitsView *limitsView() const { return m_limits; }
    PreviousSecretView *previousSecretView() const { return m_previousSecret; }

public Q_SLOTS:
    void startRename();
    void openAddToGroup();
    void refresh(); // the config changed: routes may have appeared or disappeared
    void changeExpiry();
    void editLimits();
    void editAllowedAddresses();
    // Asks, then refuses the previous secret from now on.
    void endGracePeriod();

Q_SIGNALS:
    void deleteRequested(const QString &keyUuid);
    void rotateRequested(const QString &keyUuid);
    // A change made in the panel, with the key as the store returned it.
    void keyChanged(const portico::store::ApiKeyRecord &key);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QWidget *buildDetails();
    void fill();
    void fillGroups();
    void fillRoutes();
    void fillLifecycle();
    void saveRename();
    void cancelRename();
    void showRenameError(const QString &message);
    void toggleState();
    void removeFromGroup(const QString &groupUuid);
    void applyChange(const store::ApiKeyRecord &key);

    AppContext &m_context;
    std::optional<store::ApiKeyRecord> m_key;

    QStackedWidget *m_pages = nullptr;
    QLabel *m_title = nullptr;
    QLabel *m_stateBadge = nullptr;
    QStackedWidget *m_nameStack = nullptr;
    QLabel *m_name = nullptr;
    QLineEdit *m_nameEdit = nullptr;
    QLabel *m_nameError = nullptr;
    QLineEdit *m_uuid = nullptr;
    QLabel *m_hint = nullptr;
    QLabel *m_previousSecretLabel = nullptr;
    PreviousSecretView *m_previousSecret = nullptr;
    QLabel *m_expires = nullptr;
    LimitsView *m_limits = nullptr;
    QLabel *m_allowedAddresses = nullptr;
    QLabel *m_created = nullptr;
    QLabel *m_lastUsed = nullptr;
    QLabel *m_state = nullptr;
    QPushButton *m_stateButton = nullptr;
    QTableWidget *m_groups = nullptr;
    QLabel *m_noGroups = nullptr;
    QTableWidget *m_routes = nullptr;
    KeyUsageSummary *m_usage = nullptr;
    HistorySection *m_history = nullptr;
    QLabel *m_noRoutes = nullptr;
};

} // namespace portico::ui
