#!/usr/bin/env bash
# Benchmark through a pipe, as Kubernetes reads a container's stdout: the published Native AOT
# sidecar tails FILES files matched by one glob (default 1,000 x ~200 KB) in follow mode and writes
# every record as JSON to a pipe, from start until the last record is out. Each run is measured beside
# a baseline from the same run: `cat` of the sidecar's own output through the same pipe (the pipe's
# limit). Prints lines/s, MB/s (input), CPU seconds per GB, peak RSS and the most descriptors held on
# the input files (sampled from /proc/PID/fd), median of the runs, for the sidecar and for cat.
#
#   bench/tail-to-pipe.sh [--input text|json] [--files N] [--lines N] [--runs N] [--binary PATH] [-- extra sidecar args]
#
#   --files 1 --lines 2000000   the single-file case of bench/tail-to-stdout.sh, through a pipe
#   --binary PATH               measure this logsidecar instead of publishing one (another version)
#
# Needs python3.
set -euo pipefail

files=1000
lines=
runs=3
input=text
binary=
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --input) input=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    --lines) lines=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
# ~156 bytes a line: 1282 lines make a file of ~200 KB.
lines=${lines:-$((files * 1282))}

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "$binary" ]; then
  echo "publishing the sidecar (Native AOT)..." >&2
  dotnet publish "$root/sidecar/LogSidecar/LogSidecar.csproj" -r linux-x64 -c Release -o "$work/bin" >/dev/null
  binary=$work/bin/logsidecar
fi

# Deterministic input, every line distinct, split into FILES files of equal line counts.
"$root/bench/make-input.sh" "$input" "$lines" "$work/all.log" >/dev/null
mkdir "$work/in"
if [ "$files" -eq 1 ]; then
  mv "$work/all.log" "$work/in/app-0000.log"
else
  split -d -a 4 -l $(( (lines + files - 1) / files )) --additional-suffix=.log "$work/all.log" "$work/in/app-"
  rm "$work/all.log"
fi
case "$input" in
  text) parse_args=() ;;
  json) parse_args=(--format json) ;;
  *) echo "unknown input: $input (text or json)" >&2; exit 2 ;;
esac
bytes=$(cat "$work/in"/*.log | wc -c)
echo "input: $(ls "$work/in" | wc -l) file(s), $lines lines, $bytes bytes" >&2

sidecar=()
baseline=()
for run in $(seq 1 "$runs"); do
  rm -rf "$work/state"
  result=$(python3 "$root/bench/pipe-run.py" "$lines" "$work/in" "$work/out.json" -- \
    "$binary" --path "$work/in/*.log" "${parse_args[@]}" --output json --checkpoint-dir "$work/state" \
    --metrics-port 0 --log-level warn "${extra[@]}")
  echo "run $run sidecar: $result" >&2
  sidecar+=("$result")
  result=$(python3 "$root/bench/pipe-run.py" "$lines" "$work/in" - -- cat "$work/out.json")
  echo "run $run cat:     $result" >&2
  baseline+=("$result")
done

summary() {
  python3 -c '
import json, statistics, sys
name, files, lines, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
runs = [json.loads(r) for r in sys.argv[5:]]
ok = [r for r in runs if r["wall_s"]]
if len(ok) < len(runs):
    print(f"{name}: {len(runs) - len(ok)} run(s) did not deliver every line", file=sys.stderr)
    sys.exit(1)
wall = statistics.median(r["wall_s"] for r in ok)
cpu = statistics.median(r["cpu_s"] for r in ok)
rss = [r["peak_rss_mb"] for r in ok if r["peak_rss_mb"] is not None]
rss = f"{statistics.median(rss):.1f} MB" if rss else "n/a"
fds = max(r["max_open_fds"] for r in ok)
print(f"{name}: {files} file(s), median of {len(ok)} runs: {lines / wall:,.0f} lines/s, {size / wall / 1e6:.1f} MB/s, "
      f"{cpu / (size / 1e9):.2f} CPU-s/GB, peak RSS {rss}, at most {fds} input file(s) open ({wall:.2f} s)")
' "$@"
}
summary "logsidecar -> pipe ($input)" "$files" "$lines" "$bytes" "${sidecar[@]}"
summary "cat (baseline)       " "$files" "$lines" "$bytes" "${baseline[@]}"
