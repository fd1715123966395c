/** Data movement: transpose, concat, slice, pad. Exact by nature: values are only copied. */
import type { Array64 } from './array64.js';
import { array64, sizeOfShape, stridesOf } from './array64.js';

/** Calls fn(flat, index) for every multi-index of `shape`, in row-major order. */
export function forEachIndex(shape: readonly number[], fn: (flat: number, index: readonly number[]) => void): void {
  const size = sizeOfShape(shape);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < size; flat++) {
    fn(flat, index);
    for (let a = shape.length - 1; a >= 0; a--) {
      index[a] = (index[a] as number) + 1;
      if ((index[a] as number) < (shape[a] as number)) break;
      index[a] = 0;
    }
  }
}

function flatOf(index: readonly number[], strides: readonly number[]): number {
  let flat = 0;
  for (let a = 0; a < index.length; a++) flat += (index[a] as number) * (strides[a] as number);
  return flat;
}

/** out[i0, i1, ...] = x[index with out axis a taken from x axis perm[a]]. */
export function transpose(x: Array64, perm: readonly number[]): Array64 {
  const shape = perm.map((p) => x.shape[p] as number);
  const out = array64(shape);
  const strides = stridesOf(x.shape);
  const source = new Array<number>(x.shape.length).fill(0);
  forEachIndex(shape, (flat, index) => {
    perm.forEach((p, a) => (source[p] = index[a] as number));
    out.data[flat] = x.data[flatOf(source, strides)] as number;
  });
  return out;
}

export function concat(xs: readonly Array64[], axis: number): Array64 {
  const first = xs[0] as Array64;
  const shape = [...first.shape];
  shape[axis] = xs.reduce((total, x) => total + (x.shape[axis] as number), 0);
  const out = array64(shape);
  const outStrides = stridesOf(shape);
  let offset = 0;
  for (const x of xs) {
    forEachIndex(x.shape, (flat, index) => {
      const target = [...index];
      target[axis] = (target[axis] as number) + offset;
      out.data[flatOf(target, outStrides)] = x.data[flat] as number;
    });
    offset += x.shape[axis] as number;
  }
  return out;
}

export function slice(x: Array64, begin: readonly number[], size: readonly number[]): Array64 {
  const out = array64(size);
  const strides = stridesOf(x.shape);
  forEachIndex(size, (flat, index) => {
    const source = index.map((i, a) => i + (begin[a] as number));
    out.data[flat] = x.data[flatOf(source, strides)] as number;
  });
  return out;
}

export function pad(x: Array64, paddings: ReadonlyArray<readonly [number, number]>, constantValue: number): Array64 {
  const shape = x.shape.map((d, a) => d + (paddings[a] as readonly [number, number])[0] + (paddings[a] as readonly [number, number])[1]);
  const out = array64(shape, undefined, constantValue);
  const outStrides = stridesOf(shape);
  forEachIndex(x.shape, (flat, index) => {
    const target = index.map((i, a) => i + (paddings[a] as readonly [number, number])[0]);
    out.data[flatOf(target, outStrides)] = x.data[flat] as number;
  });
  return out;
}
