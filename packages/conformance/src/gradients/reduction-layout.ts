/** Gradients of reductions (Sum, Max, Min, KthValue) and layout kernels (Transpose, Concat, Slice, Pad, reshape). */
import type { Tensor } from '@parvus/core';
import { concat, kthValue, max, mean, min, pad, permute, reshape, slice, sum } from '@parvus/core';
import { f32 } from '../harness.js';
import * as o from '../oracle64/index.js';
import type { Suite } from '../suite.js';
import { checkGradient } from './check.js';

export function registerReductionLayoutGradientTests(suite: Suite): void {
  suite.test('Sum/grad', async (context) => {
    await checkGradient({
      inputs: [f32([3, 4, 5], context.random.floats(60))],
      wrt: [0],
      forward: (x) => sum(x, [0, 2]),
      oracle: ([x]) => o.sum(x!, [0, 2]),
      terms: 15,
    }, context, 'sum over [0, 2] gradient');
  });

  suite.test('Sum/grad-all-keepdims', async (context) => {
    await checkGradient({
      inputs: [f32([3, 4], context.random.floats(12))],
      wrt: [0],
      forward: (x) => sum(x, [0, 1], true),
      oracle: ([x]) => o.sum(x!, [0, 1], true),
      terms: 12,
    }, context, 'sum over all, keepDims, gradient');
  });

  for (const [name, op, oracle] of [['Max', max, o.max], ['Min', min, o.min]] as const) {
    suite.test(`${name}/grad`, async (context) => {
      await checkGradient({
        inputs: [f32([3, 4, 5], context.random.distinct(60))],
        wrt: [0],
        forward: (x) => op(x, [1], true),
        oracle: ([x]) => oracle(x!, [1], true),
      }, context, `${name} over axis 1 gradient`);
    });

    suite.test(`${name}/grad-ties-split`, async (context) => {
      // Documented rule (torch.amax/amin): tied extrema share the gradient evenly.
      const x = f32([2, 4], name === 'Max' ? [3, 1, 3, 3, 0, 2, 2, -1] : [-3, 1, -3, -3, 0, -2, -2, 1]);
      await checkGradient({
        inputs: [x],
        wrt: [0],
        forward: (t) => op(t, [1]),
        oracle: ([t]) => oracle(t!, [1]),
        expected: (_, u) => [o.array64([2, 4], [1 / 3, 0, 1 / 3, 1 / 3, 0, 0.5, 0.5, 0].map((share, i) => share * (u.data[i < 4 ? 0 : 1] as number)))],
      }, context, `${name} gradient with ties`);
    });
  }

  suite.test('KthValue/grad', async (context) => {
    await checkGradient({
      inputs: [f32([4, 6], context.random.distinct(24))],
      wrt: [0],
      forward: (x) => kthValue(x, 3, 1).values,
      oracle: ([x]) => o.kthValue(x!, 3, 1).values,
    }, context, 'kthValue(k=3) gradient');
  });

  suite.test('mean/grad', async (context) => {
    await checkGradient({
      inputs: [f32([3, 4, 5], context.random.floats(60))],
      wrt: [0],
      forward: (x) => mean(x, [1, 2]),
      oracle: ([x]) => o.mean(x!, [1, 2]),
      terms: 20,
    }, context, 'mean over [1, 2] gradient');
  });

  suite.test('Transpose/grad', async (context) => {
    await checkGradient({
      inputs: [f32([2, 3, 4], context.random.floats(24))],
      wrt: [0],
      forward: (x) => permute(x, [2, 0, 1]),
      oracle: ([x]) => o.transpose(x!, [2, 0, 1]),
    }, context, 'permute [2, 0, 1] gradient');
  });

  suite.test('Concat/grad', async (context) => {
    await checkGradient({
      inputs: [f32([2, 3], context.random.floats(6)), f32([2, 1], context.random.floats(2)), f32([2, 4], context.random.floats(8))],
      wrt: [0, 1, 2],
      forward: (a, b, c) => concat([a as Tensor, b as Tensor, c as Tensor], 1),
      oracle: (xs) => o.concat(xs, 1),
    }, context, 'concat on axis 1 gradient');
  });

  suite.test('Slice/grad', async (context) => {
    await checkGradient({
      inputs: [f32([4, 5, 3], context.random.floats(60))],
      wrt: [0],
      forward: (x) => slice(x, [1, 2, 0], [2, 3, 2]),
      oracle: ([x]) => o.slice(x!, [1, 2, 0], [2, 3, 2]),
    }, context, 'slice gradient');
  });

  suite.test('Pad/grad', async (context) => {
    await checkGradient({
      inputs: [f32([2, 3], context.random.floats(6))],
      wrt: [0],
      forward: (x) => pad(x, [[1, 2], [0, 3]], 0.5),
      oracle: ([x]) => o.pad(x!, [[1, 2], [0, 3]], 0.5),
    }, context, 'pad gradient');
  });

  suite.test('Reshape/grad', async (context) => {
    // Reshape is a view made by the engine, recorded for autograd under its own name.
    await checkGradient({
      inputs: [f32([2, 6], context.random.floats(12))],
      wrt: [0],
      forward: (x) => reshape(x, [3, 2, 2]),
      oracle: ([x]) => o.reshape64(x!, [3, 2, 2]),
    }, context, 'reshape gradient');
  });
}
