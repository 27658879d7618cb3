#!/usr/bin/env bash
# Installs the Debian 12 packages Portico needs to build, run and test, when any is missing.
# Usage: scripts/install-deps.sh [--gui] [--test] [--bench] [--fuzz]
set -euo pipefail

packages=(build-essential cmake ninja-build pkg-config
          qt6-base-dev libqt6sql6-sqlite libqt6sql6-psql
          libyaml-cpp-dev libssl-dev libcurl4-openssl-dev zlib1g-dev libsqlite3-dev
          libsimdjson-dev)
for arg in "$@"; do
    case "$arg" in
        # qtkeychain-qt6-dev: the desktop app keeps PostgreSQL passwords in the OS keychain;
        # libsecret-1-0: QtKeychain loads it at run time to reach the Secret Service (GNOME
        # Keyring, KeePassXC...); without it the app has no keychain on Linux.
        --gui) packages+=(qt6-charts-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
                          libxkbcommon-dev libgl-dev libqt6opengl6-dev qt6-qpa-plugins
                          qt6-translations-l10n fonts-dejavu-core
                          qtkeychain-qt6-dev libsecret-1-0) ;;
        # ccache: run-tests.sh builds two configurations that share most of their objects.
        # postgresql: the throwaway server of the tests' PostgreSQL variants.
        # dbus, gnome-keyring: a private session bus with a real Secret Service, for the
        # keychain tests (tests/ui/with-test-keyring.sh); libsecret-tools: secret-tool, which
        # they ask what the Secret Service holds.
        # nginx, wrk: the smoke mode of the benchmark harness (ctest's bench_smoke).
        # lintian, rpm, appstream, desktop-file-utils, systemd (systemd-analyze), dpkg-dev
        # (dpkg-shlibdeps for cpack): ctest's packaging_check (packaging/check-packages.sh).
        --test) packages+=(python3 xvfb xauth curl ccache postgresql dbus gnome-keyring
                           libsecret-tools nginx wrk
                           lintian rpm appstream desktop-file-utils systemd dpkg-dev file) ;;
        # The benchmark harness (bench/run.sh): nginx as the fast upstream and as the reverse
        # proxy the gateway is compared with, wrk as the client.
        --bench) packages+=(python3 nginx wrk) ;;
        # scripts/fuzz.sh: clang with libFuzzer and the sanitizer runtimes. The replay tests of
        # the fuzz targets need none of it (they are built by the normal compiler).
        --fuzz) packages+=(clang libfuzzer-14-dev libclang-rt-14-dev) ;;
    esac
done

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$p")
    fi
done
# Node.js and npm run the end-to-end test with the official OpenAI client.
if [[ " $* " == *" --test "* ]] && ! command -v npm >/dev/null 2>&1; then
    missing+=(nodejs npm)
fi

if ((${#missing[@]})); then
    echo "Installing: ${missing[*]}"
    sudo_cmd=()
    [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
