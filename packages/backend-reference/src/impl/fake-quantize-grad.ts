import { elementwiseImplementation } from './elementwise.js';
import type { QuantParameterRuns } from './fake-quantize-wasm.js';
import { fakeQuantizeGradWasm } from './fake-quantize-wasm.js';
import { ROUND_MAGIC } from './round.js';

export interface FakeQuantizeGradArgs {
  dy: Float32Array;
  x: Float32Array;
  dx: Float32Array;
  ds: Float32Array;
  dzp: Float32Array;
  quantMin: number;
  quantMax: number;
  straightThroughClamp: boolean;
}

/**
 * Elements [start, end) of the gradient parts, for one scale and zero point. Every intermediate
 * is rounded to float32 where the composite's kernels round it (the typed-array stores round the
 * last step), so results are bit-identical to it, the signs of zeros included.
 */
function fakeQuantizeGradRun(a: FakeQuantizeGradArgs, s: number, zp: number, start: number, end: number): void {
  const { dy, x, dx, ds, dzp, quantMin, quantMax } = a;
  const f = Math.fround;
  // The clamped code c is picked from [r, quantMin, quantMax] by index, without branches: codes
  // of real data fall on both sides of the range at random, which defeats branch prediction.
  const pick = new Float64Array([0, quantMin, quantMax]);
  const straightThrough = a.straightThroughClamp ? 1 : 0;
  for (let i = start; i < end; i++) {
    const g = dy[i] as number;
    const scaled = f((x[i] as number) / s);
    // Rounds half to even; the sign of a zero code cannot change any output (see the kernel's doc).
    const r = (f(scaled + zp) + ROUND_MAGIC) - ROUND_MAGIC;
    const below = Number(r < quantMin);
    const above = Number(r > quantMax);
    pick[0] = r;
    const c = pick[below + 2 * above] as number;
    // m = 1 inside the range (NaN is outside), or everywhere with a straight-through clamp.
    const m = straightThrough | (1 - (below | above | Number(r !== r)));
    dx[i] = g * m;
    ds[i] = g * f(f(c - zp) - m * scaled);
    dzp[i] = straightThrough ? 0 : f(g * s) * (m - 1);
  }
}

/**
 * The gradient parts for each run of elements sharing a scale and zero point: in WebAssembly under
 * the wasm implementation (for ranges that float32 holds exactly; fakeQuantizeGradWasm declines
 * others), else in the loop above. Bit for bit the same either way.
 */
export function fakeQuantizeGrad(a: FakeQuantizeGradArgs, runs: QuantParameterRuns): void {
  if (elementwiseImplementation() === 'wasm' && fakeQuantizeGradWasm(a, runs)) return;
  const { count, length, scales, zeroPoints } = runs;
  for (let r = 0; r < count; r++) {
    fakeQuantizeGradRun(a, scales[r] as number, zeroPoints[r] as number, r * length, (r + 1) * length);
  }
}
