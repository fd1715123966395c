/** Central finite differences in float64, the reference that analytic gradients are checked against. */
import type { Array64 } from './array64.js';
import { array64, dot } from './array64.js';

/**
 * The step: 2^-20 ≈ 9.5e-7. Inputs are float32 values of magnitude ≤ 16, so x ± h is exact in
 * float64 and the difference quotient is symmetric. The truncation error is h²·|f'''|/6 ≈ 1.5e-13·|f'''|,
 * the rounding error about 2^-52·|L|/h ≈ 2e-10·|L|: both far below float32 resolution (1.2e-7).
 */
export const FINITE_DIFFERENCE_STEP = 2 ** -20;

/**
 * ∂L/∂inputs[which] for L = ⟨upstream, f(inputs)⟩, by central differences. `f` must be the float64
 * oracle of the forward pass; it is called twice per element.
 */
export function numericalGradient(
  f: (inputs: readonly Array64[]) => Array64,
  inputs: readonly Array64[],
  upstream: Array64,
  which: number,
  h = FINITE_DIFFERENCE_STEP,
): Array64 {
  const x = inputs[which] as Array64;
  const probe: Array64 = { shape: x.shape, data: x.data.slice() };
  const args = inputs.map((a, i) => (i === which ? probe : a));
  const grad = array64(x.shape);
  for (let i = 0; i < probe.data.length; i++) {
    const v = probe.data[i] as number;
    probe.data[i] = v + h;
    const plus = dot(upstream, f(args));
    probe.data[i] = v - h;
    const minus = dot(upstream, f(args));
    probe.data[i] = v;
    grad.data[i] = (plus - minus) / (2 * h);
  }
  return grad;
}
