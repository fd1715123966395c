/**
 * The oracle's one data type: a row-major float64 n-dimensional array. Integer and bool results are
 * stored as numbers (0/1 for bool). Nothing here imports @parvus/core: the oracle must not share
 * code with what it checks.
 */
export interface Array64 {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

export function sizeOfShape(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** An array of `shape`, filled from `values` (copied) or with `fill`. */
export function array64(shape: readonly number[], values?: ArrayLike<number>, fill = 0): Array64 {
  const size = sizeOfShape(shape);
  const data = new Float64Array(size);
  if (values) {
    if (values.length !== size) throw new Error(`oracle64: ${values.length} values for shape [${shape.join(', ')}]`);
    for (let i = 0; i < size; i++) data[i] = values[i] as number;
  } else if (!Object.is(fill, 0)) {
    data.fill(fill);
  }
  return { shape: [...shape], data };
}

export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i] as number;
  }
  return strides;
}

/** NumPy broadcasting of any number of shapes. */
export function broadcastShape(...shapes: ReadonlyArray<readonly number[]>): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1) continue;
      if (dim !== 1 && dim !== d) throw new Error(`oracle64: shapes ${shapes.map((x) => `[${x.join(', ')}]`).join(' ')} do not broadcast`);
      dim = d;
    }
    out.push(dim);
  }
  return out;
}

/**
 * For every flat index of `to`, the flat index of `from` that broadcasting reads (the dimensions of
 * `from` are right-aligned with those of `to`; size-1 dimensions repeat).
 */
export function broadcastIndex(from: readonly number[], to: readonly number[]): Int32Array {
  const size = sizeOfShape(to);
  const map = new Int32Array(size);
  const rank = to.length;
  const offset = rank - from.length;
  const fromStrides = stridesOf(from);
  const index = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < size; flat++) {
    let source = 0;
    for (let axis = offset; axis < rank; axis++) {
      const dim = from[axis - offset] as number;
      if (dim !== 1) source += (index[axis] as number) * (fromStrides[axis - offset] as number);
    }
    map[flat] = source;
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis] = (index[axis] as number) + 1;
      if ((index[axis] as number) < (to[axis] as number)) break;
      index[axis] = 0;
    }
  }
  return map;
}

export function map(a: Array64, fn: (x: number) => number): Array64 {
  const out = array64(a.shape);
  for (let i = 0; i < a.data.length; i++) out.data[i] = fn(a.data[i] as number);
  return out;
}

/** fn applied elementwise over the broadcast of a and b. */
export function zip(a: Array64, b: Array64, fn: (x: number, y: number) => number): Array64 {
  const shape = broadcastShape(a.shape, b.shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const out = array64(shape);
  for (let i = 0; i < out.data.length; i++) {
    out.data[i] = fn(a.data[ia[i] as number] as number, b.data[ib[i] as number] as number);
  }
  return out;
}

export function abs(a: Array64): Array64 {
  return map(a, Math.abs);
}

/** Σ a·b over all elements (same shapes). */
export function dot(a: Array64, b: Array64): number {
  if (a.data.length !== b.data.length) throw new Error('oracle64: dot of arrays of different sizes');
  let total = 0;
  for (let i = 0; i < a.data.length; i++) total += (a.data[i] as number) * (b.data[i] as number);
  return total;
}

export function reshape64(a: Array64, shape: readonly number[]): Array64 {
  if (sizeOfShape(shape) !== a.data.length) throw new Error('oracle64: reshape changes the size');
  return { shape: [...shape], data: a.data };
}
