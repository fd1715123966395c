/**
 * Elementwise kernels on tiny tensors (scales, zero points, bit widths: a quantized layer's scalar
 * arithmetic) as JS over host data. A tfjs op costs some microseconds of dispatch whatever its size,
 * and a QAT step makes a few hundred such calls. Each element function computes what the kernel's
 * tfjs path computes: float32 + − × ÷ √ evaluated in float64 and rounded once to float32 are the
 * correctly rounded float32 results, and comparisons, negation, rounding and casts are exact. log2
 * and pow, which the contract compares within a transcendental tolerance, are Math.log2 and C's
 * pow (core's powHost) rounded to float32, exactly as the reference backend computes them.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { TfjsBackend } from '../tfjs-backend.js';
import { onHostDataTyped } from './host.js';

/** At most this many output elements go through the JS loops. */
export const TINY_SIZE = 64;

type OutDType = 'float32' | 'int32' | 'bool';

/** An element function for the input dtypes it is exact on (bool and comparison results are 1 or 0). */
export interface ElementFunction<F> {
  readonly dtypes: readonly tf.DataType[];
  readonly fn: F;
}

export function tinyUnary(
  backend: TfjsBackend, x: tf.Tensor, dtype: OutDType, element: ElementFunction<(x: number) => number> | undefined,
): tf.Tensor | null {
  if (!element || x.size === 0 || x.size > TINY_SIZE || !element.dtypes.includes(x.dtype)) return null;
  const fn = element.fn;
  return onHostDataTyped(backend, [x], x.shape, dtype, ([v], out) => {
    for (let i = 0; i < out.length; i++) out[i] = fn(v![i] as number);
  });
}

/** a OP b broadcast to `shape`, each operand of `shape`'s size or a single element. */
export function tinyBinary(
  backend: TfjsBackend, a: tf.Tensor, b: tf.Tensor, shape: readonly number[], dtype: OutDType,
  element: ElementFunction<(a: number, b: number) => number> | undefined,
): tf.Tensor | null {
  if (!element || !element.dtypes.includes(a.dtype)) return null;
  const size = shape.reduce((p, d) => p * d, 1);
  if (size === 0 || size > TINY_SIZE || (a.size !== size && a.size !== 1) || (b.size !== size && b.size !== 1)) return null;
  const fn = element.fn;
  const aStep = a.size === size ? 1 : 0;
  const bStep = b.size === size ? 1 : 0;
  return onHostDataTyped(backend, [a, b], shape, dtype, ([x, y], out) => {
    for (let i = 0; i < out.length; i++) out[i] = fn(x![i * aStep] as number, y![i * bStep] as number);
  });
}

const FLOAT32: readonly tf.DataType[] = ['float32'];
const ANY: readonly tf.DataType[] = ['float32', 'int32', 'bool'];

/** Float32 arithmetic (the result is rounded to float32 when stored). */
export const float32 = <F>(fn: F): ElementFunction<F> => ({ dtypes: FLOAT32, fn });
/** Comparisons: exact on every dtype (bool as 0/1). */
export const anyDType = <F>(fn: F): ElementFunction<F> => ({ dtypes: ANY, fn });

/** torch.round on one value: half to even, a zero result keeps the sign of x (Math.round(−0.3) is −0). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
