#!/usr/bin/env bash
# Crash-to-dump latency of swift-faulthandler vs Swift's runtime backtracer vs no reporter, on one release-built
# fixture binary, interleaved in one run. Prints a Markdown report: the machine, then the table.
#
#   scripts/compare.sh [--runs N] [--threads N] [--settle-ms N] [--benchmarks]
#
#   --runs N        runs per reporter and scenario (default 30; at least 20 for the published table)
#   --threads N     threads alive in the many-threads scenario (default 100; 0 skips it)
#   --settle-ms N   also crash N ms after start, when symbol preparation has had time to finish (default 300; 0 skips)
#   --benchmarks    afterwards, also run the package-benchmark suite (swift package benchmark)
#
# Environment: SCRATCH is the build folder (default Benchmarks/.build). Exits non-zero if a run's output check
# fails (a reporter printed nothing, or the wrong report, or the process did not die by SIGSEGV).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="${SCRATCH:-$root/Benchmarks/.build}"
runs=30 threads=100 settle=300 benchmarks=no
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --settle-ms) settle="$2"; shift 2 ;;
        --benchmarks) benchmarks=yes; shift ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

build() {
    swift build -c release --package-path "$root/Benchmarks" --scratch-path "$scratch" --product "$1" >&2
}
build CrashLatencyFixture
build CrashLatency
bin="$(swift build -c release --package-path "$root/Benchmarks" --scratch-path "$scratch" --show-bin-path)"

cpu="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
swift_version="$(swift --version 2>/dev/null | sed -n 1p)"
glibc="$(ldd --version | sed -n '1s/.* //p')"
os="$(. /etc/os-release && echo "$PRETTY_NAME")"

echo "### Crash-to-dump latency"
echo
echo "Machine: $(nproc) cores, $cpu; $os, kernel $(uname -r), glibc $glibc; $swift_version."
echo "Date: $(date -u +%Y-%m-%d). Fixture: release build, bad pointer dereference under 20 Swift frames;"
echo "standard error to a file. *start → exit*: posix_spawn to waitpid; *fault → exit*: the fixture's clock reading"
echo "just before the fault to waitpid (the dump alone, plus the kernel's process teardown); *CPU*: user + system"
echo "time of the process and of the helper it waits for (swift-backtrace)."
echo
"$bin/CrashLatency" --fixture "$bin/CrashLatencyFixture" --runs "$runs" --threads "$threads" --settle-ms "$settle"

if [ "$benchmarks" = yes ]; then
    echo
    echo "### package-benchmark suite"
    echo
    echo '```'
    swift package --package-path "$root/Benchmarks" --scratch-path "$scratch" benchmark --no-progress 2>&1 \
        | sed -n '/^FaultBenchmarks/,$p' | grep -v '^[├╒╘╞]'
    echo '```'
fi
