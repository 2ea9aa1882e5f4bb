#!/usr/bin/env python3
"""A crash and fault run against the real tsdb binaries; prints the figures docs/reliability.md quotes.

Four parts, each bounded in count and time, all on 127.0.0.1 and in temporary directories:

  kill      SIGKILL tsdb-server while two clients write; restart; every acknowledged row must be there
            exactly once. One data directory across all cycles, so history, flushes and compactions pile up.
  diskfull  (root only) the data directory on a small tmpfs: fill it, write until the server answers 500,
            free the space, write 20 batches (all must be 204), SIGKILL, restart: all 20 must be there.
  corrupt   damage one file of a copy of a real data directory (flip a byte, truncate, delete) and open it
            with tsdb-cli: it must answer the right count or refuse with a message — never crash, never
            answer a wrong count, and never change a file other than cutting the tail of the last WAL file.
  sql       random hostile SQL (edge values, overflow, huge LIMIT/OFFSET, deep nesting) against a running
            server: it must answer 2xx or 4xx, never 5xx other than a clear 5xx error body, and never die.

Usage: scripts/fault_run.py [--bin .build/release] [--cycles 40] [--corrupt 200] [--sql 2000] [--seed 1]
"""
import argparse, hashlib, json, os, random, shutil, signal, socket, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.parse, urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Server:
    """One tsdb-server process on ephemeral ports."""

    def __init__(self, binary, data, extra=()):
        self.port = free_port()
        self.log = open(os.path.join(os.path.dirname(data.rstrip("/")), f"server-{self.port}.log"), "wb")
        self.proc = subprocess.Popen([binary, "--data", data, "--http", f"127.0.0.1:{self.port}", "--tcp", "off", "--pg", "off",
                                      *extra], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode} on start (log {self.log.name})")
            try:
                if request(self.port, "GET", "/ping", timeout=1)[0] in (200, 204):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def kill(self, sig=signal.SIGKILL):
        self.proc.send_signal(sig)
        self.proc.wait(timeout=60)
        self.log.close()
        return self.proc.returncode


def request(port, method, path, body=None, timeout=30):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def sql(port, q, db="fault", fmt="csv"):
    return request(port, "GET", f"/api/v3/query_sql?db={db}&format={fmt}&q={urllib.parse.quote(q)}")


def batch(tag, first, rows, rng):
    # Mostly recent rows, some late ones days back, so several partitions and flushes are in play.
    base = 1_790_000_000_000_000_000
    lines = []
    for s in range(first, first + rows):
        day_back = rng.choice((0, 0, 0, 1, 3, 30))
        t = base - day_back * 86_400_000_000_000 + s * 1000
        lines.append(f"d,c={tag},h=h{s % 7} seq={s}i,pad=\"{'x' * 20}\" {t}")
    return ("\n".join(lines) + "\n").encode()


def seqs_of(port, tag):
    st, body = sql(port, f"SELECT seq FROM d WHERE c = '{tag}'")
    if st == 400 and b"unknown table" in body:
        return []  # every row of the table is gone
    if st != 200:
        raise RuntimeError(f"query failed {st}: {body[:200]!r}")
    return [int(x) for x in body.decode().split("\n")[1:] if x]


def kill_cycles(binary, cycles, rng, workdir):
    data = os.path.join(workdir, "kill", "data")
    os.makedirs(data)
    out = dict(cycles=0, acked_batches=0, acked_rows=0, lost_rows=0, duplicated_rows=0, restarts_failed=0)
    for c in range(cycles):
        srv = Server(binary, data, ["--memtable-size", "2M"])
        tag = f"c{c}"
        acked, lock, stop = [], threading.Lock(), threading.Event()

        def writer(w):
            wr = random.Random(rng.random())
            n = 0
            while not stop.is_set():
                rows = wr.choice((50, 500, 2000))
                first = w * 10_000_000 + n
                n += rows
                try:
                    st, _ = request(srv.port, "POST", "/write?db=fault", batch(tag, first, rows, wr), timeout=10)
                except OSError:
                    return
                if st == 204:
                    with lock:
                        acked.append((first, rows))
        ts = [threading.Thread(target=writer, args=(w,)) for w in range(2)]
        for t in ts:
            t.start()
        time.sleep(rng.uniform(0.3, 2.5))
        srv.kill()
        stop.set()
        for t in ts:
            t.join()
        try:
            srv = Server(binary, data)
        except RuntimeError:
            out["restarts_failed"] += 1
            break
        got = seqs_of(srv.port, tag)
        present = set(got)
        out["duplicated_rows"] += len(got) - len(present)
        for first, rows in acked:
            out["lost_rows"] += sum(1 for s in range(first, first + rows) if s not in present)
            out["acked_rows"] += rows
        out["acked_batches"] += len(acked)
        out["cycles"] += 1
        srv.kill(signal.SIGTERM)
    return out


def disk_full_cycles(binary, cycles, rng, workdir):
    if os.geteuid() != 0:
        return dict(skipped="not root: a tmpfs cannot be mounted")
    mnt = os.path.join(workdir, "tmpfs")
    os.makedirs(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mnt]).returncode != 0:
        return dict(skipped="mount -t tmpfs failed")
    out = dict(cycles=0, batches_after_full=0, acked_rows=0, lost_rows=0, refused_500=0, restarts_failed=0)
    srv = None
    try:
        for c in range(cycles):
            data = os.path.join(mnt, f"data{c}")
            srv = Server(binary, data)
            filler = os.path.join(mnt, "filler")
            # Fill to the last byte, then free a few pages, so the next WAL append is cut short mid-record.
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
            for chunk in (1 << 16, 4096, 1):
                try:
                    while os.write(fd, b"\0" * chunk) > 0:
                        pass
                except OSError:
                    pass
            os.ftruncate(fd, max(0, os.fstat(fd).st_size - rng.randrange(1, 24) * 4096))
            os.close(fd)
            n = 0
            for _ in range(200):
                st, _ = request(srv.port, "POST", "/write?db=fault", batch("full", n, 2000, rng))
                n += 2000
                if st >= 500:
                    out["refused_500"] += 1
                    break
            os.remove(filler)
            acked = []
            for b in range(20):
                first = 50_000_000 + b * 100
                st, _ = request(srv.port, "POST", "/write?db=fault", batch("after", first, 100, rng))
                if st == 204:
                    acked.append(first)
            srv.kill()
            try:
                srv = Server(binary, data)
            except RuntimeError:
                out["restarts_failed"] += 1
                continue
            present = set(seqs_of(srv.port, "after"))
            for first in acked:
                out["lost_rows"] += sum(1 for s in range(first, first + 100) if s not in present)
            out["acked_rows"] += 100 * len(acked)
            out["batches_after_full"] += len(acked)
            out["cycles"] += 1
            srv.kill(signal.SIGTERM)
            shutil.rmtree(data, ignore_errors=True)
    finally:
        if srv is not None and srv.proc.poll() is None:
            srv.kill()
        subprocess.run(["umount", mnt])
    return out


def tree_hashes(root):
    h = {}
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if f == "LOCK":
                continue
            with open(p, "rb") as fh:
                h[os.path.relpath(p, root)] = (os.path.getsize(p), hashlib.sha256(fh.read()).hexdigest())
    return h


def corruption_trials(server_bin, cli_bin, trials, rng, workdir):
    base = os.path.join(workdir, "corrupt", "data")
    os.makedirs(base)
    srv = Server(server_bin, base, ["--memtable-size", "256K"])
    n = 0
    for i in range(30):  # several segments and days, symbol files, and rows left in the WAL
        st, _ = request(srv.port, "POST", "/write?db=fault", batch(f"t{i % 3}", n, 1000, rng))
        assert st == 204, st
        n += 1000
    request(srv.port, "POST", "/write?db=fault", b"other,k=v x=1i 1790000000000000000\n")
    srv.kill()  # SIGKILL: the last rows stay in the WAL only
    db = os.path.join(base, "fault")
    files = sorted(os.path.relpath(os.path.join(d, f), db) for d, _, fs in os.walk(db) for f in fs if f != "LOCK")
    out = dict(trials=0, answered_right=0, refused=0, crashes=0, wrong_answers=0,
               files_deleted_or_cut_on_refusal=0, all_rows_back_after_restore=0)
    for t in range(trials):
        copy = os.path.join(workdir, "corrupt", f"copy{t}")
        shutil.copytree(base, copy)
        victim = os.path.join(copy, "fault", rng.choice(files))
        size = os.path.getsize(victim)
        with open(victim, "rb") as f:
            original = f.read()
        how = rng.choice(("flip", "flip", "flip", "truncate", "delete"))
        if how == "flip" and size > 0:
            with open(victim, "r+b") as f:
                off = rng.randrange(size)
                f.seek(off)
                b = f.read(1)[0]
                f.seek(off)
                f.write(bytes([b ^ (1 << rng.randrange(8))]))
        elif how == "truncate":
            os.truncate(victim, rng.randrange(size + 1))
        else:
            os.remove(victim)
        before = tree_hashes(copy)
        r = subprocess.run([cli_bin, "query", "--data", copy, "--db", "fault", "--format", "csv",
                            "SELECT count(*) FROM d"], capture_output=True, timeout=120)
        after = tree_hashes(copy)
        out["trials"] += 1
        if r.returncode < 0:
            out["crashes"] += 1
            print(f"crash: {how} {victim}: {r.stderr[-300:]!r}", file=sys.stderr)
        elif r.returncode == 0:
            if r.stdout.decode().split("\n")[1:2] == [str(n)]:
                out["answered_right"] += 1
            else:
                out["wrong_answers"] += 1
                print(f"wrong answer: {how} {victim}: {r.stdout[:100]!r}", file=sys.stderr)
        else:
            out["refused"] += 1
        # An open that answered may flush replayed rows (new segments, a new manifest, trimmed WAL) — the
        # right count proves nothing was lost. After a refusal (of the database, or of the damaged table
        # alone while the other table serves and flushes), no file may have been deleted or shrunk, and
        # putting the damaged file back must bring every row back.
        if r.returncode != 0:
            lost = sorted(k for k in before if k not in after or after[k][0] < before[k][0])
            if lost:
                out["files_deleted_or_cut_on_refusal"] += 1
                print(f"files deleted or cut on refusal: {how} {victim}: {lost[:5]}", file=sys.stderr)
            with open(victim, "wb") as f:
                f.write(original)
            again = subprocess.run([cli_bin, "query", "--data", copy, "--db", "fault", "--format", "csv",
                                    "SELECT count(*) FROM d"], capture_output=True, timeout=120)
            if again.returncode == 0 and again.stdout.decode().split("\n")[1:2] == [str(n)]:
                out["all_rows_back_after_restore"] += 1
            else:
                print(f"not whole after restore: {how} {victim}: {again.stdout[:80]!r} {again.stderr[-200:]!r}", file=sys.stderr)
        shutil.rmtree(copy)
    return out


EDGE = ["9223372036854775807", "-9223372036854775808", "0", "-1", "2147483647", "-2147483648",
        "1.7e308", "-1.7e308", "1e-308", "'nan'::DOUBLE", "'inf'::DOUBLE", "NULL", "''", "'2262-04-11'",
        "TIMESTAMP '1677-09-22'", "TIMESTAMP '2262-04-11'", "INTERVAL '100000000 years'", "seq", "duration",
        "h", "time"]
OPS = ["+", "-", "*", "/", "//", "%"]


def random_expr(rng, depth=0):
    if depth > 3 or rng.random() < 0.35:
        return rng.choice(EDGE)
    k = rng.random()
    if k < 0.45:
        return f"({random_expr(rng, depth + 1)} {rng.choice(OPS)} {random_expr(rng, depth + 1)})"
    if k < 0.6:
        return f"-({random_expr(rng, depth + 1)})"
    if k < 0.75:
        return f"CAST({random_expr(rng, depth + 1)} AS {rng.choice(['INTEGER', 'BIGINT', 'DOUBLE', 'VARCHAR', 'TIMESTAMP'])})"
    if k < 0.85:
        return f"{rng.choice(['abs', 'round', 'floor', 'ceil', 'length', 'lower'])}({random_expr(rng, depth + 1)})"
    return f"CASE WHEN {random_expr(rng, depth + 1)} > 0 THEN {random_expr(rng, depth + 1)} ELSE {random_expr(rng, depth + 1)} END"


def random_query(rng):
    k = rng.random()
    if k < 0.3:
        return f"SELECT {random_expr(rng)}"
    if k < 0.55:
        agg = rng.choice(["sum", "avg", "min", "max", "count", "count(DISTINCT", "approx_count_distinct"])
        arg = random_expr(rng)
        a = f"count(DISTINCT {arg})" if agg == "count(DISTINCT" else f"{agg}({arg})"
        return f"SELECT h, {a} FROM d GROUP BY h ORDER BY h"
    if k < 0.7:
        big = rng.choice(["9223372036854775807", "9223372036854775806", "0", "1", "-1", "4294967296"])
        return f"SELECT h FROM d LIMIT {rng.choice(['1', big])} OFFSET {big}"
    if k < 0.8:
        return f"SELECT {', '.join(random_expr(rng) for _ in range(rng.randrange(1, 50)))} FROM d LIMIT 3"
    if k < 0.9:
        return "SELECT " + "(" * rng.randrange(1, 3000) + "1" + ")" * rng.randrange(1, 3000)
    return f"SELECT time_bucket(INTERVAL '{rng.choice(['1 day', '0 days', '-1 day', '100000000 years'])}', time), count(*) FROM d GROUP BY 1"


def sql_fuzz(binary, count, rng, workdir):
    data = os.path.join(workdir, "sql", "data")
    os.makedirs(data)
    srv = Server(binary, data)
    lines = [f"d,h=h{i % 5} seq={i}i,duration={rng.randrange(-10**6, 10**6)}i {1_790_000_000_000_000_000 + i}" for i in range(2000)]
    assert request(srv.port, "POST", "/write?db=fault", ("\n".join(lines) + "\n").encode())[0] == 204
    out = dict(queries=0, answered=0, errors_4xx=0, errors_5xx=0, server_deaths=0)
    for i in range(count):
        q = random_query(rng)
        try:
            st, body = sql(srv.port, q)
        except OSError:
            st = None
        out["queries"] += 1
        if srv.proc.poll() is not None or st is None:
            out["server_deaths"] += 1
            print(f"server died on: {q[:300]}", file=sys.stderr)
            srv = Server(binary, data)
            continue
        if st == 200:
            out["answered"] += 1
        elif 400 <= st < 500:
            out["errors_4xx"] += 1
        else:
            out["errors_5xx"] += 1
            print(f"{st} on: {q[:200]} -> {body[:200]!r}", file=sys.stderr)
    srv.kill(signal.SIGTERM)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=".build/release")
    ap.add_argument("--cycles", type=int, default=40)
    ap.add_argument("--diskfull", type=int, default=5)
    ap.add_argument("--corrupt", type=int, default=200)
    ap.add_argument("--sql", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", default="kill,diskfull,corrupt,sql")
    a = ap.parse_args()
    server, cli = os.path.join(a.bin, "tsdb-server"), os.path.join(a.bin, "tsdb-cli")
    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="tsdb-fault-")
    results = {}
    try:
        parts = a.only.split(",")
        start = time.time()
        if "kill" in parts:
            results["kill"] = kill_cycles(server, a.cycles, rng, work)
        if "diskfull" in parts:
            results["diskfull"] = disk_full_cycles(server, a.diskfull, rng, work)
        if "corrupt" in parts:
            results["corrupt"] = corruption_trials(server, cli, a.corrupt, rng, work)
        if "sql" in parts:
            results["sql"] = sql_fuzz(server, a.sql, rng, work)
        results["seconds"] = round(time.time() - start)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
