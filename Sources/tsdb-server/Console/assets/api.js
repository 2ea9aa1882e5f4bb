// tsdb console: talking to the server (same origin only): queries, the token, the console config.
import { pushHistory } from './lib.js';

const TOKEN_KEY = 'tsdb.token';
const DB_KEY = 'tsdb.database';

/** Raised for an answer that is not 2xx; carries the status and the API's JSON error body. */
export class APIError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : `HTTP ${status}`);
    this.status = status;
    this.body = body ?? {};
  }
}

export function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
export function setToken(t) { if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY); }

function headers() {
  const h = {};
  const t = token();
  if (t) h.Authorization = `Token ${t}`;
  return h;
}

let configPromise = null;
/** `/console/config.json`: whether tokens are required, the default database, known databases. */
export function config() {
  if (!configPromise) {
    configPromise = fetch('/console/config.json', { headers: headers() }).then((r) => r.json())
      .catch(() => ({ auth: false, default_database: 'default', databases: [] }));
  }
  return configPromise;
}
export function reloadConfig() { configPromise = null; return config(); }

/** The database chosen in the selector (remembered in localStorage). */
export async function database() {
  const saved = localStorage.getItem(DB_KEY);
  if (saved) return saved;
  return (await config()).default_database || 'default';
}
export function setDatabase(db) { localStorage.setItem(DB_KEY, db); }

let asking = null;

/**
 * Asks for a token in the page's token dialog (every page has one) and resolves once one was
 * given; rejects when the dialog is cancelled. Requests refused at the same time share one dialog.
 */
export function askToken(message = 'This server requires an API token.') {
  if (!asking) asking = showTokenDialog(message).finally(() => { asking = null; });
  return asking;
}

function showTokenDialog(message) {
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  document.getElementById('token-message').textContent = message;
  input.value = '';
  return new Promise((resolve, reject) => {
    const done = () => {
      dialog.removeEventListener('close', done);
      if (dialog.returnValue === 'ok' && input.value.trim()) {
        setToken(input.value.trim());
        resolve();
      } else {
        reject(new APIError(401, { error: 'a token is required' }));
      }
    };
    dialog.addEventListener('close', done);
    dialog.showModal();
    input.focus();
  });
}

async function fetchWithToken(url, init = {}) {
  for (let attempt = 0; ; attempt++) {
    const r = await fetch(url, { ...init, headers: { ...(init.headers ?? {}), ...headers() } });
    if (r.status !== 401 || attempt >= 3) return r;
    await askToken(attempt === 0 ? 'This server requires an API token.' : 'That token was refused; try another.');
  }
}

function queryBody(db, sql, format) {
  return JSON.stringify({ db, q: sql, format });
}

/**
 * Runs `sql` and returns its rows (JSON). With `maxRows`, reads the answer as JSON Lines, as it
 * streams, and stops after that many rows (`truncated` says so), so a huge result never freezes the
 * page. With `fresh`, the server's result cache is bypassed. Resolves to `{rows, truncated, ms}`;
 * rejects with an APIError.
 */
export async function query(sql, { db, maxRows = 0, signal, fresh = false } = {}) {
  const database_ = db ?? (await database());
  const started = performance.now();
  const format = maxRows > 0 ? 'jsonl' : 'json';
  // Dashboards and reports may be answered from the server's result cache (--query-cache-ttl);
  // what a user runs by hand asks for a fresh answer.
  const headers = { 'Content-Type': 'application/json' };
  if (fresh) headers['Cache-Control'] = 'no-cache';
  const r = await fetchWithToken('/api/v3/query_sql', {
    method: 'POST',
    headers,
    body: queryBody(database_, sql, format),
    signal,
  });
  if (!r.ok) {
    let body = null;
    try { body = await r.json(); } catch { body = { error: `HTTP ${r.status}` }; }
    throw new APIError(r.status, body);
  }
  if (format === 'json') {
    const rows = await r.json();
    return { rows, truncated: false, ms: performance.now() - started };
  }
  const rows = [];
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let rest = '';
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (value) rest += decoder.decode(value, { stream: true });
    let nl;
    while ((nl = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, nl);
      rest = rest.slice(nl + 1);
      if (line.trim()) rows.push(JSON.parse(line));
      if (rows.length >= maxRows) { truncated = true; break; }
    }
    if (truncated) { await reader.cancel(); break; }
    if (done) break;
  }
  if (!truncated && rest.trim()) rows.push(JSON.parse(rest));
  return { rows, truncated, ms: performance.now() - started };
}

/**
 * Downloads the result of `sql` in `format` (csv or json) as a file: fetched with the token, then
 * saved through a blob URL (a plain link could not send the Authorization header).
 */
export async function download(sql, format, filename) {
  const db = await database();
  const r = await fetchWithToken('/api/v3/query_sql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: queryBody(db, sql, format),
  });
  if (!r.ok) {
    let body = null;
    try { body = await r.json(); } catch { body = null; }
    throw new APIError(r.status, body);
  }
  const blob = await r.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The server's `/metrics` text (no token needed). */
export async function metrics() {
  const r = await fetch('/metrics');
  if (!r.ok) throw new APIError(r.status, { error: `metrics: HTTP ${r.status}` });
  return r.text();
}

/** Fills a `<select>` with the databases and keeps the choice. */
export async function setupDatabaseSelector(select, onChange) {
  const c = await config();
  const current = await database();
  const names = [...new Set([current, c.default_database || 'default', ...(c.databases ?? [])])].sort();
  select.replaceChildren(...names.map((n) => new Option(n, n, false, n === current)));
  select.addEventListener('change', () => { setDatabase(select.value); onChange?.(select.value); });
}

const HISTORY_KEY = 'tsdb.history';
export function history() {
  try { return JSON.parse(localStorage.getItem(HISTORY_KEY) || '[]'); } catch { return []; }
}
export function remember(sql) {
  const h = pushHistory(history(), sql);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(h));
  return h;
}
