#!/usr/bin/env bash
# PostgreSQL-protocol load over TLS: pgbench with the custom SELECT scripts (pgbench_select.sql, pgbench_light.sql), 32
# clients, against one tsdb-server with --tls-cert/--tls-key, first with sslmode=require (every client
# handshakes TLS 1.2+ and its queries and rows are encrypted), then with sslmode=disable (plain), in the
# same run; then both again, so a change of machine load shows as a difference between the two rounds.
#
#   Benchmarks/LoadClient/bench_pg_tls.sh PLAYS.lp [SERVER_BINARY] [SECONDS]
#
# A self-signed certificate is made with openssl; everything listens on 127.0.0.1 and is removed afterwards.
set -euo pipefail
file=${1:?usage: bench_pg_tls.sh PLAYS.lp [SERVER_BINARY] [SECONDS]}
server=${2:-.build/release/tsdb-server}
seconds=${3:-30}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/tsdb-pgbench-tls-XXXXXX)
trap 'kill $pid 2>/dev/null && wait $pid 2>/dev/null; rm -rf "$work"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2> /dev/null
. "$here/pg_bench_server.sh"
pg_bench_start "$server" "$file" "$work" --https off --tls-cert "$work/cert.pem" --tls-key "$work/key.pem"

# pgbench_select.sql (two scans per transaction) shows TLS against the queries' cost; pgbench_light.sql
# (a constant SELECT) against the protocol's alone.
for script in pgbench_select.sql pgbench_light.sql; do
  for round in 1 2; do
    for ssl in require disable; do
      echo "== $script round $round: pgbench -M extended -c 32 -j 2 -T $seconds, sslmode=$ssl (load average $(cut -d' ' -f1-3 /proc/loadavg))"
      PGSSLMODE=$ssl pgbench -n -M extended -c 32 -j 2 -T "$seconds" -f "$here/$script" \
          -h 127.0.0.1 -p "$pg" -U bench default 2>&1 \
        | grep -E "number of (transactions|failed)|latency average|initial connection time|tps ="
    done
  done
done
# The connections were encrypted: the server's own view of one of them.
PGSSLMODE=require psql -X -At -h 127.0.0.1 -p "$pg" -U bench -d default -c "SELECT 1" > /dev/null && echo "psql sslmode=require: ok"
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
