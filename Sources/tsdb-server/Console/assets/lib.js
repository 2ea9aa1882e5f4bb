// tsdb console: the logic that is not drawing. Pure functions, no DOM, so that Node's test runner
// (Tests/ConsoleJS/lib.test.mjs) checks the same module the browser loads.

/** Column kinds the grid and the charts understand. */
export const Kind = Object.freeze({ time: 'time', number: 'number', string: 'string', bool: 'bool', other: 'other' });

const rfc3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;

/** True when `s` is a timestamp as the query API writes it (RFC 3339, UTC). */
export function isTimestamp(s) {
  return typeof s === 'string' && rfc3339.test(s);
}

/** The kind of one JSON value (null for null/undefined). */
export function kindOfValue(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Kind.number;
  if (typeof v === 'boolean') return Kind.bool;
  if (typeof v === 'string') return isTimestamp(v) ? Kind.time : Kind.string;
  return Kind.other;
}

/**
 * Columns of a JSON result (an array of row objects, keys in select-list order), each with the kind
 * its non-null values share (a column whose values disagree is `string`; an all-NULL one `other`).
 * `integer` says whether every number is whole.
 */
export function inferColumns(rows, names) {
  const cols = names ?? (rows.length ? Object.keys(rows[0]) : []);
  return cols.map((name) => {
    let kind = null;
    let integer = true;
    for (const r of rows) {
      const k = kindOfValue(r[name]);
      if (k === null) continue;
      if (kind === null) kind = k;
      else if (kind !== k) { kind = Kind.string; break; }
      if (k === Kind.number && !Number.isInteger(r[name])) integer = false;
    }
    return { name, kind: kind ?? Kind.other, integer: kind === Kind.number && integer };
  });
}

/** The kind a SQL type name from `DESCRIBE` maps to. */
export function kindOfSQLType(t) {
  const u = String(t).toUpperCase();
  if (u.startsWith('TIMESTAMP') || u === 'DATE') return Kind.time;
  if (/^(BIGINT|INTEGER|INT|SMALLINT|TINYINT|UBIGINT|HUGEINT|DOUBLE|FLOAT|REAL|DECIMAL|NUMERIC)/.test(u)) return Kind.number;
  if (u === 'BOOLEAN' || u === 'BOOL') return Kind.bool;
  if (u.startsWith('VARCHAR') || u === 'TEXT' || u === 'STRING') return Kind.string;
  return Kind.other;
}

// ---------------------------------------------------------------------------------------------
// Chart choice

/** Chart kinds: `line` and `area` over time, `bar` over categories, `none` when nothing fits. */
export const ChartKind = Object.freeze({ line: 'line', area: 'area', bar: 'bar', none: 'none' });

/**
 * Picks a chart for a result by its shape and says what goes where:
 * - a time column and numbers: `line` (x = time, one series per number column, or, with one number
 *   column and one text column, one series per value of the text column);
 * - a text (or boolean) column and numbers, no time: `bar` (x = categories);
 * - anything else: `none`.
 * Returns `{kind, x, y: [names], split: name|null}`.
 */
export function chooseChart(columns) {
  const time = columns.find((c) => c.kind === Kind.time);
  const numbers = columns.filter((c) => c.kind === Kind.number);
  const texts = columns.filter((c) => c.kind === Kind.string || c.kind === Kind.bool);
  if (numbers.length === 0) return { kind: ChartKind.none, x: null, y: [], split: null };
  if (time) {
    const split = numbers.length === 1 && texts.length === 1 ? texts[0].name : null;
    return { kind: ChartKind.line, x: time.name, y: numbers.map((c) => c.name), split };
  }
  if (texts.length > 0) {
    return { kind: ChartKind.bar, x: texts[0].name, y: numbers.map((c) => c.name), split: null };
  }
  return { kind: ChartKind.none, x: null, y: [], split: null };
}

/** The chart kinds that make sense for a result's shape (what the switch offers). */
export function chartKindsFor(columns) {
  const c = chooseChart(columns);
  if (c.kind === ChartKind.none) return [ChartKind.none];
  const kinds = [ChartKind.line, ChartKind.area, ChartKind.bar, ChartKind.none];
  return c.kind === ChartKind.bar ? [ChartKind.bar, ChartKind.line, ChartKind.none] : kinds;
}

/**
 * The series a chart draws: `{x: [...], xKind, series: [{name, values: [...]}]}`, with x values as
 * numbers (ms since the epoch) for time, strings otherwise. With `split`, rows are pivoted: one series
 * per distinct value of the split column (at most `maxSeries`, the rest summed into "other").
 */
export function toSeries(rows, columns, choice, maxSeries = 8) {
  const xCol = columns.find((c) => c.name === choice.x);
  const xKind = xCol ? xCol.kind : Kind.string;
  const xOf = (r) => (xKind === Kind.time ? Date.parse(r[choice.x]) : String(r[choice.x]));
  if (!choice.split) {
    const x = rows.map(xOf);
    const series = choice.y.map((name) => ({ name, values: rows.map((r) => toNumber(r[name])) }));
    if (xKind === Kind.time) sortByX(x, series);
    return { x, xKind, series };
  }
  const y = choice.y[0];
  const totals = new Map();
  for (const r of rows) {
    const k = String(r[choice.split]);
    totals.set(k, (totals.get(k) ?? 0) + (toNumber(r[y]) ?? 0));
  }
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map((e) => e[0]);
  const kept = ranked.slice(0, ranked.length > maxSeries ? maxSeries - 1 : maxSeries);
  const names = ranked.length > kept.length ? [...kept, 'other'] : kept;
  const keptSet = new Set(kept);
  const xIndex = new Map();
  const x = [];
  for (const r of rows) {
    const xv = xOf(r);
    if (!xIndex.has(xv)) { xIndex.set(xv, x.length); x.push(xv); }
  }
  const series = names.map((name) => ({ name, values: new Array(x.length).fill(null) }));
  const seriesIndex = new Map(names.map((n, i) => [n, i]));
  for (const r of rows) {
    const k = String(r[choice.split]);
    const s = series[seriesIndex.get(keptSet.has(k) ? k : 'other')];
    const i = xIndex.get(xOf(r));
    const v = toNumber(r[y]);
    if (v !== null) s.values[i] = (s.values[i] ?? 0) + v;
  }
  if (xKind === Kind.time) sortByX(x, series);
  return { x, xKind, series };
}

function sortByX(x, series) {
  const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b]);
  if (order.every((v, i) => v === i)) return;
  const xs = order.map((i) => x[i]);
  x.splice(0, x.length, ...xs);
  for (const s of series) s.values = order.map((i) => s.values[i]);
}

function toNumber(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

// ---------------------------------------------------------------------------------------------
// Formatting

/** A number for the grid: integers with thousands separators, others with up to 6 significant digits. */
export function formatNumber(v) {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return groupThousands(String(v));
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e15 || a < 1e-6)) return v.toExponential(4);
  let s = v.toPrecision(a >= 1 ? Math.max(6, Math.floor(Math.log10(a)) + 1) : 6);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  const [int, frac] = s.split('.');
  return frac ? `${groupThousands(int)}.${frac}` : groupThousands(int);
}

function groupThousands(s) {
  const neg = s.startsWith('-');
  const digits = neg ? s.slice(1) : s;
  const out = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return neg ? `-${out}` : out;
}

/** A compact number for chart axes: 1.2k, 3.4M, 5G. */
export function formatCompact(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '';
  const a = Math.abs(v);
  const units = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [f, u] of units) {
    if (a >= f) return `${trimNumber(v / f)}${u}`;
  }
  return trimNumber(v);
}

function trimNumber(v) {
  return String(Number(v.toPrecision(3)));
}

/**
 * A timestamp for the grid: `2026-11-21 07:05:01` (UTC); fractional seconds are kept when present,
 * and a time of exactly midnight shows as the date alone.
 */
export function formatTime(s) {
  if (!isTimestamp(s)) return s === null || s === undefined ? '' : String(s);
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(\.\d+)?Z$/.exec(s);
  if (!m) return s;
  if (m[2] === '00:00:00' && !m[3]) return m[1];
  return `${m[1]} ${m[2]}${m[3] ?? ''}`;
}

/** A duration in milliseconds for people: `850 µs`, `12 ms`, `1.53 s`, `2 min 5 s`. */
export function formatDuration(ms) {
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms - m * 60_000) / 1000)} s`;
}

/** `n row(s)` with separators. */
export function formatRows(n) {
  return `${formatNumber(n)} ${n === 1 ? 'row' : 'rows'}`;
}

/** A cell's text by its column kind. */
export function formatCell(v, kind) {
  if (v === null || v === undefined) return 'NULL';
  if (kind === Kind.number) return formatNumber(v);
  if (kind === Kind.time) return formatTime(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// ---------------------------------------------------------------------------------------------
// Axis ticks

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min, max, count = 5) {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) { const d = Math.abs(min) || 1; min -= d / 2; max += d / 2; }
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks = [];
  const start = Math.ceil(min / step - 1e-9) * step;
  for (let t = start; t <= max + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

const second = 1000, minute = 60 * second, hour = 60 * minute, day = 24 * hour;
const timeSteps = [second, 5 * second, 15 * second, 30 * second, minute, 5 * minute, 15 * minute, 30 * minute,
  hour, 3 * hour, 6 * hour, 12 * hour, day, 2 * day, 7 * day, 14 * day];

/**
 * Tick times (ms since the epoch, UTC) for a time axis over [min, max], about `count` of them, with a
 * label format: `{ticks, label(t)}`. Steps are round (minutes, hours, days, months, years).
 */
export function timeTicks(min, max, count = 6) {
  const span = Math.max(1, max - min);
  const raw = span / Math.max(1, count);
  const pad = (n) => String(n).padStart(2, '0');
  const d = (t) => new Date(t);
  const dateLabel = (t) => `${d(t).getUTCFullYear()}-${pad(d(t).getUTCMonth() + 1)}-${pad(d(t).getUTCDate())}`;
  const timeLabel = (t) => `${pad(d(t).getUTCHours())}:${pad(d(t).getUTCMinutes())}`;
  const step = timeSteps.find((s) => s >= raw);
  if (step !== undefined) {
    const ticks = [];
    for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(t);
    const label = step >= day ? dateLabel
      : span > day ? (t) => (t % day === 0 ? dateLabel(t) : `${dateLabel(t).slice(5)} ${timeLabel(t)}`)
        : step < minute ? (t) => `${timeLabel(t)}:${pad(d(t).getUTCSeconds())}` : timeLabel;
    return { ticks, label };
  }
  const months = [1, 2, 3, 6, 12, 24, 60, 120].find((m) => m * 30 * day >= raw) ?? 120;
  const ticks = [];
  const s = d(min);
  let y = s.getUTCFullYear();
  let m = s.getUTCMonth();
  m = Math.ceil(m / Math.min(months, 12)) * Math.min(months, 12);
  for (;;) {
    const t = Date.UTC(y + Math.floor(m / 12), m % 12, 1);
    if (t > max) break;
    if (t >= min && (months < 12 || (y + Math.floor(m / 12)) % (months / 12) === 0)) ticks.push(t);
    m += Math.min(months, 12);
  }
  const label = months >= 12 ? (t) => String(d(t).getUTCFullYear()) : (t) => dateLabel(t).slice(0, 7);
  return { ticks, label };
}

// ---------------------------------------------------------------------------------------------
// Error positions

/**
 * Where a query error points in the SQL text: `{line, column, index}` with `index` a JavaScript string
 * index (UTF-16 units) for `setSelectionRange`. The API gives a 1-based line and column and a 0-based
 * byte offset into the UTF-8 text; the offset is used when present, else line and column (columns
 * counted in bytes of that line). Null when the error has no position.
 */
export function errorLocation(sql, err) {
  if (!err || typeof err !== 'object') return null;
  let index = null;
  if (Number.isInteger(err.offset) && err.offset >= 0) {
    index = indexOfByteOffset(sql, err.offset);
  } else if (Number.isInteger(err.line) && Number.isInteger(err.column)) {
    const lines = sql.split('\n');
    const l = Math.min(Math.max(1, err.line), lines.length);
    let start = 0;
    for (let i = 0; i < l - 1; i++) start += lines[i].length + 1;
    index = start + indexOfByteOffset(lines[l - 1], err.column - 1);
  } else {
    return null;
  }
  const before = sql.slice(0, index);
  const line = before.split('\n').length;
  const column = index - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column, index };
}

/** The string index at a UTF-8 byte offset (clamped to the text). */
export function indexOfByteOffset(s, offset) {
  let bytes = 0;
  let i = 0;
  while (i < s.length && bytes < offset) {
    const cp = s.codePointAt(i);
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

/** The error's line of SQL and a caret under its column: two lines to show in a monospace box. */
export function caretSnippet(sql, loc) {
  if (!loc) return '';
  const text = sql.split('\n')[loc.line - 1] ?? '';
  return `${text}\n${' '.repeat(Math.max(0, loc.column - 1))}^`;
}

// ---------------------------------------------------------------------------------------------
// Dashboards: $range and $bucket

/** The ranges a dashboard offers, with the time predicate and bucket width each one means. */
export const ranges = Object.freeze({
  '24h': { label: 'last 24 hours', interval: '24 hours', bucket: '1 hour' },
  '7d': { label: 'last 7 days', interval: '7 days', bucket: '6 hours' },
  '30d': { label: 'last 30 days', interval: '30 days', bucket: '1 day' },
  '3m': { label: 'last 3 months', interval: '3 months', bucket: '1 day' },
  '1y': { label: 'last year', interval: '1 year', bucket: '1 week' },
  all: { label: 'all time', interval: null, bucket: '1 month' },
});

/**
 * A panel's SQL with its placeholders replaced for range `key`:
 * `$range` becomes `time >= now() - INTERVAL '…'` (`TRUE` for `all`), `$bucket` the bucket width as an
 * interval literal (`INTERVAL '1 hour'`). Unknown ranges are an error.
 */
export function expandRange(sql, key, column = 'time') {
  const r = ranges[key];
  if (!r) throw new Error(`unknown range '${key}': use ${Object.keys(ranges).join(', ')}`);
  const predicate = r.interval ? `${column} >= now() - INTERVAL '${r.interval}'` : 'TRUE';
  return sql.replace(/\$range\b/g, `(${predicate})`).replace(/\$bucket\b/g, `INTERVAL '${r.bucket}'`);
}

// ---------------------------------------------------------------------------------------------
// SQL text

/** A SQL string literal. */
export function sqlString(s) {
  return `'${String(s).replace(/'/g, "''")}'`;
}

/** A SQL name in double quotes when it is not a plain lower-case name. */
export function sqlName(s) {
  return /^[a-z_][a-z0-9_]*$/.test(s) && !reserved.has(s.toUpperCase()) ? s : `"${s.replace(/"/g, '""')}"`;
}

const reserved = new Set(('ALL AND AS ASC BETWEEN BY CASE CAST DESC DISTINCT ELSE END EXCEPT FALSE FROM GROUP HAVING '
  + 'ILIKE IN INTERSECT IS LIKE LIMIT NOT NULL OFFSET ON OR ORDER SELECT THEN TRUE UNION WHEN WHERE WITH').split(' '));

/** `[start, end)` of a month `YYYY-MM` as SQL timestamp literals. */
export function monthBounds(month) {
  const m = /^(\d{4})-(\d\d)$/.exec(month);
  if (!m) throw new Error(`bad month '${month}': use YYYY-MM`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  if (mo < 1 || mo > 12) throw new Error(`bad month '${month}'`);
  const next = mo === 12 ? `${y + 1}-01` : `${y}-${String(mo + 1).padStart(2, '0')}`;
  return { start: `${month}-01`, end: `${next}-01`, days: new Date(Date.UTC(y, mo, 0)).getUTCDate() };
}

/**
 * The WHERE condition of an artist report: artists (at least one), a month, platforms (none = all) and
 * a country (empty = all).
 */
export function reportFilter({ artists, month, platforms = [], country = '' }) {
  if (!artists || artists.length === 0) throw new Error('choose at least one artist');
  const b = monthBounds(month);
  const parts = [`time >= ${sqlString(b.start)}`, `time < ${sqlString(b.end)}`,
    `artist IN (${artists.map(sqlString).join(', ')})`];
  if (platforms.length) parts.push(`platform IN (${platforms.map(sqlString).join(', ')})`);
  if (country) parts.push(`country = ${sqlString(country)}`);
  return parts.join(' AND ');
}

/**
 * Per-platform figures of a report from `(platform, day, plays)` rows: total, average per day of the
 * month (days without plays count as 0) and the peak day with its date, sorted by plays.
 */
export function platformSummary(rows, days) {
  const by = new Map();
  for (const r of rows) {
    const p = r.platform ?? 'NULL';
    const e = by.get(p) ?? { platform: p, plays: 0, peak: 0, peak_day: null };
    const n = Number(r.plays);
    e.plays += n;
    if (n > e.peak || (n === e.peak && e.peak_day !== null && r.day < e.peak_day)) { e.peak = n; e.peak_day = r.day; }
    by.set(p, e);
  }
  return [...by.values()]
    .map((e) => ({ ...e, avg_per_day: e.plays / days }))
    .sort((a, b) => b.plays - a.plays || (a.platform < b.platform ? -1 : 1));
}

// ---------------------------------------------------------------------------------------------
// Prometheus text

/**
 * Sums of the samples of a Prometheus text exposition by metric name (labels summed over):
 * `Map(name → value)`. Comments and malformed lines are skipped.
 */
export function parsePrometheus(text) {
  const out = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const v = Number(m[3] === '+Inf' ? Infinity : m[3]);
    if (!Number.isFinite(v)) continue;
    out.set(m[1], (out.get(m[1]) ?? 0) + v);
  }
  return out;
}

/** Per-second rate between two samples of a counter `{t (ms), v}`; 0 after a reset. */
export function counterRate(a, b) {
  if (!a || !b || b.t <= a.t) return null;
  const d = b.v - a.v;
  return d < 0 ? 0 : d / ((b.t - a.t) / 1000);
}

// ---------------------------------------------------------------------------------------------
// History

/** The history with `sql` moved to the front, without duplicates, at most `max` entries. */
export function pushHistory(history, sql, max = 50) {
  const s = sql.trim();
  if (!s) return history.slice(0, max);
  return [s, ...history.filter((h) => h !== s)].slice(0, max);
}

// ---------------------------------------------------------------------------------------------
// Dashboards JSON

/**
 * Checks a dashboards document and fills defaults: `{title, refresh_seconds, database, panels:
 * [{title, sql | metric, chart}]}`. Throws with the first problem found.
 */
export function normalizeDashboards(doc) {
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.panels)) throw new Error('dashboards: "panels" must be a list');
  const charts = ['line', 'area', 'bar', 'table', 'stat'];
  const panels = doc.panels.map((p, i) => {
    if (!p || typeof p.title !== 'string') throw new Error(`panel ${i + 1}: "title" must be a string`);
    if ((typeof p.sql === 'string') === (typeof p.metric === 'string')) throw new Error(`panel ${i + 1}: give exactly one of "sql" or "metric"`);
    const chart = p.chart ?? (p.metric ? 'line' : 'table');
    if (!charts.includes(chart)) throw new Error(`panel ${i + 1}: "chart" must be one of ${charts.join(', ')}`);
    return { title: p.title, sql: p.sql ?? null, metric: p.metric ?? null, chart, database: p.database ?? null };
  });
  const refresh = doc.refresh_seconds ?? 10;
  if (!(typeof refresh === 'number' && refresh >= 1)) throw new Error('dashboards: "refresh_seconds" must be a number >= 1');
  return { title: doc.title ?? 'Dashboard', refresh_seconds: refresh, database: doc.database ?? null, range: doc.range ?? '24h', panels };
}
