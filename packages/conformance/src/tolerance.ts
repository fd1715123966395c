/**
 * Tolerances, all derived from the backend's float precision (`Backend.floatPrecision()`).
 *
 * eps is the gap between 1 and the next float: 2^-23 ≈ 1.19e-7 for float32, 2^-10 ≈ 9.8e-4 for
 * float16. A result passes when |actual − expected| ≤ atol + rtol·scale, where scale is |expected|
 * or, for accumulations, the sum of the magnitudes of the accumulated terms.
 *
 * What is never given a tolerance: integer and bool outputs, data movement (transpose, concat, slice,
 * pad, where, cast), selections (max, min, argmax, kthValue, max-pooling, clip, maximum, minimum),
 * rounding (floor, ceil, round, trunc, sign, abs, neg, relu) and quantized values (fake quantization
 * is bit-identical to its float32 composite). Those are compared exactly.
 */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

export interface Tolerances {
  readonly precision: 16 | 32;
  readonly eps: number;
  /**
   * One IEEE operation (+ − × ÷ √) on float inputs is correctly rounded (error ≤ eps/2 relative).
   * 4·eps admits GPU division and square root, which WGSL allows 2.5 ulp.
   */
  readonly arithmetic: Tolerance;
  /**
   * exp, log, log2, sigmoid, tanh, pow: libm-quality implementations are within 1–2 ulp; GPU ones
   * are allowed more (WGSL exp2: 3 + 2·|x| ulp, log: 2^-21 absolute near 1; pow is exp2(y·log2 x),
   * which multiplies the log error by |y|). 64·eps ≈ 7.6e-6 relative covers the inputs used here
   * (|x| ≤ 10), with 8·eps absolute for results that pass through 0 (log near 1, tanh near 0).
   */
  readonly transcendental: Tolerance;
  /**
   * An accumulation of K products or terms (sum, matmul, conv, average pooling), relative to the
   * sum of the magnitudes of the terms. Higham's worst case is K·eps/2; for the random-sign inputs
   * used here rounding errors add like a random walk, ~√K·eps/2. We allow 4·eps·(√K + 1), e.g.
   * ≈ 1.5e-5 for K = 1024 at float32: 8× the typical error, still ~10^4 times smaller than a
   * dropped or doubled term.
   */
  accumulation(k: number): Tolerance;
  /**
   * An analytic gradient (a chain of float32 kernels whose deepest sum has K terms) against a
   * float64 finite difference (error < 1e-9, see oracle64/finite-difference.ts), relative to the
   * larger of |expected| and the largest expected element: 16·eps·(√K + 1), about 2e-6·(√K + 1) at
   * float32. A wrong gradient (transposed, missing a term, wrong sign) is off by O(1).
   */
  gradient(k: number): Tolerance;
}

export function tolerancesFor(precision: 16 | 32): Tolerances {
  const eps = precision === 32 ? 2 ** -23 : 2 ** -10;
  return {
    precision,
    eps,
    arithmetic: { rtol: 4 * eps, atol: 0 },
    transcendental: { rtol: 64 * eps, atol: 8 * eps },
    accumulation: (k) => ({ rtol: 4 * eps * (Math.sqrt(k) + 1), atol: 0 }),
    gradient: (k) => ({ rtol: 16 * eps * (Math.sqrt(k) + 1), atol: 0 }),
  };
}
