#!/usr/bin/env bash
# Portico benchmark harness: the gateway against the fake upstream, measured with wrk.
#
#   bench/run.sh [BUILD_DIR] [--duration 10s] [--connections 64] [--threads 2] [--workers N]
#                [--repeat N] [--keep]
#
# Builds nothing: BUILD_DIR (default: build/ in the source tree) must hold a built
# app/portico-gateway/portico-gateway (a Release build gives meaningful numbers). Everything runs
# on 127.0.0.1 and stops when the script ends. See bench/README.md for how to read the output.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_DIR=$(dirname "$BENCH_DIR")

build_dir="$SOURCE_DIR/build"
duration=10s
latency_duration=5s
connections=64
threads=2
workers=""
repeats=1
keep=0

usage() {
    sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
    case "$1" in
    --duration) duration=${2:?--duration needs a value such as 10s}; shift 2 ;;
    --connections) connections=${2:?--connections needs a number}; shift 2 ;;
    --threads) threads=${2:?--threads needs a number}; shift 2 ;;
    --workers) workers=${2:?--workers needs a number}; shift 2 ;;
    --repeat) repeats=${2:?--repeat needs a number}; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "run.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    *) build_dir=$1; shift ;;
    esac
done

gateway_bin="$build_dir/app/portico-gateway/portico-gateway"
fake_script="$SOURCE_DIR/tests/fixtures/fake_upstream.py"
if [ ! -x "$gateway_bin" ]; then
    echo "run.sh: no gateway binary at $gateway_bin: build it first, for example" >&2
    echo "  cmake -S $SOURCE_DIR -B $build_dir -G Ninja -DCMAKE_BUILD_TYPE=Release" \
        "-DPORTICO_GUI=OFF -DBUILD_TESTING=OFF && cmake --build $build_dir --target portico-gateway" >&2
    exit 2
fi
for tool in wrk python3 curl; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed (apt-get install $tool)" >&2; exit 2; }
done

# Everything the run creates (store, key, logs) is private to this user.
umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/portico-bench.XXXXXX")
mkdir "$work/phases"
fake_pid=""
gateway_pid=""
sampler_pid=""

stop_pid() { # pid, seconds to wait after SIGTERM before SIGKILL
    local pid=$1 wait_tenths=$(($2 * 10))
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && [ "$wait_tenths" -gt 0 ]; do
        sleep 0.1
        wait_tenths=$((wait_tenths - 1))
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    stop_pid "$sampler_pid" 1
    stop_pid "$gateway_pid" 15
    stop_pid "$fake_pid" 5
    if [ "$keep" = 1 ] || [ "$status" != 0 ]; then
        # The key file goes even when the logs stay.
        rm -f "$work/key" "$work/auth-header"
        echo "run.sh: logs kept in $work" >&2
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
    echo "run.sh: $*" >&2
    exit 1
}

gw() {
    "$gateway_bin" --db "$work/store.db" --config "$work/config.yaml" "$@"
}

# Waits until FILE has a line matching REGEX; prints the line. Fails after SECONDS or when PID ends.
wait_for_line() {
    local file=$1 regex=$2 pid=$4 tenths=$(($3 * 10)) line
    while [ "$tenths" -gt 0 ]; do
        line=$(grep -m1 -E "$regex" "$file" 2>/dev/null || true)
        [ -n "$line" ] && { echo "$line"; return 0; }
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
        tenths=$((tenths - 1))
    done
    return 1
}

status_field() { # pid, field of /proc/PID/status (value in kB or a count)
    awk -v field="$2:" '$1 == field { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

cpu_ticks() { # utime + stime of every thread of pid, in clock ticks
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    # Fields after "pid (comm) ": the command name may hold spaces, so cut at the last ')'.
    echo "${stat##*) }" | awk '{ print $12 + $13 }'
}

# One line per thread of pid: "tid cpu-ticks name runqueue-wait-ns". The wait (schedstat's second
# field) tells a gateway that waits for a CPU on a busy machine from one that waits for work.
thread_ticks() {
    local task stat name wait
    for task in /proc/"$1"/task/*; do
        stat=$(cat "$task/stat" 2>/dev/null) || continue
        wait=$(cut -d' ' -f2 "$task/schedstat" 2>/dev/null) || wait=0
        name=${stat#*(}
        name=${name%)*}
        echo "${task##*/} $(echo "${stat##*) }" | awk '{ print $12 + $13 }') ${name// /_} ${wait:-0}"
    done
}

clock_ticks=$(getconf CLK_TCK)

# --- fake upstream -----------------------------------------------------------------------------
python3 "$fake_script" --port 0 >"$work/fake.out" 2>"$work/fake.err" &
fake_pid=$!
fake_line=$(wait_for_line "$work/fake.out" '^PORT [0-9]+$' 10 "$fake_pid") ||
    die "the fake upstream did not start (see $work/fake.err)"
fake_port=${fake_line#PORT }
fake_url="http://127.0.0.1:$fake_port"

# --- config, store, group, key -------------------------------------------------------------------
cat >"$work/config.yaml" <<EOF
chat_models:
  - model_id: demo
    model: mock/echo
  - model_id: fake-chat
    model: openai/fake-chat
    credentials:
      base_url: $fake_url/v1
routes:
  demo:
    chat_models: [demo]
  upstream:
    chat_models: [fake-chat]
EOF

gw groups create bench >"$work/cli.log" 2>&1 || die "groups create failed: $(cat "$work/cli.log")"
gw groups add-route bench demo >>"$work/cli.log" 2>&1 || die "groups add-route failed"
gw groups add-route bench upstream >>"$work/cli.log" 2>&1 || die "groups add-route failed"
# stdout is the key alone: straight into a private file, never through the terminal.
gw keys create bench-key --group bench >"$work/key" 2>>"$work/cli.log" || die "keys create failed"
grep -qE '^ptc_[0-9A-Za-z]{36}$' "$work/key" || die "keys create did not print a key"
printf 'Authorization: Bearer %s\n' "$(cat "$work/key")" >"$work/auth-header"

# --- gateway -------------------------------------------------------------------------------------
serve_args=(serve --listen 127.0.0.1:0)
[ -n "$workers" ] && serve_args+=(--workers "$workers")
# The binary itself, not the gw function: a function in the background is a subshell, and its pid
# would be the one measured and signalled.
"$gateway_bin" --db "$work/store.db" --config "$work/config.yaml" "${serve_args[@]}" \
    >"$work/gateway.out" 2>"$work/gateway.err" &
gateway_pid=$!
listen_line=$(wait_for_line "$work/gateway.err" 'listening on http://' 20 "$gateway_pid") ||
    die "the gateway did not start: $(tail -5 "$work/gateway.err")"
gateway_url=$(echo "$listen_line" | sed -E 's#.*listening on (http://[^ ]+).*#\1#')

# One request of each kind first: a harness that measures error answers measures nothing.
preflight() { # label, method, url, model or "", use key (0/1)
    local label=$1 method=$2 url=$3 model=$4 with_key=$5 code
    local args=(-s -o "$work/preflight.body" -w '%{http_code}' -X "$method" --max-time 10)
    [ "$with_key" = 1 ] && args+=(-H "@$work/auth-header")
    [ -n "$model" ] && args+=(-H 'Content-Type: application/json'
        -d "{\"model\":\"$model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello!\"}]}")
    code=$(curl "${args[@]}" "$url") || code="no answer"
    if [ "$code" != 200 ]; then
        die "preflight $label: $method $url answered $code: $(head -c 400 "$work/preflight.body")"
    fi
}
tenths=100
until curl -s -o /dev/null --max-time 2 "$gateway_url/health"; do
    tenths=$((tenths - 1))
    [ "$tenths" -gt 0 ] || die "the gateway does not answer GET /health"
    sleep 0.1
done
preflight baseline POST "$fake_url/v1/chat/completions" fake-chat 0
preflight upstream POST "$gateway_url/v1/chat/completions" upstream 1
preflight demo POST "$gateway_url/v1/chat/completions" demo 1
preflight health GET "$gateway_url/health" "" 0
preflight_per_route=1 # one upstream and one demo chat

sleep 1
rest_rss=$(status_field "$gateway_pid" VmRSS)
rest_hwm=$(status_field "$gateway_pid" VmHWM)
rest_threads=$(status_field "$gateway_pid" Threads)

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "Portico benchmark: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nproc) CPU(s), load average" \
    "$load_start"
echo "gateway: $gateway_bin (pid $gateway_pid, $gateway_url)"
echo "fake upstream: $fake_url (pid $fake_pid, single-threaded Python)"
echo "wrk: -t$threads -c$connections -d$duration (throughput), -t1 -c1 -d$latency_duration (latency)"
echo "gateway at rest after start: VmRSS $rest_rss kB, VmHWM $rest_hwm kB, $rest_threads threads"
echo

# --- phases ----------------------------------------------------------------------------------------
phase_number=0
run_phase() { # name, label, wrk threads, wrk connections, duration, method, url, model, key (0/1)
    local name=$1 label=$2 t=$3 c=$4 d=$5 method=$6 url=$7 model=$8 with_key=$9
    phase_number=$((phase_number + 1))
    local dir
    dir="$work/phases/$(printf '%02d' "$phase_number")-$name"
    mkdir "$dir"
    kill -0 "$gateway_pid" 2>/dev/null || die "the gateway is gone before phase $name (crashed?)"
    curl -s -o /dev/null -X POST "$fake_url/_reset" || true

    local gw_ticks0 fake_ticks0 gw_ticks1 fake_ticks1
    gw_ticks0=$(cpu_ticks "$gateway_pid")
    thread_ticks "$gateway_pid" >"$dir/threads.before"
    fake_ticks0=$(cpu_ticks "$fake_pid")
    (
        while kill -0 "$gateway_pid" 2>/dev/null; do
            status_field "$gateway_pid" VmRSS >>"$dir/rss.samples"
            sleep 0.5
        done
    ) &
    sampler_pid=$!

    echo "[$phase_number] $label: wrk -t$t -c$c -d$d $method $url" >&2
    local key_file=""
    [ "$with_key" = 1 ] && key_file="$work/key"
    BENCH_METHOD=$method BENCH_MODEL=$model BENCH_KEY_FILE=$key_file \
        wrk -t"$t" -c"$c" -d"$d" --timeout 5s -s "$BENCH_DIR/request.lua" "$url" \
        >"$dir/wrk.out" 2>&1 || echo "wrk failed: $(tail -3 "$dir/wrk.out")" >&2
    # The last sample is taken under load: before the sampler stops, not after a pause.
    status_field "$gateway_pid" VmRSS >>"$dir/rss.samples"
    stop_pid "$sampler_pid" 1
    sampler_pid=""
    gw_ticks1=$(cpu_ticks "$gateway_pid")
    thread_ticks "$gateway_pid" >"$dir/threads.after"
    fake_ticks1=$(cpu_ticks "$fake_pid")

    local upstream_calls upstream_connections upstream_stats
    # Calls and TCP connections: whether the gateway keeps its upstream connections alive.
    upstream_stats=$(curl -s "$fake_url/_stats" | python3 -c 'import json, sys
stats = json.load(sys.stdin)
print(stats["requests"], stats["connections"])' 2>/dev/null || echo "? ?")
    read -r upstream_calls upstream_connections <<<"$upstream_stats"
    {
        echo "name=$name"
        echo "label=$label"
        echo "threads=$t"
        echo "connections=$c"
        echo "via_gateway=$([ "$url" = "${url#"$gateway_url"}" ] && echo 0 || echo 1)"
        echo "gateway_cpu_s=$(awk -v a="$gw_ticks0" -v b="$gw_ticks1" -v hz="$clock_ticks" 'BEGIN { printf "%.2f", (b - a) / hz }')"
        echo "fake_cpu_s=$(awk -v a="$fake_ticks0" -v b="$fake_ticks1" -v hz="$clock_ticks" 'BEGIN { printf "%.2f", (b - a) / hz }')"
        echo "rss_peak_kb=$(sort -n "$dir/rss.samples" | tail -1)"
        echo "rss_end_kb=$(tail -1 "$dir/rss.samples")"
        # The busiest thread: one thread near 100% while the process is well below its cores'
        # worth means that thread is the bottleneck.
        echo "busiest_thread=$(awk -v hz="$clock_ticks" 'NR == FNR { before[$1] = $2; next }
            { used = ($2 - before[$1]) / hz; if (used > best) { best = used; name = $3 } }
            END { printf "%s %.2f", name, best }' "$dir/threads.before" "$dir/threads.after")"
        echo "gateway_runqueue_wait_s=$(awk 'NR == FNR { before[$1] = $4; next }
            { total += $4 - before[$1] } END { printf "%.2f", total / 1e9 }' \
            "$dir/threads.before" "$dir/threads.after")"
        echo "upstream_calls=$upstream_calls"
        echo "upstream_connections=$upstream_connections"
        echo "alive_after=$(kill -0 "$gateway_pid" 2>/dev/null && echo 1 || echo 0)"
    } >"$dir/meta.env"
    grep -m1 '^BENCH_RESULT ' "$dir/wrk.out" | cut -d' ' -f2- >"$dir/wrk.json" || true
    sleep 2 # let the connections close before the next phase
}

run_phase baseline-c1 "fake upstream direct, 1 connection" 1 1 "$latency_duration" \
    POST "$fake_url/v1/chat/completions" fake-chat 0
run_phase upstream-c1 "gateway -> fake upstream, 1 connection" 1 1 "$latency_duration" \
    POST "$gateway_url/v1/chat/completions" upstream 1
run_phase baseline "fake upstream direct" "$threads" "$connections" "$duration" \
    POST "$fake_url/v1/chat/completions" fake-chat 0
run_phase upstream "gateway -> fake upstream" "$threads" "$connections" "$duration" \
    POST "$gateway_url/v1/chat/completions" upstream 1
run_phase demo "gateway, demo route (mock/echo)" "$threads" "$connections" "$duration" \
    POST "$gateway_url/v1/chat/completions" demo 1
run_phase health "gateway, GET /health" "$threads" "$connections" "$duration" \
    GET "$gateway_url/health" "" 0
# The demo run again: RSS that still grows on runs the process has already done hints at a leak.
for repeat in $(seq "$repeats"); do
    run_phase "demo-again-$repeat" "gateway, demo route again ($repeat)" "$threads" \
        "$connections" "$duration" POST "$gateway_url/v1/chat/completions" demo 1
done

sleep 2
after_rss=$(status_field "$gateway_pid" VmRSS)
after_hwm=$(status_field "$gateway_pid" VmHWM)
after_threads=$(status_field "$gateway_pid" Threads)
after_fds=$(find "/proc/$gateway_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)

# --- stop (flushes the usage rows), then count them ----------------------------------------------
gateway_alive=1
kill -0 "$gateway_pid" 2>/dev/null || gateway_alive=0
kill -TERM "$gateway_pid" 2>/dev/null || true
gateway_exit=""
for _ in $(seq 150); do
    if ! kill -0 "$gateway_pid" 2>/dev/null; then
        gateway_exit=0
        wait "$gateway_pid" || gateway_exit=$?
        break
    fi
    sleep 0.1
done
[ -z "$gateway_exit" ] && gateway_exit="still running 15 s after SIGTERM"
gateway_pid=""

for route in demo upstream; do
    gw usage --json --route "$route" >"$work/usage-$route.json" 2>>"$work/cli.log" ||
        echo '{}' >"$work/usage-$route.json"
done

{
    echo "rest_rss_kb=$rest_rss"
    echo "rest_hwm_kb=$rest_hwm"
    echo "rest_threads=$rest_threads"
    echo "after_rss_kb=$after_rss"
    echo "after_hwm_kb=$after_hwm"
    echo "after_threads=$after_threads"
    echo "after_fds=$after_fds"
    echo "gateway_alive=$gateway_alive"
    echo "gateway_exit=$gateway_exit"
    echo "preflight_per_route=$preflight_per_route"
    echo "gateway_log_lines=$(wc -l <"$work/gateway.err")"
    echo "load_start=$load_start"
    echo "load_end=$(cut -d' ' -f1-3 /proc/loadavg)"
    echo "cpus=$(nproc)"
} >"$work/run.env"

python3 "$BENCH_DIR/report.py" "$work"
