#!/usr/bin/env python3
"""DuckDB's answers for tsdb's differential test.

Usage: differential.py --parquet FILE --queries-sql FILE --out ANSWERS.json [--random N] [--edge N] [--seed S]
                       [--relational N --artists-lp FILE]
       differential.py ... --print      (also print every query, numbered, to stdout)

Runs every query of queries.sql (`-- name:` headers) and N randomly generated queries (seeded,
deterministic for a given seed and data set) over `plays` (the Parquet file written by
gen_plays.py, loaded into an in-memory table) and writes what DuckDB answered, for the Swift test
Tests/QueryEngineTests/Differential to run the same SQL on tsdb and compare.

ANSWERS.json:
  {"duckdb": version, "seed": S,
   "cases":  [{"id", "sql", "ordered", "names", "kinds", "rows"[, "error"]}],
   "approx": [{"id", "sql", "reference", "ordered", "names", "kinds", "rows"}]}
`kinds` per column: int | float | string | bool | time. A cell is null (SQL NULL) or text: ints in
decimal (DuckDB's HUGEINT sums included), floats as Python's repr (round-trips exactly), bools
true/false, times as integer nanoseconds since the epoch (DuckDB's TIMESTAMP_NS kept to the ns,
TIMESTAMP µs scaled), strings as they are. `ordered`: the query's ORDER BY fixes the order of every
output row (checked on DuckDB's answer), so rows compare in order; otherwise as multisets.
`approx` cases hold a query with approx_count_distinct for tsdb and DuckDB's exact answer of the
same query with count(DISTINCT …) (`reference`).

`--edge N` adds N cases `eNNN` at the limits of each type (overflowing integers, INTEGER casts, ±inf
and NaN doubles, timestamps near the end of the nanosecond range). A case with "error" is one DuckDB
refused (its message), or answered beyond 64 bits (a HUGEINT, a timestamp past 2262), which tsdb
refuses by design: tsdb must refuse it too, and "both refuse" counts as agreement.

`--relational N --artists-lp FILE` writes a dimension table `artists` (artist tag; genre, label, fans
fields) as line protocol to FILE, creates it in DuckDB, and adds N cases `jNNN`: joins, windows, WITH
queries, set operations, correlated IN/EXISTS and generate_series over the plays and `artists`.

Every generated query is run on DuckDB first; one that DuckDB rejects, whose ORDER BY … LIMIT would cut
through ties, or whose answer is too big, is dropped and another drawn.
"""
import argparse, datetime, json, random, re, sys


def load_named(path):
    """[(name, sql)] from a queries.sql with `-- name: x` headers, one query per name."""
    out, name, lines = [], None, []
    for line in open(path, encoding="utf-8"):
        m = re.match(r"--\s*name:\s*(\S+)", line)
        if m:
            if name:
                out.append((name, " ".join(lines).strip()))
            name, lines = m.group(1), []
        elif name and line.strip() and not line.lstrip().startswith("--"):
            lines.append(line.strip())
    if name:
        out.append((name, " ".join(lines).strip()))
    return out


# ---------------------------------------------------------------- DuckDB results as text cells

def arrow_table(con, sql):
    rel = con.sql(sql)
    for m in ("to_arrow_table", "fetch_arrow_table", "arrow"):
        if hasattr(rel, m):
            t = getattr(rel, m)()
            return t.read_all() if hasattr(t, "read_all") else t
    raise RuntimeError("this duckdb has no arrow export")


def column_kind(t):
    import pyarrow as pa
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_decimal(t):
        return "int" if t.scale == 0 else "float"
    if pa.types.is_floating(t):
        return "float"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "time"
    if pa.types.is_null(t):
        return "null"
    if pa.types.is_interval(t) or pa.types.is_duration(t):
        return "interval"
    raise ValueError(f"unsupported result type {t}")


def column_cells(col, kind):
    import pyarrow as pa
    t = col.type
    if pa.types.is_dictionary(t):
        col = col.cast(t.value_type)
        t = t.value_type
    if kind == "date":
        # A DATE as its text (YYYY-MM-DD), which tsdb prints too.
        return [None if v is None else v.isoformat() for v in col.cast(pa.date32()).to_pylist()]
    if kind == "time":
        scale = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[t.unit]
        return [None if v is None else str(v * scale) for v in col.cast(pa.int64()).to_pylist()]
    if kind == "interval":
        return [None if v is None else interval_text(v) for v in interval_parts(col, t)]
    vals = col.to_pylist()
    if kind == "int":
        return [None if v is None else str(int(v)) for v in vals]
    if kind == "float":
        return [None if v is None else repr(float(v)) for v in vals]
    if kind == "bool":
        return [None if v is None else ("true" if v else "false") for v in vals]
    return [None if v is None else str(v) for v in vals]


def interval_parts(col, t):
    """(months, days, nanoseconds) of each interval (arrow's month_day_nano, or a duration)."""
    import pyarrow as pa
    if pa.types.is_duration(t):
        scale = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[t.unit]
        return [None if v is None else (0, 0, v * scale) for v in col.cast(pa.int64()).to_pylist()]
    return [None if v is None else (v.months, v.days, v.nanoseconds) for v in col.to_pylist()]


def interval_text(parts):
    """DuckDB's text of an interval (`1 year 2 months 3 days 04:05:06.5`), which tsdb prints too."""
    months, days, nanos = parts
    out = []
    years, months = int(months / 12), months - 12 * int(months / 12)
    for n, unit in ((years, "year"), (months, "month"), (days, "day")):
        if n:
            out.append("%d %s%s" % (n, unit, "" if abs(n) == 1 else "s"))
    if nanos or not out:
        m = abs(nanos)
        text = "%s%02d:%02d:%02d" % ("-" if nanos < 0 else "", m // 3_600_000_000_000, m // 60_000_000_000 % 60, m // 10**9 % 60)
        if m % 10**9:
            text += (".%09d" % (m % 10**9)).rstrip("0")
        out.append(text)
    return " ".join(out)


def answer(con, sql):
    """(names, kinds, rows) of DuckDB's answer to sql."""
    t = arrow_table(con, sql)
    kinds = [column_kind(f.type) for f in t.schema]
    cols = [column_cells(t.column(i), k) for i, k in enumerate(kinds)]
    rows = [list(r) for r in zip(*cols)] if cols else []
    return t.schema.names, kinds, rows


def has_ties(con, sql, width, order_cols):
    """Whether two output rows of sql (width columns) agree on all of order_cols, counted by DuckDB."""
    names = ", ".join(f"c{i}" for i in range(width))
    keys = ", ".join(f"c{i}" for i in order_cols)
    return con.execute(f"SELECT count(*) - count(DISTINCT ({keys}, 0)) FROM ({sql}) AS t({names})").fetchall()[0][0] > 0


# ---------------------------------------------------------------- random queries

TAGS_LOW = ["platform", "country", "device"]
BOOLS = ["completed", "skipped", "liked"]
BUCKETS = ["1 day", "7 days", "1 hour"]
TRUNCS = ["hour", "day", "week", "month", "year"]
FIRST_DAY = datetime.date(2025, 11, 21)
DAYS = 365


class Item:
    """One select-list item: its SQL, alias, result kind, whether it orders exactly (not a float)."""

    def __init__(self, sql, kind, alias=None, agg=False):
        self.sql, self.kind, self.alias, self.agg = sql, kind, alias, agg

    def text(self):
        return self.sql + (f" AS {self.alias}" if self.alias else "")

    @property
    def exact(self):
        return self.kind != "float"


class Generator:
    def __init__(self, con, seed):
        self.rng = random.Random(seed)
        self.pools = {}
        for col, n in (("artist", 40), ("track", 40), ("user_id", 40), ("country", 60),
                       ("platform", 8), ("device", 6)):
            top = [r[0] for r in con.execute(
                f"SELECT {col} FROM plays GROUP BY {col} ORDER BY count(*) DESC, {col} LIMIT {n}").fetchall()]
            self.pools[col] = top
        # names that needed escaping in line protocol, and a few unpopular values
        for col, pat in (("artist", "The %"), ("track", "Song %")):
            self.pools[col] += [r[0] for r in con.execute(
                f"SELECT DISTINCT {col} FROM plays WHERE {col} LIKE '{pat}' ORDER BY {col} LIMIT 8").fetchall()]
        self.pools["artist"] += ["Artist 9999", "No Such Artist"]
        self.pools["platform"] += ["napster"]

    # -- literals
    def r(self):
        return self.rng.random()

    def pick(self, xs):
        return self.rng.choice(xs)

    def quote(self, s):
        return "'" + s.replace("'", "''") + "'"

    def timestamp(self):
        d = FIRST_DAY + datetime.timedelta(days=self.rng.randrange(-3, DAYS + 3))
        style = self.rng.randrange(4)
        if style == 0:
            return f"'{d.isoformat()}'"
        h, m, s = self.rng.randrange(24), self.rng.randrange(60), self.rng.randrange(60)
        if style == 1:
            return f"'{d.isoformat()}T{h:02d}:{m:02d}:{s:02d}Z'"
        if style == 2:
            return f"'{d.isoformat()} {h:02d}:{m:02d}:{s:02d}'"
        return f"'{d.isoformat()}T{h:02d}:00:00Z'"

    def time_range(self):
        a = FIRST_DAY + datetime.timedelta(days=self.rng.randrange(0, DAYS))
        b = a + datetime.timedelta(days=self.pick([1, 2, 7, 14, 31, 90]))
        if self.r() < 0.5:
            return f"time >= '{a.isoformat()}' AND time < '{b.isoformat()}'"
        h = self.rng.randrange(24)
        return f"time BETWEEN '{a.isoformat()}T{h:02d}:00:00Z' AND '{b.isoformat()}T{h:02d}:30:00Z'"

    # -- predicates
    def atom(self):
        k = self.rng.randrange(23)
        cmp = self.pick(["=", "<>", "<", "<=", ">", ">="])
        if k == 0:
            c = self.pick(TAGS_LOW + ["artist", "track"])
            return f"{c} {self.pick(['=', '=', '<>'])} {self.quote(self.pick(self.pools[c]))}"
        if k == 1:
            c = self.pick(TAGS_LOW + ["artist", "track", "user_id"])
            vals = self.rng.sample(self.pools[c], min(len(self.pools[c]), self.rng.randrange(1, 5)))
            neg = "NOT " if self.r() < 0.3 else ""
            return f"{c} {neg}IN ({', '.join(self.quote(v) for v in vals)})"
        if k == 2:
            c = self.pick(["country", "artist", "user_id", "track"])
            return f"{c} {cmp} {self.quote(self.pick(self.pools[c]))}"
        if k == 3:
            return f"duration_ms {cmp} {self.pick([30000, 60000, 120000, 180000, 240000, 300000, 359999])}"
        if k == 4:
            lo = self.rng.randrange(0, 300) * 1000
            neg = "NOT " if self.r() < 0.2 else ""
            return f"duration_ms {neg}BETWEEN {lo} AND {lo + self.rng.randrange(1, 120) * 1000}"
        if k == 5:
            return f"revenue {cmp} {self.pick(['0', '0.0', '0.003', '0.005', '0.01', '0.0035'])}"
        if k == 6:
            c = self.pick(BOOLS)
            return self.pick([c, f"NOT {c}", f"{c} = true", f"{c} = false", f"{c} <> true"])
        if k in (7, 8, 9):
            return self.time_range() if self.r() < 0.7 else f"time {cmp} {self.timestamp()}"
        if k == 10:
            c, pat = self.pick([("artist", "Artist 00%"), ("artist", "Artist 1%"), ("artist", "%Live=Loud"),
                                ("track", "Song%"), ("track", "Track 00%"), ("artist", "%s, Live%"),
                                ("artist", "Artist 01_5"), ("user_id", "u000%"), ("country", "_R")])
            return f"{c} {'NOT ' if self.r() < 0.25 else ''}LIKE '{pat}'"
        if k == 11:
            c = self.pick(["revenue", "artist", "user_id", "duration_ms", "liked", "time", "device"])
            return f"{c} IS {'NOT ' if self.r() < 0.5 else ''}NULL"
        if k == 12:
            return self.pick([f"duration_ms / 1000 {cmp} {self.pick([30, 150, 200, 299.5])}",
                              f"revenue * 100 {cmp} {self.pick(['0.3', '0.5', '1'])}",
                              f"duration_ms % 7 = {self.rng.randrange(7)}",
                              f"duration_ms // 60000 = {self.rng.randrange(1, 6)}",
                              f"duration_ms + 1000 > {self.pick([100000, 200000])}"])
        if k == 13:
            return f"platform = {self.quote(self.pick(self.pools['platform']))}"
        if k == 14:
            return f"date_trunc('{self.pick(['day', 'month'])}', time) = '{self.day_literal()}'"
        if k == 15:
            return f"CASE WHEN liked THEN duration_ms ELSE 0 END > {self.pick([0, 100000])}"
        if k == 16:
            c = self.pick(BOOLS)
            return f"{c} IS {self.pick(['', 'NOT '])}{self.pick(['TRUE', 'FALSE'])}"
        if k == 17:
            return f"artist ILIKE '{self.pick(['artist 00%', 'THE %', '%LIVE%'])}'"
        if k == 18:  # interval arithmetic on timestamps
            d = FIRST_DAY + datetime.timedelta(days=self.rng.randrange(0, DAYS))
            iv = self.pick(["7 days", "36 hours", "1 day", "90 minutes", "1 month"])
            return self.pick([f"time >= TIMESTAMP '{d.isoformat()}' - INTERVAL '{iv}'",
                              f"time < '{d.isoformat()}'::TIMESTAMP + INTERVAL '{iv}'",
                              f"time BETWEEN TIMESTAMP '{d.isoformat()}' AND TIMESTAMP '{d.isoformat()}' + INTERVAL '{iv}'"])
        if k == 19:
            return self.pick([f"-duration_ms < -{self.pick([100000, 300000])}",
                              f"CAST(revenue * 1000 AS BIGINT) = {self.rng.randrange(0, 8)}",
                              f"CAST(duration_ms AS DOUBLE) / 60000 > {self.pick(['2.5', '4'])}"])
        if k == 20:
            return f"platform || '-' || device = '{self.pick(self.pools['platform'])}-{self.pick(self.pools['device'])}'"
        if k == 21:
            return f"time_bucket(INTERVAL '1 day', time) = '{self.day_literal()}'"
        if k == 22:
            op = self.pick(["=", "<", ">=", "<>"])
            return self.pick([f"time::DATE {op} DATE '{self.day_literal()}'", f"time {op} DATE '{self.day_literal()}'",
                              f"CAST(time AS DATE) BETWEEN DATE '{self.day_literal()}' AND DATE '{self.day_literal()}' + 3",
                              f"DATE '{self.day_literal()}' - time::DATE < {self.rng.randrange(1, 40)}"])
        return f"country IN ('BR', 'MX', 'AR', 'US') AND device {self.pick(['=', '<>'])} 'mobile'"

    def day_literal(self):
        d = FIRST_DAY + datetime.timedelta(days=self.rng.randrange(0, DAYS))
        return d.replace(day=1).isoformat() if self.r() < 0.5 else d.isoformat()

    def predicate(self, depth=0):
        if depth >= 2 or self.r() < 0.45:
            a = self.atom()
            return f"NOT ({a})" if self.r() < 0.08 else a
        op = self.pick(["AND", "AND", "OR"])
        n = self.rng.randrange(2, 4)
        parts = [self.predicate(depth + 1) for _ in range(n)]
        return "(" + f" {op} ".join(parts) + ")" if depth > 0 else f" {op} ".join(f"({p})" for p in parts)

    # -- select items
    def key(self):
        k = self.rng.randrange(20)
        if k == 16:
            return Item(self.pick(["date_part('dow', time)", "extract(hour FROM time)", "date_part('isodow', time)",
                                   "extract(week FROM time)", "date_part('quarter', time)", "extract(doy FROM time)"]),
                        "int", self.pick([None, "part"]))
        if k == 17:
            return Item(self.pick(["strftime(time, '%Y-%m')", "strftime(time, '%a')", "strftime(time, '%G-W%V')"]),
                        "string", "label")
        if k == 18:  # local days and hours in a time zone
            z = self.pick(["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney"])
            e = self.pick([f"date_trunc('day', time AT TIME ZONE 'UTC' AT TIME ZONE '{z}')",
                           f"extract(hour FROM timezone('{z}', timezone('UTC', time)))",
                           f"date_trunc('month', time AT TIME ZONE 'UTC' AT TIME ZONE '{z}')"])
            return Item(e, "int" if e.startswith("extract") else "time", "local")
        if k == 12:
            return Item("CASE WHEN duration_ms < 30000 THEN 'short' WHEN duration_ms < 180000 THEN 'mid' ELSE 'long' END",
                        "string", "len")
        if k == 13:
            return Item("duration_ms // 60000", "int", "minutes")
        if k == 14:
            return Item(self.pick(["platform || '-' || device", '"device"', '"country"']), "string", self.pick([None, "combo"]))
        if k == 19:  # DATEs (issue 11): a day as a DATE, fixed-date arithmetic on it
            e, kind = self.pick([("time::DATE", "date"), ("CAST(time AS DATE)", "date"), ("time::DATE + 1", "date"),
                                 ("last_day(time)", "date"), (f"DATE '{self.day_literal()}' - time::DATE", "int"),
                                 ("time_bucket(INTERVAL '7 days', time::DATE)", "date"), ("dayname(time::DATE)", "string"),
                                 ("time::DATE + INTERVAL '12 hours'", "time"), ("date_trunc('month', time::DATE)", "time")])
            return Item(e, kind, self.pick([None, "day", "d"]))
        if k == 15:
            return Item(self.pick([f"time_bucket(INTERVAL '{self.pick(['6 hours', '30 minutes', '1 month', '2 days'])}', time)",
                                   "date_trunc('day', time + INTERVAL '1 hour')",
                                   "date_trunc('month', time - INTERVAL '12 hours')"]), "time", "tb")
        if k < 4:
            return Item(self.pick(TAGS_LOW), "string")
        if k == 4:
            return Item(self.pick(["artist", "track", "user_id"]), "string")
        if k == 5:
            return Item(self.pick(BOOLS), "bool")
        if k in (6, 7):
            return Item(f"time_bucket(INTERVAL '{self.pick(BUCKETS)}', time)", "time", self.pick(["bucket", "day", "t"]))
        if k in (8, 9):
            return Item(f"date_trunc('{self.pick(TRUNCS)}', time)", "time", self.pick(["period", "week", "d"]))
        if k == 10:
            return Item(self.pick(TAGS_LOW), "string", self.pick(["k", "key1"]))
        return Item(self.pick(["liked", "completed", "skipped"]), "bool", "flag")

    AGGS = [
        ("count(*)", "int"), ("count(*)", "int"), ("count(user_id)", "int"), ("count(artist)", "int"),
        ("count(revenue)", "int"), ("count(DISTINCT user_id)", "int"), ("count(DISTINCT artist)", "int"),
        ("count(DISTINCT track)", "int"), ("count(DISTINCT country)", "int"), ("count(DISTINCT duration_ms)", "int"),
        ("count(DISTINCT platform)", "int"), ("sum(duration_ms)", "int"), ("sum(revenue)", "float"),
        ("avg(duration_ms)", "float"), ("avg(revenue)", "float"), ("min(duration_ms)", "int"),
        ("max(duration_ms)", "int"), ("min(revenue)", "float"), ("max(revenue)", "float"),
        ("min(user_id)", "string"), ("max(user_id)", "string"), ("min(artist)", "string"), ("max(track)", "string"),
        ("min(country)", "string"), ("min(time)", "time"), ("max(time)", "time"),
        ("sum(CASE WHEN liked THEN 1 ELSE 0 END)", "int"), ("sum(CASE WHEN skipped THEN 1 ELSE 0 END)", "int"),
        ("avg(CASE WHEN completed THEN 1.0 ELSE 0.0 END)", "float"),
        ("sum(CASE WHEN completed THEN 1.0 ELSE 0.0 END)", "float"),
        ("count(CASE WHEN liked THEN 1 END)", "int"), ("sum(duration_ms) / 1000", "float"),
        ("avg(duration_ms / 1000)", "float"), ("max(duration_ms / 1000)", "float"), ("sum(revenue * 100)", "float"),
        ("max(duration_ms) - min(duration_ms)", "int"), ("sum(duration_ms) / count(*)", "float"),
        ("count(*) * 2", "int"), ("sum(duration_ms // 1000)", "int"),
        # NULL for groups where the CASE never matches
        ("sum(CASE WHEN liked THEN revenue END)", "float"), ("min(CASE WHEN liked THEN user_id END)", "string"),
        ("avg(CASE WHEN skipped THEN duration_ms END)", "float"), ("max(CASE WHEN liked THEN duration_ms END)", "int"),
        ("min(liked)", "bool"), ("max(completed)", "bool"), ("count(DISTINCT liked)", "int"),
        ("count(DISTINCT date_trunc('day', time))", "int"), ("sum(CAST(revenue * 1000 AS BIGINT))", "int"),
        ("sum(revenue) / sum(duration_ms)", "float"), ("avg(duration_ms) * 2", "float"), ("sum(-duration_ms)", "int"),
        ("count(DISTINCT platform || device)", "int"),
        # statistics, exact quantiles, boolean aggregates and FILTER (issue 11)
        ("median(duration_ms)", "float"), ("quantile_cont(revenue, 0.9)", "float"), ("quantile_disc(duration_ms, 0.25)", "int"),
        ("quantile_disc(time, 0.5)", "time"), ("quantile_cont(duration_ms, 0.01)", "float"), ("median(revenue)", "float"),
        ("stddev_samp(duration_ms)", "float"), ("stddev_pop(revenue)", "float"), ("var_samp(duration_ms)", "float"),
        ("var_pop(duration_ms // 1000)", "float"), ("stddev(duration_ms)", "float"), ("variance(revenue)", "float"),
        ("corr(duration_ms, revenue)", "float"), ("covar_pop(duration_ms, revenue)", "float"),
        ("bool_and(liked)", "bool"), ("bool_or(skipped)", "bool"), ("bool_and(duration_ms > 30000)", "bool"),
        ("count(*) FILTER (WHERE liked)", "int"), ("sum(duration_ms) FILTER (WHERE platform = 'spotify')", "int"),
        ("median(duration_ms) FILTER (WHERE completed)", "float"), ("count(DISTINCT user_id) FILTER (WHERE skipped)", "int"),
        ("max(time) FILTER (WHERE liked)", "time"), ("min(time::DATE)", "date"), ("max(CAST(time AS DATE))", "date"),
        ("count(DISTINCT time::DATE)", "int"), ("max(time::DATE) - min(time::DATE)", "int"), ("avg(revenue) FILTER (WHERE duration_ms > 200000)", "float"),
    ]

    def agg(self, i):
        sql, kind = self.pick(self.AGGS)
        alias = self.pick([None, None, f"a{i}", "plays" if sql == "count(*)" else f"v{i}"])
        return Item(sql, kind, alias, agg=True)

    def ref(self, item, index):
        """How ORDER BY / GROUP BY names an item: its expression, alias or ordinal."""
        choices = [item.sql, str(index + 1)]
        if item.alias:
            choices += [item.alias, item.alias]
        return self.pick(choices)

    # -- whole queries: (sql without LIMIT, LIMIT/OFFSET tail, order columns or None)
    def aggregate_query(self):
        nkeys = self.pick([0, 1, 1, 1, 2, 2])
        keys, seen = [], set()
        while len(keys) < nkeys:
            k = self.key()
            if k.sql not in seen and (k.alias is None or k.alias not in {x.alias for x in keys}):
                seen.add(k.sql)
                keys.append(k)
        aggs = [self.agg(i) for i in range(self.rng.randrange(1, 4))]
        aliases = set()
        for a in aggs:  # duplicate aliases are errors
            if a.alias in aliases or a.alias in {k.alias for k in keys}:
                a.alias = None
            aliases.add(a.alias)
        items = keys + aggs
        if nkeys and self.r() < 0.2:  # keys after the aggregates
            items = aggs + keys
        high = any(k.sql in ("artist", "track", "user_id") or "hour" in k.sql or "minute" in k.sql
                   for k in keys) or nkeys == 2
        hidden = bool(keys) and not high and self.r() < 0.1  # GROUP BY keys that are not selected
        if hidden:
            items = aggs
        sql = "SELECT " + ", ".join(i.text() for i in items) + " FROM plays" + self.pick([""] * 9 + [" AS p"])
        if self.r() < 0.75:
            sql += " WHERE " + self.predicate()
        if not keys:
            return sql, "", None
        if hidden:
            return sql + " GROUP BY " + ", ".join(k.sql for k in keys), "", None
        sql += " GROUP BY " + ", ".join(self.ref(k, items.index(k)) for k in keys)
        if self.r() < 0.3:
            sql += " HAVING " + self.pick([
                f"count(*) > {self.pick([0, 1, 3, 10, 50, 200, 1000])}",
                f"count(DISTINCT user_id) >= {self.pick([2, 20, 500])}",
                f"sum(duration_ms) > {self.pick([10**6, 10**8])}",
                f"avg(revenue) > {self.pick(['0.002', '0.004'])}",
                "max(duration_ms) >= 300000 AND count(*) > 5",
                "NOT (min(liked))"])
        style = self.rng.randrange(4)
        if style == 0 and not high:
            return sql, "", None
        order, cols = [], []
        exact_aggs = [a for a in aggs if a.exact]
        if style >= 2 and exact_aggs:
            a = self.pick(exact_aggs)
            order.append(self.ref(a, items.index(a)) + self.pick([" DESC", " ASC", " DESC"]))
            cols.append(items.index(a))
        for k in keys:
            order.append(self.ref(k, items.index(k)) + self.pick(["", "", " ASC", " DESC"]))
            cols.append(items.index(k))
        sql += " ORDER BY " + ", ".join(order)
        return sql, self.limit(force=high), cols

    def limit(self, force=False):
        if not force and self.r() < 0.5:
            return ""
        tail = f" LIMIT {self.pick([0, 1, 1, 3, 5, 10, 20, 50])}"
        if self.r() < 0.3:
            tail += f" OFFSET {self.pick([0, 1, 2, 5, 10])}"
        return tail

    PLAIN = [Item("artist", "string"), Item("track", "string"), Item("platform", "string"),
             Item("country", "string"), Item("device", "string"), Item("duration_ms", "int"),
             Item("completed", "bool"), Item("skipped", "bool"), Item("liked", "bool"), Item("revenue", "float"),
             Item("duration_ms / 1000", "float", "secs"), Item("revenue * 100", "float", "cents"),
             Item("duration_ms // 1000", "int", "whole_secs"),
             Item("CASE WHEN liked THEN 'yes' ELSE 'no' END", "string", "liked_text"),
             Item("date_trunc('day', time)", "time", "day"), Item("artist || ' - ' || track", "string", "title"),
             Item("CAST(duration_ms AS DOUBLE)", "float", "ms"), Item("CAST(duration_ms AS VARCHAR)", "string", "ms_text"),
             Item("-duration_ms", "int", "neg"), Item("duration_ms * duration_ms", "int", "sq"),
             Item("CAST(revenue * 1000 AS BIGINT)", "int", "milli"),
             Item("strftime(time, '%Y-%m-%d %H:%M:%S')", "string", "stamp"), Item("epoch_ms(time)", "int", "ms_since"),
             Item("date_part('epoch', time)", "float", "epoch_s"), Item("extract(minute FROM time)", "int", "minute"),
             Item("time AT TIME ZONE 'UTC' AT TIME ZONE 'America/New_York'", "time", "ny"),
             Item("timezone('Europe/Berlin', time)", "time", "berlin_instant"),
             Item("time::DATE", "date", "day_date"), Item("DATE '2026-09-01' - time::DATE", "int", "days_to"),
             Item("strftime(time::DATE, '%d/%m/%Y')", "string", "dmy")]

    def plain_query(self):
        if self.r() < 0.06:
            pred = self.predicate()
            return (f"SELECT * FROM plays WHERE {pred} ORDER BY time{self.pick(['', ' DESC'])}, user_id",
                    self.limit(force=True), [0, 6])
        items = [Item("time", "time"), Item("user_id", "string")]
        items += self.rng.sample(self.PLAIN, self.rng.randrange(1, 6))
        self.rng.shuffle(items)
        it = {i.sql: n for n, i in enumerate(items)}
        sql = "SELECT " + ", ".join(i.text() for i in items) + " FROM plays WHERE " + self.predicate()
        if self.r() < 0.15:  # no ORDER BY: a selective filter, compared as a multiset
            return sql + f" AND user_id = {self.quote(self.pick(self.pools['user_id']))}", "", None
        first = self.pick(["time", "time", "duration_ms", "user_id"])
        if first == "duration_ms" and "duration_ms" not in it:
            first = "time"
        order = [first] + [c for c in ("time", "user_id") if c != first]
        parts = [self.ref(items[it[c]], it[c]) + self.pick(["", " DESC", " ASC"]) for c in order]
        return sql + " ORDER BY " + ", ".join(parts), self.limit(force=True), [it[c] for c in order]

    def subquery(self):
        k = self.rng.randrange(5)
        key = self.pick(TAGS_LOW + BOOLS)
        where = f" WHERE {self.predicate()}" if self.r() < 0.7 else ""
        if k == 0:
            b = self.pick([f"time_bucket(INTERVAL '{self.pick(['1 day', '7 days'])}', time)",
                           f"date_trunc('{self.pick(['day', 'week', 'month'])}', time)"])
            inner = f"SELECT {key}, {b} AS day, count(*) AS daily FROM plays{where} GROUP BY {key}, day"
            return (f"SELECT {key}, avg(daily) AS avg_day, max(daily) AS peak_day, count(*) AS days "
                    f"FROM ({inner}) GROUP BY {key} ORDER BY {key}"), "", [0]
        if k == 1:
            inner = (f"SELECT {key}, count(*) AS n, sum(duration_ms) AS total_ms FROM plays{where} GROUP BY {key}")
            return (f"SELECT * FROM ({inner}) WHERE n > {self.pick([0, 100, 1000, 5000])} "
                    f"ORDER BY n DESC, {key}"), self.limit(), [1, 0]
        if k == 2:
            k2 = self.pick([c for c in TAGS_LOW if c != key])
            inner = f"SELECT {key}, {k2}, count(*) AS n FROM plays{where} GROUP BY {key}, {k2}"
            return (f"SELECT count(*) AS groups, sum(n) AS total, max(n) AS biggest, min(n) AS smallest "
                    f"FROM ({inner})"), "", None
        if k == 3:  # a top-N inside
            c = self.pick(["artist", "track", "user_id", "country"])
            inner = f"SELECT {c}, count(*) AS n FROM plays{where} GROUP BY {c} ORDER BY n DESC, {c} LIMIT {self.pick([5, 10, 50])}"
            return f"SELECT count(*) AS top, sum(n) AS plays, min(n) AS least, max({c}) AS last FROM ({inner})", "", None
        inner = f"SELECT {key}, duration_ms, revenue FROM plays{where}"
        return (f"SELECT {key}, count(*) AS n, sum(revenue) AS r FROM ({inner}) "
                f"WHERE duration_ms > {self.pick([30000, 100000, 200000])} GROUP BY {key} ORDER BY {key}"), "", [0]

    def query(self):
        x = self.r()
        if x < 0.72:
            return self.aggregate_query()
        if x < 0.9:
            return self.plain_query()
        return self.subquery()


# ---------------------------------------------------------------- edge values

INT64_MIN, INT64_MAX = -2**63, 2**63 - 1


class EdgeGenerator(Generator):
    """Queries at the limits of each type: BIGINT and INTEGER near their ends, doubles overflowing to
    ±inf and NaN, timestamps shifted towards the end of the nanosecond range. DuckDB's errors are kept
    as answers ("error"): tsdb must refuse those too. An answer beyond 64 bits (a HUGEINT sum, a
    microsecond timestamp past 2262) is one tsdb refuses on purpose: it is kept as an expected error."""

    INT_EXPRS = [
        "duration_ms + 9223372036854000000", "duration_ms + 9223372036854415000", "duration_ms + 9223372036854415812",
        "duration_ms - 9223372036854775807", "duration_ms - 9223372036854775807 - 1", "-duration_ms - 9223372036854775807",
        "duration_ms - 9223372036854775807 - 1001", "duration_ms * 25620477880152", "duration_ms * 25620477880153",
        "duration_ms * -25620477880152", "duration_ms * 10000000000000", "duration_ms * 1099511627776",
        "(duration_ms - 9223372036854775807 - 1) // -1", "(duration_ms - 9223372036854775807 - 1) // 2",
        "(duration_ms - 9223372036854775807 - 1) % -1", "-(duration_ms - 9223372036854775807 - 1)",
        "-(duration_ms - 9223372036854775807)", "abs(duration_ms - 9223372036854775807 - 1)",
        "abs(duration_ms - 9223372036854775807)", "9223372036854775807 - duration_ms * 2",
        "CAST(duration_ms * 5965 AS INTEGER)", "CAST(duration_ms * 5966 AS INTEGER)", "CAST(duration_ms * 10000 AS INTEGER)",
        "CAST(duration_ms AS INTEGER) * 5965", "CAST(duration_ms AS INTEGER) * 5966", "CAST(duration_ms AS INTEGER) * -5966",
        "CAST(duration_ms AS INTEGER) + 2147123652", "CAST(duration_ms AS INTEGER) + 2147483000",
        "CAST(duration_ms AS INTEGER) - 2147483647 - 2000", "CAST(duration_ms AS INTEGER) + 3000000000",
        "-CAST(duration_ms AS INTEGER)", "CAST(duration_ms AS INTEGER) * CAST(duration_ms AS INTEGER)",
        "CAST(duration_ms AS INTEGER) // -1", "CAST(revenue * 1e12 AS INTEGER)", "CAST(revenue * 1e20 AS BIGINT)",
        "CAST(revenue * 1e300 AS BIGINT)", "duration_ms * duration_ms * duration_ms * duration_ms",
    ]
    FLOAT_EXPRS = [
        "revenue * 1e308", "revenue * 1e308 * 1000", "-revenue * 1e308 * 1000", "revenue * 1e308 * 1000 - revenue * 1e308 * 1000",
        "1e308 * 10 + revenue", "revenue * 1.7976931348623157e308 * 100", "CAST(duration_ms AS DOUBLE) * 1e305",
        "revenue / 1e308 / 1e10", "CAST(duration_ms * 25620477880152 AS DOUBLE)",
    ]
    SHIFTS = ["100 years", "236 years", "237 years", "300 years", "106000 days", "127000 days", "1000000 hours",
              "2000000000 days", "348 years 4 months", "100000000 years"]

    def shifted(self):
        iv = self.pick(self.SHIFTS)
        e = f"time {self.pick(['+', '-'])} INTERVAL '{iv}'"
        return self.pick([e, e, f"date_trunc('{self.pick(['day', 'month', 'year'])}', {e})",
                          f"time_bucket(INTERVAL '{self.pick(['1 day', '7 days', '1 month'])}', {e})"])

    def guarded(self):
        """A WHERE whose overflowing side matters only on the rows the other side leaves open."""
        # (x) % 7 <> 3, not x > 0: DuckDB rewrites `-d - c > 0` to `d < -c`, which skips the overflow
        e = f"({self.pick(self.INT_EXPRS[:20])}) % 7 <> 3"
        bound = self.pick([1001, 2000, 5000, 100000, 359000])
        if self.r() < 0.5:
            return f" WHERE duration_ms < {bound} AND {e}" if self.r() < 0.5 else f" WHERE {e} AND duration_ms < {bound}"
        return f" WHERE duration_ms >= {bound} OR {e}"

    def query(self):
        where = f" WHERE {self.predicate()}" if self.r() < 0.4 else (self.guarded() if self.r() < 0.25 else "")
        k = self.rng.randrange(10)
        if k < 4:
            e = self.pick(self.INT_EXPRS)
            # not count(x): DuckDB may answer it without computing x (so without its overflow); tsdb computes it
            agg = self.pick(["min", "max", "sum", "count(DISTINCT", "avg"])
        elif k < 6:
            e = self.pick(self.FLOAT_EXPRS)
            agg = self.pick(["min", "max", "sum", "avg", "count"])
        elif k < 8:
            e = self.shifted()
            agg = self.pick(["min", "max", "count(DISTINCT"])
        else:  # rows, not aggregates
            e = self.pick(self.INT_EXPRS + self.FLOAT_EXPRS + [self.shifted()])
            return (f"SELECT time, user_id, {e} AS v FROM plays WHERE {self.predicate()} ORDER BY time, user_id",
                    f" LIMIT {self.pick([1, 5, 20])}", [0, 1])
        call = f"count(DISTINCT {e})" if agg == "count(DISTINCT" else f"{agg}({e})"
        if self.r() < 0.5:
            return f"SELECT {call} AS v FROM plays{where}", "", None
        key = self.pick(TAGS_LOW + BOOLS)
        return f"SELECT {key}, {call} AS v FROM plays{where} GROUP BY {key} ORDER BY {key}", "", [0]


# ---------------------------------------------------------------- joins, windows, CTEs, set operations

GENRES = ["pop", "rock", "jazz", "hip-hop", "electronic", "folk", "classical"]


def lp_tag(s):
    return s.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=").replace(" ", "\\ ")


def lp_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_artists(con, path):
    """The dimension table `artists` (most of the plays' artists and a few without plays, some labels NULL),
    written as line protocol for tsdb and created in DuckDB from the same rows."""
    names = [r[0] for r in con.execute("SELECT DISTINCT artist FROM plays ORDER BY artist").fetchall()]
    rng = random.Random(20260101)
    rows = []
    for name in names + ["Artist 9999", "Nobody, Really", "Zero=Plays"]:
        if rng.random() < 0.15:
            continue  # an artist the dimension table lacks: inner and outer joins differ
        genre = rng.choice(GENRES)
        label = None if rng.random() < 0.2 else f"L{rng.randrange(12)}"
        rows.append((name, genre, label, rng.randrange(1, 2_000_000)))
    con.execute("CREATE TABLE artists (time TIMESTAMP, artist VARCHAR, genre VARCHAR, label VARCHAR, fans BIGINT)")
    con.executemany("INSERT INTO artists VALUES (TIMESTAMP '1970-01-01', ?, ?, ?, ?)", [list(r) for r in rows])
    with open(path, "w", encoding="utf-8") as f:
        for name, genre, label, fans in rows:
            fields = [f"genre={lp_string(genre)}"] + ([f"label={lp_string(label)}"] if label else []) + [f"fans={fans}i"]
            f.write(f"artists,artist={lp_tag(name)} {','.join(fields)} 0\n")


class RelationalGenerator(Generator):
    """Queries beyond one table (cases jNNN): joins of the plays with `artists` (inner, outer, USING, extra
    conditions), window functions and QUALIFY, WITH queries (one read twice), set operations, correlated
    IN/EXISTS and generate_series filled with a LEFT JOIN. Plays predicates go inside a subquery or WITH
    query, where their bare column names are unambiguous."""

    def filtered(self):
        return f"(SELECT * FROM plays WHERE {self.predicate()})" if self.r() < 0.7 else "plays"

    def query(self):
        k = self.rng.randrange(14)
        key = self.pick(TAGS_LOW + BOOLS)
        src = self.filtered()
        if k == 0:
            kind = self.pick(["JOIN", "LEFT JOIN", "INNER JOIN", "LEFT OUTER JOIN"])
            return (f"SELECT a.genre, count(*) AS plays, count(DISTINCT p.user_id) AS listeners, sum(p.duration_ms) AS ms "
                    f"FROM {src} p {kind} artists a ON a.artist = p.artist GROUP BY a.genre ORDER BY a.genre"), "", [0]
        if k == 1:
            cond = self.pick(["a.fans > 1000000", "a.label = 'L3'", "a.label IS NULL", "p.duration_ms > a.fans // 10"])
            return (f"SELECT p.{key}, a.label, count(*) AS n FROM {src} p JOIN artists a ON p.artist = a.artist AND {cond} "
                    f"GROUP BY p.{key}, a.label ORDER BY p.{key}, a.label"), "", [0, 1]
        if k == 2:
            kind = self.pick(["RIGHT JOIN", "FULL JOIN", "LEFT JOIN"])
            return (f"SELECT count(*) AS n, count(p.artist) AS matched, count(a.artist) AS known, count(DISTINCT a.genre) AS genres "
                    f"FROM (SELECT artist, count(*) AS c FROM {src} GROUP BY artist) p {kind} artists a USING (artist)"), "", None
        if k == 3:
            b = self.pick(["day", "week", "month"])
            f = self.pick(["lag(n) OVER w", "lead(n, 2, 0) OVER w", "sum(n) OVER (PARTITION BY k ORDER BY d ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)",
                           "avg(n) OVER (PARTITION BY k ORDER BY d ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING)",
                           "n - first_value(n) OVER w", "max(n) OVER (PARTITION BY k)", "count(*) OVER (PARTITION BY k ORDER BY d)",
                           "row_number() OVER w", "ntile(4) OVER w"])
            f = f.replace("OVER w", "OVER (PARTITION BY k ORDER BY d)")
            return (f"SELECT k, d, n, {f} AS v FROM (SELECT {key} AS k, date_trunc('{b}', time) AS d, count(*) AS n "
                    f"FROM {src} GROUP BY k, d) t ORDER BY k, d"), self.limit(), [0, 1]
        if k == 4:
            c = self.pick(["artist", "track", "country"])
            fn = self.pick(["rank()", "dense_rank()"])
            return (f"SELECT platform, {c}, count(*) AS n, {fn} OVER (PARTITION BY platform ORDER BY count(*) DESC) AS r "
                    f"FROM {src} GROUP BY platform, {c} QUALIFY r <= {self.pick([1, 2, 3, 5])} ORDER BY platform, r, {c}"), "", [0, 1]
        if k == 5:
            return (f"WITH d AS (SELECT artist, count(*) AS n, sum(duration_ms) AS ms FROM {src} GROUP BY artist) "
                    f"SELECT a.genre, count(*) AS artists, sum(d.n) AS plays, max(d.ms) AS top_ms FROM d JOIN artists a ON a.artist = d.artist "
                    f"GROUP BY a.genre ORDER BY a.genre"), "", [0]
        if k == 6:
            c = self.pick(["artist", "user_id", "country"])
            return (f"WITH d AS (SELECT {c}, count(*) AS n FROM {src} GROUP BY {c}) "
                    f"SELECT count(*) AS above, min(n) AS least FROM d WHERE n > (SELECT avg(n) FROM d)"), "", None
        if k == 7:
            op = self.pick(["UNION", "UNION ALL", "INTERSECT", "EXCEPT", "INTERSECT ALL", "EXCEPT ALL"])
            c = self.pick(["user_id", "artist", "country", "track"])
            return (f"SELECT count(*) AS n, min(x) AS lo, max(x) AS hi FROM (SELECT {c} AS x FROM plays WHERE {self.predicate()} "
                    f"{op} SELECT {c} FROM plays WHERE {self.predicate()}) s"), "", None
        if k == 8:
            neg = self.pick(["", "NOT "])
            plat = self.quote(self.pick(self.pools["platform"]))
            return (f"SELECT a.genre, count(*) AS n FROM artists a WHERE {neg}EXISTS (SELECT 1 FROM plays p "
                    f"WHERE p.artist = a.artist AND p.platform = {plat}) GROUP BY a.genre ORDER BY a.genre"), "", [0]
        if k == 9:
            neg = self.pick(["", "NOT "])
            c = self.pick(["country", "platform", "device"])
            return (f"SELECT p.{key}, count(*) AS n FROM {src} p WHERE p.user_id {neg}IN (SELECT q.user_id FROM plays q "
                    f"WHERE q.{c} = p.{c} AND q.liked) GROUP BY p.{key} ORDER BY p.{key}"), "", [0]
        if k == 10:
            a = FIRST_DAY + datetime.timedelta(days=self.rng.randrange(-5, DAYS))
            b = a + datetime.timedelta(days=self.pick([6, 13, 30]))
            artist = self.quote(self.pick(self.pools["artist"]))
            return (f"SELECT d.day, count(p.time) AS plays FROM generate_series(TIMESTAMP '{a.isoformat()}', TIMESTAMP '{b.isoformat()}', "
                    f"INTERVAL '1 day') AS d(day) LEFT JOIN plays p ON date_trunc('day', p.time) = d.day AND p.artist = {artist} "
                    f"GROUP BY d.day ORDER BY d.day"), "", [0]
        if k == 12:
            # Window functions inside expressions: over aggregates, in CASE, ORDER BY and QUALIFY.
            b = self.pick(["day", "week", "month"])
            form = self.rng.randrange(4)
            if form == 0:
                return (f"SELECT {key} AS k, count(*) AS n, round(100.0 * count(*) / sum(count(*)) OVER (), 4) AS share "
                        f"FROM {src} GROUP BY k ORDER BY k"), "", [0]
            if form == 1:
                return (f"SELECT k, d, n, n - lag(n) OVER (PARTITION BY k ORDER BY d) AS change, "
                        f"CASE WHEN lag(n) OVER (PARTITION BY k ORDER BY d) < n THEN 'up' WHEN lag(n) OVER (PARTITION BY k ORDER BY d) > n "
                        f"THEN 'down' ELSE 'same' END AS trend FROM (SELECT {key} AS k, date_trunc('{b}', time) AS d, count(*) AS n "
                        f"FROM {src} GROUP BY k, d) t ORDER BY k, d"), self.limit(), [0, 1]
            if form == 2:
                return (f"SELECT {key} AS k, date_trunc('{b}', time) AS d, count(*) AS n FROM {src} GROUP BY k, d "
                        f"QUALIFY count(*) * 2 >= max(count(*)) OVER (PARTITION BY k) ORDER BY k, d"), self.limit(), [0, 1]
            return (f"SELECT {key} AS k, count(*) AS n, round(avg(duration_ms) - avg(avg(duration_ms)) OVER (), 3) AS vs_mean "
                    f"FROM {src} GROUP BY k ORDER BY count(*) - min(count(*)) OVER () DESC, k"), "", [1, 0]
        if k == 13:
            # Timestamp differences: intervals compared, date_diff/date_sub, epoch of an interval.
            part = self.pick(["day", "hour", "minute", "week", "month", "second"])
            c = self.quote(self.pick(self.pools["country"]))
            form = self.rng.randrange(3)
            if form == 0:
                gap = self.pick(["30 minutes", "1 hour", "1 day", "7 days"])
                return (f"WITH g AS (SELECT user_id, CASE WHEN time - lag(time) OVER (PARTITION BY user_id ORDER BY time) <= INTERVAL '{gap}' "
                        f"THEN 0 ELSE 1 END AS new_session FROM plays WHERE country = {c}) "
                        f"SELECT user_id, count(*) AS plays, sum(new_session) AS sessions FROM g GROUP BY user_id "
                        f"ORDER BY plays DESC, user_id"), self.limit(force=True), [1, 0]
            if form == 1:
                fn = self.pick(["date_diff", "date_sub", "datediff"])
                return (f"SELECT {key} AS k, min({fn}('{part}', time, TIMESTAMP '2026-11-21')) AS lo, "
                        f"max({fn}('{part}', TIMESTAMP '2025-12-01', time)) AS hi, count(*) AS n FROM {src} GROUP BY k ORDER BY k"), "", [0]
            return (f"SELECT user_id, date_diff('{part}', min(time), max(time)) AS span, round(epoch(max(time) - min(time)) / 3600, 3) AS hours, "
                    f"max(time) - min(time) > INTERVAL '1 day' AS long_span FROM plays WHERE country = {c} GROUP BY user_id "
                    f"ORDER BY hours DESC, user_id"), self.limit(force=True), [2, 0]
        return (f"SELECT p.artist, p.track, count(*) AS n FROM {src} p JOIN plays q ON q.user_id = p.user_id AND q.track = p.track "
                f"AND q.time > p.time WHERE p.country = {self.quote(self.pick(self.pools['country']))} GROUP BY p.artist, p.track "
                f"ORDER BY n DESC, p.artist, p.track"), self.limit(force=True), [2, 0, 1]


def relational_cases(con, n, seed, max_rows):
    """n cases jNNN from RelationalGenerator, each answered by DuckDB (refused or oversized ones redrawn)."""
    gen = RelationalGenerator(con, seed + 104729)
    cases, tries = [], 0
    while len(cases) < n:
        tries += 1
        if tries > n * 20:
            sys.exit(f"differential.py: only {len(cases)} usable relational queries after {tries} tries")
        base, tail, order_cols = gen.query()
        sql = base + tail
        try:
            names, kinds, rows = answer(con, sql)
            if order_cols is not None and has_ties(con, base, len(names), order_cols):
                if tail:
                    continue
                order_cols = None
        except Exception as e:
            print(f"differential.py: DuckDB refused a relational query ({str(e).splitlines()[0]}): {sql}", file=sys.stderr)
            continue
        if len(rows) > max_rows:
            continue
        cases.append(dict(id=f"j{len(cases):03d}", sql=sql, ordered=order_cols is not None, names=names, kinds=kinds, rows=rows))
    return cases


def beyond_64_bits(kinds, rows):
    """Whether DuckDB's answer holds an int or a time (ns) that tsdb's 64-bit types cannot."""
    for row in rows:
        for k, v in zip(kinds, row):
            if v is not None and k in ("int", "time") and not INT64_MIN <= int(v) <= INT64_MAX:
                return True
    return False


def edge_cases(con, n, seed, max_rows):
    """n edge-value cases (eNNN); DuckDB's errors and answers beyond 64 bits become expected errors."""
    gen = EdgeGenerator(con, seed + 7919)
    cases, made = [], 0
    while made < n:
        base, tail, order_cols = gen.query()
        sql = base + tail
        case = dict(id=f"e{made:03d}", sql=sql, ordered=False, names=[], kinds=[], rows=[])
        try:
            names, kinds, rows = answer(con, sql)
            if order_cols is not None and has_ties(con, base, len(names), order_cols):
                continue
            if len(rows) > max_rows:
                continue
            if beyond_64_bits(kinds, rows):
                case["error"] = "DuckDB answered beyond 64 bits (a HUGEINT or a timestamp past 2262): tsdb refuses by design"
            else:
                case.update(ordered=order_cols is not None, names=names, kinds=kinds, rows=rows)
        except Exception as e:
            case["error"] = str(e).splitlines()[0]
        cases.append(case)
        made += 1
    return cases


APPROX = [
    "SELECT approx_count_distinct(user_id) FROM plays",
    "SELECT approx_count_distinct(user_id) FROM plays WHERE time >= '2026-06-01' AND time < '2026-09-01'",
    "SELECT approx_count_distinct(track) FROM plays",
    "SELECT platform, approx_count_distinct(user_id) AS listeners FROM plays "
    "WHERE platform IN ('spotify', 'youtube', 'apple_music') GROUP BY platform ORDER BY platform",
]


# Hand-written queries of the aggregates and time functions of issue 11 (cases fNNN): each group's
# answer is deterministic (no ties for arg_max's ordering, no order-dependent string_agg).
FUNCS = [
    "SELECT platform, median(duration_ms) AS med, quantile_cont(duration_ms, 0.9) AS p90, "
    "quantile_disc(duration_ms, 0.9) AS p90d, quantile_disc(revenue, 0.5) AS rev FROM plays GROUP BY platform ORDER BY platform",
    "SELECT date_trunc('day', time AT TIME ZONE 'UTC' AT TIME ZONE 'America/New_York') AS local_day, count(*) AS plays "
    "FROM plays GROUP BY local_day ORDER BY local_day",
    "SELECT time_bucket(INTERVAL '1 day', timezone('UTC', time), 'America/New_York') AS day, count(*) AS plays "
    "FROM plays GROUP BY day ORDER BY day",
    "SELECT artist, count(*) FILTER (WHERE liked) AS likes, count(*) FILTER (WHERE skipped) AS skips, "
    "stddev_samp(duration_ms) AS sd, median(duration_ms) AS med FROM plays GROUP BY artist ORDER BY artist",
    "SELECT user_id, max_by(track, time) AS last_track, arg_min(duration_ms, time) AS first_ms, count(*) AS n "
    "FROM plays GROUP BY user_id ORDER BY user_id LIMIT 200",
    "SELECT extract(year FROM time) AS y, extract(month FROM time) AS m, extract(isoyear FROM time) AS iy, "
    "count(*) AS n FROM plays GROUP BY y, m, iy ORDER BY y, m, iy",
    "SELECT strftime(time, '%Y-%m-%d') AS d, count(*) AS n FROM plays "
    "WHERE strptime(strftime(time, '%Y-%m-%d %H:%M:%S'), '%Y-%m-%d %H:%M:%S') = date_trunc('second', time) "
    "GROUP BY d ORDER BY d",
    "SELECT corr(duration_ms, revenue) AS c, covar_samp(duration_ms, revenue) AS cs, var_pop(revenue) AS vp, "
    "bool_or(liked) AS any_liked, bool_and(completed) AS all_done FROM plays",
    "SELECT platform, count(*) AS n FROM plays GROUP BY platform HAVING n > 1000 ORDER BY n DESC",
    "SELECT make_timestamp(2026, 3, 8, 2, 30, 0) AT TIME ZONE 'America/New_York' AS gap, "
    "TIMESTAMP '2026-11-01 01:30:00' AT TIME ZONE 'America/New_York' AS overlap, epoch_ms(1767225600123) AS ms, "
    "to_timestamp(1767225600) AS ts, make_timestamp(1767225600000000) AS us",
    "SELECT quantile_disc(duration_ms, 0.5) FILTER (WHERE platform = 'napster') AS none, "
    "median(duration_ms) FILTER (WHERE false) AS empty, stddev_samp(duration_ms) FILTER (WHERE user_id = 'x') AS sd, "
    "bool_and(liked) FILTER (WHERE false) AS b, count(*) FILTER (WHERE false) AS c FROM plays",
    "SELECT country, date_part('hour', timezone('Asia/Kolkata', timezone('UTC', time))) AS local_hour, count(*) AS n "
    "FROM plays WHERE country IN ('IN', 'US') GROUP BY country, local_hour ORDER BY country, local_hour",
    # not quantile_cont(time, …): its microsecond rounding differs from DuckDB's by 1 µs at times (docs/sql.md)
    "SELECT device, quantile_disc(time, 0.5) FILTER (WHERE liked) AS mid, quantile_disc(time, 0.1) AS early, "
    "var_samp(duration_ms // 1000) AS v FROM plays GROUP BY device ORDER BY device",
]


# Hand-written shapes of issue 10's slow queries (cases sNNN): grouped count(DISTINCT) over strings of
# every length class tsdb keys differently (under 8 bytes, exactly 8 like user_id, longer), NULLs, a
# constant, and many groups.
SHAPES = [
    "SELECT time_bucket(INTERVAL '1 day', time) AS day, count(DISTINCT user_id) AS listeners FROM plays "
    "WHERE time >= '2026-03-01' AND time < '2026-03-31' GROUP BY day ORDER BY day",
    "SELECT count(*) AS plays, count(DISTINCT user_id) AS listeners FROM plays "
    "WHERE time >= '2026-05-05' AND time < '2026-05-06'",
    "SELECT platform, count(DISTINCT user_id) AS u8, count(DISTINCT user_id || 'x') AS u9, "
    "count(DISTINCT CASE WHEN liked THEN '' WHEN skipped THEN 'ab' ELSE country || device END) AS short, "
    "count(DISTINCT CASE WHEN completed THEN user_id END) AS with_nulls, count(DISTINCT 'k') AS one, "
    "count(*) AS n FROM plays GROUP BY platform ORDER BY platform",
    "SELECT user_id, count(DISTINCT track) AS tracks, count(DISTINCT platform || device) AS kinds "
    "FROM plays GROUP BY user_id ORDER BY user_id LIMIT 300",
    "SELECT date_trunc('week', time) AS week, country, count(DISTINCT user_id) AS listeners FROM plays "
    "WHERE country IN ('US', 'BR', 'DE') GROUP BY week, country ORDER BY week, country",
    # a distinct set per hour: tag codes, 8-byte strings and integers, a thread's groups shared or not
    "SELECT time_bucket(INTERVAL '1 hour', time) AS hour, count(DISTINCT artist) AS artists, "
    "count(DISTINCT user_id) AS users, count(DISTINCT duration_ms) AS lengths FROM plays "
    "WHERE time >= '2026-02-01' AND time < '2026-02-08' GROUP BY hour ORDER BY hour",
    # DevOps' last values per group: arg_max/arg_min ordered by time (integer, string, float and tag
    # values; an ordering with NULLs), with a FILTER and values that are NULL
    "SELECT platform, device, max(time) AS t, arg_max(duration_ms, time) AS last_ms, arg_min(user_id, time) AS first_user, "
    "arg_max(revenue, time) AS last_rev, arg_max(track, CASE WHEN liked THEN time END) AS last_liked FROM plays "
    "GROUP BY platform, device ORDER BY platform, device",
    "SELECT country, arg_max(CASE WHEN skipped THEN duration_ms END, time) AS last_skip_ms, "
    "arg_min(revenue, time) FILTER (WHERE completed) AS first_done_rev, arg_min(time, time) AS first_t, count(*) AS n "
    "FROM plays GROUP BY country ORDER BY country",
    # issue 11's join: grouped count(DISTINCT) above a star join (the pairs outgrow a core's cache, so
    # they are radix-partitioned), a dimension filter that the fact scan takes as the build side's keys
    # (inner, and the outer join's NULL side), and IN (SELECT …) pushed into the fact scan below the join
    "SELECT a.label, count(*) AS plays, count(DISTINCT p.user_id) AS listeners, count(DISTINCT p.user_id || a.genre) AS pairs "
    "FROM plays p JOIN artists a ON p.artist = a.artist GROUP BY a.label ORDER BY a.label NULLS LAST",
    "SELECT a.genre, count(*) AS plays, sum(p.duration_ms) AS ms FROM plays p JOIN artists a ON p.artist = a.artist "
    "WHERE a.label IN ('L1', 'L2') AND a.fans < 1500000 GROUP BY a.genre ORDER BY a.genre",
    "SELECT a.genre, count(*) AS plays, count(p.artist) AS matched FROM artists a LEFT JOIN plays p ON p.artist = a.artist "
    "AND p.platform = 'spotify' WHERE a.fans < 300000 GROUP BY a.genre ORDER BY a.genre",
    "SELECT count(*) AS n FROM plays p JOIN artists a ON p.artist = a.artist WHERE a.genre = 'no such genre'",
    "SELECT a.label, count(*) AS plays FROM plays p JOIN artists a ON p.artist = a.artist "
    "WHERE p.artist IN (SELECT artist FROM artists WHERE fans < 500000) AND p.country NOT IN (SELECT country FROM plays WHERE device = 'car' AND country < 'F') "
    "GROUP BY a.label ORDER BY a.label NULLS LAST",
    "SELECT a.genre, count(*) AS plays FROM plays p JOIN artists a ON p.artist = a.artist "
    "WHERE p.artist IN (SELECT x.artist FROM artists x WHERE x.genre = a.genre AND x.fans < 900000) GROUP BY a.genre ORDER BY a.genre",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--parquet", required=True)
    ap.add_argument("--queries-sql", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--random", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--edge", type=int, default=0)
    ap.add_argument("--relational", type=int, default=0)
    ap.add_argument("--artists-lp", help="write the dimension table `artists` here as line protocol (for --relational)")
    ap.add_argument("--max-rows", type=int, default=1500)
    ap.add_argument("--print", action="store_true")
    a = ap.parse_args()
    try:
        import duckdb, pyarrow  # noqa: F401
    except ImportError as e:
        sys.exit(f"differential.py needs the Python package '{e.name}' (pip install duckdb pyarrow numpy)")

    con = duckdb.connect()
    for setting in ("SET TimeZone = 'UTC'", "SET threads = 1"):  # UTC needs ICU; one thread is faster here
        try:
            con.execute(setting).fetchall()
        except Exception:
            pass
    path = a.parquet.replace("'", "''")
    con.execute(f"CREATE TABLE plays AS SELECT * FROM '{path}'")

    cases = []
    for name, sql in load_named(a.queries_sql):
        names, kinds, rows = answer(con, sql)
        cases.append(dict(id=name, sql=sql, ordered=" ORDER BY " in sql.upper(), names=names, kinds=kinds, rows=rows))

    gen = Generator(con, a.seed)
    made, tries, rejected = 0, 0, {}
    while made < a.random:
        tries += 1
        if tries > a.random * 20:
            sys.exit(f"differential.py: only {made} usable queries after {tries} tries (seed {a.seed})")
        base, tail, order_cols = gen.query()
        sql = base + tail
        try:
            names, kinds, rows = answer(con, sql)
            if order_cols is not None:
                if has_ties(con, base, len(names), order_cols):
                    if tail:
                        rejected["ties under LIMIT"] = rejected.get("ties under LIMIT", 0) + 1
                        continue
                    order_cols = None
        except Exception as e:  # DuckDB refuses it: draw another
            reason = type(e).__name__
            rejected[reason] = rejected.get(reason, 0) + 1
            continue
        if len(rows) > a.max_rows:
            rejected["too many rows"] = rejected.get("too many rows", 0) + 1
            continue
        if not rows and gen.r() < 0.7:
            rejected["empty"] = rejected.get("empty", 0) + 1
            continue
        cases.append(dict(id=f"r{made:03d}", sql=sql, ordered=order_cols is not None,
                          names=names, kinds=kinds, rows=rows))
        made += 1

    cases += edge_cases(con, a.edge, a.seed, a.max_rows)

    if a.relational:
        if not a.artists_lp:
            sys.exit("differential.py: --relational needs --artists-lp")
        write_artists(con, a.artists_lp)
        cases += relational_cases(con, a.relational, a.seed, a.max_rows)

    for i, sql in enumerate(FUNCS):
        names, kinds, rows = answer(con, sql)
        cases.append(dict(id=f"f{i:03d}", sql=sql, ordered=" ORDER BY " in sql.upper(), names=names, kinds=kinds, rows=rows))

    for i, sql in enumerate(SHAPES):
        if " artists a " in sql and not a.relational:
            continue  # the join shapes need the dimension table, written only with --relational
        names, kinds, rows = answer(con, sql)
        cases.append(dict(id=f"s{i:03d}", sql=sql, ordered=" ORDER BY " in sql.upper(), names=names, kinds=kinds, rows=rows))

    approx = []
    for i, sql in enumerate(APPROX):
        ref = re.sub(r"approx_count_distinct\((\w+)\)", r"count(DISTINCT \1)", sql)
        names, kinds, rows = answer(con, ref)
        approx.append(dict(id=f"approx{i}", sql=sql, reference=ref, ordered=" ORDER BY " in sql.upper(),
                           names=names, kinds=kinds, rows=rows))

    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(dict(duckdb=duckdb.__version__, seed=a.seed, cases=cases, approx=approx), f)
    if a.print:
        for c in cases:
            print(f"{c['id']}\t{'ordered' if c['ordered'] else 'multiset'}\t{len(c['rows'])} rows\t{c['sql']}")
    print(f"differential.py: {len(cases)} queries ({made} random, seed {a.seed}, {tries} drawn; "
          f"rejected {rejected}) -> {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
