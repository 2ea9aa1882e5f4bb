#!/usr/bin/env python3
"""Dashboard viewers against a running tsdb-server: N viewers refresh the console's dashboard back to back.

Each viewer is a thread with its own keep-alive connection. A refresh sends every SQL panel of the
server's dashboard (/console/dashboards.json) the way the console does (POST /api/v3/query_sql with a
JSON body, $range and $bucket expanded as the console's lib.js expands them). Prints requests per
second and latency percentiles; run it once against a server without --query-cache-ttl and once with
it (docs/benchmarks-server.md).

    python3 bench/dashboard_viewers.py --port 8086 --viewers 50 --seconds 20 [--range all] [--token T]
"""
import argparse
import http.client
import json
import threading
import time

# The console's ranges (Sources/tsdb-server/Console/assets/lib.js).
RANGES = {
    "24h": ("24 hours", "1 hour"),
    "7d": ("7 days", "6 hours"),
    "30d": ("30 days", "1 day"),
    "3m": ("3 months", "1 day"),
    "1y": ("1 year", "1 week"),
    "all": (None, "1 month"),
}


def expand(sql, key):
    interval, bucket = RANGES[key]
    predicate = f"time >= now() - INTERVAL '{interval}'" if interval else "TRUE"
    return sql.replace("$range", f"({predicate})").replace("$bucket", f"INTERVAL '{bucket}'")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=8086)
    ap.add_argument("--viewers", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--range", default="all", choices=sorted(RANGES))
    ap.add_argument("--db", default="default")
    ap.add_argument("--token", default="")
    args = ap.parse_args()

    headers = {"Content-Type": "application/json"}
    if args.token:
        headers["Authorization"] = f"Token {args.token}"
    c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)
    c.request("GET", "/console/dashboards.json", headers=headers)
    board = json.loads(c.getresponse().read())
    bodies = [json.dumps({"db": args.db, "q": expand(p["sql"], args.range), "format": "json"})
              for p in board["panels"] if "sql" in p]

    latencies = []
    errors = []
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds

    def viewer():
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)
        mine = []
        while time.monotonic() < deadline:
            for body in bodies:
                t = time.monotonic()
                conn.request("POST", "/api/v3/query_sql", body=body, headers=headers)
                r = conn.getresponse()
                r.read()
                mine.append(time.monotonic() - t)
                if r.status != 200:
                    with lock:
                        errors.append(r.status)
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=viewer) for _ in range(args.viewers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    print(json.dumps({
        "viewers": args.viewers, "panels": len(bodies), "range": args.range, "seconds": round(elapsed, 1),
        "requests": len(latencies), "errors": len(errors),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(0.50), 1), "p95_ms": round(pct(0.95), 1), "p99_ms": round(pct(0.99), 1),
    }))


if __name__ == "__main__":
    main()
