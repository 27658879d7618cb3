#!/usr/bin/env bash
# Builds Portico with its tests and runs them, twice, with warnings as errors (CMakePresets.json):
#   release   the desktop app, the headless gateway and every test, in build-release/
#   headless  -DPORTICO_GUI=OFF in build-headless/: proves that gateway/, the command line and
#             their tests build and pass without Qt Widgets (the ui tests are left out)
# This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --gui --test

launcher=()
if command -v ccache >/dev/null 2>&1; then
    # The headless build compiles most sources exactly as the release build did: ccache hands
    # those objects over instead of compiling them again.
    export CCACHE_BASEDIR="$PWD"
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

jobs=$(nproc)
for preset in release headless; do
    echo "=== $preset"
    cmake --preset "$preset" "${launcher[@]}"
    cmake --build --preset "$preset" --parallel "$jobs"
    ctest --preset "$preset" --parallel "$jobs"
done
