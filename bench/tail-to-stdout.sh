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
case "$input" in
  text)
    parse_args=()
    awk -v n="$lines" 'BEGIN {
      pad = "................................................................................";
      for (i = 1; i <= n; i++) {
        line = sprintf("2026-11-23T10:%02d:%02d.%03dZ INFO  [worker-%d] com.example.orders.OrderService - processed order %09d for customer %06d in %d ms status=ok",
                       int(i / 60000) % 60, int(i / 1000) % 60, i % 1000, i % 8, i, (i * 7919) % 1000000, i % 97);
        printf "%s %s\n", line, substr(pad, 1, 155 - length(line) - 1);
      }
    }' > "$work/app.log"
    records=$lines ;;
  json)
    parse_args=(--format json)
    awk -v n="$lines" 'BEGIN {
      split("debug info info info warn error", levels, " ");
      for (i = 1; i <= n; i++) {
        line = sprintf("{\"time\":\"2026-11-23T10:%02d:%02d.%03dZ\",\"level\":\"%s\",\"msg\":\"processed order %09d\",\"customer\":%d,\"took_ms\":%d,\"region\":\"eu-west-1\",\"ok\":true",
                       int(i / 60000) % 60, int(i / 1000) % 60, i % 1000, levels[i % 6 + 1], i, (i * 7919) % 1000000, i % 97);
        printf "%s,\"trace\":\"%s\"}\n", line, substr("0123456789abcdef0123456789abcdef0123456789abcdef", 1, 155 - length(line) - 13);
      }
    }' > "$work/app.log"
    records=$lines ;;
  java)
    parse_args=(--multiline java)
    awk -v n="$lines" 'BEGIN {
      for (i = 1; i <= n; i += 10) {
        printf "2026-11-23 10:%02d:%02d.%03d ERROR [worker-%d] c.e.orders.OrderService - order %09d failed\n", int(i / 60000) % 60, int(i / 1000) % 60, i % 1000, i % 8, i;
        printf "java.lang.IllegalStateException: inventory reservation %d expired\n", i;
        printf "\tat com.example.orders.Inventory.reserve(Inventory.java:88)\n";
        printf "\tat com.example.orders.OrderService.place(OrderService.java:41)\n";
        printf "\tat org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)\n";
        printf "Caused by: java.net.SocketTimeoutException: Read timed out\n";
        printf "\tat java.base/java.net.SocketInputStream.socketRead0(Native Method)\n";
        printf "\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)\n";
        printf "\tat com.example.orders.InventoryClient.call(InventoryClient.java:57)\n";
        printf "\t... 48 more\n";
      }
    }' > "$work/app.log"
    records=$(( (lines + 9) / 10 )) ;;
  *) echo "unknown input: $input (text, json or java)" >&2; exit 2 ;;
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
