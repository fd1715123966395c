/** Reductions over arbitrary axes: the kept axes are moved first, so each output reduces one contiguous run. */
import type { TypedArray } from '@parvus/core';
import { transpose } from './layout.js';

/** The values arranged as [outer, inner] where inner runs over the reduced axes. */
export function reductionLayout(values: TypedArray, shape: readonly number[], axes: readonly number[]): { data: TypedArray; outer: number; inner: number } {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  let inner = 1;
  for (const a of axes) inner *= shape[a] as number;
  const outer = inner === 0 ? kept.reduce((p, i) => p * (shape[i] as number), 1) : values.length / inner;
  const perm = [...kept, ...axes];
  if (perm.every((p, i) => p === i)) return { data: values, outer, inner };
  const data = new (values.constructor as new (n: number) => TypedArray)(values.length);
  transpose(values, shape, perm, data);
  return { data, outer, inner };
}

/** Sums accumulate in float64 (then round once to float32); integer sums wrap as int32. */
export function sum(data: TypedArray, outer: number, inner: number, out: TypedArray): void {
  const wrap = out instanceof Int32Array;
  for (let o = 0; o < outer; o++) {
    let acc = 0;
    const base = o * inner;
    for (let i = 0; i < inner; i++) acc += data[base + i] as number;
    out[o] = wrap ? acc | 0 : acc;
  }
}

/** Max or min of each run; NaN propagates. */
export function extremum(data: TypedArray, outer: number, inner: number, out: TypedArray, isMax: boolean): void {
  for (let o = 0; o < outer; o++) {
    const base = o * inner;
    let best = data[base] as number;
    for (let i = 1; i < inner; i++) {
      const v = data[base + i] as number;
      if (v !== v) {
        best = NaN;
        break;
      }
      if (isMax ? v > best : v < best) best = v;
    }
    out[o] = best;
  }
}
