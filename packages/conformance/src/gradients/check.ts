/**
 * The gradient check: core autograd on the backend under test against central finite differences
 * of the float64 oracle (or, for straight-through estimators and fake quantization, against the
 * documented rule), with a random upstream gradient so that transposed or mis-broadcast gradients
 * cannot pass by symmetry.
 */
import type { Tensor } from '@parvus/core';
import { expectGradient } from '../expect.js';
import type { Input } from '../harness.js';
import { as64, f32, runGradient } from '../harness.js';
import type { Array64 } from '../oracle64/index.js';
import { array64, broadcastIndex, numericalGradient, sizeOfShape } from '../oracle64/index.js';
import type { CaseContext } from '../suite.js';

export interface GradientCase {
  inputs: Input[];
  /** Indices of the inputs that require grad. */
  wrt: number[];
  /** The forward pass through core's ops. */
  forward: (...ts: Tensor[]) => Tensor;
  /** The same function in float64. */
  oracle: (xs: readonly Array64[]) => Array64;
  /** Terms of the longest sum in the forward or backward pass (sets the tolerance). */
  terms?: number;
  /** The expected gradients by rule, one per `wrt` entry, instead of finite differences. */
  expected?: (xs: readonly Array64[], upstream: Array64) => Array64[];
  /** For rule-based gradients that sum terms: Σ|term| per element, one per `wrt` entry. */
  magnitudes?: (xs: readonly Array64[], upstream: Array64) => Array64[];
}

export async function checkGradient(c: GradientCase, context: CaseContext, what: string): Promise<void> {
  const xs = c.inputs.map(as64);
  const y64 = c.oracle(xs);
  const upstream = f32(y64.shape, context.random.floats(sizeOfShape(y64.shape), -1, 1));
  const { output, grads } = await runGradient(c.inputs, c.wrt, c.forward, upstream);
  const tolerance = context.tolerance.gradient(c.terms ?? 1);
  expectGradient(output, y64, tolerance, `${what}: forward value`);
  const expected = c.expected
    ? c.expected(xs, as64(upstream))
    : c.wrt.map((i) => numericalGradient(c.oracle, xs, as64(upstream), i));
  const magnitudes = c.magnitudes?.(xs, as64(upstream));
  c.wrt.forEach((input, j) => {
    expectGradient(grads[j]!, expected[j]!, tolerance, `${what}: gradient of input ${input}`, magnitudes?.[j]);
  });
}

/** Sum `a` over the dimensions that broadcasting expanded from `shape` (the adjoint of broadcasting). */
export function sumToShape(a: Array64, shape: readonly number[]): Array64 {
  const out = array64(shape);
  const index = broadcastIndex(shape, a.shape);
  for (let i = 0; i < a.data.length; i++) out.data[index[i] as number] = (out.data[index[i] as number] as number) + (a.data[i] as number);
  return out;
}
