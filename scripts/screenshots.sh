#!/usr/bin/env bash
# Takes the README's screenshots from the real desktop app: starts portico-screenshots (the
# desktop app plus a walk through the documented states, tools/screenshots/screenshotwalker.h)
# under Xvfb on a temporary store seeded with the real `portico-gateway` command line, sends a few
# dozen real requests through the app's embedded gateway (answered, streamed, refused, failed
# upstream; a rotated key's old secret), and saves PNGs into docs/screenshots/: every state at
# 1280x800, and the keys page again at 200% scaling. Needs python3 (standard library only) for the requests.
#
# Usage: scripts/screenshots.sh [BUILD_DIR]      (default: build; build it first)
# SCREENSHOTS_LANG=de_DE.UTF-8 takes them in another language (the app follows the system locale;
# default en_US.UTF-8), SCREENSHOTS_OUT=DIR saves them elsewhere (default docs/screenshots).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
out=${SCREENSHOTS_OUT:-$root/docs/screenshots}
cli=$build/app/portico-gateway/portico-gateway
app=$build/tools/screenshots/portico-screenshots

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
# English text and dates, whatever the machine's language, unless another one is asked for.
unset LC_ALL LC_MESSAGES LANGUAGE
export LANG=${SCREENSHOTS_LANG:-en_US.UTF-8}

cat > "$PORTICO_CONFIG" << 'YAML'
chat_models:
  - model_id: demo
    model: mock/echo
    # Priced like a hosted model, so the cost figures and charts have something to show.
    input_cost_per_million_tokens: 2.50
    output_cost_per_million_tokens: 10.00
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
# The keys the requests below use go to files only this user can read, never to the terminal.
mkdir -m 700 "$work/keys"
create_key() {
    local name=$1
    shift
    if ! "$cli" keys create "$name" "$@" > "$work/keys/$name" 2> "$work/gateway.log"; then
        cat "$work/gateway.log" >&2
        return 1
    fi
}
create_key "Production App Key" --group "Platform"
create_key "Staging App Key" --group "Platform" --expires 90d
create_key "Jupyter Notebooks" --group "Data Science"
create_key "CI Pipeline" --group "Platform" --group "Data Science"
create_key "Intern Sandbox" --group "Interns" --expires 3d   # flagged: expires within 7 days
create_key "Contractor Trial" --group "Interns" --expires 5s # expired when the window shows it
create_key "Legacy Batch Job"
gateway keys disable "Legacy Batch Job"
# "CI Pipeline" has been rotated with a day's grace: the requests below use both secrets, so the
# detail panel shows who has not switched yet. Then its limits and allowed addresses (loopback
# included, where the requests come from).
mv "$work/keys/CI Pipeline" "$work/keys/CI Pipeline (old secret)"
if ! "$cli" keys rotate "CI Pipeline" --grace 24h --json > "$work/keys/rotated.json" \
    2> "$work/gateway.log"; then
    cat "$work/gateway.log" >&2
    exit 1
fi
python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["key"])' \
    "$work/keys/rotated.json" > "$work/keys/CI Pipeline"
rm "$work/keys/rotated.json"
gateway keys set-limits "CI Pipeline" --rpm 60 --tpm 4000 --max-parallel 4 --budget 0.05 \
    --budget-period day
gateway keys set-allowed-ips "CI Pipeline" 127.0.0.1,10.0.0.0/8,192.168.10.0/24
create_key "Prototype Bot" --group "Platform"           # deleted once its requests are in

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# send_requests DONE_FILE: a few dozen requests through the embedded gateway, in a shuffled but
# fixed order: answered and streamed ones on the demo route, refused ones (no key, a disabled key,
# invented keys, a route no group of the key grants, a route config.yaml lacks) and ones whose
# upstream is unreachable. Then deletes "Prototype Bot" (its history stays) and writes the number
# of requests to DONE_FILE, which the walk waits for.
send_requests() {
    local done_file=$1
    python3 - "$port" "$work/keys" "$work/sent" << 'PY' || return 1
import collections, json, pathlib, random, sys, time, urllib.error, urllib.request, zlib

port, key_dir, sent_file = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
base = f"http://127.0.0.1:{port}"
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy

deadline = time.monotonic() + 60
while True:
    try:
        with opener.open(base + "/health", timeout=2) as reply:
            if reply.status == 200:
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit("screenshots: the embedded gateway did not answer /health")
    time.sleep(0.2)

keys = {path.name: path.read_text().strip() for path in key_dir.iterdir()}
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def invented_key(valid_checksum):
    """A well-formed key nobody created; with a wrong checksum when asked."""
    body = "".join(random.SystemRandom().choice(ALPHABET) for _ in range(30))
    crc, digits = zlib.crc32(body.encode()), ""
    for _ in range(6):
        crc, digit = divmod(crc, 62)
        digits = ALPHABET[digit] + digits
    if not valid_checksum:
        digits = digits[:-1] + ALPHABET[(ALPHABET.index(digits[-1]) + 1) % 62]
    return "ptc_" + body + digits


SYSTEM = ("You are the support assistant of an online shop. Answer in plain English, in at most "
          "three short paragraphs, and say so when you do not know.")
PROMPTS = [
    "Summarise the release notes of version 2.4 in three bullet points for the sales team.",
    "Write a polite reply to a customer whose parcel arrived two days late.",
    "Which of our plans includes priority support, and how much does it cost per month?",
    "Translate 'Your order has shipped' into Italian, German and French.",
    "Explain the difference between a refund and a store credit in two sentences.",
    "Draft a short product description for a waterproof hiking backpack with a 30 litre volume.",
    "List five questions to ask a customer who reports that the checkout page keeps loading.",
    "Rewrite this sentence so it sounds friendlier: we cannot process your request at this time.",
]


def chat(key, route, stream=False):
    body = {"model": route, "messages": [{"role": "system", "content": SYSTEM},
                                         {"role": "user", "content": random.choice(PROMPTS)}]}
    if stream:
        body.update(stream=True, stream_options={"include_usage": True})
    return ("/v1/chat/completions", key, body)


def embed(key):
    return ("/v1/embeddings", key, {"model": "embeddings", "input": random.sample(PROMPTS, 2)})


random.seed(20240611)
plan = []
plan += [chat("Production App Key", "demo") for _ in range(9)]
plan += [chat("Production App Key", "demo", stream=True) for _ in range(3)]
plan += [chat("Production App Key", "assistant") for _ in range(2)]       # upstream unreachable
plan += [chat("Staging App Key", "demo") for _ in range(5)]
plan += [chat("Staging App Key", "demo", stream=True)]
plan += [chat("CI Pipeline", "demo") for _ in range(6)]
plan += [chat("CI Pipeline", "demo", stream=True) for _ in range(2)]
plan += [chat("CI Pipeline", "assistant"), embed("CI Pipeline")]          # upstream unreachable
plan += [chat("CI Pipeline", "gpt-4o")]                                   # no such route
plan += [chat("CI Pipeline (old secret)", "demo") for _ in range(4)]       # not switched yet
plan += [embed("Jupyter Notebooks") for _ in range(3)]                    # upstream unreachable
plan += [chat("Jupyter Notebooks", "demo") for _ in range(2)]             # no group grants it
plan += [chat("Intern Sandbox", "demo") for _ in range(4)]
plan += [chat("Intern Sandbox", "demo", stream=True)]
plan += [chat("Intern Sandbox", "assistant") for _ in range(2)]           # no group grants it
plan += [chat("Intern Sandbox", "legacy-chat")]                           # missing from config
plan += [chat("Prototype Bot", "demo") for _ in range(4)]
plan += [chat("Legacy Batch Job", "demo") for _ in range(2)]              # disabled key
plan += [chat(None, "demo") for _ in range(2)]                            # no key at all
plan += [chat("<unknown>", "demo"), chat("<bad checksum>", "demo")]
random.shuffle(plan)
# Last, so the detail panel's "this minute" bars still count them when the walk starts.
plan += [chat("CI Pipeline", "demo") for _ in range(8)]

statuses = collections.Counter()
for path, key_name, body in plan:
    headers = {"Content-Type": "application/json"}
    if key_name == "<unknown>":
        headers["Authorization"] = "Bearer " + invented_key(True)
    elif key_name == "<bad checksum>":
        headers["Authorization"] = "Bearer " + invented_key(False)
    elif key_name:
        headers["Authorization"] = "Bearer " + keys[key_name]
    request = urllib.request.Request(base + path, json.dumps(body).encode(), headers)
    try:
        with opener.open(request, timeout=30) as reply:
            reply.read()  # a stream is read to its end, event by event
            statuses[reply.status] += 1
    except urllib.error.HTTPError as error:
        error.read()
        statuses[error.code] += 1
    time.sleep(random.uniform(0.02, 0.15))

print("screenshots: sent %d requests: %s" % (
    len(plan), ", ".join(f"{count} x {status}" for status, count in sorted(statuses.items()))))
if not statuses[200]:
    sys.exit("screenshots: no request was answered")
sent_file.write_text(f"{len(plan)}\n")
PY
    gateway keys delete "Prototype Bot" || return 1
    mv "$work/sent" "$done_file"
}

# shoot SCALE WIDTHxHEIGHT DIR [TRAFFIC]: one walk through the app on a fresh X server of that
# size; with TRAFFIC, the requests are sent first and the walk waits for them (TRAFFIC is the
# file that says they are done).
shoot() {
    local scale=$1 screen=$2 dir=$3 traffic=${4:-}
    mkdir -p "$dir"
    # Each walk creates a key; the next walk must not meet it as a duplicate name.
    "$cli" keys delete "Analytics Dashboard" > /dev/null 2>&1 || true
    PORTICO_SCREENSHOT_DIR=$dir PORTICO_SCREENSHOT_KEY="CI Pipeline" \
        PORTICO_SCREENSHOT_GROUP="Interns" PORTICO_SCREENSHOT_TRAFFIC=$traffic \
        QT_SCALE_FACTOR=$scale QT_QPA_PLATFORM=xcb \
        timeout 180 xvfb-run --auto-servernum --server-args="-screen 0 ${screen}x24" \
        "$app" --listen "127.0.0.1:$port" &
    local walk=$!
    if [[ -n $traffic ]] && ! send_requests "$traffic"; then
        kill "$walk" 2> /dev/null || true
        wait "$walk" || true
        return 1
    fi
    wait "$walk"
}

shoot 1 1280x800 "$work/1x" "$work/traffic-done"
shoot 2 2560x1600 "$work/2x"
# The first run: the same app and config on a store of its own, still empty, so the Keys page
# opens with the welcome; the walk creates the first group and key there and sends the test
# request through the embedded gateway.
mkdir -p "$work/firstrun"
PORTICO_DB=$work/firstrun.db PORTICO_SCREENSHOT_DIR=$work/firstrun PORTICO_SCREENSHOT_WALK=firstrun \
    QT_QPA_PLATFORM=xcb \
    timeout 180 xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24" \
    "$app" --listen "127.0.0.1:$port"

mkdir -p "$out"
cp "$work"/1x/*.png "$work"/firstrun/*.png "$out"/
cp "$work/2x/keys-page.png" "$out/keys-page-200.png"
echo "screenshots: saved in $out:"
ls -1 "$out"
