#!/usr/bin/env bash
# Data-lifecycle benchmark (docs/benchmarks.md, "Data lifecycle"): on N play events from gen_plays.py,
#   - ingest without and with dedup keys, and a second ingest of the same file with keys (all replaced);
#   - DELETE of one listener's rows, then VACUUM, on tsdb and on DuckDB (file-backed, DELETE + CHECKPOINT).
# Usage: scripts/bench_lifecycle.sh DIR   (DIR holds plays.lp and plays.parquet; release build of tsdb-cli)
set -euo pipefail
dir=${1:?usage: bench_lifecycle.sh DIR}
cli=${TSDB_CLI:-.build/release/tsdb-cli}
user=${USER_ID:-$(head -1 "$dir/plays.lp" | sed -E 's/.*user_id="([^"]+)".*/\1/')}
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
q() { "$cli" query --data "$1" --format csv "$2"; }

rm -rf "$dir/plain" "$dir/dedup"
t=$(now); "$cli" ingest --data "$dir/plain" "$dir/plays.lp" >/dev/null; echo "ingest, no keys: $(secs "$t" "$(now)") s"
head -1 "$dir/plays.lp" | "$cli" ingest --data "$dir/dedup" - >/dev/null
q "$dir/dedup" "ALTER TABLE plays DEDUP ENABLE UPSERT KEYS (time, user_id, track)" >/dev/null
t=$(now); "$cli" ingest --data "$dir/dedup" "$dir/plays.lp" >/dev/null; echo "ingest, dedup keys (time, user_id, track): $(secs "$t" "$(now)") s"
t=$(now); "$cli" ingest --data "$dir/dedup" "$dir/plays.lp" >/dev/null; echo "ingest again, every row replaces one: $(secs "$t" "$(now)") s"
echo "rows: plain $(q "$dir/plain" "SELECT count(*) FROM plays" | tail -1), dedup $(q "$dir/dedup" "SELECT count(*) FROM plays" | tail -1)"

echo "user $user: $(q "$dir/plain" "SELECT count(*) FROM plays WHERE user_id = '$user'" | tail -1) rows"
t=$(now); q "$dir/plain" "DELETE FROM plays WHERE user_id = '$user'" | tail -1 >/dev/null; echo "tsdb DELETE one user (process start to exit): $(secs "$t" "$(now)") s"
t=$(now); q "$dir/plain" "VACUUM plays" | tail -1; echo "tsdb VACUUM: $(secs "$t" "$(now)") s"
t=$(now); q "$dir/plain" "SELECT count(*) FROM plays" >/dev/null; echo "tsdb process start + count(*) + exit (overhead): $(secs "$t" "$(now)") s"

python3 - "$dir" "$user" <<'PY'
import duckdb, os, sys, time
d, user = sys.argv[1], sys.argv[2]
path = os.path.join(d, "duck.db")
for p in (path, path + ".wal"):
    if os.path.exists(p): os.remove(p)
con = duckdb.connect(path)
con.execute(f"CREATE TABLE plays AS SELECT * FROM '{d}/plays.parquet'")
con.execute("CHECKPOINT")
t = time.time(); n = con.execute(f"DELETE FROM plays WHERE user_id = '{user}'").fetchall()[0][0]; t1 = time.time()
con.execute("CHECKPOINT"); t2 = time.time()
print(f"duckdb {duckdb.__version__} DELETE one user ({n} rows): {t1 - t:.2f} s, CHECKPOINT: {t2 - t1:.2f} s")
PY
