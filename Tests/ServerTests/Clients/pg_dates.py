"""DATE results (type date, OID 1082) as PostgreSQL drivers decode them from tsdb-server's --pg port:
psycopg 3 in text and in binary (days since 2000-01-01 as int4), asyncpg (always binary). Prints one
JSON line: each mode's column type OIDs or names and its rows, dates as ISO text.

usage: pg_dates.py PORT DB
"""
import asyncio
import datetime
import json
import sys

port, db = int(sys.argv[1]), sys.argv[2]
dsn = f"host=127.0.0.1 port={port} dbname={db} user=tester password=''"
SQL = ("SELECT time::DATE AS day, DATE '2026-09-01' AS d, CAST(NULL AS DATE) AS n, DATE '1999-12-31' AS before_2000, "
       "DATE '2026-09-01' - DATE '2026-01-01' AS days FROM plays ORDER BY time LIMIT 2")


def norm(v):
    if isinstance(v, datetime.date) and not isinstance(v, datetime.datetime):
        return "date:" + v.isoformat()
    return None if v is None else str(v)


result = {}
import psycopg
with psycopg.connect(dsn) as conn:
    for binary in (False, True):
        cur = conn.cursor(binary=binary)
        cur.execute(SQL)
        result["psycopg-binary" if binary else "psycopg-text"] = {
            "types": [d.type_code for d in cur.description], "rows": [[norm(v) for v in r] for r in cur.fetchall()]}
    # A DATE parameter (sent as type date) compared with a DATE column.
    cur = conn.cursor()
    cur.execute("SELECT count(*) FROM plays WHERE time::DATE = %s", (datetime.date(2025, 11, 21),))
    result["param"] = cur.fetchone()[0]

import asyncpg


async def main():
    conn = await asyncpg.connect(host="127.0.0.1", port=port, user="tester", database=db, password="")
    try:
        stmt = await conn.prepare(SQL)
        rows = await stmt.fetch()
        result["asyncpg"] = {"types": [a.type.name for a in stmt.get_attributes()], "rows": [[norm(v) for v in r] for r in rows]}
    finally:
        await conn.close()

asyncio.run(main())
print(json.dumps(result, sort_keys=True))
