// Unit tests of the console's logic module (the file the browser loads): `node --test Tests/ConsoleJS/lib.test.mjs`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as lib from '../../Sources/tsdb-server/Console/assets/lib.js';

const cols = (rows) => lib.inferColumns(rows);

test('column kinds are inferred from JSON values, skipping NULLs', () => {
  const rows = [
    { day: '2026-11-21T00:00:00Z', platform: null, n: 3, avg: 1.5, ok: true },
    { day: '2026-11-22T00:00:00.5Z', platform: 'web', n: 4, avg: 2, ok: false },
  ];
  assert.deepEqual(cols(rows).map((c) => [c.name, c.kind, c.integer]), [
    ['day', 'time', false], ['platform', 'string', false], ['n', 'number', true], ['avg', 'number', false], ['ok', 'bool', false],
  ]);
  assert.equal(cols([{ x: 'a' }, { x: 1 }])[0].kind, 'string');
  assert.equal(cols([{ x: null }])[0].kind, 'other');
  assert.equal(lib.isTimestamp('2026-11-21'), false);
  assert.equal(lib.kindOfSQLType('BIGINT'), 'number');
  assert.equal(lib.kindOfSQLType('TIMESTAMP'), 'time');
  assert.equal(lib.kindOfSQLType('VARCHAR'), 'string');
  assert.equal(lib.kindOfSQLType('BOOLEAN'), 'bool');
});

test('a time column and numbers make a line chart', () => {
  const c = lib.chooseChart(cols([{ minute: '2026-11-21T00:01:00Z', plays: 3, listeners: 2 }]));
  assert.deepEqual(c, { kind: 'line', x: 'minute', y: ['plays', 'listeners'], split: null });
});

test('time, one category and one number pivot into one series per category', () => {
  const rows = [
    { day: '2026-11-22T00:00:00Z', platform: 'web', plays: 1 },
    { day: '2026-11-21T00:00:00Z', platform: 'web', plays: 2 },
    { day: '2026-11-21T00:00:00Z', platform: 'ios', plays: 5 },
  ];
  const columns = cols(rows);
  const c = lib.chooseChart(columns);
  assert.deepEqual(c, { kind: 'line', x: 'day', y: ['plays'], split: 'platform' });
  const s = lib.toSeries(rows, columns, c);
  assert.deepEqual(s.x, [Date.parse('2026-11-21T00:00:00Z'), Date.parse('2026-11-22T00:00:00Z')]);
  assert.deepEqual(s.series, [{ name: 'ios', values: [5, null] }, { name: 'web', values: [2, 1] }]);
});

test('more categories than series fold into "other"', () => {
  const rows = ['a', 'b', 'c', 'd'].map((k, i) => ({ t: '2026-11-21T00:00:00Z', k, n: 10 - i }));
  const columns = cols(rows);
  const s = lib.toSeries(rows, columns, lib.chooseChart(columns), 3);
  assert.deepEqual(s.series.map((x) => [x.name, x.values[0]]), [['a', 10], ['b', 9], ['other', 15]]);
});

test('a category and a number make a bar chart; numbers alone or text alone make none', () => {
  assert.deepEqual(lib.chooseChart(cols([{ artist: 'A', plays: 3 }])), { kind: 'bar', x: 'artist', y: ['plays'], split: null });
  assert.equal(lib.chooseChart(cols([{ n: 3 }])).kind, 'none');
  assert.equal(lib.chooseChart(cols([{ a: 'x', b: 'y' }])).kind, 'none');
  assert.equal(lib.chooseChart(cols([{ t: '2026-11-21T00:00:00Z', a: 'x' }])).kind, 'none');
  assert.deepEqual(lib.chartKindsFor(cols([{ artist: 'A', plays: 3 }])), ['bar', 'line', 'none']);
  assert.deepEqual(lib.chartKindsFor(cols([{ t: '2026-11-21T00:00:00Z', n: 1 }])), ['line', 'area', 'bar', 'none']);
  const s = lib.toSeries([{ artist: 'A', plays: 3 }, { artist: 'B', plays: 1 }], cols([{ artist: 'A', plays: 3 }]), lib.chooseChart(cols([{ artist: 'A', plays: 3 }])));
  assert.deepEqual(s, { x: ['A', 'B'], xKind: 'string', series: [{ name: 'plays', values: [3, 1] }] });
});

test('numbers are formatted with separators and few digits', () => {
  assert.equal(lib.formatNumber(0), '0');
  assert.equal(lib.formatNumber(1234567), '1,234,567');
  assert.equal(lib.formatNumber(-1234), '-1,234');
  assert.equal(lib.formatNumber(1234.5678), '1,234.57');
  assert.equal(lib.formatNumber(0.002976), '0.002976');
  assert.equal(lib.formatNumber(2.5), '2.5');
  assert.equal(lib.formatNumber(123456789.123), '123,456,789');
  assert.equal(lib.formatNumber(1e-9), '1.0000e-9');
  assert.equal(lib.formatNumber(null), '');
  assert.equal(lib.formatCompact(1500), '1.5k');
  assert.equal(lib.formatCompact(2_000_000), '2M');
  assert.equal(lib.formatCompact(12), '12');
  assert.equal(lib.formatCompact(0.25), '0.25');
  assert.equal(lib.formatCell(null, 'number'), 'NULL');
  assert.equal(lib.formatCell(true, 'bool'), 'true');
});

test('times and durations are formatted for people', () => {
  assert.equal(lib.formatTime('2026-11-21T07:05:01Z'), '2026-11-21 07:05:01');
  assert.equal(lib.formatTime('2026-11-21T00:00:00Z'), '2026-11-21');
  assert.equal(lib.formatTime('2026-11-21T00:00:00.000001Z'), '2026-11-21 00:00:00.000001');
  assert.equal(lib.formatTime('not a time'), 'not a time');
  assert.equal(lib.formatDuration(0.25), '250 µs');
  assert.equal(lib.formatDuration(12.4), '12 ms');
  assert.equal(lib.formatDuration(1534), '1.53 s');
  assert.equal(lib.formatDuration(125_000), '2 min 5 s');
  assert.equal(lib.formatRows(1), '1 row');
  assert.equal(lib.formatRows(12345), '12,345 rows');
});

test('ticks are round', () => {
  assert.deepEqual(lib.niceTicks(0, 100, 5), [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(lib.niceTicks(0, 7, 5), [0, 2, 4, 6]);
  assert.deepEqual(lib.niceTicks(5, 5, 2), [2.5, 5, 7.5]);
  const h = Date.UTC(2026, 10, 21, 0, 0);
  const t = lib.timeTicks(h, h + 60 * 60 * 1000, 6);
  assert.deepEqual(t.ticks.map(t.label), ['00:00', '00:15', '00:30', '00:45', '01:00']);
  const d = lib.timeTicks(h, h + 30 * 86400e3, 5);
  assert.match(d.label(d.ticks[0]), /^2026-11-2\d$/);
  const y = lib.timeTicks(Date.UTC(2025, 0, 15), Date.UTC(2026, 11, 1), 6);
  assert.ok(y.ticks.length >= 3 && y.ticks.length <= 12, `${y.ticks.length} ticks`);
  assert.match(y.label(y.ticks[0]), /^2025-\d\d$/);
});

test('error positions map byte offsets to text positions', () => {
  const sql = 'SELECT nope FROM plays';
  assert.deepEqual(lib.errorLocation(sql, { error: 'x', line: 1, column: 8, offset: 7 }), { line: 1, column: 8, index: 7 });
  const multi = 'SELECT count(*)\nFROM plays\nWHERE nope > 1';
  assert.deepEqual(lib.errorLocation(multi, { line: 3, column: 7, offset: 33 }), { line: 3, column: 7, index: 33 });
  assert.deepEqual(lib.errorLocation(multi, { line: 3, column: 7 }), { line: 3, column: 7, index: 33 });
  // 'é' is two bytes in UTF-8 and one unit in JavaScript; '😀' four bytes and two units.
  const accented = "SELECT 'é', nope";
  assert.deepEqual(lib.errorLocation(accented, { line: 1, column: 14, offset: 13 }), { line: 1, column: 13, index: 12 });
  assert.equal(lib.indexOfByteOffset('😀x', 4), 2);
  assert.equal(lib.indexOfByteOffset('ab', 99), 2);
  assert.equal(lib.errorLocation(sql, { error: 'no position' }), null);
  assert.equal(lib.caretSnippet(multi, { line: 3, column: 7 }), 'WHERE nope > 1\n      ^');
});

test('$range and $bucket expand to a time predicate and a bucket width', () => {
  const sql = 'SELECT time_bucket($bucket, time) AS t, count(*) FROM plays WHERE $range GROUP BY t';
  assert.equal(lib.expandRange(sql, '24h'),
    "SELECT time_bucket(INTERVAL '1 hour', time) AS t, count(*) FROM plays WHERE (time >= now() - INTERVAL '24 hours') GROUP BY t");
  assert.equal(lib.expandRange('WHERE $range AND x', 'all'), 'WHERE (TRUE) AND x');
  assert.match(lib.expandRange('$range', '3m'), /INTERVAL '3 months'/);
  assert.match(lib.expandRange('$range', '1y'), /INTERVAL '1 year'/);
  assert.match(lib.expandRange('$range', '7d'), /INTERVAL '7 days'/);
  assert.match(lib.expandRange('$range', '30d'), /INTERVAL '30 days'/);
  assert.equal(lib.expandRange('$ranged', '24h'), '$ranged');
  assert.throws(() => lib.expandRange('$range', '2h'), /unknown range/);
  assert.deepEqual(Object.keys(lib.ranges), ['24h', '7d', '30d', '3m', '1y', 'all']);
});

test('SQL literals and report filters quote what they must', () => {
  assert.equal(lib.sqlString("it's"), "'it''s'");
  assert.equal(lib.sqlName('plays'), 'plays');
  assert.equal(lib.sqlName('Plays'), '"Plays"');
  assert.equal(lib.sqlName('order'), '"order"');
  assert.deepEqual(lib.monthBounds('2026-12'), { start: '2026-12-01', end: '2027-01-01', days: 31 });
  assert.deepEqual(lib.monthBounds('2028-02'), { start: '2028-02-01', end: '2028-03-01', days: 29 });
  assert.throws(() => lib.monthBounds('2026-13'));
  assert.equal(lib.reportFilter({ artists: ["O'Neil", 'B'], month: '2026-11', platforms: ['web'], country: 'US' }),
    "time >= '2026-11-01' AND time < '2026-12-01' AND artist IN ('O''Neil', 'B') AND platform IN ('web') AND country = 'US'");
  assert.equal(lib.reportFilter({ artists: ['A'], month: '2026-11' }), "time >= '2026-11-01' AND time < '2026-12-01' AND artist IN ('A')");
  assert.throws(() => lib.reportFilter({ artists: [], month: '2026-11' }), /artist/);
});

test('platform summary: totals, average over the month, peak day', () => {
  const rows = [
    { platform: 'web', day: '2026-11-02T00:00:00Z', plays: 4 },
    { platform: 'web', day: '2026-11-01T00:00:00Z', plays: 4 },
    { platform: 'ios', day: '2026-11-03T00:00:00Z', plays: 30 },
  ];
  assert.deepEqual(lib.platformSummary(rows, 30), [
    { platform: 'ios', plays: 30, peak: 30, peak_day: '2026-11-03T00:00:00Z', avg_per_day: 1 },
    { platform: 'web', plays: 8, peak: 4, peak_day: '2026-11-01T00:00:00Z', avg_per_day: 8 / 30 },
  ]);
});

test('Prometheus text is summed by name; counter rates', () => {
  const text = [
    '# HELP tsdb_ingest_rows_total Rows written.',
    '# TYPE tsdb_ingest_rows_total counter',
    'tsdb_ingest_rows_total{protocol="http"} 10',
    'tsdb_ingest_rows_total{protocol="tcp"} 5',
    'tsdb_ingest_lines_rejected_total{protocol="http"} 1',
    'garbage line',
    '',
  ].join('\n');
  const m = lib.parsePrometheus(text);
  assert.equal(m.get('tsdb_ingest_rows_total'), 15);
  assert.equal(m.get('tsdb_ingest_lines_rejected_total'), 1);
  assert.equal(m.has('garbage'), false);
  assert.equal(lib.counterRate({ t: 0, v: 10 }, { t: 2000, v: 30 }), 10);
  assert.equal(lib.counterRate({ t: 0, v: 10 }, { t: 1000, v: 3 }), 0);
  assert.equal(lib.counterRate(null, { t: 1000, v: 3 }), null);
});

test('history keeps recent distinct queries first', () => {
  let h = [];
  h = lib.pushHistory(h, 'SELECT 1');
  h = lib.pushHistory(h, 'SELECT 2 ');
  h = lib.pushHistory(h, 'SELECT 1');
  h = lib.pushHistory(h, '   ');
  assert.deepEqual(h, ['SELECT 1', 'SELECT 2']);
  assert.equal(lib.pushHistory(Array.from({ length: 60 }, (_, i) => `q${i}`), 'new').length, 50);
});

test('dashboards documents are checked and completed', () => {
  const d = lib.normalizeDashboards({ panels: [{ title: 'a', sql: 'SELECT 1' }, { title: 'b', metric: 'm', chart: 'stat' }] });
  assert.equal(d.refresh_seconds, 10);
  assert.equal(d.range, '24h');
  assert.deepEqual(d.panels.map((p) => p.chart), ['table', 'stat']);
  assert.throws(() => lib.normalizeDashboards({}), /panels/);
  assert.throws(() => lib.normalizeDashboards({ panels: [{ title: 'a' }] }), /exactly one/);
  assert.throws(() => lib.normalizeDashboards({ panels: [{ title: 'a', sql: 'x', chart: 'pie' }] }), /chart/);
  assert.throws(() => lib.normalizeDashboards({ refresh_seconds: 0, panels: [] }), /refresh/);
});
