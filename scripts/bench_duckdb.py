#!/usr/bin/env python3
"""Time the play-event query set on DuckDB, for the comparison in docs/benchmarks.md.

Loads plays.parquet (written by bench/gen_plays.py) into an in-memory DuckDB table, then runs every
query of a query file (`-- name: NAME` headers, like bench/queries.sql) --runs times after one
warm-up run, and prints best and median per query as a table, plus JSON (to stdout with --json, or
to a file with --json-out).

Usage: bench_duckdb.py --parquet DIR/plays.parquet [--queries FILE] [--runs 5] [--threads N]
                       [--view] [--json | --json-out FILE] [--table NAME] [--answers-out FILE]

--table names the table the queries read (default plays; `cpu` for bench/devops/queries.sql on
`tsdb-cli generate --dataset devops --format parquet`). --answers-out writes each query's answer as
JSON ({name: {"columns": [...], "rows": [[...]]}}, timestamps as RFC 3339 UTC text), for the
differential tests.

Times are wall-clock seconds of `con.execute(sql).fetchall()` in this process. The `time` column is
cast to TIMESTAMP (microseconds), which DuckDB's time_bucket/date_trunc take; --view queries the
Parquet file in place instead of loading it.
"""
import argparse
import json
import os
import statistics
import sys
import time


def parse_queries(text):
    """[(name, sql)] from a file of `-- name:` headers, each followed by its SQL."""
    out, name, body = [], None, []

    def close():
        if name is not None:
            sql = "\n".join(body).strip().rstrip(";").strip()
            if not sql:
                raise SystemExit(f"query '{name}' has no SQL")
            out.append((name, sql))

    for line in text.splitlines():
        t = line.strip()
        if t.startswith("--"):
            c = t[2:].strip()
            if c.startswith("name:"):
                close()
                name, body = c[5:].strip(), []
            continue
        if name is not None:
            body.append(line)
    close()
    return out


def default_queries():
    here = os.path.dirname(os.path.abspath(__file__))
    for p in (os.path.join(here, "..", "..", "shared", "bench", "queries.sql"),
              os.path.join(here, "..", "shared", "bench", "queries.sql"),
              os.path.join(here, "..", "bench", "public", "queries.sql")):
        if os.path.exists(p):
            return os.path.normpath(p)
    return None


def answer_cell(v):
    """A result value as JSON: timestamps as RFC 3339 UTC text (`2026-01-01T05:00:00Z`, a fraction only
    when there is one), as tsdb prints them; numbers, text and NULL as they are."""
    import datetime
    if isinstance(v, datetime.datetime):
        if v.tzinfo is not None:
            v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        text = v.strftime("%Y-%m-%dT%H:%M:%S")
        if v.microsecond:
            text += f".{v.microsecond:06d}".rstrip("0")
        return text + "Z"
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--parquet", required=True, help="plays.parquet from gen_plays.py")
    ap.add_argument("--queries", default=default_queries(), help="query file with '-- name:' headers")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per query (after one warm-up)")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="DuckDB threads")
    ap.add_argument("--view", action="store_true", help="query the Parquet file in place")
    ap.add_argument("--only", help="run only the queries whose name contains this text")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--json-out", help="also write the JSON to this file")
    ap.add_argument("--table", default="plays", help="the table's name in the queries")
    ap.add_argument("--answers-out", help="write each query's answer rows to this JSON file")
    a = ap.parse_args()
    if not a.queries:
        ap.error("no --queries given and no shared/bench/queries.sql found")
    if a.runs < 1 or a.threads < 1:
        ap.error("--runs and --threads must be at least 1")
    import duckdb

    queries = parse_queries(open(a.queries, encoding="utf-8").read())
    if a.only:
        queries = [q for q in queries if a.only in q[0]]
    con = duckdb.connect()
    con.execute(f"SET threads = {a.threads}")
    t0 = time.perf_counter()
    kind = "VIEW" if a.view else "TABLE"
    # Prepared parameters are not allowed in a view's definition: quote the path instead.
    path = a.parquet.replace("'", "''")
    table = '"' + a.table.replace('"', '""') + '"'
    con.execute(f"CREATE {kind} {table} AS SELECT * REPLACE (CAST(time AS TIMESTAMP) AS time) FROM read_parquet('{path}')")
    load = time.perf_counter() - t0
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    results, answers = [], {}
    for name, sql in queries:
        try:
            cur = con.execute(sql)
            columns = [d[0] for d in cur.description]
            answer = cur.fetchall()
            answers[name] = {"columns": columns, "rows": [[answer_cell(v) for v in r] for r in answer]}
            times = []
            for _ in range(a.runs):
                t = time.perf_counter()
                con.execute(sql).fetchall()
                times.append(time.perf_counter() - t)
            results.append({"name": name, "sql": sql, "best_s": min(times), "median_s": statistics.median(times),
                            "result_rows": len(answer)})
        except Exception as e:  # a query DuckDB refuses is reported, not fatal
            results.append({"name": name, "sql": sql, "error": str(e).splitlines()[0]})

    report = {"engine": "duckdb", "version": duckdb.__version__, "parquet": a.parquet, "rows": rows,
              "threads": a.threads, "runs": a.runs, "load_s": load, "mode": kind.lower(), "queries": results}
    if a.answers_out:
        with open(a.answers_out, "w", encoding="utf-8") as f:
            json.dump(answers, f)
    if a.json_out:
        with open(a.json_out, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=2)
    if a.json:
        json.dump(report, sys.stdout, indent=2)
        print()
        return
    print(f"duckdb {duckdb.__version__}: {rows:,} rows from {a.parquet} ({kind.lower()}, loaded in {load:.2f} s), "
          f"{a.threads} threads, best of {a.runs}")
    w = max(len(r["name"]) for r in results) if results else 5
    print(f"  {'query':<{w}}  {'best':>10}  {'median':>10}  {'rows':>6}")
    print(f"  {'-' * w}  {'-' * 10}  {'-' * 10}  {'-' * 6}")
    for r in results:
        if "error" in r:
            print(f"  {r['name']:<{w}}  {'failed':>10}  {'':>10}  {'':>6}   {r['error']}")
        else:
            print(f"  {r['name']:<{w}}  {r['best_s'] * 1000:>7.1f} ms  {r['median_s'] * 1000:>7.1f} ms  {r['result_rows']:>6}")
    if any("error" in r for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
