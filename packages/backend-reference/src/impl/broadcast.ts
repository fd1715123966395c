/**
 * For an input of `inShape` broadcast to `outShape`, the flat input index of each output element,
 * or null when no broadcasting happens (same shape).
 */
export function broadcastIndices(outShape: readonly number[], inShape: readonly number[]): Int32Array | null {
  if (outShape.length === inShape.length && outShape.every((d, i) => d === inShape[i])) return null;
  const rank = outShape.length;
  const offset = rank - inShape.length;
  // Input strides aligned to the output's axes, 0 where broadcast.
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = inShape.length - 1; i >= 0; i--) {
    const d = inShape[i] as number;
    strides[i + offset] = d === 1 ? 0 : stride;
    stride *= d;
  }
  let size = 1;
  for (const d of outShape) size *= d;
  const indices = new Int32Array(size);
  if (size === 0) return indices;
  const counter = new Array<number>(rank).fill(0);
  let index = 0;
  for (let i = 0; i < size; i++) {
    indices[i] = index;
    // Odometer increment over the output shape.
    for (let axis = rank - 1; axis >= 0; axis--) {
      counter[axis] = (counter[axis] as number) + 1;
      index += strides[axis] as number;
      if ((counter[axis] as number) < (outShape[axis] as number)) break;
      index -= (strides[axis] as number) * (outShape[axis] as number);
      counter[axis] = 0;
    }
  }
  return indices;
}

export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`shapes [${a.join(', ')}] and [${b.join(', ')}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}
