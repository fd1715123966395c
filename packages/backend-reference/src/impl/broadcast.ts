/** Index maps are cached: a training loop broadcasts the same shapes every step. */
const CACHE_ELEMENTS = 1 << 23;
const cache = new Map<string, Int32Array>();
let cachedElements = 0;

/**
 * For an input of `inShape` broadcast to `outShape`, the flat input index of each output element,
 * or null when no broadcasting happens (same shape). The array is shared: read it, never write it.
 */
export function broadcastIndices(outShape: readonly number[], inShape: readonly number[]): Int32Array | null {
  if (sameShape(inShape, outShape)) return null;
  const key = `${outShape.join(',')}|${inShape.join(',')}`;
  const hit = cache.get(key);
  if (hit) {
    // Most recently used goes last, so eviction takes the oldest first.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const indices = computeIndices(outShape, inShape);
  if (indices.length <= CACHE_ELEMENTS / 4) {
    cache.set(key, indices);
    cachedElements += indices.length;
    for (const [oldKey, old] of cache) {
      if (cachedElements <= CACHE_ELEMENTS) break;
      cache.delete(oldKey);
      cachedElements -= old.length;
    }
  }
  return indices;
}

/** Whether an operand of `inShape` has the output's shape `outShape` (no broadcasting). */
export function sameShape(inShape: readonly number[], outShape: readonly number[]): boolean {
  return inShape.length === outShape.length && inShape.every((d, i) => d === outShape[i]);
}

/** Whether a tensor of `inShape` broadcast to `outShape` is one repeated element. */
export function isScalarBroadcast(inShape: readonly number[]): boolean {
  return inShape.every((d) => d === 1);
}

/**
 * An operand whose non-1 axes are one contiguous run of the output's axes (a per-channel scale
 * [C, 1, 1] over [N, C, H, W], a bias row over a matrix, a scalar): output element i reads operand
 * element ⌊i / inner⌋ mod period. A scalar (every axis 1) is one block of every element: outer 1,
 * period 1, inner the output's size. Null for any other broadcast.
 */
export interface BlockBroadcast { outer: number; period: number; inner: number }

export function blockBroadcast(outShape: readonly number[], inShape: readonly number[]): BlockBroadcast | null {
  const offset = outShape.length - inShape.length;
  if (offset < 0) return null;
  let first = -1;
  let last = -1;
  for (let i = 0; i < inShape.length; i++) {
    if (inShape[i] === 1) continue;
    if (first < 0) first = i + offset;
    last = i + offset;
  }
  let period = 1;
  let inner = 1;
  let outer = 1;
  if (first < 0) {
    for (const d of outShape) inner *= d;
    return { outer, period, inner };
  }
  for (let axis = 0; axis < outShape.length; axis++) {
    const d = outShape[axis] as number;
    if (axis >= first && axis <= last) {
      if (inShape[axis - offset] !== d) return null;
      period *= d;
    } else if (axis > last) {
      inner *= d;
    } else {
      outer *= d;
    }
  }
  return { outer, period, inner };
}

function computeIndices(outShape: readonly number[], inShape: readonly number[]): Int32Array {
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
