/** Reductions over axes, argmax and kthValue with torch's semantics, in float64. */
import type { Array64 } from './array64.js';
import { array64, sizeOfShape, stridesOf } from './array64.js';

function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepDims) out.push(1);
  });
  return out;
}

/**
 * Fold every element of `x` into the output cell it reduces to. `init` is the identity of `combine`;
 * an empty `axes` list reduces nothing (each cell folds one element).
 */
function reduce(x: Array64, axes: readonly number[], keepDims: boolean, init: number, combine: (acc: number, v: number) => number): Array64 {
  const outShape = reducedShape(x.shape, axes, keepDims);
  const out = array64(outShape, undefined, init);
  // Strides of the output, indexed by input axis (0 for reduced axes).
  const keptStrides = stridesOf(x.shape.map((d, i) => (axes.includes(i) ? 1 : d)));
  const strideByAxis = x.shape.map((_, i) => (axes.includes(i) ? 0 : (keptStrides[i] as number)));
  const rank = x.shape.length;
  const index = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < x.data.length; flat++) {
    let target = 0;
    for (let a = 0; a < rank; a++) target += (index[a] as number) * (strideByAxis[a] as number);
    out.data[target] = combine(out.data[target] as number, x.data[flat] as number);
    for (let a = rank - 1; a >= 0; a--) {
      index[a] = (index[a] as number) + 1;
      if ((index[a] as number) < (x.shape[a] as number)) break;
      index[a] = 0;
    }
  }
  return out;
}

export function sum(x: Array64, axes: readonly number[], keepDims = false): Array64 {
  return reduce(x, axes, keepDims, 0, (acc, v) => acc + v);
}

/** max over axes; NaN propagates (torch.amax). */
export function max(x: Array64, axes: readonly number[], keepDims = false): Array64 {
  return reduce(x, axes, keepDims, -Infinity, (acc, v) => (Number.isNaN(acc) || Number.isNaN(v) ? NaN : v > acc ? v : acc));
}

export function min(x: Array64, axes: readonly number[], keepDims = false): Array64 {
  return reduce(x, axes, keepDims, Infinity, (acc, v) => (Number.isNaN(acc) || Number.isNaN(v) ? NaN : v < acc ? v : acc));
}

export function mean(x: Array64, axes: readonly number[], keepDims = false): Array64 {
  let count = 1;
  for (const a of axes) count *= x.shape[a] as number;
  const s = sum(x, axes, keepDims);
  return { shape: s.shape, data: s.data.map((v) => v / count) };
}

/**
 * Visit every line of `x` along `axis`: `visit(values, outIndex)` gets the line's values in order and
 * the flat index of its output cell (the shape with `axis` removed).
 */
function forEachLine(x: Array64, axis: number, visit: (line: number[], outIndex: number) => void): void {
  const dim = x.shape[axis] as number;
  const inner = sizeOfShape(x.shape.slice(axis + 1));
  const outer = sizeOfShape(x.shape.slice(0, axis));
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const line: number[] = [];
      for (let j = 0; j < dim; j++) line.push(x.data[(o * dim + j) * inner + i] as number);
      visit(line, o * inner + i);
    }
  }
}

/** Index of the first maximum along `axis`; the first NaN wins (torch.argmax). */
export function argmax(x: Array64, axis: number, keepDims = false): Array64 {
  const out = array64(reducedShape(x.shape, [axis], keepDims));
  forEachLine(x, axis, (line, o) => {
    let best = 0;
    for (let j = 0; j < line.length; j++) {
      const v = line[j] as number;
      if (Number.isNaN(v)) {
        best = j;
        break;
      }
      if (v > (line[best] as number)) best = j;
    }
    out.data[o] = best;
  });
  return out;
}

/**
 * The k-th smallest (1-indexed) along `axis` and its index (torch.kthvalue). NaN sorts above every
 * number. Among equal values the lowest index is reported; torch leaves that choice open, so tests
 * only compare indices where values are distinct.
 */
export function kthValue(x: Array64, k: number, axis: number, keepDims = false): { values: Array64; indices: Array64 } {
  const shape = reducedShape(x.shape, [axis], keepDims);
  const values = array64(shape);
  const indices = array64(shape);
  forEachLine(x, axis, (line, o) => {
    const order = line.map((_, j) => j).sort((a, b) => {
      const va = line[a] as number;
      const vb = line[b] as number;
      const na = Number.isNaN(va);
      const nb = Number.isNaN(vb);
      if (na || nb) return na === nb ? a - b : na ? 1 : -1;
      return va < vb ? -1 : va > vb ? 1 : a - b;
    });
    const j = order[k - 1] as number;
    values.data[o] = line[j] as number;
    indices.data[o] = j;
  });
  return { values, indices };
}
