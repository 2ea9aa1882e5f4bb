#!/usr/bin/env python3
"""Time docs/cookbook.md's questions on tsdb and on DuckDB, for the cookbook's "How fast" section.

Extracts every ```sql block of the cookbook that starts with `-- name: cookbook_…` into one query
file, then times it with `tsdb-cli bench queries` (warm, in one process, on an embedded data
directory) and with scripts/bench_duckdb.py (warm, the same rows loaded from Parquet into DuckDB),
and prints one table: best and median seconds of each, and tsdb's median over DuckDB's.

Usage: bench_cookbook.py --tsdb-cli PATH --data DIR --parquet FILE [--runs 3] [--threads N]
                         [--cookbook docs/cookbook.md] [--queries-out FILE]

The data must be the public generator's play events (bench/gen_plays.py, any row count; the cookbook's
queries name instants up to 2026-11-21, where the generator's year ends).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def named_blocks(markdown):
    """[(name, sql)] of the cookbook's ```sql blocks whose first line is `-- name: NAME`."""
    out = []
    for block in re.findall(r"^```sql\n(.*?)^```", markdown, flags=re.S | re.M):
        first, _, rest = block.partition("\n")
        m = re.match(r"--\s*name:\s*(\S+)", first)
        if m:
            out.append((m.group(1), rest.strip().rstrip(";").strip()))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tsdb-cli", required=True)
    ap.add_argument("--data", required=True, help="tsdb data directory holding the plays table")
    ap.add_argument("--parquet", required=True, help="the same rows as Parquet, for DuckDB")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--cookbook", default=os.path.join(HERE, "..", "docs", "cookbook.md"))
    ap.add_argument("--queries-out", help="also keep the extracted query file here")
    a = ap.parse_args()

    with open(a.cookbook) as f:
        blocks = named_blocks(f.read())
    if not blocks:
        sys.exit("no `-- name:` blocks in " + a.cookbook)
    text = "".join(f"-- name: {n}\n{sql};\n\n" for n, sql in blocks)
    qfile = a.queries_out or tempfile.mkstemp(suffix=".sql")[1]
    with open(qfile, "w") as f:
        f.write(text)

    t = subprocess.run([a.tsdb_cli, "bench", "queries", "--data", a.data, "--queries", qfile,
                        "--runs", str(a.runs), "--threads", str(a.threads), "--json"],
                       capture_output=True, text=True)
    if not t.stdout.strip():  # exit 1 with JSON means some query failed; that is reported per query
        sys.exit("tsdb-cli bench failed:\n" + t.stderr)
    d = subprocess.run([sys.executable, os.path.join(HERE, "bench_duckdb.py"), "--parquet", a.parquet,
                        "--queries", qfile, "--runs", str(a.runs), "--threads", str(a.threads), "--json"],
                       capture_output=True, text=True)
    if d.returncode != 0:
        sys.exit("bench_duckdb.py failed:\n" + d.stderr)
    tsdb, duck = by_name(json.loads(t.stdout)), by_name(json.loads(d.stdout))

    print("| query | tsdb best | tsdb median | DuckDB best | DuckDB median | tsdb / DuckDB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, _ in blocks:
        tb, tm = tsdb.get(name, (None, None))  # None: the engine refused the query
        db, dm = duck.get(name, (None, None))
        ratio = f"{tm / dm:.2f}×" if tm and dm else "–"
        print(f"| {name} | {ms(tb)} | {ms(tm)} | {ms(db)} | {ms(dm)} | {ratio} |")


def by_name(doc):
    """{name: (best, median)} in seconds from either tool's --json output."""
    return {r["name"]: (r.get("best_s"), r.get("median_s")) for r in doc["queries"]}


def ms(s):
    return "–" if s is None else f"{s * 1000:,.1f} ms"


if __name__ == "__main__":
    main()
