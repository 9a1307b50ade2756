#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ and runs them.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]    fuzz each target for SECONDS (default 60), print exec counts
#   scripts/fuzz.sh --replay [TARGET...]     run every committed input of Fuzz/Corpus/<target> once (fast)
#
# Targets: FuzzDemangler FuzzELF FuzzDWARF FuzzCFI (default: all). New inputs found while fuzzing go to
# $FUZZ_SCRATCH/fuzz-corpus/<target> (not committed); crashes, hangs and out-of-memory inputs to
# $FUZZ_SCRATCH/fuzz-artifacts/. Exit status: 0 when every target ran clean, 1 otherwise.
# Environment: FUZZ_SCRATCH (build folder, default .build-fuzzer), FUZZ_FLAGS (extra libFuzzer flags).
set -uo pipefail
cd "$(dirname "$0")/.."

replay=0
seconds=60
targets=()
for argument in "$@"; do
    case "$argument" in
        --replay) replay=1 ;;
        ''|*[!0-9]*) targets+=("$argument") ;;
        *) seconds="$argument" ;;
    esac
done
if [ "${#targets[@]}" -eq 0 ]; then targets=(FuzzDemangler FuzzELF FuzzDWARF FuzzCFI); fi
scratch="${FUZZ_SCRATCH:-.build-fuzzer}"
root="$(pwd)"

start=$(date +%s)
# --sanitize=fuzzer instruments every target and links libFuzzer's main; -parse-as-library because the fuzz
# targets have no top-level code (see docs/fuzzing.md).
if ! (cd Fuzz && swift build -c release --sanitize=fuzzer -Xswiftc -parse-as-library \
        --scratch-path "$root/$scratch" 2>&1 | grep -E "error|warning: |Build" ); then
    echo "fuzz: build failed" >&2
    exit 1
fi
echo "fuzz: build took $(( $(date +%s) - start )) s"
binaries="$scratch/release"

# libFuzzer must see the crash signals first: Swift's backtracer would take them and leave no artifact.
export SWIFT_BACKTRACE=enable=no
status=0
summary=()
for target in "${targets[@]}"; do
    binary="$binaries/$target"
    corpus="Fuzz/Corpus/$target"
    if [ ! -x "$binary" ] || [ ! -d "$corpus" ]; then
        echo "fuzz: unknown target $target" >&2
        status=1
        continue
    fi
    log="$scratch/fuzz-$target.log"
    mkdir -p "$scratch/fuzz-artifacts"
    if [ "$replay" -eq 1 ]; then
        inputs=("$corpus"/*)
        "$binary" -timeout=10 -rss_limit_mb=2048 "${inputs[@]}" >"$log" 2>&1
        result=$?
        summary+=("$(printf '%-14s replayed %5d inputs  %s' "$target" "${#inputs[@]}" \
            "$([ $result -eq 0 ] && echo ok || echo "FAILED (exit $result, see $log)")")")
    else
        work="$scratch/fuzz-corpus/$target"
        mkdir -p "$work"
        # shellcheck disable=SC2086
        "$binary" -timeout=10 -rss_limit_mb=2048 -max_total_time="$seconds" -print_final_stats=1 \
            -artifact_prefix="$scratch/fuzz-artifacts/$target-" ${FUZZ_FLAGS:-} "$work" "$corpus" >"$log" 2>&1
        result=$?
        executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
        rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log")
        summary+=("$(printf '%-14s %10s execs in %4d s (%6s/s, peak rss %4s MiB)  %s' "$target" "${executed:-?}" \
            "$seconds" "${rate:-?}" "${rss:-?}" \
            "$([ $result -eq 0 ] && echo ok || echo "FAILED (exit $result, see $log)")")")
    fi
    if [ "$result" -ne 0 ]; then
        status=1
        grep -E "^==[0-9]+== ERROR|SUMMARY|Test unit written|    #[4-9] " "$log" | head -12 >&2
    fi
done
printf '%s\n' "${summary[@]}"
echo "fuzz: total $(( $(date +%s) - start )) s"
exit "$status"
