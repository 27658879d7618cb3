#!/usr/bin/env bash
# Fuzzes the gateway's input parsers with libFuzzer under AddressSanitizer and
# UndefinedBehaviorSanitizer (fuzz/README.md lists the targets).
# Usage: scripts/fuzz.sh TARGET[,TARGET...]|all SECONDS [JOBS]
#   TARGET   httpparser, authorization, requestvalidation, sseeventsplitter, upstreamusage,
#            upstreamresponse,
#            configyaml, or all; several run side by side, JOBS at a time (default: all at once)
#   SECONDS  how long each target runs
# Builds build-fuzz/ with clang (scripts/install-deps.sh --fuzz), starts each target from its
# seed corpus fuzz/corpus/TARGET and its regressions (never written to: new inputs go to
# build-fuzz/corpus/TARGET),
# and copies what it finds (crash-*, leak-*, timeout-*, oom-*) to fuzz/regressions/TARGET, which
# the replay test fuzz_replay_TARGET of the normal build then runs on every build. After a
# finding the target starts again for the time left, at most 5 times.
# PORTICO_FUZZ_OPTIONS adds libFuzzer options (e.g. -len_control=0 to try long inputs at once).
set -euo pipefail

all_targets=(httpparser authorization requestvalidation sseeventsplitter upstreamusage upstreamresponse configyaml)
if [[ $# -lt 2 || ! "$2" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 TARGET|all SECONDS [JOBS]  (targets: ${all_targets[*]})" >&2
    exit 2
fi
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir="${PORTICO_FUZZ_BUILD_DIR:-$source_dir/build-fuzz}"
seconds=$2
if [[ $1 == all ]]; then
    targets=("${all_targets[@]}")
else
    IFS=, read -ra targets <<<"$1"
    for target in "${targets[@]}"; do
        [[ " ${all_targets[*]} " == *" $target "* ]] || { echo "unknown target '$target'" >&2; exit 2; }
    done
fi
jobs=${3:-${#targets[@]}}

command -v clang++ >/dev/null || { echo "clang++ missing: scripts/install-deps.sh --fuzz" >&2; exit 1; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Debug (Q_ASSERT on) at -O1 with line tables only: fast enough to fuzz, stacks still readable.
# Everything of ours is instrumented for coverage (fuzzer-no-link) and checked by ASan and UBSan;
# the targets alone link libFuzzer's main (fuzz/CMakeLists.txt). Qt, yaml-cpp, OpenSSL and
# SQLite are Debian's: not instrumented, but their memory is ASan's (malloc is intercepted).
cmake -S "$source_dir" -B "$build_dir" -G Ninja "${launcher[@]}" \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only -DCMAKE_CXX_COMPILER=clang++ \
    -DPORTICO_FUZZ=ON -DBUILD_TESTING=OFF -DPORTICO_GUI=OFF -DPORTICO_WERROR=OFF \
    "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -O1" \
    "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" >/dev/null
cmake --build "$build_dir" --target "${targets[@]/#/fuzz_}" -j2 | tail -3

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES="*.debug=false"

# fuzz_one TARGET: runs it for $seconds (restarting after a finding), then prints one summary line.
fuzz_one() {
    local target=$1
    local work="$build_dir/fuzz-runs/$target"
    local scratch="$build_dir/corpus/$target"
    local regressions="$source_dir/fuzz/regressions/$target"
    mkdir -p "$work/artifacts" "$scratch" "$regressions"
    local options=(-timeout=25 -rss_limit_mb=2560 -print_final_stats=1 -max_len=16384)
    # shellcheck disable=SC2206 # split into options on purpose
    options+=(${PORTICO_FUZZ_OPTIONS:-})
    [[ -f "$source_dir/fuzz/dict/$target.dict" ]] && options+=("-dict=$source_dir/fuzz/dict/$target.dict")
    local end=$((SECONDS + seconds)) runs=0 execs=0 cov=0 ft=0 findings=0 log
    while ((SECONDS < end && runs < 6)); do
        runs=$((runs + 1))
        log="$work/run-$runs.log"
        # A finding ends the run with a non-zero status: that is what we are looking for.
        "$build_dir/fuzz/fuzz_$target" "${options[@]}" -max_total_time=$((end - SECONDS)) \
            -artifact_prefix="$work/artifacts/" "$scratch" "$source_dir/fuzz/corpus/$target" "$regressions" \
            >"$log" 2>&1 || true
        # After a finding libFuzzer prints its statistics twice: the last ones count.
        local ran
        ran=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
        execs=$((execs + ${ran:-0}))
        local last
        last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
        [[ $last =~ cov:\ ([0-9]+) ]] && ((BASH_REMATCH[1] > cov)) && cov=${BASH_REMATCH[1]}
        [[ $last =~ ft:\ ([0-9]+) ]] && ((BASH_REMATCH[1] > ft)) && ft=${BASH_REMATCH[1]}
        local found=0 artifact
        for artifact in "$work"/artifacts/{crash,leak,timeout,oom,slow-unit}-*; do
            [[ -e $artifact ]] || continue
            mv "$artifact" "$regressions/"
            echo "$target: finding $(basename "$artifact") (log: $log)"
            grep -m3 -E 'ERROR: |runtime error|fuzz property broken|SUMMARY' "$log" | sed 's/^/    /' || true
            found=1
            findings=$((findings + 1))
        done
        ((found)) || break
    done
    printf '%-18s %5ds  %12s execs  cov %6s  ft %7s  corpus %5s  findings %s\n' \
        "$target" "$seconds" "$execs" "$cov" "$ft" "$(ls "$scratch" | wc -l)" "$findings"
}

echo "Fuzzing ${targets[*]} for ${seconds}s each (logs: $build_dir/fuzz-runs/)"
summary="$build_dir/fuzz-runs/summary.txt"
mkdir -p "$build_dir/fuzz-runs"
: >"$summary"
running=0
for target in "${targets[@]}"; do
    fuzz_one "$target" >>"$summary" &
    running=$((running + 1))
    if ((running >= jobs)); then
        wait -n || true
        running=$((running - 1))
    fi
done
wait
cat "$summary"
