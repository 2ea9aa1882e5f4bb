#!/usr/bin/env python3
"""Load client for tsdb-server: sends a line-protocol file over HTTP or TCP and reports throughput.

Usage:
  load_client.py write --file plays.lp [--protocol http|tcp] [--url http://127.0.0.1:8086]
                 [--tcp 127.0.0.1:9009] [--api v1|v2|v3] [--db bench] [--connections 2]
                 [--batch-lines 5000] [--gzip] [--token T] [--max-lines N] [--server-pid PID] [--json]
  load_client.py query --url http://127.0.0.1:8086 --db bench [--repeat 5] [--queries FILE] [--json]

write: the file is cut into batches of --batch-lines lines before the clock starts; --connections
threads each take the next batch and POST it (HTTP, one keep-alive connection each, every batch
acknowledged before the next) or send it (TCP). For TCP, which has no acknowledgements, the clock stops
when the server's /metrics counts every row (tsdb_ingest_rows_total{protocol="tcp"} plus rejections).
Prints lines/s and MB/s of the uncompressed line protocol; with --server-pid, also the server's peak
resident memory (sampled from /proc every 50 ms).

query: runs each query (one per line of --queries, default a few over `plays`) --repeat times through
/api/v3/query_sql and prints the median and best latency.

Only the Python standard library is used, so it runs wherever python3 does.
"""
import argparse, gzip, http.client, json, socket, statistics, sys, threading, time, urllib.parse


def read_batches(path, batch_lines, max_lines):
    """The file as a list of byte strings of batch_lines lines each (newline-terminated)."""
    batches, current, count, total = [], [], 0, 0
    with open(path, "rb") as f:
        for line in f:
            if max_lines and total >= max_lines:
                break
            current.append(line if line.endswith(b"\n") else line + b"\n")
            count += 1
            total += 1
            if count == batch_lines:
                batches.append(b"".join(current))
                current, count = [], 0
    if current:
        batches.append(b"".join(current))
    return batches, total


def write_path(api, db, precision="ns"):
    q = {"v1": ("/write", {"db": db, "precision": precision}),
         "v2": ("/api/v2/write", {"bucket": db, "org": "tsdb", "precision": precision}),
         "v3": ("/api/v3/write_lp", {"db": db, "precision": "nanosecond"})}[api]
    return q[0] + "?" + urllib.parse.urlencode(q[1])


def scrape_counter(host, port, name, label):
    c = http.client.HTTPConnection(host, port, timeout=30)
    c.request("GET", "/metrics")
    text = c.getresponse().read().decode()
    c.close()
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") and label in line:
            total += float(line.rsplit(" ", 1)[1])
    return total


def rss_bytes(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_write(args):
    batches, lines = read_batches(args.file, args.batch_lines, args.max_lines)
    raw_bytes = sum(len(b) for b in batches)
    bodies = [gzip.compress(b, 1) for b in batches] if args.gzip else batches
    url = urllib.parse.urlparse(args.url)
    lock = threading.Lock()
    state = {"next": 0, "errors": 0, "statuses": {}}
    headers = {"Content-Type": "text/plain; charset=utf-8"}
    if args.gzip:
        headers["Content-Encoding"] = "gzip"
    if args.token:
        headers["Authorization"] = "Token " + args.token
    path = write_path(args.api, args.db)

    def take():
        with lock:
            i = state["next"]
            state["next"] += 1
        return i if i < len(bodies) else None

    def http_worker():
        conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=600)
        while (i := take()) is not None:
            while True:
                conn.request("POST", path, body=bodies[i], headers=headers)
                r = conn.getresponse()
                r.read()
                with lock:
                    state["statuses"][r.status] = state["statuses"].get(r.status, 0) + 1
                if r.status == 503:
                    time.sleep(float(r.getheader("Retry-After", "1")))
                    continue
                if r.status != 204:
                    with lock:
                        state["errors"] += 1
                break
        conn.close()

    def tcp_worker():
        host, port = args.tcp.rsplit(":", 1)
        s = socket.create_connection((host, int(port)))
        while (i := take()) is not None:
            s.sendall(batches[i])
        s.shutdown(socket.SHUT_WR)
        s.recv(1)
        s.close()

    before = 0.0
    if args.protocol == "tcp":
        before = scrape_counter(url.hostname, url.port, "tsdb_ingest_rows_total", 'protocol="tcp"') + \
            scrape_counter(url.hostname, url.port, "tsdb_ingest_lines_rejected_total", 'protocol="tcp"')
    peak = {"rss": 0, "stop": False}

    def sampler():
        while not peak["stop"]:
            peak["rss"] = max(peak["rss"], rss_bytes(args.server_pid))
            time.sleep(0.05)

    if args.server_pid:
        threading.Thread(target=sampler, daemon=True).start()
    work = http_worker if args.protocol == "http" else tcp_worker

    def worker():
        try:
            work()
        except Exception as e:  # a refused or broken connection fails the run, loudly
            print(f"load_client: {args.protocol} worker failed: {e}", file=sys.stderr)
            with lock:
                state["errors"] += 1
                state["next"] = len(bodies)

    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if args.protocol == "tcp" and not state["errors"]:
        while True:
            done = scrape_counter(url.hostname, url.port, "tsdb_ingest_rows_total", 'protocol="tcp"') + \
                scrape_counter(url.hostname, url.port, "tsdb_ingest_lines_rejected_total", 'protocol="tcp"')
            if done - before >= lines:
                break
            time.sleep(0.01)
    elapsed = time.perf_counter() - start
    peak["stop"] = True
    result = {"protocol": args.protocol, "api": args.api if args.protocol == "http" else None,
              "gzip": args.gzip, "connections": args.connections, "batch_lines": args.batch_lines,
              "lines": lines, "bytes": raw_bytes, "seconds": round(elapsed, 3),
              "lines_per_s": round(lines / elapsed), "mb_per_s": round(raw_bytes / elapsed / 1e6, 1),
              "errors": state["errors"], "statuses": state["statuses"]}
    if args.server_pid:
        result["server_max_rss_bytes"] = max(peak["rss"], rss_bytes(args.server_pid))
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{args.protocol}{'/' + args.api if args.protocol == 'http' else ''}{' gzip' if args.gzip else ''}: "
              f"{lines} lines, {raw_bytes / 1e6:.1f} MB in {elapsed:.2f} s = {lines / elapsed:,.0f} lines/s, "
              f"{raw_bytes / elapsed / 1e6:.1f} MB/s ({args.connections} connections, {args.batch_lines} lines/batch, "
              f"errors {state['errors']}, statuses {state['statuses']})"
              + (f", server peak RSS {result['server_max_rss_bytes'] / 2**20:.0f} MiB" if args.server_pid else ""))
    return 1 if state["errors"] else 0


DEFAULT_QUERIES = [
    "SELECT count(*) FROM plays",
    "SELECT platform, count(*) AS plays FROM plays GROUP BY platform ORDER BY plays DESC",
    "SELECT artist, count(*) AS plays FROM plays GROUP BY artist ORDER BY plays DESC LIMIT 10",
    "SELECT device, avg(CASE WHEN skipped THEN 1.0 ELSE 0.0 END) AS skip_rate FROM plays GROUP BY device ORDER BY device",
    "SELECT date_trunc('day', time) AS day, count(*) FROM plays GROUP BY day ORDER BY day DESC LIMIT 30",
]


def run_query(args):
    url = urllib.parse.urlparse(args.url)
    queries = DEFAULT_QUERIES
    if args.queries:
        with open(args.queries) as f:
            queries = [q.strip() for q in f if q.strip() and not q.startswith("--")]
    conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=600)
    results = []
    for q in queries:
        times, status = [], 0
        for _ in range(args.repeat):
            path = "/api/v3/query_sql?" + urllib.parse.urlencode({"db": args.db, "q": q, "format": "json"})
            t = time.perf_counter()
            conn.request("GET", path)
            r = conn.getresponse()
            r.read()
            times.append(time.perf_counter() - t)
            status = r.status
        results.append({"query": q, "status": status, "median_ms": round(statistics.median(times) * 1e3, 2),
                        "best_ms": round(min(times) * 1e3, 2)})
    if args.json:
        print(json.dumps(results))
    else:
        for r in results:
            print(f"{r['median_ms']:9.2f} ms median {r['best_ms']:9.2f} ms best  [{r['status']}] {r['query']}")
    return 0 if all(r["status"] == 200 for r in results) else 1


def main():
    p = argparse.ArgumentParser(description="tsdb-server load client")
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("--file", required=True)
    w.add_argument("--protocol", choices=["http", "tcp"], default="http")
    w.add_argument("--url", default="http://127.0.0.1:8086")
    w.add_argument("--tcp", default="127.0.0.1:9009")
    w.add_argument("--api", choices=["v1", "v2", "v3"], default="v2")
    w.add_argument("--db", default="bench")
    w.add_argument("--connections", type=int, default=2)
    w.add_argument("--batch-lines", type=int, default=5000)
    w.add_argument("--gzip", action="store_true")
    w.add_argument("--token")
    w.add_argument("--max-lines", type=int, default=0)
    w.add_argument("--server-pid", type=int, default=0)
    w.add_argument("--json", action="store_true")
    q = sub.add_parser("query")
    q.add_argument("--url", default="http://127.0.0.1:8086")
    q.add_argument("--db", default="bench")
    q.add_argument("--repeat", type=int, default=5)
    q.add_argument("--queries")
    q.add_argument("--json", action="store_true")
    args = p.parse_args()
    sys.exit(run_write(args) if args.cmd == "write" else run_query(args))


if __name__ == "__main__":
    main()
