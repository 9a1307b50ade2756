#!/usr/bin/env bash
# Symbolication on a small and on a large binary: enable() latency on the caller, background preparation time,
# resident memory, dump latency once prepared (per frame, 20 vs 100 frames, with inlined frames), mallocs at
# dump time, and a crash while preparation is still running. Prints a Markdown report: the machine, the two
# binaries, then the tables of Benchmarks/Sources/SymbolicationBench.
#
#   scripts/large-binary-bench.sh [--c-functions N] [--swift-types N] [--enable-runs N] [--measure-runs N]
#                                 [--crash-runs N] [--iterations N]
#
#   --c-functions N   generated C functions in the large binary (default 18000: about 60 MB of DWARF)
#   --swift-types N   generated Swift types in the large binary (default 300)
#   --enable-runs N   processes per binary timing a first enable() (default 40)
#   --measure-runs N  processes per binary waiting for preparation, reading memory and timing dumps (default 3)
#   --crash-runs N    processes per binary crashing right after enable() (default 5)
#   --iterations N    dumps of 100 frames per measure process (default 300; 3 × as many of 20 frames)
#
# The large binary's sources are generated once (scripts/generate-large-sources.py, git-ignored, regenerated
# only when the parameters change) and built in release (-g, as SwiftPM does) into the scratch folder, where
# the build is cached. Generation plus the first build take about 3–4 minutes on 2 cores.
# Environment: SCRATCH is the build folder (default Benchmarks/.build). Exits non-zero when a check fails.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="${SCRATCH:-$root/Benchmarks/.build}"
c_functions=18000 swift_types=300 runner_options=()
while [ $# -gt 0 ]; do
    case "$1" in
        --c-functions) c_functions="$2"; shift 2 ;;
        --swift-types) swift_types="$2"; shift 2 ;;
        --enable-runs|--measure-runs|--crash-runs|--iterations) runner_options+=("$1" "$2"); shift 2 ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "large-binary-bench.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

seconds() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.0f", b - a }'; }

start="$(seconds)"
python3 "$root/scripts/generate-large-sources.py" --c-functions "$c_functions" --swift-types "$swift_types"
generation_seconds="$(elapsed "$start")"

build() {
    timeout 1800 swift build -c release --package-path "$root/Benchmarks" --scratch-path "$scratch" --product "$1" >&2
}
build SymbolicationBench
build SymbolicationProbe
start="$(seconds)"
build LargeSymbolicationProbe
large_build_seconds="$(elapsed "$start")"
bin="$(swift build -c release --package-path "$root/Benchmarks" --scratch-path "$scratch" --show-bin-path)"

# Sizes in MB (10^6 bytes) from the section headers; size -A prints decimal sizes.
section_mb() { size -A "$1" | awk -v pattern="$2" '$1 ~ pattern { sum += $2 } END { printf "%.1f", sum / 1e6 }'; }
describe() {
    local file="$1" label="$2"
    local total debug info line symbols
    total="$(stat -c %s "$file" | awk '{ printf "%.1f", $1 / 1e6 }')"
    debug="$(section_mb "$file" '^\.debug_')"
    info="$(section_mb "$file" '^\.debug_info$')"
    line="$(section_mb "$file" '^\.debug_line$')"
    symbols="$(nm --defined-only "$file" | awk '$2 ~ /^[tTwW]$/' | wc -l)"
    echo "| $label | $total | $debug | $info | $line | $symbols |"
}

cpu="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
swift_version="$(swift --version 2>/dev/null | head -1)"
glibc="$(ldd --version | head -1 | sed 's/.* //')"
os="$(. /etc/os-release && echo "$PRETTY_NAME")"

echo "### Symbolication on a small and a large binary"
echo
echo "Machine: $(nproc) cores, $cpu; $os, kernel $(uname -r), glibc $glibc; $swift_version."
echo "Date: $(date -u +%Y-%m-%d); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
echo "Large binary: $c_functions generated C functions and $swift_types generated Swift types;"
echo "generation ${generation_seconds} s, release build of the large probe ${large_build_seconds} s (about 1 s when already built)."
echo
echo "| binary | file (MB) | DWARF, all .debug_* (MB) | .debug_info (MB) | .debug_line (MB) | function symbols |"
echo "|---|---:|---:|---:|---:|---:|"
describe "$bin/SymbolicationProbe" small
describe "$bin/LargeSymbolicationProbe" large
echo

debug_mb="$(section_mb "$bin/LargeSymbolicationProbe" '^\.debug_')"
if awk -v mb="$debug_mb" 'BEGIN { exit !(mb < 50) }'; then
    echo "large-binary-bench.sh: the large binary has only $debug_mb MB of DWARF (wanted ≥ 50)" >&2
fi

timeout 3600 "$bin/SymbolicationBench" --probe "small=$bin/SymbolicationProbe" \
    --probe "large=$bin/LargeSymbolicationProbe" --work-dir "${TMPDIR:-/tmp}" "${runner_options[@]}"
