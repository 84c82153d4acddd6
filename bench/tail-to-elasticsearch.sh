#!/usr/bin/env bash
# Benchmark: the published Native AOT sidecar reads a deterministic 2,000,000-line file from start
# to end and ships every record with Elasticsearch _bulk requests to a loopback receiver that
# accepts everything (bench/LogSidecar.Bench.BulkReceiver); --once exits once every record was
# acknowledged. Prints the sidecar's lines/s, MB/s, CPU seconds per GB read and peak RSS, median of 3.
#
#   bench/tail-to-elasticsearch.sh [--input text|json|java] [--lines N] [--runs N] [--compression gzip|none]
#
# Needs GNU time (/usr/bin/time, Debian package "time") for CPU time and peak RSS.
set -euo pipefail

lines=2000000
runs=3
input=text
compression=gzip
while [ $# -gt 0 ]; do
  case "$1" in
    --input) input=$2; shift 2 ;;
    --lines) lines=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --compression) compression=$2; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
receiver_pid=
cleanup() {
  [ -n "$receiver_pid" ] && kill "$receiver_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ ! -x /usr/bin/time ]; then
  echo "GNU time is needed: apt-get install -y time" >&2
  exit 2
fi

echo "publishing the sidecar (Native AOT) and the receiver..." >&2
dotnet publish "$root/sidecar/LogSidecar/LogSidecar.csproj" -r linux-x64 -c Release -o "$work/bin" >/dev/null
dotnet publish "$root/bench/LogSidecar.Bench.BulkReceiver/LogSidecar.Bench.BulkReceiver.csproj" -c Release -o "$work/receiver" >/dev/null

records=$("$root/bench/make-input.sh" "$input" "$lines" "$work/app.log")
case "$input" in
  text) parse_args=() ;;
  json) parse_args=(--format json) ;;
  java) parse_args=(--multiline java) ;;
esac
lines=$(wc -l < "$work/app.log")
bytes=$(stat -c %s "$work/app.log")
echo "input: $lines lines, $bytes bytes, $records records" >&2

port=$(( 20000 + RANDOM % 20000 ))
mkfifo "$work/receiver-stdin"
dotnet "$work/receiver/LogSidecar.Bench.BulkReceiver.dll" "$port" < "$work/receiver-stdin" > "$work/received" 2> "$work/receiver-log" &
receiver_pid=$!
exec 3> "$work/receiver-stdin"
until grep -q listening "$work/receiver-log" 2>/dev/null; do sleep 0.1; done
cat > "$work/config.json" <<JSON
{"mode":"ship","sinks":[{"type":"elasticsearch","endpoint":"http://127.0.0.1:$port","compression":"$compression"}]}
JSON

results=()
for run in $(seq 1 "$runs"); do
  rm -rf "$work/state"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" \
    "$work/bin/logsidecar" --config "$work/config.json" --path "$work/app.log" "${parse_args[@]}" --once \
    --checkpoint-dir "$work/state" --metrics-port 0 --log-level warn > /dev/null
  read -r elapsed user sys rss < "$work/time"
  echo "run $run: ${elapsed}s elapsed, ${user}s user, ${sys}s sys, ${rss} KB peak RSS" >&2
  results+=("$elapsed $user $sys $rss")
done

receiver_cpu=$(awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$receiver_pid/stat" 2>/dev/null || echo "?")
echo "receiver CPU over all runs: ${receiver_cpu}s" >&2
exec 3>&-
wait "$receiver_pid" || true
receiver_pid=
received=$(cat "$work/received")
expected=$(( records * runs ))
if [ "$received" != "$expected" ]; then
  echo "the receiver got $received documents, expected $expected" >&2
  exit 1
fi

median=$(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
read -r elapsed user sys rss <<< "$median"
awk -v l="$lines" -v n="$records" -v b="$bytes" -v e="$elapsed" -v u="$user" -v s="$sys" -v r="$rss" -v i="$input" -v c="$compression" 'BEGIN {
  printf "tail -> elasticsearch _bulk (%s input, %s), median of runs: %.0f lines/s, %.0f records/s, %.1f MB/s, %.2f CPU-s/GB, peak RSS %.1f MB (%.2f s elapsed)\n",
         i, c, l / e, n / e, b / e / 1e6, (u + s) / (b / 1e9), r / 1024, e
}'
