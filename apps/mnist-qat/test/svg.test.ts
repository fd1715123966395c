import { describe, expect, it } from 'vitest';
import { barChartSvg, chartsSvg, escapeXml, histogram, histogramSvg, niceLabel, niceTicks } from '../src/svg.js';

/** Every opened element is closed, in order (a small well-formedness check without an XML parser). */
function expectWellFormed(svg: string): void {
  const stack: string[] = [];
  for (const match of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = match;
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name as string);
  }
  expect(stack).toEqual([]);
  expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
}

describe('SVG charts', () => {
  it('nice ticks and labels', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.13, 2.4, 5)).toEqual([0.5, 1, 1.5, 2]);
    expect(niceTicks(3, 3)).toEqual([3]);
    expect(niceLabel(0.30000000000000004)).toBe('0.3');
    expect(niceLabel(97.25)).toBe('97.25');
    expect(niceLabel(1e-5)).toBe('1.0e-5');
    expect(escapeXml('a<b & "c">')).toBe('a&lt;b &amp; &quot;c&quot;&gt;');
  });

  it('a line chart with two panels', () => {
    const svg = chartsSvg('Run <1>', [
      { title: 'Loss', xLabel: 'epoch', yLabel: 'loss', series: [{ name: 'train', points: [[1, 2], [2, 1], [3, NaN], [4, 0.5]], color: '#00f', dots: true }] },
      { title: 'Accuracy', xLabel: 'epoch', yLabel: '%', series: [{ name: 'test', points: [[1, 90]], color: '#f00' }, { name: 'empty', points: [], color: '#0f0' }] },
    ]);
    expectWellFormed(svg);
    expect(svg).toContain('Run &lt;1&gt;');
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg.match(/<circle /g)).toHaveLength(3);
  });

  it('histograms count every finite value once', () => {
    const values = Float32Array.from([0, 0.1, 0.5, 0.99, 1, 1, NaN]);
    const { counts, edges } = histogram(values, 4);
    expect(counts).toEqual([2, 0, 1, 3]);
    expect(edges).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const svg = histogramSvg(values, { title: 'w', subtitle: 'stats', bins: 4 });
    expectWellFormed(svg);
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(3);
    expectWellFormed(histogramSvg(new Float32Array([2, 2, 2]), { title: 'constant' }));
  });

  it('histograms with a quantization grid: stems on the levels, the range covering both', () => {
    const values = Float32Array.from([-0.05, 0.01, 0.02, 0.02, 0.06]);
    expect(histogram(values, 4, [-0.1, 0.1]).edges.map((e) => Number(e.toFixed(12)))).toEqual([-0.1, -0.05, 0, 0.05, 0.1]);
    const levels = [-3, -2, -1, 0, 1, 2, 3].map((i) => i * 0.025);
    const svg = histogramSvg(values, { title: 'w', subtitle: ['stats', 'grid'], bins: 8, grid: { levels, shares: [0, 0.2, 0, 0.6, 0, 0.2, 0], label: '3-bit' } });
    expectWellFormed(svg);
    expect(svg.match(/stroke-dasharray="3 3"/g)).toHaveLength(7); // every level
    expect(svg.match(/<circle /g)).toHaveLength(3); // the levels holding values
    expect(svg).toContain('share quantized to each level (%)');
    expect(svg).toContain('>3-bit</text>');
    // 255 levels: a band and thin stems instead of dashed lines and dots.
    const dense = Array.from({ length: 255 }, (_, i) => (i - 127) * 0.001);
    const svg8 = histogramSvg(values, { title: 'w8', grid: { levels: dense, shares: dense.map((_, i) => (i === 127 ? 1 : 0)) } });
    expectWellFormed(svg8);
    expect(svg8).not.toContain('stroke-dasharray="3 3"');
    expect(svg8.match(/<circle /g)).toBeNull();
  });

  it('a bar chart with labels, annotations and a reference line', () => {
    const svg = barChartSvg(
      [{ label: 'float', value: 98.1, color: '#555' }, { label: 'w4a4', sublabel: 'W 4-bit', value: 97.8, color: '#2a9d5c', annotation: '97.80%' }, { label: 'broken', value: NaN, color: '#f00' }],
      { title: 'Accuracy', subtitle: 'from 95%', yLabel: '%', yRange: [95, 100], reference: { value: 98.1, label: 'float 98.10%' } },
    );
    expectWellFormed(svg);
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(2);
    for (const text of ['>97.80%</text>', '>98.1</text>', '>W 4-bit</text>', '>broken</text>', 'float 98.10%', 'stroke-dasharray="6 4"']) expect(svg).toContain(text);
  });
});
