/**
 * A constant on an integer grid: the integers, and the scale and zero point of every element, such
 * that value = (integer − zeroPoint) · scale exactly as float32 computes it. Weights and biases of
 * quantized layers are such constants; the exporter writes their integers, not float copies.
 *
 * Scale and zero point are kept per element so that layout changes (a transpose for a linear
 * layer's weight, a reshape for a 1-D convolution's) apply to all three arrays alike; the QCDQ
 * writer then finds whether the scale is per tensor or along one axis.
 */
import { roundHalfEven } from '@parvus/backend-reference';
import { sizeOf, stridesOf } from '@parvus/core';
import type { ModuleScope } from '../errors.js';

export type QuantizedKind = 'int' | 'bipolar' | 'ternary';

export interface QuantizedConstant {
  readonly kind: QuantizedKind;
  readonly shape: readonly number[];
  /** The integers, zero point included (what QuantizeLinear would output). */
  readonly integers: Float64Array;
  readonly scale: Float32Array;
  readonly zeroPoint: Float32Array;
  /** The dequantized values (the constant the forward used). */
  readonly values: Float32Array;
  /** The quantizer's integer range. */
  readonly quantMin: number;
  readonly quantMax: number;
  readonly scope: ModuleScope | null;
}

/** Values of a tensor of shape `from` broadcast (NumPy rules) to `to`, as float32 per element. */
export function broadcastValues(values: ArrayLike<number>, from: readonly number[], to: readonly number[]): Float32Array {
  const out = new Float32Array(sizeOf(to));
  if (values.length === 1) return out.fill(values[0] as number);
  const offset = to.length - from.length;
  const fromStrides = stridesOf(from);
  const toStrides = stridesOf(to);
  for (let i = 0; i < out.length; i++) {
    let source = 0;
    for (let axis = 0; axis < to.length; axis++) {
      const fromAxis = axis - offset;
      if (fromAxis < 0 || from[fromAxis] === 1) continue;
      const coordinate = Math.floor(i / (toStrides[axis] as number)) % (to[axis] as number);
      source += coordinate * (fromStrides[fromAxis] as number);
    }
    out[i] = values[source] as number;
  }
  return out;
}

/** Whether dequantizing `integers` reproduces `values` bit for bit (as DequantizeLinear computes it). */
function reproduces(integers: Float64Array, scale: Float32Array, zeroPoint: Float32Array, values: ArrayLike<number>): boolean {
  const fr = Math.fround;
  for (let i = 0; i < integers.length; i++) {
    const dequantized = fr(fr((integers[i] as number) - (zeroPoint[i] as number)) * (scale[i] as number));
    if (dequantized !== values[i]) return false;
  }
  return true;
}

/**
 * The grid of a FakeQuantize of constants: clamp(round(x / scale + zeroPoint)) in float32, as the
 * kernel computes it. Null when the output is not reproduced (it always is for the fused kernel).
 */
export function fromFakeQuantize(
  x: { values: ArrayLike<number>; shape: readonly number[] },
  scale: { values: ArrayLike<number>; shape: readonly number[] },
  zeroPoint: { values: ArrayLike<number>; shape: readonly number[] },
  output: ArrayLike<number>,
  quantMin: number,
  quantMax: number,
  kind: QuantizedKind,
  scope: ModuleScope | null,
): QuantizedConstant | null {
  const shape = x.shape;
  const s = broadcastValues(scale.values, scale.shape, shape);
  const z = broadcastValues(zeroPoint.values, zeroPoint.shape, shape);
  const fr = Math.fround;
  const integers = new Float64Array(s.length);
  for (let i = 0; i < integers.length; i++) {
    const q = roundHalfEven(fr(fr((x.values[i] as number) / (s[i] as number)) + (z[i] as number)));
    integers[i] = Math.min(Math.max(q, quantMin), quantMax);
  }
  const values = Float32Array.from(output);
  if (!reproduces(integers, s, z, values)) return null;
  return { kind, shape: [...shape], integers, scale: s, zeroPoint: z, values, quantMin, quantMax, scope };
}

/** The integer range of a quantizer: Brevitas's min_int / max_int. */
export function intRange(bitWidth: number, signed: boolean, narrowRange: boolean): [number, number] {
  if (signed) return [-(2 ** (bitWidth - 1)) + (narrowRange ? 1 : 0), 2 ** (bitWidth - 1) - 1];
  return [0, 2 ** bitWidth - (narrowRange ? 2 : 1)];
}

/** The grid of a value a quant proxy returned, from its scale and zero point. */
export function fromQuantizedValue(
  value: { values: ArrayLike<number>; shape: readonly number[] },
  scale: { values: ArrayLike<number>; shape: readonly number[] },
  zeroPoint: { values: ArrayLike<number>; shape: readonly number[] },
  range: [number, number],
  kind: QuantizedKind,
  scope: ModuleScope | null,
): QuantizedConstant | null {
  const shape = value.shape;
  const s = broadcastValues(scale.values, scale.shape, shape);
  const z = broadcastValues(zeroPoint.values, zeroPoint.shape, shape);
  const integers = new Float64Array(s.length);
  for (let i = 0; i < integers.length; i++) {
    const q = roundHalfEven((value.values[i] as number) / (s[i] as number) + (z[i] as number));
    if (!Number.isFinite(q) || q < range[0] || q > range[1]) return null;
    integers[i] = q;
  }
  const values = Float32Array.from(value.values);
  if (!reproduces(integers, s, z, values)) return null;
  return { kind, shape: [...shape], integers, scale: s, zeroPoint: z, values, quantMin: range[0], quantMax: range[1], scope };
}

/** The same elements in another shape of the same size (row-major). */
export function reshapeQuantized(q: QuantizedConstant, shape: readonly number[]): QuantizedConstant {
  if (sizeOf(shape) !== q.integers.length) throw new Error(`reshape of ${q.integers.length} elements to [${shape.join(', ')}]`);
  return { ...q, shape: [...shape] };
}

/** Apply `index` (output position → source position) to every per-element array. */
function gather(q: QuantizedConstant, index: Int32Array, shape: readonly number[]): QuantizedConstant {
  const pick = <A extends Float64Array | Float32Array>(source: A, make: (n: number) => A): A => {
    const out = make(index.length);
    for (let i = 0; i < index.length; i++) out[i] = source[index[i] as number] as number;
    return out;
  };
  return {
    ...q,
    shape: [...shape],
    integers: pick(q.integers, (n) => new Float64Array(n)),
    scale: pick(q.scale, (n) => new Float32Array(n)),
    zeroPoint: pick(q.zeroPoint, (n) => new Float32Array(n)),
    values: pick(q.values, (n) => new Float32Array(n)),
  };
}

/** Source positions of a transpose: out[i] = in[index[i]]. */
export function transposeIndex(shape: readonly number[], perm: readonly number[]): { index: Int32Array; shape: number[] } {
  const outShape = perm.map((p) => shape[p] as number);
  const inStrides = stridesOf(shape);
  const outStrides = stridesOf(outShape);
  const index = new Int32Array(sizeOf(shape));
  for (let i = 0; i < index.length; i++) {
    let source = 0;
    for (let axis = 0; axis < outShape.length; axis++) {
      const coordinate = Math.floor(i / (outStrides[axis] as number)) % (outShape[axis] as number);
      source += coordinate * (inStrides[perm[axis] as number] as number);
    }
    index[i] = source;
  }
  return { index, shape: outShape };
}

/** Source positions of a box slice. */
export function sliceIndex(shape: readonly number[], begin: readonly number[], size: readonly number[]): { index: Int32Array; shape: number[] } {
  const inStrides = stridesOf(shape);
  const outStrides = stridesOf(size);
  const index = new Int32Array(sizeOf(size));
  for (let i = 0; i < index.length; i++) {
    let source = 0;
    for (let axis = 0; axis < size.length; axis++) {
      const coordinate = Math.floor(i / (outStrides[axis] as number)) % (size[axis] as number);
      source += (coordinate + (begin[axis] as number)) * (inStrides[axis] as number);
    }
    index[i] = source;
  }
  return { index, shape: [...size] };
}

export function transposeQuantized(q: QuantizedConstant, perm: readonly number[]): QuantizedConstant {
  const { index, shape } = transposeIndex(q.shape, perm);
  return gather(q, index, shape);
}

export function sliceQuantized(q: QuantizedConstant, begin: readonly number[], size: readonly number[]): QuantizedConstant {
  const { index, shape } = sliceIndex(q.shape, begin, size);
  return gather(q, index, shape);
}

/** Transpose of plain values (for float constants). */
export function transposeValues<A extends Float32Array | Int32Array | Uint8Array>(values: A, shape: readonly number[], perm: readonly number[]): A {
  const { index } = transposeIndex(shape, perm);
  const out = new (values.constructor as new (n: number) => A)(index.length);
  for (let i = 0; i < index.length; i++) out[i] = values[index[i] as number] as number;
  return out;
}

/** How scale and zero point vary: one value, or one value per index of a single axis. */
export type Granularity =
  | { axis: null; scale: number; zeroPoint: number }
  | { axis: number; scale: Float32Array; zeroPoint: Float32Array };

/** Per tensor, per axis, or null when the scale (or zero point) varies along more than one axis. */
export function granularity(shape: readonly number[], scale: Float32Array, zeroPoint: Float32Array): Granularity | null {
  const s0 = scale[0] as number;
  const z0 = zeroPoint[0] as number;
  if (scale.every((v) => v === s0) && zeroPoint.every((v) => v === z0)) return { axis: null, scale: s0, zeroPoint: z0 };
  const axisStrides = stridesOf(shape);
  for (let axis = 0; axis < shape.length; axis++) {
    const n = shape[axis] as number;
    if (n === 1) continue;
    const stride = axisStrides[axis] as number;
    const s = new Float32Array(n);
    const z = new Float32Array(n);
    for (let c = 0; c < n; c++) {
      s[c] = scale[c * stride] as number;
      z[c] = zeroPoint[c * stride] as number;
    }
    let ok = true;
    for (let i = 0; i < scale.length && ok; i++) {
      const c = Math.floor(i / stride) % n;
      ok = scale[i] === s[c] && zeroPoint[i] === z[c];
    }
    if (ok) return { axis, scale: s, zeroPoint: z };
  }
  return null;
}

/**
 * Bit width, signedness and narrow range of an integer range, as Brevitas defines them, or null
 * for a range no (bit width, signed, narrow) gives.
 */
export function rangeBits(quantMin: number, quantMax: number): { bitWidth: number; signed: boolean; narrowRange: boolean } | null {
  const log2 = (v: number): number | null => {
    const b = Math.round(Math.log2(v));
    return b >= 0 && 2 ** b === v ? b : null;
  };
  if (quantMin < 0) {
    const b = log2(quantMax + 1);
    if (b === null) return null;
    if (quantMin === -(quantMax + 1)) return { bitWidth: b + 1, signed: true, narrowRange: false };
    if (quantMin === -quantMax) return { bitWidth: b + 1, signed: true, narrowRange: true };
    return null;
  }
  if (quantMin !== 0) return null;
  const wide = log2(quantMax + 1);
  if (wide !== null && wide >= 1) return { bitWidth: wide, signed: false, narrowRange: false };
  const narrow = log2(quantMax + 2);
  if (narrow !== null && narrow >= 1) return { bitWidth: narrow, signed: false, narrowRange: true };
  return null;
}
