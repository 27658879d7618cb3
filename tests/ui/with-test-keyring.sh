#!/usr/bin/env bash
# Runs PROGRAM with a real system keychain of its own: a private D-Bus session bus
# (dbus-run-session) with GNOME Keyring's daemon as its Secret Service, whose login keyring is
# created and unlocked in a temporary home. The program finds PORTICO_TEST_KEYRING set; it never
# reaches the keychain of the user running it, and the keyring is gone when it ends.
# Usage: with-test-keyring.sh PROGRAM [ARGS...]
set -euo pipefail

if [[ -z ${PORTICO_TEST_KEYRING_BUS:-} ]]; then
    for tool in dbus-run-session gnome-keyring-daemon; do
        command -v "$tool" >/dev/null ||
            { echo "$tool is missing: scripts/install-deps.sh --test installs it" >&2; exit 1; }
    done
    home=$(mktemp -d "${TMPDIR:-/tmp}/portico-test-keyring.XXXXXX")
    trap 'rm -rf "$home"' EXIT
    export HOME=$home XDG_DATA_HOME=$home/data XDG_CONFIG_HOME=$home/config \
           XDG_CACHE_HOME=$home/cache XDG_RUNTIME_DIR=$home/run
    mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
    # QtKeychain picks its backend by desktop: with none named it takes the Secret Service.
    unset XDG_CURRENT_DESKTOP DESKTOP_SESSION KDE_FULL_SESSION KDE_SESSION_VERSION \
          GNOME_DESKTOP_SESSION_ID DBUS_SESSION_BUS_ADDRESS
    status=0
    PORTICO_TEST_KEYRING_BUS=1 dbus-run-session -- "$0" "$@" || status=$?
    exit "$status"
fi

# On the private bus. The keyring's password comes on stdin: a fixed one, since this keyring
# lives for this run only (with an empty one the daemon would ask for one on screen).
eval "$(printf '%s' portico-test-keyring |
        timeout 30 gnome-keyring-daemon --unlock --components=secrets)"
export PORTICO_TEST_KEYRING=1
exec "$@"
