#!/usr/bin/env python3
"""Materialized-view benchmarks (issue 13), printed as Markdown rows for docs/benchmarks.md.

  queries: a year of daily plays per artist (and more) from a view, from raw with the rewrite off, from
           raw with the rewrite on (answered from the view), and DuckDB on the same rows (Parquet, in memory)
  ingest:  `tsdb-cli ingest` of the first N lines with 0, 1 and 3 views (the CLI materializes before it exits):
           wall, CPU (user+sys), rows/s, share of the rate without views, load average after the run
  lag:     refresh lag (tsdb_views.lag_seconds) while a client streams writes over HTTP

Usage: bench_views.py PART --cli .build/release/tsdb-cli [--server .build/release/tsdb-server]
                       --lp plays.lp [--parquet plays.parquet] --work DIR
The line protocol and Parquet come from `bench/public/gen_plays.py --rows N --out DIR`.
"""
import argparse, json, os, resource, shutil, socket, statistics, subprocess, sys, time, urllib.parse, urllib.request

ARTIST = "Artist 0001"
VIEWS = {
    "artist_daily": "SELECT time_bucket(INTERVAL '1 day', time) AS day, artist, count(*) AS plays, "
                    "count(DISTINCT user_id) AS listeners FROM plays GROUP BY day, artist",
    "track_hourly": "SELECT date_trunc('hour', time) AS hour, track, count(*) AS plays, sum(duration_ms) AS ms "
                    "FROM plays GROUP BY hour, track",
    "platform_country_daily": "SELECT date_trunc('day', time) AS day, platform, country, count(*) AS plays, "
                              "count(*) FILTER (WHERE skipped) AS skips, max(duration_ms) AS longest "
                              "FROM plays GROUP BY day, platform, country",
}
QUERIES = [
    ("a year of daily plays of one artist",
     f"SELECT day, sum(plays) AS plays FROM artist_daily WHERE artist = '{ARTIST}' GROUP BY day ORDER BY day",
     f"SELECT time_bucket(INTERVAL '1 day', time) AS day, count(*) AS plays FROM plays WHERE artist = '{ARTIST}' GROUP BY day ORDER BY day"),
    ("top 5 artists of the year",
     "SELECT artist, sum(plays) AS n FROM artist_daily GROUP BY artist ORDER BY n DESC, artist LIMIT 5",
     "SELECT artist, count(*) AS n FROM plays GROUP BY artist ORDER BY n DESC, artist LIMIT 5"),
    ("a year of daily unique listeners of one artist",
     f"SELECT day, listeners FROM artist_daily WHERE artist = '{ARTIST}' ORDER BY day",
     f"SELECT time_bucket(INTERVAL '1 day', time) AS day, count(DISTINCT user_id) AS listeners FROM plays WHERE artist = '{ARTIST}' GROUP BY day ORDER BY day"),
    ("monthly plays of one artist",
     f"SELECT date_trunc('month', day) AS month, sum(plays) AS plays FROM artist_daily WHERE artist = '{ARTIST}' GROUP BY month ORDER BY month",
     f"SELECT date_trunc('month', time) AS month, count(*) AS plays FROM plays WHERE artist = '{ARTIST}' GROUP BY month ORDER BY month"),
]


def run(args, env=None, check=True):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run(args, capture_output=True, text=True, env=e)
    if check and p.returncode != 0:
        sys.exit(f"{' '.join(args)}: {p.stderr}")
    return p


def cli(a, *args, env=None):
    return run([a.cli, "--data", a.data] + list(args), env=env)


def bench(a, queries, env=None, runs=5):
    """Best and median ms of each query, through `tsdb-cli bench queries` (embedded, every core)."""
    path = os.path.join(a.work, "q.sql")
    with open(path, "w") as f:
        for i, q in enumerate(queries):
            f.write(f"-- name: q{i}\n{q};\n")
    out = cli(a, "bench", "queries", "--queries", path, "--runs", str(runs), "--json", env=env).stdout
    d = json.loads(out[out.index("{"):])
    times = {r["name"]: (r["best_s"] * 1000, r["median_s"] * 1000) for r in d["queries"] if "best_s" in r}
    for r in d["queries"]:
        if "error" in r:
            print(f"{r['name']}: {r['error']}", file=sys.stderr)
    return [times.get(f"q{i}") for i in range(len(queries))]


def duckdb_times(parquet, queries, runs=5):
    import duckdb
    con = duckdb.connect()
    con.execute("SET threads=2")
    con.execute(f"CREATE TABLE plays AS SELECT * FROM '{parquet}'")
    out = []
    for q in queries:
        q = q.replace("time_bucket(INTERVAL '1 day', time)", "date_trunc('day', time)")
        ts = []
        for _ in range(runs):
            t = time.perf_counter()
            con.execute(q).fetchall()
            ts.append((time.perf_counter() - t) * 1000)
        out.append((min(ts), statistics.median(ts)))
    return out


def queries_part(a):
    if not os.path.exists(a.data):
        t = time.time()
        cli(a, "ingest", a.lp)
        print(f"ingested {a.lp} in {time.time() - t:.1f} s", file=sys.stderr)
    if "artist_daily" not in cli(a, "query", "--format", "csv", "SELECT name FROM tsdb_views").stdout:
        t = time.time()
        cli(a, "query", "CREATE MATERIALIZED VIEW artist_daily AS " + VIEWS["artist_daily"])
        print(f"CREATE (initial fill) {time.time() - t:.1f} s", file=sys.stderr)
    rows = cli(a, "query", "--format", "csv", "SELECT rows FROM tsdb_views").stdout.split()[-1]
    print(f"view rows: {rows}", file=sys.stderr)
    views = bench(a, [q[1] for q in QUERIES])
    raw_off = bench(a, [q[2] for q in QUERIES], env={"TSDB_VIEW_REWRITE": "off"})
    raw_on = bench(a, [q[2] for q in QUERIES])
    duck = duckdb_times(a.parquet, [q[2] for q in QUERIES]) if a.parquet else [None] * len(QUERIES)
    for i, (name, vq, rq) in enumerate(QUERIES):
        same = cli(a, "query", "--format", "csv", vq).stdout.splitlines()[1:] == \
            run([a.cli, "--data", a.data, "query", "--format", "csv", rq], env={"TSDB_VIEW_REWRITE": "off"}).stdout.splitlines()[1:]
        fmt = lambda t: "—" if not t or t[0] is None else f"{t[0]:.1f} / {t[1]:.1f}"
        print(f"| {name} | {fmt(views[i])} | {fmt(raw_off[i])} | {fmt(raw_on[i])} | {fmt(duck[i])} | {'same' if same else 'DIFFERENT'} |")


def ingest_part(a):
    lines = os.path.join(a.work, "part.lp")
    with open(a.lp, "rb") as src, open(lines, "wb") as dst:
        warm, n = [], 0
        for line in src:
            if n < 1000:
                warm.append(line)
            else:
                dst.write(line)
            n += 1
            if n >= a.rows + 1000:
                break
    warm_path = os.path.join(a.work, "warm.lp")
    with open(warm_path, "wb") as f:
        f.writelines(warm)
    base = None
    for count in (0, 1, 3):
        best = None
        for _ in range(a.runs):
            shutil.rmtree(a.data, ignore_errors=True)
            cli(a, "ingest", warm_path)
            for name in list(VIEWS)[:count]:
                cli(a, "query", f"CREATE MATERIALIZED VIEW {name} AS " + VIEWS[name])
            t, r0 = time.time(), resource.getrusage(resource.RUSAGE_CHILDREN)
            cli(a, "ingest", lines)
            s, r1 = time.time() - t, resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
            if best is None or s < best[0]:
                best = (s, cpu)
        rate = a.rows / best[0]
        base = base or rate
        print(f"| {count} | {a.rows:,} | {best[0]:.2f} s | {best[1]:.2f} s | {rate:,.0f} rows/s | {100 * rate / base:.0f}% |"
              f" {os.getloadavg()[0]:.1f} |", flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def lag_part(a):
    shutil.rmtree(a.data, ignore_errors=True)
    port = free_port()
    server = subprocess.Popen([a.server, "--data", a.data, "--http", f"127.0.0.1:{port}", "--tcp", "off"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"

    def sql(q):
        body = urllib.parse.urlencode({"db": "bench", "format": "json", "q": q}).encode()
        req = urllib.request.Request(f"{base}/api/v3/query_sql", data=body, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read())

    def write(body):
        req = urllib.request.Request(f"{base}/api/v2/write?bucket=bench&precision=ns", data=body, method="POST")
        with urllib.request.urlopen(req, timeout=60) as r:
            assert r.status == 204

    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/ping", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        with open(a.lp, "rb") as f:
            batch_lines = []
            batches = []
            for line in f:
                batch_lines.append(line)
                if len(batch_lines) == a.batch:
                    batches.append(b"".join(batch_lines))
                    batch_lines = []
                    if len(batches) * a.batch >= a.rows:
                        break
        write(batches[0])
        for name in VIEWS:
            sql(f"CREATE MATERIALIZED VIEW {name} AS " + VIEWS[name])
        lags, t0, sent, next_poll = [], time.time(), 0, 0.0
        interval = a.batch / a.rate
        for i, b in enumerate(batches[1:]):
            due = t0 + i * interval
            now = time.time()
            if due > now:
                time.sleep(due - now)
            write(b)
            sent += a.batch
            if time.time() >= next_poll:
                r = sql("SELECT max(lag_seconds) AS lag FROM tsdb_views")
                lags.append(r[0]["lag"])
                next_poll = time.time() + 0.5
        elapsed = time.time() - t0
        t1 = time.time()
        while sql("SELECT sum(pending_ranges) AS p FROM tsdb_views")[0]["p"] != 0:
            time.sleep(0.05)
        catch_up = time.time() - t1
        lags.sort()
        p = lambda q: lags[min(len(lags) - 1, int(q * len(lags)))]
        print(f"| {a.rate:,} rows/s offered, {sent / elapsed:,.0f} achieved, {len(VIEWS)} views, {elapsed:.0f} s | "
              f"{statistics.median(lags):.2f} s | {p(0.95):.2f} s | {lags[-1]:.2f} s | {catch_up:.2f} s |")
    finally:
        server.terminate()
        server.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("part", choices=["queries", "ingest", "lag"])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--server")
    ap.add_argument("--lp", required=True)
    ap.add_argument("--parquet")
    ap.add_argument("--work", required=True)
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--batch", type=int, default=5000)
    ap.add_argument("--rate", type=int, default=50_000)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    a.data = os.path.join(a.work, "data-" + a.part)
    {"queries": queries_part, "ingest": ingest_part, "lag": lag_part}[a.part](a)


if __name__ == "__main__":
    main()
