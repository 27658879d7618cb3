#pragma once

// The OS keychain's stand-in for widget tests (ui::ProviderKeychain is an interface for this):
// values in memory, answers delivered later on the event loop, as QtKeychain's jobs answer.
// test_providerkeys_keyring covers the real one (GNOME Keyring on a private bus).

#include "ui/secrets/providerkeys.h"

#include <QCoreApplication>
#include <QHash>
#include <QTimer>

#include <memory>

namespace portico::test {

class MemoryKeychain : public ui::ProviderKeychain {
public:
    struct State {
        QHash<QString, QString> values;
        bool refuseWrites = false;
        int reads = 0;
    };

    explicit MemoryKeychain(std::shared_ptr<State> state)
        : m_state(std::move(state)) {}

    void write(const QString &name, const QString &value, Done done) override {
        later([state = m_state, name, value, done] {
            if (state->refuseWrites) {
                done(false, QStringLiteral("the test keychain is locked"));
                return;
            }
            state->values.insert(name, value);
            done(true, {});
        });
    }
    void read(const QString &name, Read done) override {
        later([state = m_state, name, done] {
            ++state->reads;
            const auto it = state->values.constFind(name);
            done(it == state->values.constEnd() ? std::nullopt : std::optional<QString>(*it), {});
        });
    }
    void remove(const QString &name, Done done) override {
        later([state = m_state, name, done] {
            state->values.remove(name);
            done(true, {});
        });
    }

private:
    static void later(std::function<void()> f) {
        QTimer::singleShot(0, QCoreApplication::instance(), std::move(f));
    }
    std::shared_ptr<State> m_state;
};

} // namespace portico::test
