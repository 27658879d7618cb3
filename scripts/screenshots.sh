#!/usr/bin/env bash
# Takes the README's screenshots from the real desktop app: starts it under Xvfb on a temporary
# store seeded with the real `portico-gateway` command line, lets the app walk through the
# documented states (PORTICO_SCREENSHOT_DIR, see ui/screenshotwalker.h) and saves PNGs into
# docs/screenshots/: every state at 1280x800, and the keys page again at 200% scaling.
#
# Usage: scripts/screenshots.sh [BUILD_DIR]      (default: build; build the app first)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
out=$root/docs/screenshots
cli=$build/app/portico-gateway/portico-gateway
app=$build/app/portico/portico

for program in "$cli" "$app"; do
    if [[ ! -x $program ]]; then
        echo "screenshots: $program is missing; build first: cmake --build $build" >&2
        exit 1
    fi
done
if ! command -v xvfb-run > /dev/null; then
    echo "screenshots: xvfb-run is missing; install it with: sudo apt-get install xvfb" >&2
    exit 1
fi

# SCREENSHOTS_KEEP=1 keeps the temporary folder (store, every picture at both scales) to look at.
work=$(mktemp -d)
if [[ -z ${SCREENSHOTS_KEEP:-} ]]; then
    trap 'rm -rf "$work"' EXIT
else
    echo "screenshots: working in $work"
fi
# Everything the app and the command line write stays in the temporary folder: the store, the
# config, and the window's remembered size and page (QSettings).
export PORTICO_DB=$work/portico.db
export PORTICO_CONFIG=$work/config.yaml
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data XDG_CACHE_HOME=$work/cache
export XDG_RUNTIME_DIR=$work/runtime
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# English text and dates, whatever the machine's language.
unset LC_ALL LC_MESSAGES LANGUAGE
export LANG=en_US.UTF-8

cat > "$PORTICO_CONFIG" << 'YAML'
chat_models:
  - model_id: demo
    model: mock/echo
  - model_id: gpt-4o-mini
    model: openai/gpt-4o-mini
    credentials: { base_url: "http://127.0.0.1:9/v1" }
    input_cost_per_million_tokens: 0.15
    output_cost_per_million_tokens: 0.60
  - model_id: local-llama
    model: openai/llama3.2
    credentials: { base_url: "http://localhost:11434/v1" }
embedding_models:
  - model_id: embed
    model: openai/text-embedding-3-small
    credentials: { base_url: "http://127.0.0.1:9/v1" }
routes:
  demo:
    chat_models: [demo]
  assistant:
    chat_models: [gpt-4o-mini, local-llama]
    fallback: [{ target: gpt-4o-mini, fallbacks: [local-llama] }]
    rate_limiting: { algorithm: fixed_window, window_size: 1 minute, max_requests: 60 }
  embeddings:
    embedding_models: [embed]
    budget_limiting: { window_size: 1 day, max_budget: 5.00 }
YAML

# Never print a key: stdout (where a new key goes) is dropped; messages are shown on failure.
gateway() {
    if ! "$cli" "$@" > /dev/null 2> "$work/gateway.log"; then
        cat "$work/gateway.log" >&2
        return 1
    fi
}
gateway groups create "Platform" --description "Production services"
gateway groups create "Data Science" --description "Notebooks and experiments"
gateway groups create "Interns" --description "Sandbox access"
gateway groups add-route "Platform" demo
gateway groups add-route "Platform" assistant
gateway groups add-route "Data Science" assistant
gateway groups add-route "Data Science" embeddings
gateway groups add-route "Interns" demo
gateway groups add-route "Interns" legacy-chat          # a route config.yaml no longer has
gateway keys create "Production App Key" --group "Platform"
gateway keys create "Staging App Key" --group "Platform"
gateway keys create "Jupyter Notebooks" --group "Data Science"
gateway keys create "CI Pipeline" --group "Platform" --group "Data Science"
gateway keys create "Intern Sandbox" --group "Interns"
gateway keys create "Legacy Batch Job"
gateway keys disable "Legacy Batch Job"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# shoot SCALE WIDTHxHEIGHT DIR: one walk through the app on a fresh X server of that size.
shoot() {
    local scale=$1 screen=$2 dir=$3
    mkdir -p "$dir"
    # Each walk creates a key; the next walk must not meet it as a duplicate name.
    "$cli" keys delete "Analytics Dashboard" > /dev/null 2>&1 || true
    PORTICO_SCREENSHOT_DIR=$dir PORTICO_SCREENSHOT_KEY="CI Pipeline" \
        PORTICO_SCREENSHOT_GROUP="Interns" QT_SCALE_FACTOR=$scale QT_QPA_PLATFORM=xcb \
        timeout 120 xvfb-run --auto-servernum --server-args="-screen 0 ${screen}x24" \
        "$app" --listen "127.0.0.1:$port"
}

shoot 1 1280x800 "$work/1x"
shoot 2 2560x1600 "$work/2x"

mkdir -p "$out"
cp "$work"/1x/*.png "$out"/
cp "$work/2x/keys-page.png" "$out/keys-page-200.png"
echo "screenshots: saved in $out:"
ls -1 "$out"
