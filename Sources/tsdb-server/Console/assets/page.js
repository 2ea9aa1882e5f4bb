// tsdb console: what every page shares: the database selector, the token button, the error box.
import * as api from './api.js';

/** Sets up the header; `onDatabase` runs when another database is chosen. */
export async function setupPage(onDatabase) {
  const c = await api.config();
  await api.setupDatabaseSelector(document.getElementById('database'), onDatabase);
  const tb = document.getElementById('token-button');
  if (c.auth) {
    tb.hidden = false;
    tb.textContent = api.token() ? 'token ✓' : 'token';
    tb.addEventListener('click', async () => {
      try {
        await api.askToken('Enter the API token to use (kept for this browser tab only).');
        tb.textContent = 'token ✓';
        await api.reloadConfig();
        onDatabase?.(await api.database());
      } catch { /* cancelled */ }
    });
    if (!api.token()) {
      try { await api.askToken(); tb.textContent = 'token ✓'; await api.reloadConfig(); } catch { /* the first query asks again */ }
    }
  }
  return c;
}

/** Shows `message` (and a monospace `detail`) in the page's error box. */
export function showError(message, detail = '') {
  const box = document.getElementById('error');
  document.getElementById('error-message').textContent = message;
  const pre = document.getElementById('error-snippet');
  if (pre) { pre.textContent = detail; pre.hidden = !detail; }
  delete box.dataset.line;
  delete box.dataset.column;
  box.hidden = false;
}

export function clearError() {
  const box = document.getElementById('error');
  box.hidden = true;
  document.getElementById('error-message').textContent = '';
}
