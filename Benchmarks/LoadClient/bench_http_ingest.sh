#!/usr/bin/env bash
# HTTP line-protocol ingest with durable acks: one fresh server and data directory per run, the C load
# client (load_client.c, built here on first use) sending 5,000-line batches over 2 keep-alive connections.
#
#   Benchmarks/LoadClient/bench_http_ingest.sh SERVER_BINARY LABEL PLAYS.lp [WORK_DIR] [-- server args]
#
# Prints one JSON object: the client's result (lines/s, client and server CPU seconds, server peak RSS)
# with the label and the load average before and after. The data directory is removed afterwards.
set -euo pipefail
server=${1:?usage: bench_http_ingest.sh SERVER_BINARY LABEL PLAYS.lp [WORK_DIR] [-- server args]}
label=${2:?label}; file=${3:?file}; work=${4:-/tmp/tsdb-http-ingest}
shift 3; [ $# -gt 0 ] && [ "$1" != "--" ] && shift; [ "${1:-}" = "--" ] && shift
here=$(cd "$(dirname "$0")" && pwd)
client=${LOAD_CLIENT:-$work/load_client}
mkdir -p "$work"
[ -x "$client" ] || cc -O2 -pthread -o "$client" "$here/load_client.c"
run=$work/$label; rm -rf "$run"; mkdir -p "$run"
"$server" --data "$run/data" --http 127.0.0.1:0 --tcp off --pg off --log-level error "$@" > "$run/out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 600); do grep -q listening "$run/out" && break; sleep 0.1; done
http=$(sed -n 's/.*http=\([^ ]*\).*/\1/p' "$run/out")
load0=$(cut -d' ' -f1-3 /proc/loadavg)
result=$("$client" --file "$file" --url "http://$http" --db bench --connections 2 --batch-lines 5000 --server-pid $pid --json)
load1=$(cut -d' ' -f1-3 /proc/loadavg)
kill -INT $pid; wait $pid || true
trap - EXIT
echo "{\"label\":\"$label\",\"load_before\":\"$load0\",\"load_after\":\"$load1\",\"result\":$result}"
rm -rf "$run/data"
