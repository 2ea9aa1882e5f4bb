// tsdb console: small SVG charts (line, area, bar) drawn from the series lib.toSeries builds.
// Colours come from CSS classes (.s0 … .s7), so light and dark mode restyle them without redrawing.
import { Kind, niceTicks, timeTicks, formatCompact, formatNumber, formatTime } from './lib.js';

const NS = 'http://www.w3.org/2000/svg';

function el(name, attrs = {}, parent = null) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

function text(parent, x, y, s, attrs = {}) {
  const t = el('text', { x, y, ...attrs }, parent);
  t.textContent = s;
  return t;
}

/**
 * Draws `data` ({x, xKind, series}) as `kind` ('line' | 'area' | 'bar') into `container`, replacing
 * what was there. The chart fills the container's width; `height` in CSS pixels.
 */
export function drawChart(container, data, kind, { height = 260 } = {}) {
  container.replaceChildren();
  const width = Math.max(240, Math.floor(container.clientWidth || 600));
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', height, class: `chart chart-${kind}`, role: 'img' });
  container.appendChild(svg);
  if (!data || data.x.length === 0 || data.series.length === 0) {
    text(svg, width / 2, height / 2, 'no data', { class: 'chart-empty', 'text-anchor': 'middle' });
    return svg;
  }
  const legendRows = data.series.length > 1 ? 1 : 0;
  const isTime = data.xKind === Kind.time && kind !== 'bar';
  const xLabel = (i) => (data.xKind === Kind.time ? formatTime(new Date(data.x[i]).toISOString().replace('.000Z', 'Z')) : String(data.x[i]));
  // Category labels that do not fit side by side are slanted.
  const longest = isTime ? 0 : Math.min(18, Math.max(...data.x.map((_, i) => xLabel(i).length)));
  const slant = !isTime && longest * 6.2 > (width - 66) / data.x.length;
  const m = { top: 10 + legendRows * 18, right: 14, bottom: slant ? 16 + longest * 4.3 : 28, left: 52 };
  // A slanted first label reaches left of its bar: leave it room.
  if (slant) m.left = Math.max(52, Math.round(longest * 5.1 - (width - 66) / data.x.length / 2));
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const plot = el('g', { transform: `translate(${m.left},${m.top})` }, svg);

  // y scale: from 0 (or the lowest value when negative) to the highest, stacked for bars? no: grouped.
  let lo = 0, hi = 0;
  for (const s of data.series) for (const v of s.values) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (hi === lo) hi = lo + 1;
  const yt = niceTicks(lo, hi, Math.max(2, Math.floor(h / 45)));
  const y0 = Math.min(lo, yt[0]), y1 = Math.max(hi, yt[yt.length - 1]);
  const ys = (v) => h - ((v - y0) / (y1 - y0)) * h;
  const grid = el('g', { class: 'chart-grid' }, plot);
  for (const t of yt) {
    el('line', { x1: 0, x2: w, y1: ys(t), y2: ys(t) }, grid);
    text(grid, -6, ys(t) + 4, formatCompact(t), { 'text-anchor': 'end', class: 'chart-label' });
  }

  const n = data.x.length;
  let xs;
  if (isTime) {
    const t0 = data.x[0], t1 = data.x[n - 1];
    const span = t1 - t0 || 1;
    xs = (i) => (n === 1 ? w / 2 : ((data.x[i] - t0) / span) * w);
    const tt = timeTicks(t0, t1, Math.max(2, Math.floor(w / 110)));
    for (const t of tt.ticks) {
      const x = n === 1 ? w / 2 : ((t - t0) / span) * w;
      el('line', { x1: x, x2: x, y1: h, y2: h + 4, class: 'chart-tick' }, plot);
      text(plot, x, h + 17, tt.label(t), { 'text-anchor': 'middle', class: 'chart-label' });
    }
  } else {
    const band = w / n;
    xs = (i) => band * (i + 0.5);
    // Every label when there is room (slanted when long), else every k-th one.
    const need = slant ? 13 : 40;
    const every = band >= need ? 1 : Math.ceil(need / band);
    for (let i = 0; i < n; i += every) {
      const full = xLabel(i);
      const label = full.length > 18 ? `${full.slice(0, 17)}…` : full;
      if (slant) {
        text(plot, xs(i), h + 12, label, { 'text-anchor': 'end', class: 'chart-label', transform: `rotate(-35 ${xs(i).toFixed(1)} ${h + 12})` });
      } else {
        text(plot, xs(i), h + 17, label, { 'text-anchor': 'middle', class: 'chart-label' });
      }
    }
  }
  el('line', { x1: 0, x2: w, y1: ys(Math.max(y0, Math.min(0, y1))), y2: ys(Math.max(y0, Math.min(0, y1))), class: 'chart-axis' }, plot);

  if (kind === 'bar') {
    const band = w / n;
    const k = data.series.length;
    const bw = Math.max(1, (band * 0.8) / k);
    data.series.forEach((s, si) => {
      const g = el('g', { class: `series s${si % 8}` }, plot);
      s.values.forEach((v, i) => {
        if (v === null) return;
        const x = band * i + band * 0.1 + si * bw;
        const top = ys(Math.max(0, v)), bottom = ys(Math.min(0, v));
        const r = el('rect', { x, y: top, width: bw, height: Math.max(0.5, bottom - top), class: 'bar' }, g);
        el('title', {}, r).textContent = `${xLabel(i)} · ${s.name}: ${formatNumber(v)}`;
      });
    });
  } else {
    data.series.forEach((s, si) => {
      const g = el('g', { class: `series s${si % 8}` }, plot);
      // Split the line at NULLs.
      const runs = [];
      let run = [];
      s.values.forEach((v, i) => {
        if (v === null) { if (run.length) runs.push(run); run = []; } else run.push([xs(i), ys(v)]);
      });
      if (run.length) runs.push(run);
      for (const r of runs) {
        const d = r.map((p, j) => `${j ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}`).join('');
        if (kind === 'area') {
          const base = ys(Math.max(y0, 0)).toFixed(1);
          el('path', { d: `${d}L${r[r.length - 1][0].toFixed(1)},${base}L${r[0][0].toFixed(1)},${base}Z`, class: 'area' }, g);
        }
        el('path', { d, class: 'line' }, g);
        if (r.length === 1) el('circle', { cx: r[0][0], cy: r[0][1], r: 2.5, class: 'dot' }, g);
      }
      // Invisible hit targets with tooltips, thinned on long series.
      const step = Math.max(1, Math.ceil(n / 300));
      for (let i = 0; i < n; i += step) {
        if (s.values[i] === null) continue;
        const c = el('circle', { cx: xs(i), cy: ys(s.values[i]), r: 4, class: 'hit' }, g);
        el('title', {}, c).textContent = `${xLabel(i)} · ${s.name}: ${formatNumber(s.values[i])}`;
      }
    });
  }
  if (legendRows) {
    const lg = el('g', { class: 'chart-legend', transform: `translate(${m.left},4)` }, svg);
    let x = 0;
    data.series.forEach((s, si) => {
      if (x > w - 40) return;
      const g = el('g', { class: `series s${si % 8}`, transform: `translate(${x},0)` }, lg);
      el('rect', { x: 0, y: 2, width: 10, height: 10, class: 'swatch' }, g);
      const name = s.name.length > 18 ? `${s.name.slice(0, 17)}…` : s.name;
      text(g, 14, 11, name, { class: 'chart-label' });
      x += 22 + name.length * 6.5;
    });
  }
  return svg;
}

/** A big number with a caption, for single-value panels. */
export function drawStat(container, value, caption = '') {
  container.replaceChildren();
  const d = document.createElement('div');
  d.className = 'stat';
  const v = document.createElement('div');
  v.className = 'stat-value';
  v.textContent = typeof value === 'number' ? formatNumber(value) : String(value ?? '—');
  d.appendChild(v);
  if (caption) {
    const c = document.createElement('div');
    c.className = 'stat-caption';
    c.textContent = caption;
    d.appendChild(c);
  }
  container.appendChild(d);
}
