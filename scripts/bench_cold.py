#!/usr/bin/env python3
"""Cold-process figures of a query set, tsdb against the DuckDB CLI, for docs/benchmarks.md.

Each query runs as a new process of each engine (`tsdb-cli query --data DIR -f csv` and
`duckdb -readonly -csv FILE`), alternating within one hyperfine run, so both see the same minutes of a
shared machine. CPU (user + system) is the figure to compare there; wall time is printed beside it.

    scripts/bench_cold.py --tsdb .build/release/tsdb-cli --data /tmp/devops --duckdb cpu.duckdb \\
        --queries bench/devops/queries.sql --runs 10
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_duckdb import parse_queries  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tsdb", required=True, help="the tsdb-cli binary")
    ap.add_argument("--data", required=True, help="tsdb data directory")
    ap.add_argument("--duckdb", required=True, help="DuckDB database file holding the same rows")
    ap.add_argument("--duckdb-cli", default="duckdb", help="the DuckDB CLI (not the Python shim)")
    ap.add_argument("--queries", required=True, help="query file with '-- name:' headers")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--only", default="", help="run only the queries whose name contains this text")
    ap.add_argument("--json-out", help="also write the figures as JSON")
    a = ap.parse_args()
    queries = [(n, q) for n, q in parse_queries(open(a.queries).read()) if a.only in n]
    rows = []
    print(f"{'query':<36} {'tsdb cpu':>9} {'(wall)':>9} {'duckdb cpu':>11} {'(wall)':>9} {'cpu ratio':>9}")
    for name, sql in queries:
        q = sql.replace("'", "'\\''")
        with tempfile.NamedTemporaryFile(suffix=".json") as f:
            subprocess.run(["hyperfine", "-N", "-w", str(a.warmup), "-r", str(a.runs), "--export-json", f.name,
                            "-n", "tsdb", f"{a.tsdb} query --data {a.data} -f csv '{q}'",
                            "-n", "duckdb", f"{a.duckdb_cli} -readonly -csv {a.duckdb} '{q}'"],
                           capture_output=True, check=True)
            t, d = json.load(open(f.name))["results"]
        cpu = lambda x: (x["user"] + x["system"]) * 1000
        r = dict(query=name, tsdb_cpu_ms=cpu(t), tsdb_wall_ms=t["median"] * 1000,
                 duckdb_cpu_ms=cpu(d), duckdb_wall_ms=d["median"] * 1000, ratio=cpu(t) / cpu(d))
        rows.append(r)
        print(f"{name:<36} {r['tsdb_cpu_ms']:9.1f} {r['tsdb_wall_ms']:9.1f} {r['duckdb_cpu_ms']:11.1f} "
              f"{r['duckdb_wall_ms']:9.1f} {r['ratio']:9.2f}", flush=True)
    geo = lambda k: math.exp(sum(math.log(r[k]) for r in rows) / len(rows))
    print(f"{'geometric mean':<36} {geo('tsdb_cpu_ms'):9.1f} {geo('tsdb_wall_ms'):9.1f} {geo('duckdb_cpu_ms'):11.1f} "
          f"{geo('duckdb_wall_ms'):9.1f} {geo('tsdb_cpu_ms') / geo('duckdb_cpu_ms'):9.2f}")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if a.json_out:
        json.dump(rows, open(a.json_out, "w"), indent=1)


if __name__ == "__main__":
    main()
