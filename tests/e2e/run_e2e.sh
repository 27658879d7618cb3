#!/usr/bin/env bash
# Starts `portico-gateway serve` on a free port with a temporary store and config, creates a key
# with the CLI and runs the OpenAI-client tests against it. The key is passed in the environment
# and never printed.
# Usage: run_e2e.sh PORTICO_GATEWAY_BINARY NODE_DIR (where npm installed the openai package)
set -euo pipefail

cli=$1
node_dir=$2
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d)
serve_pid=""
cleanup() {
    if [[ -n $serve_pid ]] && kill -0 "$serve_pid" 2>/dev/null; then
        kill -TERM "$serve_pid"
        wait "$serve_pid" || true
    fi
    # The gateway's log (JSON lines on stderr) is kept for test_logscan, which checks after the
    # whole suite that no log contains a key.
    if [[ -n ${PORTICO_TEST_LOG_DIR:-} && -f $work/serve.log ]]; then
        mkdir -p "$PORTICO_TEST_LOG_DIR" &&
            cp "$work/serve.log" "$PORTICO_TEST_LOG_DIR/e2e_openai_client.serve.log" ||
            echo "could not keep the gateway log in $PORTICO_TEST_LOG_DIR" >&2
    fi
    rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/config.yaml" <<'YAML'
chat_models:
  - model_id: echo
    model: mock/echo
  # A dollar per completion token, for the budget test.
  - model_id: priced-echo
    model: mock/echo
    output_cost_per_million_tokens: 1000000
embedding_models:
  - model_id: echo-embed
    model: mock/echo
routes:
  demo:
    chat_models: [echo]
    embedding_models: [echo-embed]
  limited:
    chat_models: [echo]
    rate_limiting: { algorithm: fixed_window, window_size: 1 hour, max_requests: 1 }
  secret:
    chat_models: [echo]
  priced:
    chat_models: [priced-echo]
YAML

gw() { "$cli" "$@" --db "$work/portico.db" --config "$work/config.yaml"; }

gw groups create e2e > /dev/null
gw groups add-route e2e demo > /dev/null
gw groups add-route e2e limited > /dev/null
key=$(gw keys create "e2e key" --group e2e)
[[ $key == ptc_* ]] || { echo "keys create did not print a key" >&2; exit 1; }
# Keys with limits of their own (issue 10): one request a minute; a budget of 1 USD a day.
gw groups add-route e2e priced > /dev/null
rpm_key=$(gw keys create "e2e rpm key" --group e2e)
gw keys set-limits "e2e rpm key" --rpm 1 --tpm 100000 > /dev/null
budget_key=$(gw keys create "e2e budget key" --group e2e)
gw keys set-limits "e2e budget key" --budget 1 --budget-period day > /dev/null

# Not through gw(): $! must be the gateway itself, not a subshell, for the TERM at the end.
"$cli" serve --listen 127.0.0.1:0 --db "$work/portico.db" --config "$work/config.yaml" \
    2> "$work/serve.log" &
serve_pid=$!
port=""
for _ in $(seq 1 200); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$work/serve.log" | head -n1)
    [[ -n $port ]] && break
    kill -0 "$serve_pid" 2>/dev/null || break
    sleep 0.05
done
if [[ -z $port ]]; then
    echo "portico-gateway serve did not start:" >&2
    cat "$work/serve.log" >&2
    exit 1
fi

cp "$here/openai_client.test.mjs" "$node_dir/"
status=0
PORTICO_BASE_URL="http://127.0.0.1:$port/v1" PORTICO_KEY="$key" PORTICO_RPM_KEY="$rpm_key" \
    PORTICO_BUDGET_KEY="$budget_key" \
    node --test "$node_dir/openai_client.test.mjs" || status=$?
if [[ $status -ne 0 ]]; then
    echo "--- serve log ---" >&2
    cat "$work/serve.log" >&2
fi
exit $status
