#!/usr/bin/env python3
"""Parquet and CSV export and import throughput and peak memory, tsdb beside DuckDB, on gen_plays.py's data.

Usage: bench_parquet.py DATA_DIR [--cli .build/release/tsdb-cli]

DATA_DIR holds plays.lp and plays.parquet (gen_plays.py --rows N --out DATA_DIR). The script loads
plays.lp into a tsdb data directory under DATA_DIR (once), then times, each in its own process under
/usr/bin/time (peak RSS):
  tsdb   export:  tsdb-cli export plays --to … (day-partitioned, streaming)
  tsdb   COPY:    COPY plays TO 'one.parquet' (FORMAT parquet)  (whole result in memory)
  tsdb   import:  tsdb-cli ingest plays.parquet --tags … into a fresh directory
  DuckDB export:  COPY plays TO 'duck.parquet' (FORMAT parquet, COMPRESSION zstd) from a DuckDB table
  DuckDB import:  CREATE TABLE plays AS SELECT * FROM read_parquet('plays.parquet') into a database file
  tsdb   COPY csv: COPY plays TO 'one.csv' (FORMAT csv, HEADER)
  DuckDB COPY csv: COPY plays TO 'duck.csv' (FORMAT csv, HEADER)
  tsdb   CSV import: tsdb-cli ingest --format csv --table plays --tags … one.csv into a fresh directory
  DuckDB CSV import: CREATE TABLE plays AS SELECT * FROM read_csv('one.csv') into a database file
and prints a Markdown table. Rows/s are the table's rows over wall time.
"""
import argparse, os, re, shutil, subprocess, sys, time

TAGS = "artist,track,platform,country,device"


def timed(cmd, env=None):
    t = time.time()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=env)
    wall = time.time() - t
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) * 1024
    return wall, rss


def size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--cli", default=".build/release/tsdb-cli")
    a = ap.parse_args()
    d = os.path.abspath(a.data)
    cli = os.path.abspath(a.cli)
    db = os.path.join(d, "tsdb-data")
    if not os.path.isdir(db):
        subprocess.run([cli, "ingest", "-q", "--data", db, os.path.join(d, "plays.lp")], check=True)
    import duckdb
    rows = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{d}/plays.parquet')").fetchone()[0]
    duck_db = os.path.join(d, "duck.db")
    if not os.path.exists(duck_db):
        duckdb.connect(duck_db).execute(f"CREATE TABLE plays AS SELECT * FROM read_parquet('{d}/plays.parquet')")
    results = []

    out = os.path.join(d, "export"); shutil.rmtree(out, ignore_errors=True)
    w, m = timed([cli, "export", "plays", "-q", "--data", db, "--to", out])
    results.append(("tsdb `export` (day partitions, zstd)", w, m, size(out)))

    one = os.path.join(d, "one.parquet")
    w, m = timed([cli, "query", "--data", db, f"COPY plays TO '{one}' (FORMAT parquet)"])
    results.append(("tsdb `COPY plays TO … (FORMAT parquet)`", w, m, size(one)))

    duck_out = os.path.join(d, "duck.parquet")
    code = f"import duckdb; duckdb.connect('{duck_db}', read_only=True).execute(\"COPY plays TO '{duck_out}' (FORMAT parquet, COMPRESSION zstd)\")"
    w, m = timed([sys.executable, "-c", code])
    results.append(("DuckDB `COPY plays TO … (FORMAT parquet, COMPRESSION zstd)`", w, m, size(duck_out)))

    fresh = os.path.join(d, "tsdb-import"); shutil.rmtree(fresh, ignore_errors=True)
    w, m = timed([cli, "ingest", "-q", "--data", fresh, os.path.join(d, "plays.parquet"), "--tags", TAGS])
    results.append(("tsdb `ingest plays.parquet`", w, m, size(fresh)))

    duck_in = os.path.join(d, "duck-import.db")
    if os.path.exists(duck_in): os.remove(duck_in)
    code = f"import duckdb; duckdb.connect('{duck_in}').execute(\"CREATE TABLE plays AS SELECT * FROM read_parquet('{d}/plays.parquet')\")"
    w, m = timed([sys.executable, "-c", code])
    results.append(("DuckDB `CREATE TABLE … AS SELECT * FROM read_parquet(…)`", w, m, size(duck_in)))

    csv = os.path.join(d, "one.csv")
    w, m = timed([cli, "query", "--data", db, f"COPY plays TO '{csv}' (FORMAT csv, HEADER)"])
    results.append(("tsdb `COPY plays TO … (FORMAT csv, HEADER)`", w, m, size(csv)))

    duck_csv = os.path.join(d, "duck.csv")
    code = f"import duckdb; duckdb.connect('{duck_db}', read_only=True).execute(\"COPY plays TO '{duck_csv}' (FORMAT csv, HEADER)\")"
    w, m = timed([sys.executable, "-c", code])
    results.append(("DuckDB `COPY plays TO … (FORMAT csv, HEADER)`", w, m, size(duck_csv)))

    fresh = os.path.join(d, "tsdb-import-csv"); shutil.rmtree(fresh, ignore_errors=True)
    w, m = timed([cli, "ingest", "-q", "--data", fresh, "--format", "csv", "--table", "plays", "--tags", TAGS, csv])
    results.append(("tsdb `ingest --format csv one.csv`", w, m, size(fresh)))

    duck_in = os.path.join(d, "duck-import-csv.db")
    if os.path.exists(duck_in): os.remove(duck_in)
    code = f"import duckdb; duckdb.connect('{duck_in}').execute(\"CREATE TABLE plays AS SELECT * FROM read_csv('{csv}')\")"
    w, m = timed([sys.executable, "-c", code])
    results.append(("DuckDB `CREATE TABLE … AS SELECT * FROM read_csv(…)`", w, m, size(duck_in)))

    print(f"{rows:,} rows; plays.parquet {size(os.path.join(d, 'plays.parquet')) / 1e6:.0f} MB (pyarrow, zstd)\n")
    print("| operation | wall | rows/s | peak RSS | output |")
    print("|---|---:|---:|---:|---:|")
    for name, w, m, s in results:
        print(f"| {name} | {w:.1f} s | {rows / w / 1e6:.2f} M | {m / 2**20:,.0f} MiB | {s / 1e6:,.0f} MB |")


if __name__ == "__main__":
    main()
