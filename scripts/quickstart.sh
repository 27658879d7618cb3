#!/usr/bin/env bash
# Installs what is missing, builds Portico in Release and starts it on its embedded defaults:
# the SQLite store in the user's data folder and the bundled config.yaml with the demo route.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --gui
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF
cmake --build build --parallel "$(nproc)"
if [[ -x build/app/portico/portico && ( -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ) ]]; then
    exec build/app/portico/portico "$@"
fi
exec build/app/portico-gateway/portico-gateway serve "$@"
