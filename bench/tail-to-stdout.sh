#!/usr/bin/env bash
# Benchmark: the published Native AOT sidecar reads a deterministic 2,000,000-line file (~156 bytes
# a line) from start to end and writes every record as JSON to /dev/null (--once: read to the end,
# exit). Prints lines/s, MB/s, CPU seconds per GB read and peak RSS, median of 3 runs.
#
#   bench/tail-to-stdout.sh [--lines N] [--runs N] [--output json|raw]
#
# Needs GNU time (/usr/bin/time, Debian package "time") for CPU time and peak RSS.
set -euo pipefail

lines=2000000
runs=3
output=json
while [ $# -gt 0 ]; do
  case "$1" in
    --lines) lines=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -x /usr/bin/time ]; then
  echo "GNU time is needed: apt-get install -y time" >&2
  exit 2
fi

echo "publishing the sidecar (Native AOT)..." >&2
dotnet publish "$root/sidecar/LogSidecar/LogSidecar.csproj" -r linux-x64 -c Release -o "$work/bin" >/dev/null

# Deterministic input: the same bytes on every machine and every run.
awk -v n="$lines" 'BEGIN {
  pad = "................................................................................";
  for (i = 1; i <= n; i++) {
    line = sprintf("2026-11-23T10:%02d:%02d.%03dZ INFO  [worker-%d] com.example.orders.OrderService - processed order %09d for customer %06d in %d ms status=ok",
                   int(i / 60000) % 60, int(i / 1000) % 60, i % 1000, i % 8, i, (i * 7919) % 1000000, i % 97);
    printf "%s %s\n", line, substr(pad, 1, 155 - length(line) - 1);
  }
}' > "$work/app.log"
bytes=$(stat -c %s "$work/app.log")
echo "input: $lines lines, $bytes bytes" >&2

results=()
for run in $(seq 1 "$runs"); do
  rm -rf "$work/state"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" \
    "$work/bin/logsidecar" --path "$work/app.log" --once --output "$output" \
    --checkpoint-dir "$work/state" --metrics-port 0 --log-level warn > /dev/null
  read -r elapsed user sys rss < "$work/time"
  echo "run $run: ${elapsed}s elapsed, ${user}s user, ${sys}s sys, ${rss} KB peak RSS" >&2
  results+=("$elapsed $user $sys $rss")
done

# Median by elapsed time.
median=$(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
read -r elapsed user sys rss <<< "$median"
awk -v l="$lines" -v b="$bytes" -v e="$elapsed" -v u="$user" -v s="$sys" -v r="$rss" -v o="$output" 'BEGIN {
  printf "tail -> stdout (%s), median of runs: %.0f lines/s, %.1f MB/s, %.2f CPU-s/GB, peak RSS %.1f MB (%.2f s elapsed)\n",
         o, l / e, b / e / 1e6, (u + s) / (b / 1e9), r / 1024, e
}'
