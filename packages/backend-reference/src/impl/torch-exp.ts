/**
 * exp and sigmoid exactly as torch 1.13 computes them on an AVX2 CPU, so that Brevitas layers
 * built on them (QuantSigmoid's scale statistics, then every code) match bit for bit.
 *
 * torch.exp maps every element through SLEEF's expf_u10 (vectorised with fused multiply-adds; the
 * tail is a partial vector). torch.sigmoid's loop does that for blocks of 16 floats and sends the
 * remaining n mod 16 elements through libm's expf. SLEEF's polynomial is not correctly rounded,
 * so a plain Math.exp differs from torch in about a third of sigmoid outputs by one ulp.
 */

/** torch's vectorised loop handles 2 × Vectorized<float>::size() (8 with AVX2) per step. */
const BLOCK = 16;

const f = Math.fround;
const LOG2E = f(Math.LOG2E);
const LN2_HI = f(0.693145751953125);
const LN2_LO = f(1.428606765330187045e-6);
const C5 = f(0.000198527617612853646278381);
const C4 = f(0.00139304355252534151077271);
const C3 = f(0.00833336077630519866943359);
const C2 = f(0.0416664853692054748535156);
const C1 = f(0.166666671633720397949219);

/**
 * Float32 fused multiply-add of float32 operands: a·b is exact in a double, a·b + c is rounded
 * once to a double and then to a float, which is wrong only when that double is exactly halfway
 * between two floats; the sum's rounding error (two-sum) then says which way the exact value lies.
 */
function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f(s);
  const d = s - r;
  if (d === 0) return r;
  const other = r + 2 * d;
  if (f(other) !== other) return r;
  const bp = s - p;
  const err = (p - (s - bp)) + (c - bp);
  if (err === 0) return r;
  return (err > 0) === (other > r) ? other : r;
}

/** 2^q as a float32 for −126 ≤ q ≤ 127 (SLEEF's pow2if). */
function pow2(q: number): number {
  return 2 ** q;
}

/** SLEEF's xexpf (1.0-ulp), float32 in and out. */
function sleefExpf(x: number): number {
  const d = f(x);
  const q = roundHalfEvenInt(f(d * LOG2E));
  let s = fma32(q, -LN2_HI, d);
  s = fma32(q, -LN2_LO, s);
  let u = C5;
  u = fma32(u, s, C4);
  u = fma32(u, s, C3);
  u = fma32(u, s, C2);
  u = fma32(u, s, C1);
  u = fma32(u, s, 0.5);
  u = f(1 + fma32(f(s * s), u, s));
  // ldexp2kf: two exact power-of-two steps, so results that end up subnormal round as SLEEF's do.
  const half = q >> 1;
  u = f(f(u * pow2(half)) * pow2(q - half));
  if (d < -104) return 0;
  if (d > 100) return Infinity;
  return u;
}

/** rint in round-to-nearest-even mode (what cvtps2dq does), for |v| < 2^31. */
function roundHalfEvenInt(v: number): number {
  if (Number.isNaN(v)) return 0;
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** libm's expf, correctly rounded for all but a vanishing set of inputs. */
function libmExpf(x: number): number {
  return f(Math.exp(x));
}

/** Elementwise exp: SLEEF's for every element, as torch's vml map. */
export function torchExp(x: Float32Array, out: Float32Array): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    out[i] = Number.isNaN(v) ? v : sleefExpf(v);
  }
}

/** Elementwise sigmoid, 1 / (1 + exp(−x)) in float32, with torch's vector/scalar split. */
export function torchSigmoid(x: Float32Array, out: Float32Array): void {
  const n = x.length;
  const vectorEnd = n - (n % BLOCK);
  for (let i = 0; i < vectorEnd; i++) {
    const v = x[i] as number;
    out[i] = Number.isNaN(v) ? v : 1 / f(1 + sleefExpf(-v));
  }
  for (let i = vectorEnd; i < n; i++) out[i] = 1 / f(1 + libmExpf(-(x[i] as number)));
}
