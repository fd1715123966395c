/**
 * Straight-through estimators (Brevitas ops_ste): the forward is the discontinuous function, the
 * backward is the documented rule (identity; ±1 for absBinarySignGrad). Both compare exactly: the
 * forward is a rounding or a selection, and the backward passes dy through or multiplies it by ±1.
 */
import type { Tensor } from '@parvus/core';
import { absBinarySignGrad, ceilSte, clampSte, floorSte, roundSte, scalarClampMinSte } from '@parvus/core';
import { expectExact } from '../expect.js';
import { as64, f32, runGradient } from '../harness.js';
import * as o from '../oracle64/index.js';
import type { Suite } from '../suite.js';

interface SteCase {
  name: string;
  fn: (x: Tensor) => Tensor;
  forward: (x: number) => number;
  /** dL/dx for upstream u at input x. */
  backward: (u: number, x: number) => number;
}

const identity = (u: number): number => u;

const CASES: SteCase[] = [
  { name: 'roundSte', fn: roundSte, forward: o.roundHalfEven, backward: identity },
  { name: 'ceilSte', fn: ceilSte, forward: Math.ceil, backward: identity },
  { name: 'floorSte', fn: floorSte, forward: Math.floor, backward: identity },
  // Brevitas TensorClampSteFn: the gradient passes everywhere, also where x was clamped.
  { name: 'clampSte', fn: (x) => clampSte(x, -1, 1.5), forward: (x) => o.clip(x, -1, 1.5), backward: identity },
  { name: 'scalarClampMinSte', fn: (x) => scalarClampMinSte(x, 0.25), forward: (x) => o.clip(x, 0.25, Infinity), backward: identity },
  // |x| forward; dy·binarySign(x) backward, with binarySign(0) = +1 (so a scale at 0 still learns).
  { name: 'absBinarySignGrad', fn: absBinarySignGrad, forward: Math.abs, backward: (u, x) => (x >= 0 ? u : -u) },
];

export function registerStraightThroughGradientTests(suite: Suite): void {
  for (const c of CASES) {
    suite.test(`${c.name}/grad`, async ({ random }) => {
      // Ties, zeros and values outside the clamp ranges are included on purpose.
      const values = [...random.floats(10, -3, 3), 0.5, 1.5, -2.5, 0, -0.75, 2.75];
      const x = f32([values.length], values);
      const upstream = f32([values.length], random.floats(values.length, -1, 1));
      const { output, grads } = await runGradient([x], [0], c.fn, upstream);
      expectExact(output, o.map(as64(x), c.forward), 'float32', `${c.name} forward`, { signedZeros: false });
      const expected = o.array64([values.length], upstream.data.map((u, i) => c.backward(u, x.data[i] as number)));
      expectExact(grads[0]!, expected, 'float32', `${c.name} gradient`, { signedZeros: false });
    });
  }
}
