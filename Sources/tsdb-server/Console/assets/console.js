// tsdb console: SQL editor, results grid, chart, schema browser.
import * as api from './api.js';
import { renderGrid } from './grid.js';
import { drawChart } from './chart.js';
import {
  inferColumns, chooseChart, chartKindsFor, toSeries, errorLocation, caretSnippet,
  formatDuration, formatRows, formatNumber, formatTime, kindOfSQLType, sqlName,
} from './lib.js';
import { setupPage, showError, clearError } from './page.js';

/** Rows read from one answer at most; the rest is left unread (download gets everything). */
const MAX_ROWS = 100_000;
const EDITOR_KEY = 'tsdb.editor';

const $ = (id) => document.getElementById(id);
const editor = $('editor');
const runButton = $('run');
const status = $('status');
const chartBox = $('chart');
const chartKind = $('chart-kind');
const results = $('results');

let last = null; // {sql, rows, columns, choice}
let running = null;

function setStatus(text, cls = '') {
  status.textContent = text;
  status.className = `status ${cls}`;
}

/** The text to run: the selection when there is one, else the whole editor; with its start index. */
function textToRun() {
  const a = editor.selectionStart, b = editor.selectionEnd;
  if (document.activeElement === editor && b > a && editor.value.slice(a, b).trim()) return { sql: editor.value.slice(a, b), base: a };
  return { sql: editor.value, base: 0 };
}

async function run() {
  const { sql, base } = textToRun();
  if (!sql.trim()) return;
  if (running) running.abort();
  const controller = new AbortController();
  running = controller;
  clearError();
  refreshHistory(api.remember(sql));
  runButton.disabled = true;
  setStatus('running…', 'busy');
  document.body.dataset.state = 'running';
  try {
    const { rows, truncated, ms } = await api.query(sql, { maxRows: MAX_ROWS, signal: controller.signal, fresh: true });
    if (running !== controller) return;
    const columns = inferColumns(rows);
    last = { sql, rows, columns, choice: chooseChart(columns) };
    renderGrid(results, rows, columns, { pageSize: 100 });
    setStatus(`${formatRows(rows.length)}${truncated ? ` shown (the first ${formatNumber(MAX_ROWS)}; download for all)` : ''} · ${formatDuration(ms)}`, 'ok');
    setupChartKinds();
    drawLast();
    $('download-csv').disabled = false;
    $('download-json').disabled = false;
    document.body.dataset.state = 'done';
  } catch (e) {
    if (e.name === 'AbortError') return;
    last = null;
    results.replaceChildren();
    chartBox.hidden = true;
    setStatus(e.status ? `error ${e.status}` : 'error', 'bad');
    reportError(e, sql, base);
    document.body.dataset.state = 'error';
  } finally {
    if (running === controller) { running = null; runButton.disabled = false; }
  }
}

/**
 * Shows an error; when it has a position, also the line with a caret under it, and selects the word
 * there in the editor. Positions are the editor's (the query may have been a selection at `base`).
 */
function reportError(e, sql, base) {
  const rel = errorLocation(sql, e.body);
  const loc = rel && errorLocation(editor.value, { offset: byteLength(editor.value.slice(0, base + rel.index)) });
  showError(e.message, loc ? `line ${loc.line}, column ${loc.column}\n${caretSnippet(editor.value, loc)}` : '');
  if (!loc) return;
  const box = $('error');
  box.dataset.line = String(loc.line);
  box.dataset.column = String(loc.column);
  const word = /^[^\s,()]*/.exec(editor.value.slice(loc.index))[0].length || 1;
  editor.focus();
  editor.setSelectionRange(loc.index, Math.min(editor.value.length, loc.index + word));
}

function byteLength(s) {
  return new TextEncoder().encode(s).length;
}

function setupChartKinds() {
  const kinds = last ? chartKindsFor(last.columns) : ['none'];
  const keep = kinds.includes(chartKind.value) && chartKind.dataset.user === '1' ? chartKind.value : (last?.choice.kind ?? 'none');
  chartKind.replaceChildren(...kinds.map((k) => new Option(k, k, false, k === keep)));
  chartKind.value = keep;
}

function drawLast() {
  if (!last || chartKind.value === 'none' || last.choice.kind === 'none' || last.rows.length === 0) {
    chartBox.hidden = true;
    chartBox.replaceChildren();
    return;
  }
  chartBox.hidden = false;
  const rows = last.rows.length > 5000 ? last.rows.slice(0, 5000) : last.rows;
  drawChart(chartBox, toSeries(rows, last.columns, last.choice), chartKind.value);
}

// ---------------------------------------------------------------------------------------------
// History and editor

function refreshHistory(h = api.history()) {
  const sel = $('history');
  const opts = h.map((q) => new Option(q.length > 80 ? `${q.replace(/\s+/g, ' ').slice(0, 79)}…` : q.replace(/\s+/g, ' '), q));
  sel.replaceChildren(new Option(h.length ? 'History…' : 'History (empty)', ''), ...opts);
}

editor.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    run();
  } else if (e.key === 'Tab' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey) {
    e.preventDefault();
    editor.setRangeText('  ', editor.selectionStart, editor.selectionEnd, 'end');
  }
});
editor.addEventListener('input', () => localStorage.setItem(EDITOR_KEY, editor.value));
runButton.addEventListener('click', run);
$('history').addEventListener('change', (e) => {
  if (!e.target.value) return;
  editor.value = e.target.value;
  localStorage.setItem(EDITOR_KEY, editor.value);
  e.target.value = '';
  editor.focus();
});
chartKind.addEventListener('change', () => { chartKind.dataset.user = '1'; drawLast(); });
let resizeTimer = null;
window.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(drawLast, 150); });

async function downloadAs(format) {
  if (!last) return;
  try { await api.download(last.sql, format, `result.${format}`); } catch (e) { showError(e.message); }
}
$('download-csv').addEventListener('click', () => downloadAs('csv'));
$('download-json').addEventListener('click', () => downloadAs('json'));

/** Puts `text` at the cursor. */
function insert(text) {
  editor.focus();
  editor.setRangeText(text, editor.selectionStart, editor.selectionEnd, 'end');
  editor.dispatchEvent(new Event('input'));
}

// ---------------------------------------------------------------------------------------------
// Schema browser

async function loadSchema() {
  const body = $('schema-body');
  try {
    const { rows } = await api.query('SHOW TABLES', { fresh: true });
    if (rows.length === 0) {
      body.innerHTML = '<p class="muted">no tables yet: write some line protocol</p>';
      return;
    }
    body.replaceChildren(...rows.map((r) => tableEntry(r.name ?? Object.values(r)[0])));
  } catch (e) {
    body.replaceChildren();
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = e.status === 404 ? 'this database does not exist yet' : e.message;
    body.appendChild(p);
  }
}

function tableEntry(name) {
  const d = document.createElement('details');
  d.className = 'table-entry';
  d.dataset.table = name;
  const s = document.createElement('summary');
  const n = document.createElement('span');
  n.className = 'table-name';
  n.textContent = name;
  const q = document.createElement('button');
  q.type = 'button';
  q.className = 'quiet small';
  q.textContent = 'query';
  q.title = 'Put a query of this table in the editor';
  q.addEventListener('click', (e) => {
    e.preventDefault();
    editor.value = `SELECT *\nFROM ${sqlName(name)}\nORDER BY time DESC\nLIMIT 100`;
    editor.dispatchEvent(new Event('input'));
    run();
  });
  s.append(n, q);
  const content = document.createElement('div');
  content.className = 'table-detail';
  d.append(s, content);
  d.addEventListener('toggle', () => { if (d.open && !d.dataset.loaded) loadTable(name, content, d); });
  return d;
}

async function loadTable(name, content, d) {
  d.dataset.loaded = '1';
  content.innerHTML = '<p class="muted">loading…</p>';
  try {
    const { rows: cols } = await api.query(`DESCRIBE ${sqlName(name)}`, { fresh: true });
    const ul = document.createElement('ul');
    ul.className = 'columns';
    for (const c of cols) {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'link';
      b.textContent = c.column_name;
      b.title = 'Insert at the cursor';
      b.addEventListener('click', () => insert(sqlName(c.column_name)));
      const k = document.createElement('span');
      k.className = `col-kind k-${kindOfSQLType(c.column_type)}`;
      k.textContent = `${c.kind ?? ''} ${c.column_type}`.trim();
      li.append(b, k);
      ul.appendChild(li);
    }
    const h = document.createElement('h3');
    h.textContent = 'Partitions (days)';
    const parts = document.createElement('div');
    parts.className = 'partitions';
    parts.innerHTML = '<p class="muted">loading…</p>';
    content.replaceChildren(ul, h, parts);
    // Until system tables exist, a day's partition is what date_trunc('day', time) groups.
    const { rows } = await api.query(
      `SELECT date_trunc('day', time) AS day, count(*) AS rows, min(time) AS first, max(time) AS last\nFROM ${sqlName(name)}\nGROUP BY day\nORDER BY day DESC`, { fresh: true });
    const t = document.createElement('table');
    t.className = 'grid compact';
    t.innerHTML = '<thead><tr><th>day</th><th class="k-number">rows</th><th title="first and last event (UTC)">first–last</th></tr></thead>';
    const tb = t.createTBody();
    for (const r of rows) {
      const tr = tb.insertRow();
      tr.insertCell().textContent = formatTime(r.day);
      const c = tr.insertCell();
      c.className = 'k-number';
      c.textContent = formatNumber(r.rows);
      tr.insertCell().textContent = `${hhmm(r.first)}–${hhmm(r.last)}`;
    }
    const sum = document.createElement('p');
    sum.className = 'muted';
    const total = rows.reduce((a, r) => a + r.rows, 0);
    sum.textContent = `${formatNumber(rows.length)} days, ${formatRows(total)}`;
    parts.replaceChildren(sum, t);
  } catch (e) {
    content.textContent = e.message;
    delete d.dataset.loaded;
  }
}

/** `HH:MM` of a timestamp (UTC). */
function hhmm(s) {
  return typeof s === 'string' ? s.slice(11, 16) : '';
}

// ---------------------------------------------------------------------------------------------

async function main() {
  await setupPage(() => { loadSchema(); });
  refreshHistory();
  editor.value = localStorage.getItem(EDITOR_KEY)
    ?? 'SELECT platform, count(*) AS plays\nFROM plays\nGROUP BY platform\nORDER BY plays DESC';
  $('schema-refresh').addEventListener('click', loadSchema);
  setupChartKinds();
  await loadSchema();
  document.body.dataset.ready = '1';
}

main();
