/**
 * Elementwise functions with PyTorch's semantics, in float64. Where torch and IEEE/JavaScript
 * differ (NaN in maximum, sign of -0, round half to even), the torch behaviour is spelled out.
 */
import type { Array64 } from './array64.js';
import { array64, broadcastIndex, broadcastShape, map, zip } from './array64.js';

/** Round half to even (torch.round / C rint): 0.5 → 0, 1.5 → 2, 2.5 → 2, -0.5 → -0, -2.5 → -2. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  if (Math.abs(x - Math.trunc(x)) === 0.5) return 2 * Math.round(x / 2);
  // Math.round rounds halves up, but no half reaches it here; it keeps -0 for (-0.5, -0].
  return Math.round(x);
}

/** torch.sign: -1, 0 or 1, keeping the sign of zero; NaN stays NaN. */
export function sign(x: number): number {
  if (x > 0) return 1;
  if (x < 0) return -1;
  return x; // ±0 and NaN
}

/** torch.relu is clamp_min(x, 0): negatives become +0, while -0 and NaN pass unchanged. */
export function relu(x: number): number {
  return x < 0 ? 0 : x;
}

/** The logistic function, evaluated so that neither branch overflows. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** torch.maximum / torch.minimum propagate NaN from either side. */
export function maximum(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : a > b ? a : b;
}

export function minimum(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : a < b ? a : b;
}

/** torch.clamp with number bounds: NaN stays NaN. */
export function clip(x: number, lo: number, hi: number): number {
  if (Number.isNaN(x)) return x;
  return x < lo ? lo : x > hi ? hi : x;
}

export const UNARY_FUNCTIONS = {
  Neg: (x: number) => -x,
  Abs: Math.abs,
  Sign: sign,
  Exp: Math.exp,
  Log: Math.log,
  Log2: Math.log2,
  Sqrt: Math.sqrt,
  Sigmoid: sigmoid,
  Tanh: Math.tanh,
  Relu: relu,
  Floor: Math.floor,
  Ceil: Math.ceil,
  Round: roundHalfEven,
  Trunc: Math.trunc,
} as const satisfies Record<string, (x: number) => number>;

export type UnaryName = keyof typeof UNARY_FUNCTIONS;

const bool = (c: boolean): number => (c ? 1 : 0);

export const BINARY_FUNCTIONS = {
  Add: (a: number, b: number) => a + b,
  Sub: (a: number, b: number) => a - b,
  Mul: (a: number, b: number) => a * b,
  Div: (a: number, b: number) => a / b,
  // C's pow, as torch: pow(1, y) = 1 for every y and pow(−1, ±∞) = 1, where Math.pow gives NaN.
  Pow: (a: number, b: number) => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : Math.pow(a, b)),
  Maximum: maximum,
  Minimum: minimum,
  Equal: (a: number, b: number) => bool(a === b),
  NotEqual: (a: number, b: number) => bool(a !== b),
  Less: (a: number, b: number) => bool(a < b),
  LessEqual: (a: number, b: number) => bool(a <= b),
  Greater: (a: number, b: number) => bool(a > b),
  GreaterEqual: (a: number, b: number) => bool(a >= b),
} as const satisfies Record<string, (a: number, b: number) => number>;

export type BinaryName = keyof typeof BINARY_FUNCTIONS;

export function unary(name: UnaryName, x: Array64): Array64 {
  return map(x, UNARY_FUNCTIONS[name]);
}

export function binary(name: BinaryName, a: Array64, b: Array64): Array64 {
  return zip(a, b, BINARY_FUNCTIONS[name]);
}

/** where(condition, a, b) with the three operands broadcast together. */
export function where(condition: Array64, a: Array64, b: Array64): Array64 {
  const shape = broadcastShape(condition.shape, a.shape, b.shape);
  const ic = broadcastIndex(condition.shape, shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const out = array64(shape);
  for (let i = 0; i < out.data.length; i++) {
    out.data[i] = (condition.data[ic[i] as number] as number) !== 0
      ? (a.data[ia[i] as number] as number)
      : (b.data[ib[i] as number] as number);
  }
  return out;
}

export function clipArray(x: Array64, lo: number, hi: number): Array64 {
  return map(x, (v) => clip(v, lo, hi));
}

/** float → int32 truncates toward zero (as torch's .to(torch.int32) for in-range values). */
export function castToInt32(x: Array64): Array64 {
  return map(x, (v) => Math.trunc(v) | 0);
}

/** Anything non-zero is true, NaN included (as torch's .to(torch.bool)). */
export function castToBool(x: Array64): Array64 {
  return map(x, (v) => (v !== 0 ? 1 : 0));
}

/** int32 → float32 rounds to the nearest float32 (ties to even). */
export function castToFloat32(x: Array64): Array64 {
  return map(x, Math.fround);
}
