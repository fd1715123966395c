/** Gradients of MaxPool2D and AvgPool2D (through their gradient kernels) against finite differences. */
import { engine, kernels } from '@parvus/core';
import { f32 } from '../harness.js';
import * as o from '../oracle64/index.js';
import type { Suite } from '../suite.js';
import { AVG_POOL_CASES, MAX_POOL_CASES } from '../kernels/pool.js';
import { checkGradient } from './check.js';

export function registerPoolGradientTests(suite: Suite): void {
  for (const c of MAX_POOL_CASES) {
    suite.test(`MaxPool2D/grad-${c.id}`, async (context) => {
      // Distinct values (gaps ≥ 0.009 ≫ the finite-difference step 1e-6): one maximum per window.
      await checkGradient({
        inputs: [f32(c.x, context.random.distinct(o.sizeOfShape(c.x)))],
        wrt: [0],
        forward: (x) => engine().runKernel(kernels.MaxPool2D, [x], c.attrs),
        oracle: ([x]) => o.maxPool2d(x!, c.attrs, c.attrs.dilations),
        terms: c.attrs.kernelSize[0] * c.attrs.kernelSize[1],
      }, context, `max pool ${c.id}`);
    });
  }

  for (const c of AVG_POOL_CASES) {
    suite.test(`AvgPool2D/grad-${c.id}`, async (context) => {
      await checkGradient({
        inputs: [f32(c.x, context.random.floats(o.sizeOfShape(c.x)))],
        wrt: [0],
        forward: (x) => engine().runKernel(kernels.AvgPool2D, [x], c.attrs),
        oracle: ([x]) => o.avgPool2d(x!, c.attrs, c.attrs),
        terms: c.attrs.kernelSize[0] * c.attrs.kernelSize[1],
      }, context, `avg pool ${c.id}`);
    });
  }
}
