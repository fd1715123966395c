import { ShapeError, ValueError } from '../errors/errors.js';

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function shapesEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting of two shapes. */
export function broadcastShapes(a: readonly number[], b: readonly number[], what = 'operands'): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `Shapes ${formatShape(a)} and ${formatShape(b)} of the ${what} cannot be broadcast together: ` +
          `dimension ${i - rank} is ${da} vs ${db}.`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Row-major strides. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i] as number;
  }
  return strides;
}

/** A non-negative axis for `rank`, accepting Python-style negative axes. */
export function normalizeAxis(axis: number, rank: number, what = 'axis'): number {
  if (!Number.isInteger(axis)) throw new ValueError(`${what} must be an integer, got ${axis}.`);
  const normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 0 || normalized >= Math.max(rank, 1)) {
    throw new ValueError(`${what} ${axis} is out of range for a tensor of rank ${rank} (valid: ${-rank}..${rank - 1}).`);
  }
  return normalized;
}

/** Sorted, unique, non-negative axes; `undefined` means all axes. */
export function normalizeAxes(axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const normalized = [...new Set(list.map((a) => normalizeAxis(a, rank)))];
  if (normalized.length !== list.length) throw new ValueError(`Repeated axis in [${list.join(', ')}].`);
  return normalized.sort((x, y) => x - y);
}

export function assertValidShape(shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`Invalid shape ${formatShape(shape)}: dimensions must be non-negative integers.`);
    }
  }
}

/** The shape after reducing `axes` (sorted, non-negative). */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else {
      out.push(shape[i] as number);
    }
  }
  return out;
}

/** A pair from a number or a pair (PyTorch's `_pair`). */
export function pair(value: number | readonly [number, number], what: string): [number, number] {
  const p: [number, number] = typeof value === 'number' ? [value, value] : [value[0], value[1]];
  for (const v of p) {
    if (!Number.isInteger(v)) throw new ValueError(`${what} must be an integer or a pair of integers, got ${String(value)}.`);
  }
  return p;
}
