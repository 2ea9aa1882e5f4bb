// tsdb console: the artist report: artists, a month, platforms and a country in; totals, per-platform
// average and peak day, daily plays and a per-track breakdown (CSV) out.
import * as api from './api.js';
import { renderGrid } from './grid.js';
import { drawChart } from './chart.js';
import {
  reportFilter, monthBounds, platformSummary, inferColumns, formatNumber, formatTime, formatDuration, Kind,
} from './lib.js';
import { setupPage, showError, clearError } from './page.js';

const $ = (id) => document.getElementById(id);
let tracksSQL = null;

function card(label, value, testid) {
  const d = document.createElement('div');
  d.className = 'card';
  d.dataset.testid = testid;
  const v = document.createElement('div');
  v.className = 'card-value';
  v.textContent = value;
  const l = document.createElement('div');
  l.className = 'card-label';
  l.textContent = label;
  d.append(v, l);
  return d;
}

async function loadChoices() {
  const [artists, platforms, countries, latest] = await Promise.all([
    api.query('SELECT artist, count(*) AS plays FROM plays GROUP BY artist ORDER BY plays DESC, artist LIMIT 1000'),
    api.query('SELECT platform, count(*) AS plays FROM plays GROUP BY platform ORDER BY plays DESC, platform'),
    api.query('SELECT country, count(*) AS plays FROM plays GROUP BY country ORDER BY plays DESC, country'),
    api.query('SELECT max(time) AS last FROM plays'),
  ]);
  const a = $('artists');
  const chosen = new Set(new URLSearchParams(location.search).getAll('artist'));
  a.replaceChildren(...artists.rows.map((r, i) => new Option(`${r.artist} (${formatNumber(r.plays)})`, r.artist, false, chosen.size ? chosen.has(r.artist) : i === 0)));
  const fs = $('platforms');
  fs.querySelectorAll('label').forEach((l) => l.remove());
  for (const r of platforms.rows) {
    const l = document.createElement('label');
    const c = document.createElement('input');
    c.type = 'checkbox';
    c.value = r.platform;
    l.append(c, ` ${r.platform}`);
    fs.appendChild(l);
  }
  const cs = $('country');
  cs.replaceChildren(new Option('all countries', ''), ...countries.rows.map((r) => new Option(r.country, r.country)));
  const last = latest.rows[0]?.last;
  if (!$('month').value) $('month').value = (last ?? new Date().toISOString()).slice(0, 7);
}

async function runReport(e) {
  e?.preventDefault();
  clearError();
  const artists = [...$('artists').selectedOptions].map((o) => o.value);
  const platforms = [...$('platforms').querySelectorAll('input:checked')].map((c) => c.value);
  const country = $('country').value;
  const month = $('month').value;
  let where;
  try { where = reportFilter({ artists, month, platforms, country }); } catch (err) { showError(err.message); return; }
  const { days } = monthBounds(month);
  $('report-status').textContent = 'running…';
  const started = performance.now();
  try {
    tracksSQL = `SELECT artist, track, count(*) AS plays, count(DISTINCT user_id) AS listeners,\n`
      + `  sum(CASE WHEN skipped THEN 1 ELSE 0 END) AS skips, sum(CASE WHEN liked THEN 1 ELSE 0 END) AS likes,\n`
      + `  avg(duration_ms) AS avg_duration_ms\nFROM plays\nWHERE ${where}\nGROUP BY artist, track\nORDER BY plays DESC, artist, track`;
    const [totals, daily, tracks] = await Promise.all([
      api.query(`SELECT count(*) AS plays, count(DISTINCT track) AS tracks, count(DISTINCT user_id) AS listeners FROM plays WHERE ${where}`),
      api.query(`SELECT platform, date_trunc('day', time) AS day, count(*) AS plays FROM plays WHERE ${where} GROUP BY platform, day ORDER BY day, platform`),
      api.query(tracksSQL, { maxRows: 100_000 }),
    ]);
    const t = totals.rows[0] ?? { plays: 0, tracks: 0, listeners: 0 };
    const summary = platformSummary(daily.rows, days);
    const peak = summary.reduce((m, p) => (p.peak > m.peak ? p : m), { peak: 0, peak_day: null });
    $('totals').replaceChildren(
      card('plays', formatNumber(t.plays), 'total-plays'),
      card('tracks', formatNumber(t.tracks), 'total-tracks'),
      card('listeners', formatNumber(t.listeners), 'total-listeners'),
      card('average per day', formatNumber(Number((t.plays / days).toFixed(1))), 'avg-day'),
      card(peak.peak_day ? `peak platform-day (${formatTime(peak.peak_day)})` : 'peak day', formatNumber(peak.peak), 'peak-day'),
    );
    const pcols = [
      { name: 'platform', kind: Kind.string }, { name: 'plays', kind: Kind.number },
      { name: 'avg_per_day', kind: Kind.number }, { name: 'peak_day', kind: Kind.time }, { name: 'peak', kind: Kind.number },
    ];
    renderGrid($('platform-table'), summary.map((s) => ({ ...s, avg_per_day: Number(s.avg_per_day.toFixed(2)) })), pcols, { pageSize: 20, compact: true });
    const series = dailyToSeries(daily.rows, month, days);
    drawChart($('chart'), series, 'bar', { height: 220 });
    renderGrid($('tracks'), tracks.rows, inferColumns(tracks.rows), { pageSize: 50 });
    $('report-out').hidden = false;
    $('report-status').textContent = `${formatNumber(tracks.rows.length)} tracks · ${formatDuration(performance.now() - started)}`;
    const u = new URL(location.href);
    u.search = '';
    for (const a of artists) u.searchParams.append('artist', a);
    u.searchParams.set('month', month);
    history.replaceState(null, '', u);
    document.body.dataset.state = 'done';
  } catch (err) {
    $('report-status').textContent = '';
    showError(err.message);
    document.body.dataset.state = 'error';
  }
}

/** Daily plays of the month (all chosen platforms together), one bar per day, days without plays as 0. */
function dailyToSeries(rows, month, days) {
  const x = [];
  const values = [];
  const by = new Map();
  for (const r of rows) by.set(r.day.slice(0, 10), (by.get(r.day.slice(0, 10)) ?? 0) + r.plays);
  for (let d = 1; d <= days; d++) {
    const key = `${month}-${String(d).padStart(2, '0')}`;
    x.push(String(d));
    values.push(by.get(key) ?? 0);
  }
  return { x, xKind: Kind.string, series: [{ name: 'plays', values }] };
}

async function main() {
  await setupPage(async () => { await loadChoices(); });
  const m = new URLSearchParams(location.search).get('month');
  if (m) $('month').value = m;
  $('report-form').addEventListener('submit', runReport);
  $('tracks-csv').addEventListener('click', async () => {
    if (!tracksSQL) return;
    try { await api.download(tracksSQL, 'csv', `artist-report-${$('month').value}.csv`); } catch (err) { showError(err.message); }
  });
  try {
    await loadChoices();
  } catch (err) {
    showError(err.status === 404 || /plays/.test(err.message) ? `No play events here yet (${err.message}).` : err.message);
    return;
  }
  document.body.dataset.ready = '1';
  await runReport();
}

main();
