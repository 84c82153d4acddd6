#!/usr/bin/env bash
# Writes a deterministic benchmark input (the same bytes on every machine and every run) and prints
# how many records it holds.
#
#   bench/make-input.sh text|json|java LINES FILE
#
#   text  ~156-byte plain lines
#   json  ~156-byte JSON lines (time, level, msg, fields)
#   java  log lines each followed by a 9-line stack trace (one record per 10 lines)
set -euo pipefail
input=$1
lines=$2
file=$3

case "$input" in
  text)
    awk -v n="$lines" 'BEGIN {
      pad = "................................................................................";
      for (i = 1; i <= n; i++) {
        line = sprintf("2026-11-23T10:%02d:%02d.%03dZ INFO  [worker-%d] com.example.orders.OrderService - processed order %09d for customer %06d in %d ms status=ok",
                       int(i / 60000) % 60, int(i / 1000) % 60, i % 1000, i % 8, i, (i * 7919) % 1000000, i % 97);
        printf "%s %s\n", line, substr(pad, 1, 155 - length(line) - 1);
      }
    }' > "$file"
    echo "$lines" ;;
  json)
    awk -v n="$lines" 'BEGIN {
      split("debug info info info warn error", levels, " ");
      for (i = 1; i <= n; i++) {
        line = sprintf("{\"time\":\"2026-11-23T10:%02d:%02d.%03dZ\",\"level\":\"%s\",\"msg\":\"processed order %09d\",\"customer\":%d,\"took_ms\":%d,\"region\":\"eu-west-1\",\"ok\":true",
                       int(i / 60000) % 60, int(i / 1000) % 60, i % 1000, levels[i % 6 + 1], i, (i * 7919) % 1000000, i % 97);
        printf "%s,\"trace\":\"%s\"}\n", line, substr("0123456789abcdef0123456789abcdef0123456789abcdef", 1, 155 - length(line) - 13);
      }
    }' > "$file"
    echo "$lines" ;;
  java)
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
    }' > "$file"
    echo $(( (lines + 9) / 10 )) ;;
  *) echo "unknown input: $input (text, json or java)" >&2; exit 2 ;;
esac
