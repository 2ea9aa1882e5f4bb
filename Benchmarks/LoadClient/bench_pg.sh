#!/usr/bin/env bash
# PostgreSQL-protocol load test: pgbench with a custom SELECT script (pgbench_select.sql) against
# tsdb-server --pg, 32 clients, in the simple, extended and prepared query modes; then the same count
# over HTTP as a check that both fronts answer alike.
#
#   Benchmarks/LoadClient/bench_pg.sh PLAYS.lp [SERVER_BINARY] [SECONDS]
#
# Everything listens on 127.0.0.1 only; the data directory is fresh and removed afterwards.
set -euo pipefail
file=${1:?usage: bench_pg.sh PLAYS.lp [SERVER_BINARY] [SECONDS]}
server=${2:-.build/release/tsdb-server}
seconds=${3:-30}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/tsdb-pgbench-XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT

. "$here/pg_bench_server.sh"
pg_bench_start "$server" "$file" "$work"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

for mode in simple extended prepared; do
  echo "== pgbench -M $mode -c 32 -j 2 -T $seconds"
  pgbench -n -M "$mode" -c 32 -j 2 -T "$seconds" -f "$here/pgbench_select.sql" -h 127.0.0.1 -p "$pg" -U bench default 2>&1 \
    | grep -E "number of (transactions|failed)|latency average|latency stddev|tps ="
done
# The same transactions over HTTP (32 threads, keep-alive), for comparison in the same run.
echo "== HTTP /api/v3/query_sql, 32 clients, $seconds s"
python3 - "$http" "$seconds" <<'PY'
import http.client, random, sys, threading, time, urllib.parse
host, port = sys.argv[1].rsplit(":", 1)
seconds = float(sys.argv[2])
queries = ["SELECT count(*), sum(duration_ms) FROM plays WHERE duration_ms > {ms}",
           "SELECT platform, count(*) AS plays FROM plays WHERE time >= TIMESTAMP '2026-01-01' AND time < TIMESTAMP '2026-02-01' AND duration_ms > {ms} GROUP BY platform ORDER BY plays DESC"]
done, lat, lock = [0], [], threading.Lock()
end = time.time() + seconds
def worker():
    c = http.client.HTTPConnection(host, int(port), timeout=120)
    while time.time() < end:
        ms = random.randint(1000, 300000)
        t0 = time.time()
        for q in queries:
            c.request("GET", "/api/v3/query_sql?db=default&format=csv&q=" + urllib.parse.quote(q.format(ms=ms)))
            r = c.getresponse(); r.read()
            assert r.status == 200, r.status
        with lock:
            done[0] += 1; lat.append(time.time() - t0)
ts = [threading.Thread(target=worker) for _ in range(32)]
for t in ts: t.start()
for t in ts: t.join()
print(f"transactions: {done[0]}  tps = {done[0] / seconds:.1f}  latency average = {1000 * sum(lat) / len(lat):.1f} ms")
PY
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status)"
