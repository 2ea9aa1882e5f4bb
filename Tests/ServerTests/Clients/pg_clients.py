"""PostgreSQL clients against tsdb-server's --pg port. Each mode prints JSON the Swift test compares
with the HTTP API's answer (values as strings, the way the HTTP CSV shows them after normalising).

usage: pg_clients.py MODE PORT DB [TOKEN]
modes: psycopg3, psycopg3-binary, psycopg2, asyncpg, asyncpg-cursor, arrays, cancel, errors, tls, ratelimit
(libpq's PGSSLMODE/PGSSLROOTCERT variables reach psycopg's connections.)
"""
import asyncio
import datetime
import json
import sys
import threading
import time

mode, port, db = sys.argv[1], int(sys.argv[2]), sys.argv[3]
token = sys.argv[4] if len(sys.argv) > 4 else ""
dsn = f"host=127.0.0.1 port={port} dbname={db} user=tester password='{token}' application_name=pgtest"
SQL = "SELECT time, artist, platform, duration_ms, liked, revenue, user_id FROM plays ORDER BY time"


def norm(v):
    """A value as the HTTP CSV writes it: RFC 3339 UTC times, true/false, plain numbers."""
    if isinstance(v, datetime.datetime):
        assert v.utcoffset() == datetime.timedelta(0), v
        s = v.strftime("%Y-%m-%dT%H:%M:%S")
        if v.microsecond:
            s += ("." + "%06d" % v.microsecond).rstrip("0")
        return s + "Z"
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return ""
    return str(v)


def out(rows, types=None):
    print(json.dumps({"rows": [[norm(v) for v in r] for r in rows], "types": types}))


if mode in ("psycopg3", "psycopg3-binary"):
    import psycopg
    with psycopg.connect(dsn) as conn:
        cur = conn.cursor(binary=mode.endswith("binary"))
        cur.execute(SQL)
        types = [d.type_code for d in cur.description]
        rows = cur.fetchall()
        # Parameters of several types, sent with their OIDs (int8, text as unknown, timestamptz).
        cur.execute("SELECT count(*) FROM plays WHERE artist = %s AND duration_ms >= %s AND time >= %s",
                    ("Artist 0001", 1, datetime.datetime(2025, 11, 21, 0, 0, 1, tzinfo=datetime.timezone.utc)))
        n = cur.fetchone()[0]
        cur.execute("SHOW application_name")
        app = cur.fetchone()[0]
        print(json.dumps({"rows": [[norm(v) for v in r] for r in rows], "types": types, "count": n, "app": app,
                          "version": conn.info.parameter_status("server_version")}))
elif mode == "psycopg2":
    import psycopg2
    conn = psycopg2.connect(dsn)  # not autocommit: psycopg2 sends BEGIN first
    cur = conn.cursor()
    cur.execute(SQL)
    rows = cur.fetchall()
    cur.execute("SELECT count(*) FROM plays WHERE user_id = %s", ("u\"quoted\"",))
    n = cur.fetchone()[0]
    cur.execute("SELECT count(*) FROM plays WHERE artist = %s", ("x' OR 'a' = 'a",))
    injected = cur.fetchone()[0]
    conn.rollback()
    conn.close()
    print(json.dumps({"rows": [[norm(v) for v in r] for r in rows], "count": n, "injected": injected}))
elif mode in ("asyncpg", "asyncpg-cursor"):
    import asyncpg

    async def main():
        conn = await asyncpg.connect(host="127.0.0.1", port=port, database=db, user="tester", password=token or None)
        if mode == "asyncpg":
            rows = await conn.fetch(SQL)
            st = await conn.prepare("SELECT count(*) FROM plays WHERE artist = $1 AND duration_ms > $2::bigint")
            counts = [await st.fetchval("Artist 0001", 0), await st.fetchval("Artist 0001", 200000), await st.fetchval("nobody", 0)]
            inj = await conn.fetchval("SELECT count(*) FROM plays WHERE artist = $1", "x' OR 'a' = 'a")
            # No cast: the parameter's type comes from the column it is compared with.
            counts.append(await conn.fetchval("SELECT count(*) FROM plays WHERE duration_ms > $1", 200000))
            await conn.close()
            print(json.dumps({"rows": [[norm(v) for v in r.values()] for r in rows], "counts": counts, "injected": inj}))
        else:
            rows = []
            async with conn.transaction():
                # prefetch=2: Execute with a row limit of 2, PortalSuspended until the last batch.
                async for r in conn.cursor(SQL, prefetch=2):
                    rows.append(r)
            await conn.close()
            out([list(r.values()) for r in rows])

    asyncio.run(main())
elif mode == "arrays":
    # Array results decoded by the drivers themselves: psycopg 3 from binary (cursor(binary=True)) and
    # from text; asyncpg (which always asks for binary results) for text[] arrays — for arrays of other
    # element types asyncpg first runs its type-introspection query (WITH RECURSIVE over pg_type), which
    # tsdb cannot answer.
    import asyncpg
    import psycopg
    q = ("SELECT ARRAY[1, 2] AS a, '{a,b}'::text[] AS b, ARRAY[1, NULL, 3] AS c, '{1,2}'::int4[] AS d, "
         "ARRAY[1.5, -2.25] AS e, ARRAY[true, false] AS f, '{}'::int4[] AS g, "
         "ARRAY[TIMESTAMP '2026-01-02 03:04:05.5'] AS h, ARRAY['x y', NULL, 'q\"'] AS i")
    q_text = "SELECT '{a,b}'::text[] AS b, ARRAY['x y', NULL, 'q\"'] AS i, '{}'::text[] AS g"

    def plain(v):
        if isinstance(v, list):
            return [plain(x) for x in v]
        if isinstance(v, datetime.datetime):
            return norm(v)
        return v

    async def fetch():
        conn = await asyncpg.connect(host="127.0.0.1", port=port, database=db, user="tester", password=token or None)
        st = await asyncio.wait_for(conn.prepare(q_text), 60)
        types = [a.type.name for a in st.get_attributes()]
        row = await asyncio.wait_for(st.fetchrow(), 60)
        rows = await asyncio.wait_for(conn.fetch(q_text), 60)
        await conn.close()
        return {"types": types, "row": [plain(v) for v in row.values()], "same": [plain(v) for v in rows[0].values()] == [plain(v) for v in row.values()]}

    result = {"asyncpg": asyncio.run(fetch())}
    with psycopg.connect(dsn, autocommit=True) as conn:
        for binary in (True, False):
            cur = conn.cursor(binary=binary)
            cur.execute(q)
            result["psycopg-binary" if binary else "psycopg-text"] = {
                "types": [d.type_code for d in cur.description], "row": [plain(v) for v in cur.fetchone()]}
    # Each client's answer as one compact JSON text, which the test compares whole.
    print(json.dumps({k: json.dumps(v, separators=(",", ":")) for k, v in result.items()}))
elif mode == "cancel":
    import psycopg
    # A query slow enough to be cancelled: many expressions per row over every row.
    slow = "SELECT " + ", ".join(f"sum(duration_ms + {i})" for i in range(300)) + " FROM plays"
    with psycopg.connect(dsn, autocommit=True) as conn:
        done = threading.Event()

        def canceller():
            # Cancel until the query ends: the first CancelRequest may arrive before it started.
            while not done.wait(0.2):
                conn.cancel()

        t = threading.Thread(target=canceller)
        t.start()
        try:
            for _ in range(1000):  # a query that ran to the end before any cancel: run it again
                conn.execute(slow).fetchall()
            result = {"sqlstate": None}
        except psycopg.Error as e:
            result = {"sqlstate": e.sqlstate, "message": str(e)}
        finally:
            done.set()
            t.join()
        # The session is usable after the cancel.
        result["after"] = conn.execute("SELECT count(*) FROM plays").fetchone()[0]
        print(json.dumps(result))
elif mode == "tls":
    import psycopg
    import psycopg2
    with psycopg.connect(dsn, autocommit=True) as conn:
        n3 = conn.execute("SELECT count(*) FROM plays").fetchone()[0]
        ssl3 = conn.pgconn.ssl_in_use
    conn2 = psycopg2.connect(dsn)
    cur = conn2.cursor()
    cur.execute("SELECT count(*) FROM plays")
    n2 = cur.fetchone()[0]
    ssl2 = conn2.info.ssl_in_use
    conn2.close()
    print(json.dumps({"psycopg": [n3, int(ssl3)], "psycopg2": [n2, int(ssl2)]}))
elif mode == "ratelimit":
    import psycopg
    # Queries back to back until one is refused (the limit is far below what a loop reaches).
    res = {"ok": 0, "sqlstate": None}
    with psycopg.connect(dsn, autocommit=True) as conn:
        for _ in range(50):
            try:
                conn.execute("SELECT count(*) FROM plays").fetchone()
                res["ok"] += 1
            except psycopg.Error as e:
                res.update(sqlstate=e.sqlstate, message=e.diag.message_primary, detail=e.diag.message_detail)
                break
        # The refusal is an error of the statement, not of the connection: SET still answers.
        conn.execute("SET application_name = 'after'")
        res["after"] = conn.execute("SHOW application_name").fetchone()[0]
    print(json.dumps(res))
elif mode == "errors":
    import psycopg
    res = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        for name, sql in [("syntax", "SELEC 1"), ("table", "SELECT * FROM nowhere"), ("column", "SELECT nope FROM plays"),
                          ("function", "SELECT nofunc(1) FROM plays"), ("cast", "SELECT CAST('abc' AS BIGINT)"),
                          ("setting", "SHOW no_such_setting")]:
            try:
                conn.execute(sql)
                res[name] = None
            except psycopg.Error as e:
                res[name] = {"sqlstate": e.sqlstate, "position": e.diag.statement_position}
    print(json.dumps(res))
else:
    sys.exit(f"unknown mode {mode}")
