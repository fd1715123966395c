import { roundHalfEven } from './round.js';

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
export function fakeQuantizeGradRun(a: FakeQuantizeGradArgs, s: number, zp: number, start: number, end: number): void {
  const { dy, x, dx, ds, dzp, quantMin, quantMax } = a;
  const f = Math.fround;
  if (a.straightThroughClamp) {
    for (let i = start; i < end; i++) {
      const g = dy[i] as number;
      const scaled = f((x[i] as number) / s);
      const r = roundHalfEven(f(scaled + zp));
      const c = r < quantMin ? quantMin : r > quantMax ? quantMax : r;
      dx[i] = g;
      ds[i] = g * f(f(c - zp) - scaled);
      dzp[i] = 0;
    }
    return;
  }
  for (let i = start; i < end; i++) {
    const g = dy[i] as number;
    const scaled = f((x[i] as number) / s);
    const r = roundHalfEven(f(scaled + zp));
    const m = r >= quantMin && r <= quantMax ? 1 : 0;
    const c = r < quantMin ? quantMin : r > quantMax ? quantMax : r;
    dx[i] = g * m;
    ds[i] = g * f(f(c - zp) - m * scaled);
    dzp[i] = f(g * s) * (m - 1);
  }
}
