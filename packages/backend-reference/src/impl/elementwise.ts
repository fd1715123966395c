/**
 * Elementwise loops. Each op has its own loop (a switch outside the loop, not a callback inside
 * it): V8 then compiles every loop for one operation, which is about 20× faster than a shared
 * loop calling a different function per kernel.
 *
 * Fake quantization (and its gradient, fake-quantize-grad.ts) has a second implementation in
 * WebAssembly SIMD (fake-quantize-wasm.ts), bit-identical to these loops and used wherever the
 * runtime accepts the module. `setElementwiseImplementation` or the environment variable
 * PARVUS_REFERENCE_ELEMENTWISE=js|wasm picks one, so that tests can run both.
 */
import { powHost } from '@parvus/core';
import { broadcastIndices } from './broadcast.js';
import type { QuantParameterRuns } from './fake-quantize-wasm.js';
import { fakeQuantizeWasm, wasmFakeQuantizeAvailable } from './fake-quantize-wasm.js';
import type { Implementation } from './implementation-switch.js';
import { implementationSwitch } from './implementation-switch.js';
import { ROUND_MAGIC, roundHalfEven } from './round.js';
import { torchExp, torchSigmoid } from './torch-exp.js';

export type ElementwiseImplementation = Implementation;

const implementation = implementationSwitch('PARVUS_REFERENCE_ELEMENTWISE', wasmFakeQuantizeAvailable, 'setElementwiseImplementation', 'fake quantization');

/** The implementation that fake quantization and its gradient run now. */
export function elementwiseImplementation(): ElementwiseImplementation {
  return implementation.get();
}

/** Select the elementwise implementation; 'wasm' throws where WebAssembly SIMD is not available. */
export function setElementwiseImplementation(which: ElementwiseImplementation): void {
  implementation.set(which);
}

export type UnaryOp =
  | 'Neg' | 'Abs' | 'Sign' | 'Exp' | 'Log' | 'Log2' | 'Sqrt' | 'Sigmoid' | 'Tanh' | 'Relu'
  | 'Floor' | 'Ceil' | 'Round' | 'Trunc';

/** Float32 unary ops. Semantics follow torch 1.13 on CPU, -0 and NaN included. */
export function unaryFloat(op: UnaryOp, x: Float32Array, out: Float32Array): void {
  const n = x.length;
  switch (op) {
    case 'Neg': for (let i = 0; i < n; i++) out[i] = -(x[i] as number); return;
    case 'Abs': for (let i = 0; i < n; i++) out[i] = Math.abs(x[i] as number); return;
    // torch.sign is (0 < x) − (x < 0): +0 for ±0 and for NaN.
    case 'Sign': for (let i = 0; i < n; i++) { const v = x[i] as number; out[i] = v > 0 ? 1 : v < 0 ? -1 : 0; } return;
    case 'Exp': torchExp(x, out); return;
    case 'Log': for (let i = 0; i < n; i++) out[i] = Math.log(x[i] as number); return;
    case 'Log2': for (let i = 0; i < n; i++) out[i] = Math.log2(x[i] as number); return;
    case 'Sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i] as number); return;
    case 'Sigmoid': torchSigmoid(x, out); return;
    case 'Tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i] as number); return;
    // relu keeps −0 and NaN (x < 0 is false for both), as torch.relu.
    case 'Relu': reluFloat(x, out); return;
    case 'Floor': for (let i = 0; i < n; i++) out[i] = Math.floor(x[i] as number); return;
    case 'Ceil': for (let i = 0; i < n; i++) out[i] = Math.ceil(x[i] as number); return;
    case 'Round': for (let i = 0; i < n; i++) out[i] = roundHalfEven(x[i] as number); return;
    case 'Trunc': for (let i = 0; i < n; i++) out[i] = Math.trunc(x[i] as number); return;
  }
}

/**
 * max(x, 0) keeping −0 and NaN (x < 0 is false for both), as torch.relu. Branch-free, since
 * activations are negative at random: pick[1] is the 0 a negative becomes. A function of its own
 * so that V8 optimises this loop alone.
 */
function reluFloat(x: Float32Array, out: Float32Array): void {
  const pick = new Float64Array(2);
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    pick[0] = v;
    out[i] = pick[Number(v < 0)] as number;
  }
}

/** Int32 unary ops (the ones the contract allows on integers); arithmetic wraps as int32. */
export function unaryInt(op: UnaryOp, x: Int32Array, out: Int32Array): void {
  const n = x.length;
  switch (op) {
    case 'Neg': for (let i = 0; i < n; i++) out[i] = -(x[i] as number) | 0; return;
    case 'Abs': for (let i = 0; i < n; i++) out[i] = Math.abs(x[i] as number) | 0; return;
    case 'Sign': for (let i = 0; i < n; i++) { const v = x[i] as number; out[i] = v > 0 ? 1 : v < 0 ? -1 : 0; } return;
    case 'Relu': for (let i = 0; i < n; i++) { const v = x[i] as number; out[i] = v < 0 ? 0 : v; } return;
    case 'Floor': case 'Ceil': case 'Round': case 'Trunc': out.set(x); return;
    default: throw new Error(`${op} is not defined for int32 tensors`);
  }
}

export type ArithmeticOp = 'Add' | 'Sub' | 'Mul' | 'Div' | 'Pow' | 'Maximum' | 'Minimum';
export type ComparisonOp = 'Equal' | 'NotEqual' | 'Less' | 'LessEqual' | 'Greater' | 'GreaterEqual';

type Numbers = Float32Array | Int32Array | Uint8Array;

/**
 * Float32 arithmetic. `ia`/`ib` map each output element to its operand element (broadcasting);
 * null means the operand has the output's shape. Maximum/minimum propagate NaN and otherwise
 * follow std::max/std::min argument order (torch.maximum(-0., 0.) is -0.).
 */
export function arithmeticFloat(op: ArithmeticOp, a: Float32Array, b: Float32Array, out: Float32Array, ia: Int32Array | null, ib: Int32Array | null): void {
  const n = out.length;
  if (ia === null && ib === null) {
    switch (op) {
      case 'Add': for (let i = 0; i < n; i++) out[i] = (a[i] as number) + (b[i] as number); return;
      case 'Sub': for (let i = 0; i < n; i++) out[i] = (a[i] as number) - (b[i] as number); return;
      case 'Mul': for (let i = 0; i < n; i++) out[i] = (a[i] as number) * (b[i] as number); return;
      case 'Div': for (let i = 0; i < n; i++) out[i] = (a[i] as number) / (b[i] as number); return;
      case 'Pow': for (let i = 0; i < n; i++) out[i] = powHost(a[i] as number, b[i] as number); return;
      case 'Maximum': for (let i = 0; i < n; i++) { const x = a[i] as number, y = b[i] as number; out[i] = x !== x || y !== y ? NaN : x < y ? y : x; } return;
      case 'Minimum': for (let i = 0; i < n; i++) { const x = a[i] as number, y = b[i] as number; out[i] = x !== x || y !== y ? NaN : y < x ? y : x; } return;
    }
  }
  const pa = ia ?? identity(n);
  const pb = ib ?? identity(n);
  switch (op) {
    case 'Add': for (let i = 0; i < n; i++) out[i] = (a[pa[i] as number] as number) + (b[pb[i] as number] as number); return;
    case 'Sub': for (let i = 0; i < n; i++) out[i] = (a[pa[i] as number] as number) - (b[pb[i] as number] as number); return;
    case 'Mul': for (let i = 0; i < n; i++) out[i] = (a[pa[i] as number] as number) * (b[pb[i] as number] as number); return;
    case 'Div': for (let i = 0; i < n; i++) out[i] = (a[pa[i] as number] as number) / (b[pb[i] as number] as number); return;
    case 'Pow': for (let i = 0; i < n; i++) out[i] = powHost(a[pa[i] as number] as number, b[pb[i] as number] as number); return;
    case 'Maximum': for (let i = 0; i < n; i++) { const x = a[pa[i] as number] as number, y = b[pb[i] as number] as number; out[i] = x !== x || y !== y ? NaN : x < y ? y : x; } return;
    case 'Minimum': for (let i = 0; i < n; i++) { const x = a[pa[i] as number] as number, y = b[pb[i] as number] as number; out[i] = x !== x || y !== y ? NaN : y < x ? y : x; } return;
  }
}

/**
 * Float32 arithmetic where one operand (`block`) is broadcast as a contiguous run of axes (see
 * BlockBroadcast: a per-channel scale, a bias row, a single value) over the other (`full`, of the
 * output's shape); `blockFirst` puts it on the left. Each run of `inner` elements shares one block
 * value, hoisted out of its loop.
 */
export function arithmeticFloatBlock(op: ArithmeticOp, full: Float32Array, block: Float32Array, out: Float32Array, outer: number, period: number, inner: number, blockFirst: boolean): void {
  // The switch stays outside the loops, so that a block of one element per run (a bias row,
  // inner = 1) does not pay a dispatch per element.
  let k = 0;
  if (blockFirst) {
    switch (op) {
      case 'Add': for (let o = 0; o < outer; o++) for (let p = 0; p < period; p++) { const c = block[p] as number; for (const end = k + inner; k < end; k++) out[k] = c + (full[k] as number); } return;
      case 'Sub': for (let o = 0; o < outer; o++) for (let p = 0; p < period; p++) { const c = block[p] as number; for (const end = k + inner; k < end; k++) out[k] = c - (full[k] as number); } return;
      case 'Mul': for (let o = 0; o < outer; o++) for (let p = 0; p < period; p++) { const c = block[p] as number; for (const end = k + inner; k < end; k++) out[k] = c * (full[k] as number); } return;
      case 'Div': for (let o = 0; o < outer; o++) for (let p = 0; p < period; p++) { const c = block[p] as number; for (const end = k + inner; k < end; k++) out[k] = c / (full[k] as number); } return;
      case 'Pow': for (let o = 0; o < outer; o++) for (let p = 0; p < period; p++) { const c = block[p] as number; for (const end = k + inner; k < end; k++) out[k] = powHost(c, full[k] as number); } return;
      case 'Maximum': for (let o = 0; o < outer; o++) for (let p = 0; p < period; p++) { const c = block[p] as number; for (const end = k + inner; k < end; k++) { const y = full[k] as number; out[k] = c !== c || y !== y ? NaN : c < y ? y : c; } } return;
      case 'Minimum': for (let o = 0; o < outer; o++) for (let p = 0; p < period; p++) { const c = block[p] as number; for (const end = k + inner; k < end; k++) { const y = full[k] as number; out[k] = c !== c || y !== y ? NaN : y < c ? y : c; } } return;
    }
  }
  switch (op) {
    case 'Add': for (let o = 0; o < outer; o++) for (let p = 0; p < period; p++) { const c = block[p] as number; for (const end = k + inner; k < end; k++) out[k] = (full[k] as number) + c; } return;
    case 'Sub': for (let o = 0; o < outer; o++) for (let p = 0; p < period; p++) { const c = block[p] as number; for (const end = k + inner; k < end; k++) out[k] = (full[k] as number) - c; } return;
    case 'Mul': for (let o = 0; o < outer; o++) for (let p = 0; p < period; p++) { const c = block[p] as number; for (const end = k + inner; k < end; k++) out[k] = (full[k] as number) * c; } return;
    case 'Div': for (let o = 0; o < outer; o++) for (let p = 0; p < period; p++) { const c = block[p] as number; for (const end = k + inner; k < end; k++) out[k] = (full[k] as number) / c; } return;
    case 'Pow': for (let o = 0; o < outer; o++) for (let p = 0; p < period; p++) { const c = block[p] as number; for (const end = k + inner; k < end; k++) out[k] = powHost(full[k] as number, c); } return;
    case 'Maximum': for (let o = 0; o < outer; o++) for (let p = 0; p < period; p++) { const c = block[p] as number; for (const end = k + inner; k < end; k++) { const x = full[k] as number; out[k] = x !== x || c !== c ? NaN : x < c ? c : x; } } return;
    case 'Minimum': for (let o = 0; o < outer; o++) for (let p = 0; p < period; p++) { const c = block[p] as number; for (const end = k + inner; k < end; k++) { const x = full[k] as number; out[k] = x !== x || c !== c ? NaN : c < x ? c : x; } } return;
  }
}

/** Comparison of each element with one value (x ⊙ c, or c ⊙ x with `scalarFirst`). */
export function comparisonScalar(op: ComparisonOp, a: Numbers, c: number, out: Uint8Array, scalarFirst: boolean): void {
  const n = out.length;
  // c ⊙ x is x ⊙′ c with the operator mirrored.
  const mirrored: ComparisonOp = !scalarFirst ? op
    : op === 'Less' ? 'Greater' : op === 'Greater' ? 'Less' : op === 'LessEqual' ? 'GreaterEqual' : op === 'GreaterEqual' ? 'LessEqual' : op;
  switch (mirrored) {
    case 'Equal': for (let i = 0; i < n; i++) out[i] = Number((a[i] as number) === c); return;
    case 'NotEqual': for (let i = 0; i < n; i++) out[i] = Number((a[i] as number) !== c); return;
    case 'Less': for (let i = 0; i < n; i++) out[i] = Number((a[i] as number) < c); return;
    case 'LessEqual': for (let i = 0; i < n; i++) out[i] = Number((a[i] as number) <= c); return;
    case 'Greater': for (let i = 0; i < n; i++) out[i] = Number((a[i] as number) > c); return;
    case 'GreaterEqual': for (let i = 0; i < n; i++) out[i] = Number((a[i] as number) >= c); return;
  }
}

/** Int32 arithmetic with int32 wraparound (as torch on int32). */
export function arithmeticInt(op: ArithmeticOp, a: Int32Array, b: Int32Array, out: Int32Array, ia: Int32Array | null, ib: Int32Array | null): void {
  const n = out.length;
  const pa = ia ?? identity(n);
  const pb = ib ?? identity(n);
  switch (op) {
    case 'Add': for (let i = 0; i < n; i++) out[i] = ((a[pa[i] as number] as number) + (b[pb[i] as number] as number)) | 0; return;
    case 'Sub': for (let i = 0; i < n; i++) out[i] = ((a[pa[i] as number] as number) - (b[pb[i] as number] as number)) | 0; return;
    case 'Mul': for (let i = 0; i < n; i++) out[i] = Math.imul(a[pa[i] as number] as number, b[pb[i] as number] as number); return;
    case 'Pow':
      for (let i = 0; i < n; i++) {
        const e = b[pb[i] as number] as number;
        if (e < 0) throw new Error('integers to negative integer powers are not allowed');
        out[i] = intPow(a[pa[i] as number] as number, e);
      }
      return;
    case 'Maximum': for (let i = 0; i < n; i++) out[i] = Math.max(a[pa[i] as number] as number, b[pb[i] as number] as number); return;
    case 'Minimum': for (let i = 0; i < n; i++) out[i] = Math.min(a[pa[i] as number] as number, b[pb[i] as number] as number); return;
    case 'Div': throw new Error('Div is only defined on float32 (core promotes integer operands)');
  }
}

function intPow(base: number, exponent: number): number {
  let result = 1;
  let b = base;
  let e = exponent;
  while (e > 0) {
    if (e & 1) result = Math.imul(result, b);
    b = Math.imul(b, b);
    e >>>= 1;
  }
  return result;
}

/** Comparisons of any dtype into 0/1 bytes; NaN compares false except in NotEqual. */
export function comparison(op: ComparisonOp, a: Numbers, b: Numbers, out: Uint8Array, ia: Int32Array | null, ib: Int32Array | null): void {
  const n = out.length;
  const pa = ia ?? identity(n);
  const pb = ib ?? identity(n);
  switch (op) {
    case 'Equal': for (let i = 0; i < n; i++) out[i] = Number((a[pa[i] as number] as number) === (b[pb[i] as number] as number)); return;
    case 'NotEqual': for (let i = 0; i < n; i++) out[i] = Number((a[pa[i] as number] as number) !== (b[pb[i] as number] as number)); return;
    case 'Less': for (let i = 0; i < n; i++) out[i] = Number((a[pa[i] as number] as number) < (b[pb[i] as number] as number)); return;
    case 'LessEqual': for (let i = 0; i < n; i++) out[i] = Number((a[pa[i] as number] as number) <= (b[pb[i] as number] as number)); return;
    case 'Greater': for (let i = 0; i < n; i++) out[i] = Number((a[pa[i] as number] as number) > (b[pb[i] as number] as number)); return;
    case 'GreaterEqual': for (let i = 0; i < n; i++) out[i] = Number((a[pa[i] as number] as number) >= (b[pb[i] as number] as number)); return;
  }
}

let identityCache = new Int32Array(0);

/** 0, 1, 2, … n−1 (shared, grown on demand). */
export function identity(n: number): Int32Array {
  if (identityCache.length < n) {
    identityCache = new Int32Array(Math.max(n, identityCache.length * 2));
    for (let i = 0; i < identityCache.length; i++) identityCache[i] = i;
  }
  return identityCache;
}

/**
 * The runs of elements of `shape` that share a scale and a zero point (of `scaleShape` and
 * `zeroPointShape`, broadcast to it): the trailing axes along which neither parameter varies make
 * one run, so a per-tensor pair is one run of every element and a per-channel scale [C, 1, 1]
 * over [N, C, H, W] gives N·C runs of H·W. No elements, no runs.
 */
export function quantParameterRuns(shape: readonly number[], scale: Float32Array, scaleShape: readonly number[], zeroPoint: Float32Array, zeroPointShape: readonly number[]): QuantParameterRuns {
  const rank = shape.length;
  const n = shape.reduce((p, d) => p * d, 1);
  if (n === 0) return { count: 0, length: 0, scales: scale, zeroPoints: zeroPoint };
  if (scale.length === 1 && zeroPoint.length === 1) return { count: 1, length: n, scales: scale, zeroPoints: zeroPoint };
  // Parameter shapes are right-aligned to `shape`; missing leading axes are 1.
  const dim = (p: readonly number[], axis: number): number => p[axis - (rank - p.length)] ?? 1;
  let axis = rank;
  let length = 1;
  while (axis > 0 && dim(scaleShape, axis - 1) === 1 && dim(zeroPointShape, axis - 1) === 1) {
    axis--;
    length *= shape[axis] as number;
  }
  const count = n / length;
  const outer = shape.slice(0, axis);
  const leading = (p: readonly number[]): number[] => p.slice(0, Math.max(0, p.length - (rank - axis)));
  const is = broadcastIndices(outer, leading(scaleShape));
  const iz = broadcastIndices(outer, leading(zeroPointShape));
  const scales = new Float32Array(count);
  const zeroPoints = new Float32Array(count);
  for (let r = 0; r < count; r++) {
    scales[r] = scale[is ? (is[r] as number) : r] as number;
    zeroPoints[r] = zeroPoint[iz ? (iz[r] as number) : r] as number;
  }
  return { count, length, scales, zeroPoints };
}

/**
 * out = fakeQuantize(x) for each run of elements sharing a scale and zero point: in WebAssembly
 * under the wasm implementation (for ranges that float32 holds exactly; fakeQuantizeWasm declines
 * others), else in the loops below. Bit for bit the same either way.
 */
export function fakeQuantize(x: Float32Array, out: Float32Array, runs: QuantParameterRuns, quantMin: number, quantMax: number): void {
  if (elementwiseImplementation() === 'wasm' && fakeQuantizeWasm(x, out, runs, quantMin, quantMax)) return;
  const { count, length, scales, zeroPoints } = runs;
  if (length === 1) {
    for (let i = 0; i < count; i++) out[i] = fakeQuantizeOne(x[i] as number, scales[i] as number, zeroPoints[i] as number, quantMin, quantMax);
    return;
  }
  const bits = new Int32Array(x.buffer, x.byteOffset, x.length);
  for (let r = 0; r < count; r++) {
    fakeQuantizeScalar(x, bits, out, scales[r] as number, zeroPoints[r] as number, quantMin, quantMax, r * length, length);
  }
}

/** The plain composite for one element: round, then clamp as torch.clamp does. */
function fakeQuantizeOne(x: number, scale: number, zeroPoint: number, quantMin: number, quantMax: number): number {
  const fr = Math.fround;
  const q = roundHalfEven(fr(fr(x / scale) + zeroPoint));
  const lo = q < quantMin ? quantMin : q;
  return fr(fr((quantMax < lo ? quantMax : lo) - zeroPoint) * scale);
}

/**
 * Fused fake quantization of x[offset, offset+length) with one scale and zero point, equal bit for
 * bit to Brevitas's composite (x / s + zp → round half to even → clamp → − zp → · s), −0 included.
 *
 * Rounding uses the 1.5·2^52 trick (branch-free, ties to even). With a zero zero-point, torch keeps
 * the sign of a value that rounds to zero (round(−0.3) = −0), so the magnitude is rounded and the
 * sign of x (from its bits, so that x = −0 gives +0 as −0 / s + 0 does) is multiplied back in.
 * `bits` is an Int32Array view of `x`.
 */
function fakeQuantizeScalar(x: Float32Array, bits: Int32Array, out: Float32Array, scale: number, zeroPoint: number, quantMin: number, quantMax: number, offset = 0, length = x.length): void {
  const fr = Math.fround;
  const end = offset + length;
  // The fast paths take the sign of the code from x, so they need a positive scale, and a zero
  // point of +0 (with −0, a zero code c gives c − (−0) = +0).
  const signOfX = scale > 0 && Object.is(zeroPoint, 0);
  if (signOfX && quantMin < 0 && quantMax > 0) {
    for (let i = offset; i < end; i++) {
      const b = bits[i] as number;
      const magnitude = b & 0x7fffffff;
      const sign = 1 | ((b >> 31) & ((magnitude | -magnitude) >> 31));
      const q = (fr(Math.abs(x[i] as number) / scale) + ROUND_MAGIC - ROUND_MAGIC) * sign;
      out[i] = Math.min(Math.max(q, quantMin), quantMax) * scale;
    }
    return;
  }
  if (signOfX && quantMin === 0 && quantMax > 0) {
    // Unsigned: torch's clamp keeps −0 (−0 < 0 is false) but maps negatives to +0.
    for (let i = offset; i < end; i++) {
      const b = bits[i] as number;
      const magnitude = b & 0x7fffffff;
      const sign = 1 | ((b >> 31) & ((magnitude | -magnitude) >> 31));
      const q = (fr(Math.abs(x[i] as number) / scale) + ROUND_MAGIC - ROUND_MAGIC) * sign;
      out[i] = (q < 0 ? 0 : Math.min(q, quantMax)) * scale;
    }
    return;
  }
  for (let i = offset; i < end; i++) {
    const v = fr(fr((x[i] as number) / scale) + zeroPoint);
    // A zero zero-point with an unusual range takes the exact path; otherwise q − zp ≠ −0.
    const q = zeroPoint === 0 ? roundHalfEven(v) : v + ROUND_MAGIC - ROUND_MAGIC;
    const lo = q < quantMin ? quantMin : q;
    const c = quantMax < lo ? quantMax : lo;
    out[i] = fr(c - zeroPoint) * scale;
  }
}
