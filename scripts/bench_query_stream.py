#!/usr/bin/env python3
"""Peak memory of `tsdb-cli query` on a long answer, embedded (--data) beside remote (--server).

Usage: bench_query_stream.py DATA_DIR [--cli .build/release/tsdb-cli] [--server .build/release/tsdb-server]
                             [--rows 2000000]

DATA_DIR is a tsdb data directory holding `plays` (bench_parquet.py's DATA/tsdb-data, say). The script
starts tsdb-server on it (HTTP on an ephemeral port), then runs `SELECT * FROM plays LIMIT ROWS` in each
output mode, embedded (read-only beside the server) and over --server, each in its own process under
/usr/bin/time (peak RSS of the CLI), standard output to /dev/null or the file named. Each remote run gets
a fresh server, whose own peak (VmHWM) is read after the run. Prints a Markdown table.
"""
import argparse, os, re, subprocess, sys, tempfile, time


def timed(cmd):
    t = time.time()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.time() - t
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr}")
    return wall, int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1)) * 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--cli", default=".build/release/tsdb-cli")
    ap.add_argument("--server", default=".build/release/tsdb-server")
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--modes", default="", help="comma-separated output names to run (default: all)")
    a = ap.parse_args()
    cli, data = os.path.abspath(a.cli), os.path.abspath(a.data)
    sql = f"SELECT * FROM plays LIMIT {a.rows}"
    out = tempfile.mkdtemp(prefix="bench-query-stream-")
    modes = [("csv", ["-f", "csv"]), ("json", ["-f", "json"]), ("jsonl", ["-f", "jsonl"]), ("table (40 rows shown)", []),
             ("parquet file", ["-f", "parquet", "-o", os.path.join(out, "{}.parquet")]),
             ("csv file", ["-f", "csv", "-o", os.path.join(out, "{}.csv")])]
    if a.modes:
        modes = [m for m in modes if m[0] in a.modes.split(",")]
    print(f"`{sql}`; peak RSS of the CLI, and of a fresh tsdb-server on the same directory for each remote run\n")
    print("| output | embedded CLI (`--data`) | embedded wall | remote CLI (`--server`) | server | remote wall |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, args in modes:
        lwall, local = timed([cli, "query", "--data", data] + [x.format("local") for x in args] + [sql])
        server = subprocess.Popen([os.path.abspath(a.server), "--data", data, "--http", "127.0.0.1:0", "--tcp", "off",
                                   "--pg", "off", "--log-level", "error",
                                   # a long answer from a debug build may take longer than the default 60 s
                                   "--query-timeout", "3600"], stdout=subprocess.PIPE, text=True)
        try:
            line = server.stdout.readline()
            url = "http://127.0.0.1:" + re.search(r"http=[^ ]*:(\d+)", line).group(1)
            wall, remote = timed([cli, "query", "--server", url] + [x.format("remote") for x in args] + [sql])
            with open(f"/proc/{server.pid}/status") as f:
                hwm = int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1)) * 1024
        finally:
            server.terminate()
            server.wait()
        print(f"| {name} | {local / 2**20:,.0f} MiB | {lwall:.1f} s | {remote / 2**20:,.0f} MiB | {hwm / 2**20:,.0f} MiB | {wall:.1f} s |",
              flush=True)

if __name__ == "__main__":
    main()
