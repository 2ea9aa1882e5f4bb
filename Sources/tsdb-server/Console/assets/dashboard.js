// tsdb console: live dashboards. Panels come from /console/dashboards.json (the --dashboards file or
// the built-in one); every `refresh` seconds each panel is queried again and redrawn in place.
import * as api from './api.js';
import { renderGrid } from './grid.js';
import { drawChart, drawStat } from './chart.js';
import {
  ranges, expandRange, inferColumns, chooseChart, toSeries, normalizeDashboards, parsePrometheus,
  counterRate, formatNumber, formatDuration, Kind,
} from './lib.js';
import { setupPage } from './page.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const intervals = [[2, '2 s'], [5, '5 s'], [10, '10 s'], [30, '30 s'], [60, '1 min'], [300, '5 min'], [0, 'off']];

let board = null;
let range = '24h';
let refreshSeconds = 10;
let timer = null;
let cycle = 0;
/** Counter samples per metric name: [{t, v}], the last 120. */
const samples = new Map();

function panelElement(p, i) {
  const s = document.createElement('section');
  s.className = `panel panel-${p.chart}`;
  s.dataset.testid = 'panel';
  s.dataset.index = String(i);
  s.dataset.title = p.title;
  s.dataset.state = 'loading';
  s.dataset.updates = '0';
  const head = document.createElement('div');
  head.className = 'panel-head';
  const h = document.createElement('h2');
  h.textContent = p.title;
  const meta = document.createElement('span');
  meta.className = 'panel-meta muted';
  head.append(h, meta);
  if (p.sql) {
    const open = document.createElement('a');
    open.className = 'quiet small';
    open.textContent = 'SQL';
    open.title = 'Open this panel\'s query in the console';
    open.href = '/';
    open.addEventListener('click', () => localStorage.setItem('tsdb.editor', expandRange(p.sql, range)));
    head.appendChild(open);
  }
  const body = document.createElement('div');
  body.className = 'panel-body';
  s.append(head, body);
  return s;
}

async function refreshPanel(p, el, metricsText) {
  const body = el.querySelector('.panel-body');
  const meta = el.querySelector('.panel-meta');
  try {
    if (p.metric) {
      drawMetric(p, body, meta, metricsText);
    } else {
      const sql = expandRange(p.sql, range);
      const { rows, ms } = await api.query(sql, { db: p.database ?? board.database ?? undefined, maxRows: 10_000 });
      drawResult(p, body, rows);
      meta.textContent = formatDuration(ms);
    }
    el.dataset.state = 'ok';
    el.classList.remove('failed');
  } catch (e) {
    el.dataset.state = 'error';
    el.classList.add('failed');
    body.replaceChildren();
    const d = document.createElement('div');
    d.className = 'error';
    d.textContent = e.message;
    body.appendChild(d);
  }
  el.dataset.updates = String(Number(el.dataset.updates) + 1);
}

function drawResult(p, body, rows) {
  const columns = inferColumns(rows);
  if (p.chart === 'stat') {
    const c = columns.find((x) => x.kind === Kind.number) ?? columns[0];
    drawStat(body, rows.length && c ? rows[0][c.name] : '—', c ? c.name : 'no rows');
    return;
  }
  if (p.chart === 'table') {
    renderGrid(body, rows, columns, { pageSize: 10, compact: true });
    return;
  }
  const choice = chooseChart(columns);
  if (choice.kind === 'none') {
    renderGrid(body, rows, columns, { pageSize: 10, compact: true });
    return;
  }
  drawChart(body, toSeries(rows, columns, choice), p.chart, { height: 220 });
}

function drawMetric(p, body, meta, text) {
  if (text === null) throw new Error('/metrics could not be read');
  const total = parsePrometheus(text).get(p.metric) ?? 0;
  const list = samples.get(p.metric) ?? [];
  list.push({ t: Date.now(), v: total });
  if (list.length > 120) list.shift();
  samples.set(p.metric, list);
  const rate = list.length > 1 ? counterRate(list[list.length - 2], list[list.length - 1]) : null;
  meta.textContent = `total ${formatNumber(total)}`;
  if (p.chart === 'stat' || list.length < 2) {
    drawStat(body, p.chart === 'stat' ? total : (rate ?? total),
      p.chart === 'stat' ? (rate === null ? 'total since the server started' : `${formatNumber(Number(rate.toFixed(2)))} per second now`)
        : (rate === null ? 'total so far; the rate shows from the next refresh' : 'per second'));
    return;
  }
  const x = [];
  const values = [];
  for (let i = 1; i < list.length; i++) { x.push(list[i].t); values.push(counterRate(list[i - 1], list[i])); }
  drawChart(body, { x, xKind: Kind.time, series: [{ name: 'per second', values }] }, p.chart === 'bar' ? 'line' : p.chart, { height: 220 });
}

async function refreshAll() {
  clearTimeout(timer);
  timer = null;
  const mine = ++cycle;
  const els = [...document.querySelectorAll('[data-testid=panel]')];
  let metricsText = null;
  if (board.panels.some((p) => p.metric)) {
    try { metricsText = await api.metrics(); } catch { metricsText = null; }
  }
  await Promise.all(board.panels.map((p, i) => refreshPanel(p, els[i], metricsText)));
  if (mine !== cycle) return;
  $('updated').textContent = `updated ${new Date().toISOString().slice(11, 19)} UTC`;
  document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes ?? 0) + 1);
  schedule();
}

function schedule() {
  clearTimeout(timer);
  timer = null;
  if (refreshSeconds > 0 && !document.hidden) timer = setTimeout(refreshAll, refreshSeconds * 1000);
}

function setURL() {
  const u = new URL(location.href);
  u.searchParams.set('range', range);
  u.searchParams.set('refresh', String(refreshSeconds));
  history.replaceState(null, '', u);
}

function setupControls() {
  const box = $('ranges');
  for (const [key, r] of Object.entries(ranges)) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = key;
    b.title = r.label;
    b.dataset.range = key;
    b.setAttribute('role', 'radio');
    b.setAttribute('aria-checked', String(key === range));
    b.addEventListener('click', () => {
      range = key;
      for (const o of box.children) o.setAttribute('aria-checked', String(o.dataset.range === range));
      setURL();
      refreshAll();
    });
    box.appendChild(b);
  }
  const sel = $('refresh');
  const opts = intervals.some(([s]) => s === refreshSeconds) ? intervals : [[refreshSeconds, `${refreshSeconds} s`], ...intervals];
  sel.replaceChildren(...opts.map(([s, label]) => new Option(label, String(s), false, s === refreshSeconds)));
  sel.addEventListener('change', () => { refreshSeconds = Number(sel.value); setURL(); schedule(); });
  document.addEventListener('visibilitychange', () => { if (document.hidden) { clearTimeout(timer); timer = null; } else refreshAll(); });
}

async function main() {
  await setupPage(() => refreshAll());
  try {
    const r = await fetch('/console/dashboards.json');
    board = normalizeDashboards(await r.json());
  } catch (e) {
    $('panels').textContent = `The dashboards file is not valid: ${e.message}`;
    return;
  }
  document.title = `tsdb · ${board.title}`;
  $('dashboard-title').textContent = board.title;
  range = ranges[params.get('range')] ? params.get('range') : (ranges[board.range] ? board.range : '24h');
  const r = Number(params.get('refresh'));
  refreshSeconds = params.has('refresh') && Number.isFinite(r) && r >= 0 ? r : board.refresh_seconds;
  setupControls();
  $('panels').replaceChildren(...board.panels.map(panelElement));
  document.body.dataset.ready = '1';
  await refreshAll();
}

main();
