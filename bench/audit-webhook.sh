#!/usr/bin/env bash
# Benchmark: the published Native AOT sidecar serves the audit webhook on 127.0.0.1 while
# bench/LogSidecar.Bench.AuditClient POSTs audit.k8s.io/v1 EventLists of 100 events each over
# keep-alive HTTPS (bearer token), as the API server's batch backend does, for a fixed time. Every
# batch is spooled with fsync before its 200 and printed to stdout (sent to /dev/null) by the ordinary
# pipeline. Prints events/s accepted, p50/p99 answer latency, the sidecar's peak RSS (VmHWM) and
# CPU seconds, and checks that every accepted event was written.
#
#   bench/audit-webhook.sh [--seconds N] [--connections N] [--events N] [--binary PATH]
#
# --binary measures an already published sidecar instead of publishing one.
#
# Needs openssl (certificates) and curl (the sidecar's /metrics).
set -euo pipefail

seconds=30
connections=4
events=100
binary=
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --events) events=$2; shift 2 ;;
    --binary) binary=$(realpath "$2"); shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
sidecar_pid=
cleanup() {
  [ -n "$sidecar_pid" ] && kill "$sidecar_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for tool in openssl curl; do
  command -v "$tool" >/dev/null || { echo "$tool is needed: apt-get install -y $tool" >&2; exit 2; }
done

if [ -z "$binary" ]; then
  echo "publishing the sidecar (Native AOT)..." >&2
  dotnet publish "$root/sidecar/LogSidecar/LogSidecar.csproj" -r linux-x64 -c Release -o "$work/bin" >/dev/null
  binary=$work/bin/logsidecar
fi
echo "publishing the client..." >&2
dotnet publish "$root/bench/LogSidecar.Bench.AuditClient/LogSidecar.Bench.AuditClient.csproj" -c Release -o "$work/client" >/dev/null

# A CA and a server certificate for 127.0.0.1 it signed, as the README's steps make them.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "/CN=bench audit CA" \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
  -keyout "$work/tls.key" -out "$work/tls.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$work/tls.ext"
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
  -extfile "$work/tls.ext" -out "$work/tls.crt" 2>/dev/null
token=$(openssl rand -hex 24)
printf '%s\n' "$token" > "$work/token"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
metrics=$(free_port)
"$binary" --audit-listen "127.0.0.1:$port" --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" \
  --audit-token-file "$work/token" --audit-spool "$work/spool" --metrics-port "$metrics" > /dev/null 2> "$work/sidecar.log" &
sidecar_pid=$!
until grep -q "Audit webhook listening" "$work/sidecar.log" 2>/dev/null; do
  kill -0 "$sidecar_pid" 2>/dev/null || { cat "$work/sidecar.log" >&2; exit 1; }
  sleep 0.1
done

echo "posting for ${seconds}s over $connections keep-alive connection(s), $events events a batch..." >&2
result=$(dotnet "$work/client/LogSidecar.Bench.AuditClient.dll" "https://127.0.0.1:$port/audit" "$work/ca.crt" "$token" "$seconds" "$connections" "$events")
accepted=$(sed -E 's/.* events=([0-9]+) .*/\1/' <<<"$result")

# Every accepted event reaches stdout (bounded wait: the pipeline may still be draining the spool).
written() { curl -s "http://127.0.0.1:$metrics/metrics" | awk '$1 == "logsidecar_records_written_total" { print $2 }'; }
for _ in $(seq 1 600); do
  [ "$(written)" -ge "$accepted" ] && break
  sleep 0.1
done
delivered=$(written)
peak_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$sidecar_pid/status")
cpu=$(awk '{ printf "%.1f", ($14 + $15) / 100 }' "/proc/$sidecar_pid/stat")
kill -TERM "$sidecar_pid"
wait "$sidecar_pid" || true
sidecar_pid=

echo "$result"
echo "delivered=$delivered of accepted=$accepted peak_rss_mib=$((peak_kb / 1024)) sidecar_cpu_s=$cpu"
[ "$delivered" -ge "$accepted" ] || { echo "not every accepted event was written" >&2; exit 1; }
