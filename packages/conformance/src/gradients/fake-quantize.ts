/**
 * The gradient of fake quantization is Brevitas's rule (straight-through rounding, masked by the
 * clamp, LSQ-style gradients for scale and zero point), not a derivative: it is checked against
 * that rule, computed in float64 by oracle64.
 */
import type { Tensor } from '@parvus/core';
import { fakeQuantize } from '@parvus/core';
import { f32 } from '../harness.js';
import * as o from '../oracle64/index.js';
import type { Random } from '../random.js';
import type { Suite } from '../suite.js';
import { checkGradient, sumToShape } from './check.js';

/**
 * Inputs x = (q − zp)·s where q = k + δ, k an integer code from 4 below quantMin to 4 above
 * quantMax and 0.1 ≤ |δ| ≤ 0.4: away from rounding ties, with some codes clamped and some not.
 */
function quantInputs(shape: number[], scale: o.Array64, zeroPoint: o.Array64, range: o.QuantRange, random: Random): Float32Array {
  const size = o.sizeOfShape(shape);
  const is = o.broadcastIndex(scale.shape, shape);
  const iz = o.broadcastIndex(zeroPoint.shape, shape);
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const k = random.int(range.quantMin - 4, range.quantMax + 5);
    const delta = random.uniform(0.1, 0.4) * (random.next() < 0.5 ? -1 : 1);
    out[i] = (k + delta - (zeroPoint.data[iz[i] as number] as number)) * (scale.data[is[i] as number] as number);
  }
  return out;
}

/**
 * The rule's gradients of x, scale and zero point, summed over broadcast dimensions. With
 * `magnitude`, each term is replaced by the sum of the magnitudes of its parts (for the scale:
 * |c − zp| + |m·x/s|, which cancel), which is what float32 rounding error is proportional to.
 */
function expectedGradients(range: o.QuantRange, magnitude = false, straightThroughClamp = false) {
  return ([x, s, zp]: readonly o.Array64[], upstream: o.Array64): o.Array64[] => {
    const shape = o.broadcastShape(x!.shape, s!.shape, zp!.shape);
    const ix = o.broadcastIndex(x!.shape, shape);
    const is = o.broadcastIndex(s!.shape, shape);
    const iz = o.broadcastIndex(zp!.shape, shape);
    const [dx, ds, dzp] = [o.array64(shape), o.array64(shape), o.array64(shape)];
    for (let i = 0; i < upstream.data.length; i++) {
      const [xv, sv, zv] = [x!.data[ix[i]!]!, s!.data[is[i]!]!, zp!.data[iz[i]!]!];
      const g = o.fakeQuantizeLocalGradients(xv, sv, zv, range, straightThroughClamp);
      const u = upstream.data[i]!;
      if (magnitude) {
        const c = o.quantize64(xv, sv, zv, range);
        dx.data[i] = Math.abs(u * g.dx);
        ds.data[i] = Math.abs(u) * (Math.abs(c - zv) + Math.abs((g.dx * xv) / sv));
        dzp.data[i] = Math.abs(u * g.dzp);
      } else {
        dx.data[i] = u * g.dx;
        ds.data[i] = u * g.ds;
        dzp.data[i] = u * g.dzp;
      }
    }
    return [sumToShape(dx, x!.shape), sumToShape(ds, s!.shape), sumToShape(dzp, zp!.shape)];
  };
}

export function registerFakeQuantizeGradientTests(suite: Suite): void {
  suite.test('FakeQuantize/grad-per-channel', async (context) => {
    const range = { quantMin: 0, quantMax: 15 };
    const scale = o.array64([1, 3, 1, 1], [0.05, 0.125, 0.02].map(Math.fround));
    const zeroPoint = o.array64([1, 3, 1, 1], [0, 3, 8]);
    const xShape = [2, 3, 2, 2];
    await checkGradient({
      inputs: [f32(xShape, quantInputs(xShape, scale, zeroPoint, range, context.random)), f32(scale.shape, scale.data), f32(zeroPoint.shape, zeroPoint.data)],
      wrt: [0, 1, 2],
      forward: (x, s, zp) => fakeQuantize(x, s as Tensor, zp as Tensor, range.quantMin, range.quantMax),
      oracle: ([x, s, zp]) => o.fakeQuantize64(x!, s!, zp!, range),
      terms: 8,
      expected: expectedGradients(range),
      magnitudes: expectedGradients(range, true),
    }, context, '4-bit per-channel fake quantization');
  });

  suite.test('FakeQuantize/grad-per-tensor', async (context) => {
    const range = { quantMin: -8, quantMax: 7 };
    const scale = o.array64([], [Math.fround(0.1)]);
    const zeroPoint = o.array64([], [0]);
    const xShape = [4, 6];
    await checkGradient({
      inputs: [f32(xShape, quantInputs(xShape, scale, zeroPoint, range, context.random)), f32([], scale.data), f32([], zeroPoint.data)],
      wrt: [0, 1, 2],
      forward: (x, s, zp) => fakeQuantize(x, s as Tensor, zp as Tensor, range.quantMin, range.quantMax),
      oracle: ([x, s, zp]) => o.fakeQuantize64(x!, s!, zp!, range),
      terms: 24,
      expected: expectedGradients(range),
      magnitudes: expectedGradients(range, true),
    }, context, '4-bit per-tensor fake quantization');
  });

  // Weights: clamped codes still pass the gradient to x, scale's gradient keeps the −x/s term,
  // and the zero point's terms cancel (−1 from the straight-through clamp, +1 from − zp).
  suite.test('FakeQuantizeSteClamp/grad-per-channel', async (context) => {
    const range = { quantMin: -7, quantMax: 7 };
    const scale = o.array64([3, 1], [0.05, 0.125, 0.02].map(Math.fround));
    const zeroPoint = o.array64([], [0]);
    const xShape = [3, 5];
    await checkGradient({
      inputs: [f32(xShape, quantInputs(xShape, scale, zeroPoint, range, context.random)), f32(scale.shape, scale.data), f32([], zeroPoint.data)],
      wrt: [0, 1, 2],
      forward: (x, s, zp) => fakeQuantize(x, s as Tensor, zp as Tensor, range.quantMin, range.quantMax, { clamp: 'straight-through' }),
      oracle: ([x, s, zp]) => o.fakeQuantize64(x!, s!, zp!, range),
      terms: 5,
      expected: expectedGradients(range, false, true),
      magnitudes: expectedGradients(range, true, true),
    }, context, '4-bit narrow per-channel weight quantization');
  });
}
