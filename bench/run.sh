#!/usr/bin/env bash
# Portico benchmark harness: the gateway next to nginx as a plain reverse proxy, in one run.
#
#   bench/run.sh [BUILD_DIR] [--smoke] [--json FILE] [--only S1,S4,...] [--duration S]
#                [--rounds N] [--workers N] [--keys N] [--streams N] [--pin] [--keep]
#                [--fresh-seed]
#   bench/run.sh --report FILE.json          the tables of an earlier run again
#
# Builds nothing: BUILD_DIR (default: build-release/, else build/, in the source tree) must hold a
# built portico-gateway and the bench helpers (cmake --build --preset release); a Release build
# gives meaningful numbers. Prints a table and writes a JSON file (its path is printed last).
# --smoke runs every scenario for a second or two (what ctest's bench_smoke runs). Everything
# runs on 127.0.0.1 in a temporary folder and stops when the script ends. See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_DIR=$(dirname "$BENCH_DIR")

usage() {
    sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

build_dir=""
args=()
while [ $# -gt 0 ]; do
    case "$1" in
    -h | --help) usage; exit 0 ;;
    --report)
        [ $# -ge 2 ] || { echo "run.sh: --report needs a JSON file" >&2; exit 2; }
        exec python3 "$BENCH_DIR/bench.py" --report "$2" ;;
    --smoke | --pin | --keep | --fresh-seed) args+=("$1"); shift ;;
    --json | --only | --duration | --rounds | --workers | --keys | --streams)
        [ $# -ge 2 ] || { echo "run.sh: $1 needs a value" >&2; exit 2; }
        args+=("$1" "$2"); shift 2 ;;
    -*) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    *) build_dir=$1; shift ;;
    esac
done
if [ -z "$build_dir" ]; then
    for candidate in "$SOURCE_DIR/build-release" "$SOURCE_DIR/build"; do
        if [ -x "$candidate/app/portico-gateway/portico-gateway" ]; then
            build_dir=$candidate
            break
        fi
    done
    [ -n "$build_dir" ] || build_dir="$SOURCE_DIR/build-release"
fi

# nginx lives in /usr/sbin, which is not on every user's PATH.
nginx_bin=$(command -v nginx || true)
[ -z "$nginx_bin" ] && [ -x /usr/sbin/nginx ] && nginx_bin=/usr/sbin/nginx
missing=()
[ -n "$nginx_bin" ] || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
    echo "run.sh: ${missing[*]} not installed (scripts/install-deps.sh --bench, or" \
        "apt-get install ${missing[*]})" >&2
    exit 2
fi

exec python3 "$BENCH_DIR/bench.py" "$build_dir" --nginx "$nginx_bin" --wrk "$(command -v wrk)" \
    ${args[@]+"${args[@]}"}
