#!/usr/bin/env python3
"""Writes DuckDB's answers into sqllogictest files (Tests/QueryEngineTests/SQLLogic/sqllogic/*.test).

Each file's `load <table>` blocks become DuckDB tables (time TIMESTAMP, tag/string VARCHAR, int BIGINT,
uint UBIGINT, float DOUBLE, bool BOOLEAN); every `query` record's expected rows (after `----`) are
replaced by what DuckDB answers to the same text, and every `statement error` is checked to fail in
DuckDB too. Review the diff before committing: the answers are the contract tsdb is tested against.

    python3 scripts/sqllogic_expected.py [file.test …]   # default: every file
"""
import datetime
import glob
import os
import sys

import duckdb

TYPES = {"time": "TIMESTAMP", "tag": "VARCHAR", "string": "VARCHAR", "int": "BIGINT", "uint": "UBIGINT",
         "float": "DOUBLE", "bool": "BOOLEAN"}


def cell(v):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, datetime.datetime):
        text = v.strftime("%Y-%m-%d %H:%M:%S")
        if v.microsecond:
            text += (".%06d" % v.microsecond).rstrip("0")
        return text
    if isinstance(v, datetime.timedelta):
        return interval_text(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, str):
        return v if v else "(empty)"
    return str(v)


def interval_text(v):
    """DuckDB's text of a day-time interval (`1 day 02:03:04.5`, `-00:30:00`): whole days, then the rest,
    both with the difference's sign (Python normalizes timedelta's parts, so rebuild them)."""
    total = v.days * 86_400_000_000 + v.seconds * 1_000_000 + v.microseconds
    sign = -1 if total < 0 else 1
    days, rest = divmod(abs(total), 86_400_000_000)
    parts = []
    if days:
        parts.append("%d day%s" % (sign * days, "" if days == 1 else "s"))
    if rest or not parts:
        h, rest = divmod(rest, 3_600_000_000)
        m, rest = divmod(rest, 60_000_000)
        s, us = divmod(rest, 1_000_000)
        text = "%s%02d:%02d:%02d" % ("-" if sign < 0 else "", h, m, s)
        if us:
            text += (".%06d" % us).rstrip("0")
        parts.append(text)
    return " ".join(parts)


def block(lines, i):
    out = []
    while i < len(lines) and lines[i].strip():
        out.append(lines[i])
        i += 1
    return out, i


def process(path):
    lines = open(path).read().split("\n")
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    out, i, problems = [], 0, 0
    while i < len(lines):
        line = lines[i].strip()
        if not line or line.startswith("#"):
            out.append(lines[i])
            i += 1
            continue
        words = line.split()
        start = i + 1
        body, i = block(lines, i + 1)
        if words[0] == "load":
            cols = [c.split(":", 1) for c in body[0].split("\t")]
            con.execute("CREATE TABLE %s (%s)" % (words[1], ", ".join('"%s" %s' % (n, TYPES[t]) for n, t in cols)))
            for row in body[1:]:
                values = row.split("\t")
                con.execute("INSERT INTO %s VALUES (%s)" % (words[1], ", ".join("?" for _ in values)),
                            [None if v == "NULL" else v for v in values])
            out.append(lines[start - 1])
            out.extend(body)
        elif words[0] == "statement":
            sql = "\n".join(body[:body.index("----")] if "----" in body else body)
            try:
                con.execute(sql).fetchall()
                ok = True
            except duckdb.Error as e:
                ok, message = False, str(e)
            if ok != (words[1] == "ok"):
                print("%s:%d: DuckDB %s:\n%s" % (path, start, "succeeds" if ok else "fails: " + message, sql), file=sys.stderr)
                problems += 1
            out.append(lines[start - 1])
            out.extend(body)
        elif words[0] == "query":
            sql = "\n".join(body[:body.index("----")])
            try:
                rows = con.execute(sql).fetchall()
            except duckdb.Error as e:
                print("%s:%d: DuckDB fails: %s\n%s" % (path, start, e, sql), file=sys.stderr)
                problems += 1
                rows = []
            if rows and len(rows[0]) != len(words[1]):
                print("%s:%d: %d columns, the record says %s" % (path, start, len(rows[0]), words[1]), file=sys.stderr)
                problems += 1
            out.append(lines[start - 1])
            out.extend(body[:body.index("----") + 1])
            out.extend("\t".join(cell(v) for v in r) for r in rows)
        else:
            raise SystemExit("%s:%d: unknown record %r" % (path, start, words[0]))
        if i < len(lines):
            out.append("")
            i += 1
    open(path, "w").write("\n".join(out))
    return problems


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(here, "..", "Tests", "QueryEngineTests", "SQLLogic", "sqllogic", "*.test")))
    problems = sum(process(f) for f in files)
    print("%d file(s), %d problem(s)" % (len(files), problems))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
