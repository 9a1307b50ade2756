#!/usr/bin/env bash
# Runs the unit tests under ThreadSanitizer and AddressSanitizer, each with its own scratch path, and prints how
# long each took. The in-process unit tests run (FaultCoreTests, FaultSymbolsTests, FaultDemanglingTests and the
# public-API tests); the crash tests are left out: their fixtures die by signals on purpose, which the sanitizer
# runtimes report as their own errors, and under a sanitizer the library does not interpose pthread_create and
# dlopen (the runtimes do), so the per-thread alternate stacks those tests check are absent. The integration
# tests also link programs with plain swiftc, which cannot link sanitizer-instrumented objects.
#
# Usage: scripts/sanitizers.sh [thread|address]...   (both by default)
# Exit status: non-zero if any run failed.
set -uo pipefail
cd "$(dirname "$0")/.."

sanitizers=("$@")
[ "${#sanitizers[@]}" -eq 0 ] && sanitizers=(thread address)

# Swift's own crash reporter would take the fixtures' signals first.
export SWIFT_BACKTRACE=enable=no
# Tests comparing with oracles the sanitizer runtimes intercept (backtrace, qsort, signal delivery) skip themselves.
export FAULTHANDLER_SANITIZER=1
status=0
for sanitizer in "${sanitizers[@]}"; do
    scratch=".build-${sanitizer}-sanitizer"
    log="/tmp/faulthandler-sanitizer-${sanitizer}.log"
    start=$(date +%s)
    case "$sanitizer" in
        thread) env=() ;;
        # XCTest leaks a few bytes at exit in every run; leaks are not what this run looks for.
        address) env=(ASAN_OPTIONS=detect_leaks=0) ;;
        *) echo "unknown sanitizer $sanitizer" >&2; exit 2 ;;
    esac
    env "${env[@]}" swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" >"$log" 2>&1
    built=$?
    build_seconds=$(( $(date +%s) - start ))
    if [ "$built" -ne 0 ]; then
        echo "$sanitizer: build failed after ${build_seconds}s (see $log)"
        tail -n 20 "$log"
        status=1
        continue
    fi
    env "${env[@]}" swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" \
        --filter 'FaultCoreTests|FaultSymbolsTests|FaultDemanglingTests|APITests' >>"$log" 2>&1
    tested=$?
    total=$(( $(date +%s) - start ))
    reports=$(grep -c -E "^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: AddressSanitizer)" "$log")
    echo "$sanitizer: exit $tested, ${reports} sanitizer reports, build ${build_seconds}s, total ${total}s (log: $log)"
    grep -E "^(✔|✘) Test run|Executed [0-9]+ tests" "$log" | tail -n 2
    grep -A 12 -E "^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: AddressSanitizer)" "$log" | head -n 60
    [ "$tested" -ne 0 ] && status=1
done
exit "$status"
