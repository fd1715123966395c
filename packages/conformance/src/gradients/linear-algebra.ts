/** Gradients of MatMul, Conv2D and Conv2DBackpropInput (transposed convolution) against finite differences. */
import { engine, kernels } from '@parvus/core';
import { f32 } from '../harness.js';
import * as o from '../oracle64/index.js';
import type { Suite } from '../suite.js';
import { CONV_CASES, convOutputShape } from '../kernels/conv.js';
import { checkGradient } from './check.js';

const MATMUL_CASES: Array<{ id: string; a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }> = [
  { id: 'grad', a: [3, 4], b: [4, 5], transposeA: false, transposeB: false },
  { id: 'grad-transpose-a', a: [4, 3], b: [4, 5], transposeA: true, transposeB: false },
  { id: 'grad-transpose-b', a: [3, 4], b: [5, 4], transposeA: false, transposeB: true },
  { id: 'grad-transpose-both', a: [4, 3], b: [5, 4], transposeA: true, transposeB: true },
  // the batch dimension of a broadcasts against b's: b's gradient sums over it
  { id: 'grad-broadcast-batch', a: [2, 1, 3, 4], b: [5, 4, 2], transposeA: false, transposeB: false },
];

/** The conv geometries whose gradients are checked (each exercises a different index path). */
const CONV_GRADIENT_CASES = ['basic', 'strided', 'dilated', 'grouped', 'asymmetric-pads', 'uncovered-input', 'grouped-strided-dilated'];
const CONV_TRANSPOSE_GRADIENT_CASES = ['strided', 'grouped', 'asymmetric-pads'];

export function registerLinearAlgebraGradientTests(suite: Suite): void {
  for (const c of MATMUL_CASES) {
    suite.test(`MatMul/${c.id}`, async (context) => {
      const attrs = { transposeA: c.transposeA, transposeB: c.transposeB };
      await checkGradient({
        inputs: [f32(c.a, context.random.floats(o.sizeOfShape(c.a))), f32(c.b, context.random.floats(o.sizeOfShape(c.b)))],
        wrt: [0, 1],
        forward: (a, b) => engine().runKernel(kernels.MatMul, [a, b], attrs),
        oracle: ([a, b]) => o.matmul(a!, b!, c.transposeA, c.transposeB),
        terms: 10,
      }, context, `matmul ${c.id}`);
    });
  }

  for (const c of CONV_CASES.filter((k) => CONV_GRADIENT_CASES.includes(k.id))) {
    const [n, , ho, wo] = convOutputShape(c);
    suite.test(`Conv2D/grad-${c.id}`, async (context) => {
      await checkGradient({
        inputs: [f32(c.x, context.random.floats(o.sizeOfShape(c.x))), f32(c.w, context.random.floats(o.sizeOfShape(c.w)))],
        wrt: [0, 1],
        forward: (x, w) => engine().runKernel(kernels.Conv2D, [x, w], c.geometry),
        oracle: ([x, w]) => o.conv2d(x!, w!, c.geometry),
        terms: Math.max(c.w[1] * c.w[2] * c.w[3], n * ho * wo),
      }, context, `conv2d ${c.id}`);
    });
  }

  for (const c of CONV_CASES.filter((k) => CONV_TRANSPOSE_GRADIENT_CASES.includes(k.id))) {
    const yShape = convOutputShape(c);
    const attrs = { ...c.geometry, inputShape: c.x };
    suite.test(`Conv2DBackpropInput/grad-${c.id}`, async (context) => {
      // As the forward of a transposed convolution: gradients to dy (a Conv2D) and to w (a Conv2DBackpropFilter).
      await checkGradient({
        inputs: [f32(yShape, context.random.floats(o.sizeOfShape(yShape))), f32(c.w, context.random.floats(o.sizeOfShape(c.w)))],
        wrt: [0, 1],
        forward: (dy, w) => engine().runKernel(kernels.Conv2DBackpropInput, [dy, w], attrs),
        oracle: ([dy, w]) => o.conv2dBackpropInput(dy!, w!, c.geometry, c.x),
        terms: Math.max(c.w[1] * c.w[2] * c.w[3], c.x[0] * c.x[2] * c.x[3]),
      }, context, `transposed convolution ${c.id}`);
    });
  }
}
