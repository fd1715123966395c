/** Gradients of ops that core composes from kernels: softmax, logSoftmax, crossEntropy, linear. */
import type { Tensor } from '@parvus/core';
import { crossEntropy, linear, logSoftmax, softmax } from '@parvus/core';
import { f32, i32 } from '../harness.js';
import * as o from '../oracle64/index.js';
import type { Suite } from '../suite.js';
import { checkGradient } from './check.js';

export function registerCompositeGradientTests(suite: Suite): void {
  for (const axis of [-1, 0]) {
    suite.test(`softmax/grad-axis-${axis}`, async (context) => {
      await checkGradient({
        inputs: [f32([3, 5], context.random.floats(15, -3, 3))],
        wrt: [0],
        forward: (x) => softmax(x, axis),
        oracle: ([x]) => o.softmax(x!, axis < 0 ? 1 : axis),
        terms: 5,
      }, context, `softmax along axis ${axis}`);
    });
  }

  suite.test('logSoftmax/grad', async (context) => {
    await checkGradient({
      inputs: [f32([4, 6], context.random.floats(24, -3, 3))],
      wrt: [0],
      forward: (x) => logSoftmax(x, 1),
      oracle: ([x]) => o.logSoftmax(x!, 1),
      terms: 6,
    }, context, 'logSoftmax along axis 1');
  });

  suite.test('crossEntropy/grad-class-indices', async (context) => {
    const targets = [2, 0, 4, 1];
    await checkGradient({
      inputs: [f32([4, 5], context.random.floats(20, -3, 3)), i32([4], targets)],
      wrt: [0],
      forward: (logits, t) => crossEntropy(logits, t as Tensor),
      oracle: ([logits]) => o.array64([], [o.crossEntropyIndices(logits!, targets)]),
      terms: 20,
    }, context, 'crossEntropy with class indices');
  });

  suite.test('crossEntropy/grad-probabilities', async (context) => {
    const p = o.softmax(o.array64([3, 4], context.random.floats(12, -2, 2)), 1);
    await checkGradient({
      inputs: [f32([3, 4], context.random.floats(12, -3, 3)), f32([3, 4], p.data.map(Math.fround))],
      wrt: [0, 1],
      forward: (logits, t) => crossEntropy(logits, t as Tensor),
      oracle: ([logits, t]) => o.array64([], [o.crossEntropyProbabilities(logits!, t!)]),
      terms: 12,
    }, context, 'crossEntropy with class probabilities');
  });

  suite.test('linear/grad', async (context) => {
    await checkGradient({
      inputs: [f32([2, 3, 4], context.random.floats(24)), f32([5, 4], context.random.floats(20)), f32([5], context.random.floats(5))],
      wrt: [0, 1, 2],
      forward: (x, w, b) => linear(x, w as Tensor, b as Tensor),
      oracle: ([x, w, b]) => o.binary('Add', o.matmul(x!, w!, false, true), b!),
      terms: 6,
    }, context, 'linear with bias');
  });
}
