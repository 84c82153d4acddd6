#!/usr/bin/env bash
# Benchmark: the published Native AOT sidecar reads a deterministic 2,000,000-line file from start
# to end and writes every record as JSON to /dev/null (--once: read to the end, exit). Prints
# lines/s, records/s, MB/s, CPU seconds per GB read and peak RSS, median of 3 runs.
#
#   bench/tail-to-stdout.sh [--input text|json|java] [--lines N] [--runs N] [--output json|raw]
#
#   text  ~156-byte plain lines, read as format plain
#   json  ~156-byte JSON lines (time, level, msg, fields), parsed with --format json and re-emitted
#   java  log lines each followed by a 9-line stack trace, joined with --multiline java
#
# Needs GNU time (/usr/bin/time, Debian package "time") for CPU time and peak RSS.
set -euo pipefail

lines=2000000
runs=3
output=json
input=text
while [ $# -gt 0 ]; do
  case "$1" in
    --input) input=$2; shift 2 ;;
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
records=$("$root/bench/make-input.sh" "$input" "$lines" "$work/app.log")
case "$input" in
  text) parse_args=() ;;
  json) parse_args=(--format json) ;;
  java) parse_args=(--multiline java) ;;
esac
lines=$(wc -l < "$work/app.log")
bytes=$(stat -c %s "$work/app.log")
echo "input: $lines lines, $bytes bytes" >&2

results=()
for run in $(seq 1 "$runs"); do
  rm -rf "$work/state"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" \
    "$work/bin/logsidecar" --path "$work/app.log" "${parse_args[@]}" --once --output "$output" \
    --checkpoint-dir "$work/state" --metrics-port 0 --log-level warn > /dev/null
  read -r elapsed user sys rss < "$work/time"
  echo "run $run: ${elapsed}s elapsed, ${user}s user, ${sys}s sys, ${rss} KB peak RSS" >&2
  results+=("$elapsed $user $sys $rss")
done

# Median by elapsed time.
median=$(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
read -r elapsed user sys rss <<< "$median"
awk -v l="$lines" -v n="$records" -v b="$bytes" -v e="$elapsed" -v u="$user" -v s="$sys" -v r="$rss" -v i="$input" -v o="$output" 'BEGIN {
  printf "tail -> stdout (%s input, %s output), median of runs: %.0f lines/s, %.0f records/s, %.1f MB/s, %.2f CPU-s/GB, peak RSS %.1f MB (%.2f s elapsed)\n",
         i, o, l / e, n / e, b / e / 1e6, (u + s) / (b / 1e9), r / 1024, e
}'
