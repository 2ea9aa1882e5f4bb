# Sourced by bench_pg.sh and bench_pg_tls.sh: starts tsdb-server with the PostgreSQL port on a fresh
# data directory, loads a line-protocol file into it over HTTP, and prints the row count.
#
#   pg_bench_start SERVER_BINARY PLAYS.lp WORK_DIR [EXTRA_SERVER_FLAGS…]
#
# Sets: pid (the server's), http (HOST:PORT of its HTTP port), pg (its PostgreSQL port). Everything
# listens on 127.0.0.1 only; the caller's EXIT trap stops the server and removes WORK_DIR.
pg_bench_start() {
  local server=$1 file=$2 work=$3
  shift 3
  "$server" --data "$work/data" --http 127.0.0.1:0 --tcp off --pg 127.0.0.1:0 --log-level error "$@" > "$work/out" 2>&1 &
  pid=$!
  for _ in $(seq 400); do grep -q listening "$work/out" && break; sleep 0.05; done
  grep -q listening "$work/out" || { echo "tsdb-server did not start:" >&2; cat "$work/out" >&2; return 1; }
  http=$(sed -n 's/.*http=\([^ ]*\).*/\1/p' "$work/out")
  pg=$(sed -n 's/.*pg=[^:]*:\([0-9]*\).*/\1/p' "$work/out")
  echo "server pid $pid http $http pg port $pg"

  split -l 100000 "$file" "$work/part."
  for p in "$work"/part.*; do
    curl -sf -XPOST "http://$http/api/v2/write?bucket=default&precision=ns" --data-binary @"$p" > /dev/null
  done
  rm -f "$work"/part.*
  curl -sf "http://$http/api/v3/query_sql?db=default&format=csv" --data-urlencode 'q=SELECT count(*) AS rows FROM plays' -G
}
