#!/usr/bin/env bash
# Server benchmark: ingest a whole gen_plays file over HTTP (v2, plain and gzip) and TCP, then time the
# shared query set over HTTP. Each ingest goes to a fresh server and data directory.
#
#   Benchmarks/LoadClient/bench_server.sh PLAYS.lp [SERVER_BINARY] [REPEAT]
#
# SERVER_BINARY defaults to .build/release/tsdb-server (build it with `swift build -c release`).
# Prints one JSON object per run (throughput, server CPU seconds, peak RSS, load average) and the
# query latencies. Everything listens on 127.0.0.1 only.
set -euo pipefail
file=${1:?usage: bench_server.sh PLAYS.lp [SERVER_BINARY] [REPEAT]}
server=${2:-.build/release/tsdb-server}
repeat=${3:-1}
here=$(cd "$(dirname "$0")" && pwd)
client="$here/load_client.py"
queries="$(cd "$here/../.." && pwd)/../shared/bench/queries.sql"
[ -f "$queries" ] || queries="$(cd "$here/../.." && pwd)/bench/public/queries.sql"
work=$(mktemp -d /tmp/tsdb-bench-XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT

start_server() {  # $1: data dir; sets pid, http, tcp
  "$server" --data "$1" --http 127.0.0.1:0 --tcp 127.0.0.1:0 --pg off --log-level error > "$work/out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q listening "$work/out" && break; sleep 0.05; done
  http=$(sed -n 's/.*http=\([^ ]*\).*/\1/p' "$work/out")
  tcp=$(sed -n 's/.*tcp=\([^ ]*\).*/\1/p' "$work/out")
}

cpu_seconds() { awk '{print ($14+$15)/100}' "/proc/$1/stat"; }

run() {  # $1: label, rest: load_client arguments
  local label=$1; shift
  start_server "$work/data-$label"
  local c0; c0=$(cpu_seconds "$pid")
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  local out; out=$(python3 "$client" write --file "$file" --url "http://$http" --tcp "$tcp" --db bench \
    --connections 2 --batch-lines 5000 --server-pid "$pid" --json "$@")
  local c1; c1=$(cpu_seconds "$pid")
  echo "{\"run\":\"$label\",\"load_before\":$load,\"server_cpu_s\":$(echo "$c1 - $c0" | bc),\"result\":$out}"
  if [ "$label" = http ]; then
    python3 "$client" query --url "http://$http" --db bench --repeat 5 --queries "$queries"
  fi
  kill -TERM "$pid"; wait "$pid" || true
}

for i in $(seq "$repeat"); do
  run http --protocol http --api v2
  run http-gzip --protocol http --api v2 --gzip
  run tcp --protocol tcp
done
