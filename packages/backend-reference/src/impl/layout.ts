/** Data movement: transpose, concat, slice and pad on flat row-major arrays. */
import type { TypedArray } from '@parvus/core';

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] as number;
  }
  return strides;
}

/** out = x permuted by `perm` (out axis i is x axis perm[i]). */
export function transpose(x: TypedArray, shape: readonly number[], perm: readonly number[], out: TypedArray): void {
  const rank = shape.length;
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p] as number);
  const strides = perm.map((p) => inStrides[p] as number);
  const size = out.length;
  if (size === 0) return;
  const inner = outShape[rank - 1] as number;
  const innerStride = strides[rank - 1] as number;
  const counter = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < size; o += inner) {
    for (let j = 0; j < inner; j++) out[o + j] = x[src + j * innerStride] as number;
    // Advance the odometer over all but the innermost axis.
    for (let axis = rank - 2; axis >= 0; axis--) {
      counter[axis] = (counter[axis] as number) + 1;
      src += strides[axis] as number;
      if ((counter[axis] as number) < (outShape[axis] as number)) break;
      src -= (strides[axis] as number) * (outShape[axis] as number);
      counter[axis] = 0;
    }
  }
}

/** Concatenate along `axis`: each input contributes a block of dim·inner per outer index. */
export function concat(inputs: ReadonlyArray<{ values: TypedArray; shape: readonly number[] }>, axis: number, out: TypedArray): void {
  const shape = inputs[0]?.shape ?? [];
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i] as number;
  let offset = 0;
  for (let o = 0; o < outer; o++) {
    for (const { values, shape: s } of inputs) {
      let block = 1;
      for (let i = axis; i < s.length; i++) block *= s[i] as number;
      out.set(values.subarray(o * block, (o + 1) * block), offset);
      offset += block;
    }
  }
}

/** Visit each contiguous last-axis row of a box: (flat offset in the full array, box row index). */
function forEachRow(shape: readonly number[], begin: readonly number[], size: readonly number[], visit: (offset: number, row: number) => void): void {
  const rank = shape.length;
  const strides = stridesOf(shape);
  let rows = 1;
  for (let i = 0; i < rank - 1; i++) rows *= size[i] as number;
  if (rows === 0 || (rank > 0 && size[rank - 1] === 0)) return;
  const counter = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let offset = 0;
  for (let i = 0; i < rank; i++) offset += (begin[i] as number) * (strides[i] as number);
  for (let row = 0; row < rows; row++) {
    visit(offset, row);
    for (let axis = rank - 2; axis >= 0; axis--) {
      counter[axis] = (counter[axis] as number) + 1;
      offset += strides[axis] as number;
      if ((counter[axis] as number) < (size[axis] as number)) break;
      offset -= (strides[axis] as number) * (size[axis] as number);
      counter[axis] = 0;
    }
  }
}

export function slice(x: TypedArray, shape: readonly number[], begin: readonly number[], size: readonly number[], out: TypedArray): void {
  if (shape.length === 0) {
    out[0] = x[0] as number;
    return;
  }
  const width = size[size.length - 1] as number;
  forEachRow(shape, begin, size, (offset, row) => out.set(x.subarray(offset, offset + width), row * width));
}

export function pad(x: TypedArray, shape: readonly number[], paddings: ReadonlyArray<readonly [number, number]>, value: number, out: TypedArray): void {
  out.fill(value);
  if (shape.length === 0) {
    out[0] = x[0] as number;
    return;
  }
  const outShape = shape.map((d, i) => d + (paddings[i] as readonly [number, number])[0] + (paddings[i] as readonly [number, number])[1]);
  const begin = paddings.map(([before]) => before);
  const width = shape[shape.length - 1] as number;
  forEachRow(outShape, begin, shape, (offset, row) => out.set(x.subarray(row * width, (row + 1) * width), offset));
}
