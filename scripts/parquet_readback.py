#!/usr/bin/env python3
"""Reads a Parquet file with DuckDB, pyarrow, polars and chDB (ClickHouse) and prints what each sees, for tsdb's tests.

Usage: parquet_readback.py FILE [READER...]   (readers: duckdb pyarrow polars chdb; default the first three)

Prints one JSON object: {reader: {"names": [...], "types": [...], "columns": [[cell, ...], ...]}}.
Cells are canonical text so that tests compare exactly: integers in decimal, doubles as the hex of
their IEEE bits ("nan" for any NaN), booleans "true"/"false", timestamps as integer nanoseconds since
the epoch, strings as themselves, NULL as null. A reader that fails reports {"error": "..."}.
"""
import json
import struct
import sys


def cell(v):
    import datetime
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if v != v else struct.pack("<d", v)[::-1].hex()
    if isinstance(v, datetime.datetime):
        raise TypeError("timestamps must be read as integers")
    return str(v)


def read_duckdb(path):
    import duckdb
    con = duckdb.connect()
    desc = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()
    names = [d[0] for d in desc]
    types = [d[1] for d in desc]
    select = []
    for n, t in zip(names, types):
        q = '"' + n.replace('"', '""') + '"'
        # DuckDB reads TIMESTAMP(NANOS, UTC) as TIMESTAMP WITH TIME ZONE (microseconds) or TIMESTAMP_NS.
        select.append(f"epoch_ns({q})" if t.startswith("TIMESTAMP") else q)
    rows = con.execute(f"SELECT {', '.join(select)} FROM read_parquet(?)", [path]).fetchall()
    return {"names": names, "types": types, "columns": [[cell(r[c]) for r in rows] for c in range(len(names))]}


def read_pyarrow(path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    t = pq.read_table(path)
    cols = []
    for col in t.columns:
        if pa.types.is_timestamp(col.type):
            col = col.cast(pa.timestamp("ns", tz=col.type.tz)).cast(pa.int64())
        elif pa.types.is_date(col.type):
            col = col.cast(pa.timestamp("ns")).cast(pa.int64())
        cols.append([cell(v) for v in col.to_pylist()])
    return {"names": t.column_names, "types": [str(f.type) for f in t.schema], "columns": cols}


def read_polars(path):
    import polars as pl
    df = pl.read_parquet(path)
    cols = []
    for name, dtype in zip(df.columns, df.dtypes):
        s = df[name]
        if isinstance(dtype, pl.Datetime):
            s = s.dt.epoch("ns") if dtype.time_unit == "ns" else s.cast(pl.Int64) * (1000 if dtype.time_unit == "us" else 1000000)
        cols.append([cell(v) for v in s.to_list()])
    return {"names": df.columns, "types": [str(d) for d in df.dtypes], "columns": cols}


def read_chdb(path):
    """ClickHouse's Parquet reader (chDB, in process); its answer comes back as an Arrow table."""
    import chdb
    quoted = path.replace("\\", "\\\\").replace("'", "\\'")
    # ClickHouse reads row groups on several threads and may hand them back in any order; the tests
    # compare row by row, so ask for the file's own order.
    t = chdb.query(f"SELECT * FROM file('{quoted}', Parquet) "
                   "SETTINGS max_threads = 1, input_format_parquet_preserve_order = 1", "ArrowTable")
    out = read_arrow_table(t)
    return out


def read_arrow_table(t):
    import pyarrow as pa
    cols = []
    for col in t.columns:
        if pa.types.is_timestamp(col.type):
            col = col.cast(pa.timestamp("ns", tz=col.type.tz)).cast(pa.int64())
        cols.append([cell(v) for v in col.to_pylist()])
    return {"names": t.column_names, "types": [str(f.type) for f in t.schema], "columns": cols}


def main():
    path = sys.argv[1]
    readers = sys.argv[2:] or ["duckdb", "pyarrow", "polars"]
    out = {}
    for r in readers:
        try:
            out[r] = {"duckdb": read_duckdb, "pyarrow": read_pyarrow, "polars": read_polars, "chdb": read_chdb}[r](path)
        except Exception as e:  # reported to the test, which fails naming the reader
            out[r] = {"error": f"{type(e).__name__}: {e}"}
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
