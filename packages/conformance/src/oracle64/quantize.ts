/**
 * Fake quantization (Brevitas IntQuant: quantize → clamp → dequantize), rounding half to even.
 * Two forms: the exact float64 one, and a float32 emulation that rounds to float32 after every
 * step with Math.fround, which is what the contract requires bit for bit.
 */
import type { Array64 } from './array64.js';
import { array64, broadcastIndex, broadcastShape } from './array64.js';
import { roundHalfEven } from './elementwise.js';

export interface QuantRange {
  quantMin: number;
  quantMax: number;
}

function fakeQuantizeWith(
  x: Array64,
  scale: Array64,
  zeroPoint: Array64,
  step: (x: number, s: number, zp: number) => number,
): Array64 {
  const shape = broadcastShape(x.shape, scale.shape, zeroPoint.shape);
  const ix = broadcastIndex(x.shape, shape);
  const is = broadcastIndex(scale.shape, shape);
  const iz = broadcastIndex(zeroPoint.shape, shape);
  const out = array64(shape);
  for (let i = 0; i < out.data.length; i++) {
    out.data[i] = step(x.data[ix[i] as number] as number, scale.data[is[i] as number] as number, zeroPoint.data[iz[i] as number] as number);
  }
  return out;
}

function clampInt(q: number, range: QuantRange): number {
  if (Number.isNaN(q)) return q;
  return q < range.quantMin ? range.quantMin : q > range.quantMax ? range.quantMax : q;
}

/** The integer code clamp(round(x / s + zp)) in float64. */
export function quantize64(x: number, s: number, zp: number, range: QuantRange): number {
  return clampInt(roundHalfEven(x / s + zp), range);
}

/** (clamp(round(x / s + zp)) − zp) · s in exact float64 arithmetic. */
export function fakeQuantize64(x: Array64, scale: Array64, zeroPoint: Array64, range: QuantRange): Array64 {
  return fakeQuantizeWith(x, scale, zeroPoint, (v, s, zp) => (quantize64(v, s, zp, range) - zp) * s);
}

/**
 * The float32 pipeline of the contract: each arithmetic step (÷, +, −, ×) rounds to float32, as the
 * composite of float32 kernels does. The result is the bit pattern a conforming backend returns.
 */
export function fakeQuantizeFloat32(x: Array64, scale: Array64, zeroPoint: Array64, range: QuantRange): Array64 {
  const f = Math.fround;
  return fakeQuantizeWith(x, scale, zeroPoint, (v, s, zp) => {
    const q = clampInt(roundHalfEven(f(f(v / s) + zp)), range);
    return f(f(q - zp) * s);
  });
}

/**
 * Brevitas's gradient of fake quantization under autograd (round is straight-through, the clamp
 * passes the gradient where quantMin ≤ r ≤ quantMax, r = round(x/s + zp)):
 *   ∂y/∂x = m,   ∂y/∂s = (c − zp) − m·x/s,   ∂y/∂zp = (m − 1)·s,   c = clamp(r).
 * Returned per element of the broadcast shape (the caller sums over broadcast dimensions).
 */
export function fakeQuantizeLocalGradients(x: number, s: number, zp: number, range: QuantRange, straightThroughClamp = false): { dx: number; ds: number; dzp: number } {
  const r = roundHalfEven(x / s + zp);
  // A straight-through clamp (Brevitas's TensorClampSte, for weights) passes the gradient everywhere.
  const m = straightThroughClamp || (r >= range.quantMin && r <= range.quantMax) ? 1 : 0;
  const c = clampInt(r, range);
  return { dx: m, ds: c - zp - (m * x) / s, dzp: (m - 1) * s };
}
