/**
 * Self-contained SVG charts (no plotting dependency): line charts with axes, ticks and a legend,
 * and histograms. Coordinates are rounded to 0.01 px, so the files are small and deterministic.
 */

export interface Series {
  name: string;
  /** [x, y] pairs; non-finite y values are skipped. */
  points: ReadonlyArray<readonly [number, number]>;
  color: string;
  /** Thin and translucent (e.g. noisy per-step values behind a per-epoch line). */
  faint?: boolean;
  /** Mark each point with a dot. */
  dots?: boolean;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** Fixed x range (default: the data's, padded by 3% each side). */
  xRange?: readonly [number, number];
  /** Fixed y range (default: the data's, padded by 5% each side). */
  yRange?: readonly [number, number];
  /** Where the legend goes, inside the plot (default top right). */
  legend?: 'top-right' | 'bottom-right';
  /** Format y tick labels (default: `niceLabel`). */
  yFormat?: (v: number) => string;
}

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';
const PANEL_WIDTH = 480;
const PANEL_HEIGHT = 320;
const MARGIN = { left: 64, right: 16, top: 36, bottom: 48 };
const ORANGE = '#d9731a';

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function r(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** Ticks at 1, 2 or 5 × 10^k covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  // Multiples of the step, rounded to 12 digits so 3 × 0.2 prints as 0.6.
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return ticks;
}

/** A short label: up to 4 significant digits, no trailing zeros. */
export function niceLabel(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/** One chart as an SVG group, drawn at (x0, y0). */
function panel(p: Panel, x0: number, y0: number): string {
  const width = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const height = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const xs = p.series.flatMap((s) => s.points.map(([x]) => x));
  let [xLo, xHi] = p.xRange ?? extent(xs);
  if (!p.xRange) {
    const pad = (xHi - xLo) * 0.03;
    [xLo, xHi] = [xLo - pad, xHi + pad];
  }
  let [yLo, yHi] = p.yRange ?? extent(p.series.flatMap((s) => s.points.map(([, y]) => y)));
  if (!p.yRange) {
    const pad = (yHi - yLo) * 0.05;
    [yLo, yHi] = [yLo - pad, yHi + pad];
  }
  const sx = (x: number): number => x0 + MARGIN.left + ((x - xLo) / (xHi - xLo)) * width;
  const sy = (y: number): number => y0 + MARGIN.top + (1 - (y - yLo) / (yHi - yLo)) * height;
  const format = p.yFormat ?? niceLabel;
  const out: string[] = [];
  out.push(`<text x="${r(x0 + PANEL_WIDTH / 2)}" y="${r(y0 + 22)}" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(p.title)}</text>`);
  out.push(`<rect x="${r(x0 + MARGIN.left)}" y="${r(y0 + MARGIN.top)}" width="${width}" height="${height}" fill="#fff" stroke="#888"/>`);
  for (const t of niceTicks(yLo, yHi)) {
    const y = sy(t);
    out.push(`<line x1="${r(x0 + MARGIN.left)}" x2="${r(x0 + MARGIN.left + width)}" y1="${r(y)}" y2="${r(y)}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${r(x0 + MARGIN.left - 6)}" y="${r(y + 4)}" text-anchor="end" font-size="11">${escapeXml(format(t))}</text>`);
  }
  for (const t of niceTicks(xLo, xHi, 6)) {
    const x = sx(t);
    out.push(`<line x1="${r(x)}" x2="${r(x)}" y1="${r(y0 + MARGIN.top + height)}" y2="${r(y0 + MARGIN.top + height + 5)}" stroke="#888"/>`);
    out.push(`<text x="${r(x)}" y="${r(y0 + MARGIN.top + height + 18)}" text-anchor="middle" font-size="11">${escapeXml(niceLabel(t))}</text>`);
  }
  out.push(`<text x="${r(x0 + MARGIN.left + width / 2)}" y="${r(y0 + PANEL_HEIGHT - 8)}" text-anchor="middle" font-size="12">${escapeXml(p.xLabel)}</text>`);
  const yMid = y0 + MARGIN.top + height / 2;
  out.push(`<text x="${r(x0 + 16)}" y="${r(yMid)}" text-anchor="middle" font-size="12" transform="rotate(-90 ${r(x0 + 16)} ${r(yMid)})">${escapeXml(p.yLabel)}</text>`);
  out.push(`<clipPath id="clip-${r(x0)}-${r(y0)}"><rect x="${r(x0 + MARGIN.left)}" y="${r(y0 + MARGIN.top)}" width="${width}" height="${height}"/></clipPath>`);
  out.push(`<g clip-path="url(#clip-${r(x0)}-${r(y0)})">`);
  for (const s of p.series) {
    const points = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
    if (points.length === 0) continue;
    const d = points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${r(sx(x))} ${r(sy(y))}`).join('');
    const style = s.faint ? 'stroke-width="1" stroke-opacity="0.35"' : 'stroke-width="2"';
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" ${style} stroke-linejoin="round"/>`);
    if (s.dots) for (const [x, y] of points) out.push(`<circle cx="${r(sx(x))}" cy="${r(sy(y))}" r="3" fill="${s.color}"/>`);
  }
  out.push('</g>');
  // Legend, inside the plot.
  const legend = p.series.filter((s) => s.points.length > 0);
  const legendTop = p.legend === 'bottom-right' ? y0 + MARGIN.top + height - 8 - 16 * legend.length : y0 + MARGIN.top;
  legend.forEach((s, i) => {
    const lx = x0 + MARGIN.left + width - 150;
    const ly = legendTop + 14 + i * 16;
    out.push(`<line x1="${r(lx)}" x2="${r(lx + 18)}" y1="${r(ly - 4)}" y2="${r(ly - 4)}" stroke="${s.color}" stroke-width="${s.faint ? 1 : 2}"${s.faint ? ' stroke-opacity="0.5"' : ''}/>`);
    out.push(`<text x="${r(lx + 24)}" y="${r(ly)}" font-size="11">${escapeXml(s.name)}</text>`);
  });
  return `<g>${out.join('')}</g>`;
}

/** Panels side by side in one SVG document. */
export function chartsSvg(title: string, panels: readonly Panel[]): string {
  const width = PANEL_WIDTH * panels.length;
  const height = PANEL_HEIGHT + 28;
  const body = panels.map((p, i) => panel(p, i * PANEL_WIDTH, 28)).join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} fill="#222">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fafafa"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="16" font-weight="700">${escapeXml(title)}</text>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

export interface HistogramOptions {
  title: string;
  /** Lines under the title (e.g. summary statistics). */
  subtitle?: string | readonly string[];
  xLabel?: string;
  bins?: number;
  color?: string;
  /**
   * A quantization grid to draw over the histogram: a stem at each level (dequantized value),
   * its height the share of values quantized to it, against a second axis on the right.
   */
  grid?: { levels: readonly number[]; shares: readonly number[]; label?: string; color?: string };
}

/** Equal-width bins over [lo, hi] (default: the values' min and max): counts and edges. */
export function histogram(values: ArrayLike<number>, bins: number, range?: readonly [number, number]): { counts: number[]; edges: number[] } {
  const [lo, hi] = range ?? extent(Array.from(values));
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    const b = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
    counts[b] = (counts[b] as number) + 1;
  }
  return { counts, edges: Array.from({ length: bins + 1 }, (_, i) => lo + i * width) };
}

/** A histogram of `values` as an SVG document, with an optional quantization grid over it. */
export function histogramSvg(values: ArrayLike<number>, options: HistogramOptions): string {
  const bins = options.bins ?? 40;
  const color = options.color ?? '#3b6ea8';
  const grid = options.grid && options.grid.levels.length > 0 ? options.grid : null;
  // With a grid, the x range covers the values and the grid's end levels, half a step beyond.
  let range: [number, number] | undefined;
  if (grid) {
    const [vLo, vHi] = extent(Array.from(values));
    const levels = grid.levels;
    const first = levels[0] as number;
    const last = levels[levels.length - 1] as number;
    // Half a step beyond the end levels (for two levels, as binary grids have, a tenth of their span).
    const pad = levels.length > 2 ? Math.abs((levels[1] as number) - first) / 2 : Math.abs(last - first) / 10;
    range = [Math.min(vLo, first - pad), Math.max(vHi, last + pad)];
  }
  const { counts, edges } = histogram(values, bins, range);
  const width = 560;
  const height = 340;
  const subtitles = options.subtitle === undefined ? [] : typeof options.subtitle === 'string' ? [options.subtitle] : options.subtitle;
  const m = { left: 56, right: grid ? 56 : 16, top: 36 + 15 * subtitles.length, bottom: 44 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const xLo = edges[0] as number;
  const xHi = edges[bins] as number;
  const yHi = Math.max(1, ...counts) * 1.05;
  const sx = (x: number): number => m.left + ((x - xLo) / (xHi - xLo)) * plotW;
  const sy = (y: number): number => m.top + (1 - y / yHi) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} fill="#222">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fafafa"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(options.title)}</text>`,
  ];
  subtitles.forEach((line, i) => out.push(`<text x="${width / 2}" y="${40 + 15 * i}" text-anchor="middle" font-size="11" fill="#555">${escapeXml(line)}</text>`));
  out.push(`<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="#fff" stroke="#888"/>`);
  for (const t of niceTicks(0, yHi)) {
    out.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${r(sy(t))}" y2="${r(sy(t))}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${m.left - 6}" y="${r(sy(t) + 4)}" text-anchor="end" font-size="11">${escapeXml(niceLabel(t))}</text>`);
  }
  counts.forEach((count, i) => {
    if (count === 0) return;
    const x = sx(edges[i] as number);
    const w = sx(edges[i + 1] as number) - x;
    out.push(`<rect x="${r(x)}" y="${r(sy(count))}" width="${r(Math.max(w - 0.5, 0.5))}" height="${r(sy(0) - sy(count))}" fill="${color}"${grid ? ' fill-opacity="0.75"' : ''}><title>[${niceLabel(edges[i] as number)}, ${niceLabel(edges[i + 1] as number)}): ${count}</title></rect>`);
  });
  if (grid) out.push(gridOverlay(grid, { sx, top: m.top, plotH, right: m.left + plotW }));
  for (const t of niceTicks(xLo, xHi, 6)) {
    out.push(`<line x1="${r(sx(t))}" x2="${r(sx(t))}" y1="${m.top + plotH}" y2="${m.top + plotH + 5}" stroke="#888"/>`);
    out.push(`<text x="${r(sx(t))}" y="${m.top + plotH + 18}" text-anchor="middle" font-size="11">${escapeXml(niceLabel(t))}</text>`);
  }
  out.push(`<text x="${m.left + plotW / 2}" y="${height - 8}" text-anchor="middle" font-size="12">${escapeXml(options.xLabel ?? 'value')}</text>`);
  out.push(`<text x="14" y="${m.top + plotH / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${m.top + plotH / 2})">count</text>`);
  if (grid) {
    const x = width - 12;
    out.push(`<text x="${x}" y="${m.top + plotH / 2}" text-anchor="middle" font-size="12" fill="${grid.color ?? ORANGE}" transform="rotate(-90 ${x} ${m.top + plotH / 2})">share quantized to each level (%)</text>`);
    const lx = m.left + 10;
    out.push(`<rect x="${lx - 4}" y="${m.top + 4}" width="250" height="36" fill="#fff" fill-opacity="0.85"/>`);
    out.push(`<rect x="${lx}" y="${m.top + 8}" width="14" height="9" fill="${color}" fill-opacity="0.75"/>`);
    out.push(`<text x="${lx + 20}" y="${m.top + 17}" font-size="11">float (latent) weights</text>`);
    out.push(`<line x1="${lx + 7}" x2="${lx + 7}" y1="${m.top + 22}" y2="${m.top + 34}" stroke="${grid.color ?? ORANGE}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 20}" y="${m.top + 32}" font-size="11">${escapeXml(grid.label ?? 'quantization grid')}</text>`);
  }
  out.push('</svg>', '');
  return out.join('\n');
}


/** Stems at the grid's levels (height: share of values on the level), with a right-hand axis. */
function gridOverlay(grid: NonNullable<HistogramOptions['grid']>, at: { sx: (x: number) => number; top: number; plotH: number; right: number }): string {
  const color = grid.color ?? ORANGE;
  const maxShare = Math.max(1e-9, ...grid.shares) * 1.05;
  const sy = (share: number): number => at.top + (1 - share / maxShare) * at.plotH;
  const out: string[] = [];
  for (const t of niceTicks(0, 100 * maxShare, 5)) {
    out.push(`<line x1="${r(at.right)}" x2="${r(at.right + 5)}" y1="${r(sy(t / 100))}" y2="${r(sy(t / 100))}" stroke="${color}"/>`);
    out.push(`<text x="${r(at.right + 8)}" y="${r(sy(t / 100) + 4)}" font-size="11" fill="${color}">${escapeXml(niceLabel(t))}</text>`);
  }
  // Many levels (8 bits: 255) are drawn as a band with thin stems, few as dashed lines with dots.
  const dense = grid.levels.length > 64;
  if (dense) {
    const x0 = at.sx(grid.levels[0] as number);
    const x1 = at.sx(grid.levels[grid.levels.length - 1] as number);
    out.push(`<rect x="${r(x0)}" y="${r(at.top)}" width="${r(x1 - x0)}" height="${r(at.plotH)}" fill="${color}" fill-opacity="0.06"/>`);
  }
  grid.levels.forEach((level, i) => {
    const x = at.sx(level);
    const share = grid.shares[i] ?? 0;
    if (!dense) out.push(`<line x1="${r(x)}" x2="${r(x)}" y1="${r(at.top + at.plotH)}" y2="${r(at.top)}" stroke="${color}" stroke-opacity="0.3" stroke-dasharray="3 3"/>`);
    if (share <= 0) return;
    out.push(`<line x1="${r(x)}" x2="${r(x)}" y1="${r(at.top + at.plotH)}" y2="${r(sy(share))}" stroke="${color}" stroke-width="${dense ? 1 : 2}"><title>${niceLabel(level)}: ${(100 * share).toFixed(2)}%</title></line>`);
    if (!dense) out.push(`<circle cx="${r(x)}" cy="${r(sy(share))}" r="3" fill="${color}"/>`);
  });
  return `<g>${out.join('')}</g>`;
}

export interface Bar {
  label: string;
  value: number;
  color: string;
  /** Text above the bar (default: the value). */
  annotation?: string;
  /** A second line under the label. */
  sublabel?: string;
}

export interface BarChartOptions {
  title: string;
  subtitle?: string;
  yLabel: string;
  /** The y range; bars start at its lower end (say so in the subtitle when it is not 0). */
  yRange: readonly [number, number];
  /** A dashed horizontal reference line (e.g. the float model's accuracy). */
  reference?: { value: number; label: string };
}

/** Vertical bars as an SVG document. */
export function barChartSvg(bars: readonly Bar[], options: BarChartOptions): string {
  const width = Math.max(420, 110 * bars.length + 120);
  const height = 360;
  const m = { left: 64, right: 24, top: options.subtitle ? 56 : 40, bottom: 60 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const [yLo, yHi] = options.yRange;
  const sy = (y: number): number => m.top + (1 - (Math.min(Math.max(y, yLo), yHi) - yLo) / (yHi - yLo)) * plotH;
  const slot = plotW / Math.max(bars.length, 1);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} fill="#222">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fafafa"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="16" font-weight="700">${escapeXml(options.title)}</text>`,
  ];
  if (options.subtitle) out.push(`<text x="${width / 2}" y="40" text-anchor="middle" font-size="11" fill="#555">${escapeXml(options.subtitle)}</text>`);
  out.push(`<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="#fff" stroke="#888"/>`);
  for (const t of niceTicks(yLo, yHi)) {
    out.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${r(sy(t))}" y2="${r(sy(t))}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${m.left - 6}" y="${r(sy(t) + 4)}" text-anchor="end" font-size="11">${escapeXml(niceLabel(t))}</text>`);
  }
  bars.forEach((bar, i) => {
    const cx = m.left + slot * (i + 0.5);
    const w = Math.min(64, slot * 0.6);
    const top = sy(bar.value);
    if (Number.isFinite(bar.value)) {
      out.push(`<rect x="${r(cx - w / 2)}" y="${r(top)}" width="${r(w)}" height="${r(sy(yLo) - top)}" fill="${bar.color}"><title>${escapeXml(`${bar.label}: ${bar.annotation ?? niceLabel(bar.value)}`)}</title></rect>`);
      out.push(`<text x="${r(cx)}" y="${r(top - 5)}" text-anchor="middle" font-size="12" font-weight="600">${escapeXml(bar.annotation ?? niceLabel(bar.value))}</text>`);
    }
    out.push(`<text x="${r(cx)}" y="${r(m.top + plotH + 18)}" text-anchor="middle" font-size="12" font-weight="600">${escapeXml(bar.label)}</text>`);
    if (bar.sublabel) out.push(`<text x="${r(cx)}" y="${r(m.top + plotH + 33)}" text-anchor="middle" font-size="10" fill="#555">${escapeXml(bar.sublabel)}</text>`);
  });
  if (options.reference && Number.isFinite(options.reference.value)) {
    const y = sy(options.reference.value);
    out.push(`<line x1="${m.left}" x2="${m.left + plotW}" y1="${r(y)}" y2="${r(y)}" stroke="#555" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${m.left + plotW - 4}" y="${r(y - 4)}" text-anchor="end" font-size="11" fill="#555">${escapeXml(options.reference.label)}</text>`);
  }
  const yMid = m.top + plotH / 2;
  out.push(`<text x="16" y="${r(yMid)}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${r(yMid)})">${escapeXml(options.yLabel)}</text>`);
  out.push('</svg>', '');
  return out.join('\n');
}
