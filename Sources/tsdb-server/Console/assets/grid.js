// tsdb console: the results grid. Typed columns (numbers right-aligned), paged so that only one
// page of rows is ever in the DOM however large the result.
import { Kind, formatCell, formatNumber } from './lib.js';

/**
 * Renders `rows` with `columns` ({name, kind}) into `container`, `pageSize` rows at a time, with a
 * pager when there is more than one page. Returns a handle with `page(n)`.
 */
export function renderGrid(container, rows, columns, { pageSize = 100, compact = false } = {}) {
  container.replaceChildren();
  if (columns.length === 0) {
    const p = document.createElement('p');
    p.className = 'muted';
    p.textContent = rows.length ? '' : 'no rows';
    container.appendChild(p);
    return { page() {} };
  }
  const wrap = document.createElement('div');
  wrap.className = 'grid-scroll';
  const table = document.createElement('table');
  table.className = compact ? 'grid compact' : 'grid';
  const thead = table.createTHead();
  const hr = thead.insertRow();
  for (const c of columns) {
    const th = document.createElement('th');
    th.textContent = c.name;
    th.title = c.kind;
    th.dataset.kind = c.kind;
    th.className = `k-${c.kind}`;
    hr.appendChild(th);
  }
  const tbody = table.createTBody();
  wrap.appendChild(table);
  container.appendChild(wrap);

  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  let pager = null;
  let label = null;
  let current = 0;
  const show = (n) => {
    current = Math.min(Math.max(0, n), pages - 1);
    const start = current * pageSize;
    const end = Math.min(rows.length, start + pageSize);
    const frag = document.createDocumentFragment();
    for (let i = start; i < end; i++) {
      const tr = document.createElement('tr');
      const r = rows[i];
      for (const c of columns) {
        const td = document.createElement('td');
        const v = r[c.name];
        td.textContent = formatCell(v, c.kind);
        td.className = v === null || v === undefined ? `k-${c.kind} null` : `k-${c.kind}`;
        if (c.kind === Kind.number && typeof v === 'number') td.dataset.value = String(v);
        tr.appendChild(td);
      }
      frag.appendChild(tr);
    }
    tbody.replaceChildren(frag);
    if (label) label.textContent = `rows ${formatNumber(start + 1)}–${formatNumber(end)} of ${formatNumber(rows.length)}`;
    if (pager) {
      pager.querySelector('[data-go=first]').disabled = current === 0;
      pager.querySelector('[data-go=prev]').disabled = current === 0;
      pager.querySelector('[data-go=next]').disabled = current === pages - 1;
      pager.querySelector('[data-go=last]').disabled = current === pages - 1;
    }
  };
  if (pages > 1) {
    pager = document.createElement('div');
    pager.className = 'pager';
    pager.dataset.testid = 'pager';
    for (const [go, text] of [['first', '«'], ['prev', '‹'], ['next', '›'], ['last', '»']]) {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.go = go;
      b.textContent = text;
      b.addEventListener('click', () => show({ first: 0, prev: current - 1, next: current + 1, last: pages - 1 }[go]));
      pager.appendChild(b);
    }
    label = document.createElement('span');
    label.className = 'muted';
    pager.appendChild(label);
    container.appendChild(pager);
  }
  show(0);
  return { page: show };
}
