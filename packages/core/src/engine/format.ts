import type { Tensor } from './tensor.js';

const THRESHOLD = 1000;
const EDGE_ITEMS = 3;

/** Format numbers as torch does by default: 4 decimals, or scientific for wide ranges. */
function numberFormatter(values: ArrayLike<number>, dtype: string): (v: number) => string {
  if (dtype === 'bool') return (v) => (v ? 'True' : 'False');
  if (dtype === 'int32') return (v) => String(v);
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isFinite(v)) finite.push(Math.abs(v));
  }
  const special = (v: number): string | null =>
    Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : null;
  if (finite.length > 0 && finite.every((v) => Number.isInteger(v))) {
    return (v) => special(v) ?? `${v.toFixed(0)}.`;
  }
  const nonZero = finite.filter((v) => v > 0);
  const maxAbs = Math.max(0, ...nonZero);
  const minAbs = nonZero.length ? Math.min(...nonZero) : 0;
  const scientific = nonZero.length > 0 && (maxAbs / minAbs > 1000 || maxAbs > 1e8 || minAbs < 1e-4);
  if (scientific) return (v) => special(v) ?? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  return (v) => special(v) ?? v.toFixed(4);
}

/** PyTorch-style text of a tensor: `tensor([[0.1000, 0.2000]], requires_grad=True)`. */
export function formatTensor(t: Tensor): string {
  if (t.isDisposed) return `Tensor(disposed, shape=[${t.shape.join(', ')}])`;
  const values = t.dataSync();
  const fmt = numberFormatter(values, t.dtype);
  const summarize = t.size > THRESHOLD;
  const strings = Array.from(values, (v) => fmt(v));
  const width = Math.max(0, ...strings.map((s) => s.length));
  const cell = (i: number): string => (strings[i] as string).padStart(width);
  const strides: number[] = [];
  let stride = 1;
  for (let i = t.rank - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= t.shape[i] as number;
  }
  const render = (axis: number, offset: number, indent: number): string => {
    if (t.rank === 0) return cell(0);
    const dim = t.shape[axis] as number;
    const indices: Array<number | null> = [];
    if (summarize && dim > 2 * EDGE_ITEMS) {
      for (let i = 0; i < EDGE_ITEMS; i++) indices.push(i);
      indices.push(null);
      for (let i = dim - EDGE_ITEMS; i < dim; i++) indices.push(i);
    } else {
      for (let i = 0; i < dim; i++) indices.push(i);
    }
    const step = strides[axis] as number;
    if (axis === t.rank - 1) {
      return `[${indices.map((i) => (i === null ? '...' : cell(offset + i))).join(', ')}]`;
    }
    const separator = `,${'\n'.repeat(t.rank - axis - 1)}${' '.repeat(indent + 1)}`;
    return `[${indices.map((i) => (i === null ? '...' : render(axis + 1, offset + i * step, indent + 1))).join(separator)}]`;
  };
  const prefix = 'tensor(';
  const extras: string[] = [];
  if (t.dtype === 'int32') extras.push('dtype=int32');
  if (t.requiresGrad) extras.push(t.gradFn ? `grad_fn=<${t.gradFn.kernelName}Backward>` : 'requires_grad=True');
  return `${prefix}${render(0, 0, prefix.length)}${extras.length ? `, ${extras.join(', ')}` : ''})`;
}
