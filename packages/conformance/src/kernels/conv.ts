/**
 * Conv2D and its two backprop kernels over one table of geometries (stride, padding, dilation,
 * groups), against oracle64's direct loops. The kernels are called directly so that every attribute
 * combination of the contract is reachable (asymmetric pads, uncovered input rows).
 */
import type { Conv2DGeometry } from '@parvus/core';
import { conv2d, convTranspose2d, engine, kernels } from '@parvus/core';
import { expectClose } from '../expect.js';
import { as64, f32, run1 } from '../harness.js';
import * as o from '../oracle64/index.js';
import type { Suite } from '../suite.js';

export interface ConvCase {
  id: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  geometry: Conv2DGeometry;
}

function geometry(strides: [number, number], pads: [number, number, number, number], dilations: [number, number], groups = 1): Conv2DGeometry {
  return { strides, pads, dilations, groups };
}

export const CONV_CASES: ConvCase[] = [
  { id: 'basic', x: [2, 3, 6, 6], w: [4, 3, 3, 3], geometry: geometry([1, 1], [0, 0, 0, 0], [1, 1]) },
  { id: 'padded', x: [1, 2, 5, 5], w: [3, 2, 3, 3], geometry: geometry([1, 1], [1, 1, 1, 1], [1, 1]) },
  { id: 'strided', x: [2, 2, 7, 8], w: [3, 2, 3, 3], geometry: geometry([2, 2], [1, 1, 1, 1], [1, 1]) },
  { id: 'dilated', x: [1, 2, 9, 9], w: [2, 2, 3, 3], geometry: geometry([1, 1], [2, 2, 2, 2], [2, 2]) },
  { id: 'grouped', x: [2, 4, 6, 6], w: [6, 2, 3, 3], geometry: geometry([1, 1], [1, 1, 1, 1], [1, 1], 2) },
  { id: 'depthwise', x: [1, 4, 5, 5], w: [4, 1, 3, 3], geometry: geometry([1, 1], [1, 1, 1, 1], [1, 1], 4) },
  { id: 'asymmetric-pads', x: [1, 2, 5, 6], w: [2, 2, 2, 3], geometry: geometry([1, 1], [0, 1, 2, 0], [1, 1]) },
  { id: 'rectangular', x: [1, 2, 7, 5], w: [3, 2, 3, 1], geometry: geometry([2, 1], [1, 1, 0, 0], [1, 2]) },
  { id: 'pointwise', x: [2, 8, 4, 4], w: [5, 8, 1, 1], geometry: geometry([1, 1], [0, 0, 0, 0], [1, 1]) },
  // stride 3 over 8 rows with a 3×3 kernel leaves the last two rows and columns out of every window
  { id: 'uncovered-input', x: [1, 1, 8, 8], w: [2, 1, 3, 3], geometry: geometry([3, 3], [0, 0, 0, 0], [1, 1]) },
  { id: 'kernel-covers-input', x: [2, 3, 4, 4], w: [2, 3, 4, 4], geometry: geometry([1, 1], [0, 0, 0, 0], [1, 1]) },
  { id: 'grouped-strided-dilated', x: [1, 6, 11, 10], w: [3, 2, 3, 2], geometry: geometry([2, 3], [1, 2, 0, 1], [2, 1], 3) },
  { id: 'deep', x: [1, 32, 6, 6], w: [4, 32, 3, 3], geometry: geometry([1, 1], [1, 1, 1, 1], [1, 1]) },
];

export function convOutputShape(c: ConvCase): [number, number, number, number] {
  const g = c.geometry;
  return [
    c.x[0],
    c.w[0],
    o.convOutputLength(c.x[2], c.w[2], g.strides[0], g.pads[0], g.pads[1], g.dilations[0]),
    o.convOutputLength(c.x[3], c.w[3], g.strides[1], g.pads[2], g.pads[3], g.dilations[1]),
  ];
}

export function registerConvKernelTests(suite: Suite): void {
  for (const c of CONV_CASES) {
    const yShape = convOutputShape(c);
    const [n, outChannels, ho, wo] = yShape;
    const g = c.geometry;
    const cg = c.w[1];

    suite.test(`Conv2D/${c.id}`, async (context) => {
      const x = f32(c.x, context.random.floats(o.sizeOfShape(c.x), -2, 2));
      const w = f32(c.w, context.random.floats(o.sizeOfShape(c.w), -1, 1));
      const y = await run1([x, w], (tx, tw) => engine().runKernel(kernels.Conv2D, [tx, tw], g));
      const expected = o.conv2d(as64(x), as64(w), g);
      const magnitude = o.conv2d(o.abs(as64(x)), o.abs(as64(w)), g);
      expectClose(y, expected, context.tolerance.accumulation(cg * c.w[2] * c.w[3]), `conv2d ${c.id}`, magnitude);
    });

    suite.test(`Conv2DBackpropInput/${c.id}`, async (context) => {
      const dy = f32(yShape, context.random.floats(o.sizeOfShape(yShape), -2, 2));
      const w = f32(c.w, context.random.floats(o.sizeOfShape(c.w), -1, 1));
      const attrs = { ...g, inputShape: c.x };
      const dx = await run1([dy, w], (tdy, tw) => engine().runKernel(kernels.Conv2DBackpropInput, [tdy, tw], attrs));
      const expected = o.conv2dBackpropInput(as64(dy), as64(w), g, c.x);
      const magnitude = o.conv2dBackpropInput(o.abs(as64(dy)), o.abs(as64(w)), g, c.x);
      expectClose(dx, expected, context.tolerance.accumulation((outChannels / g.groups) * c.w[2] * c.w[3]), `conv2d input gradient ${c.id}`, magnitude);
    });

    suite.test(`Conv2DBackpropFilter/${c.id}`, async (context) => {
      const x = f32(c.x, context.random.floats(o.sizeOfShape(c.x), -2, 2));
      const dy = f32(yShape, context.random.floats(o.sizeOfShape(yShape), -2, 2));
      const attrs = { ...g, filterShape: c.w };
      const dw = await run1([x, dy], (tx, tdy) => engine().runKernel(kernels.Conv2DBackpropFilter, [tx, tdy], attrs));
      const expected = o.conv2dBackpropFilter(as64(x), as64(dy), g, c.w);
      const magnitude = o.conv2dBackpropFilter(o.abs(as64(x)), o.abs(as64(dy)), g, c.w);
      expectClose(dw, expected, context.tolerance.accumulation(n * ho * wo), `conv2d filter gradient ${c.id}`, magnitude);
    });
  }

  suite.test('Conv2D/through-op-with-bias-and-same-padding', async (context) => {
    // core resolves 'same' for an even kernel to asymmetric pads [0, 1, 0, 1] and adds the bias.
    const x = f32([2, 3, 5, 5], context.random.floats(150, -2, 2));
    const w = f32([4, 3, 2, 2], context.random.floats(48, -1, 1));
    const bias = f32([4], context.random.floats(4, -1, 1));
    const y = await run1([x, w, bias], (tx, tw, tb) => conv2d(tx, tw, tb, { padding: 'same' }));
    const g = geometry([1, 1], [0, 1, 0, 1], [1, 1]);
    const withBias = (conv: o.Array64, b: o.Array64): o.Array64 => o.binary('Add', conv, o.reshape64(b, [1, 4, 1, 1]));
    const expected = withBias(o.conv2d(as64(x), as64(w), g), as64(bias));
    const magnitude = withBias(o.conv2d(o.abs(as64(x)), o.abs(as64(w)), g), o.abs(as64(bias)));
    expectClose(y, expected, context.tolerance.accumulation(3 * 2 * 2 + 1), 'conv2d, padding same, bias', magnitude);
  });

  suite.test('Conv2DBackpropInput/transposed-conv-output-padding', async (context) => {
    // convTranspose2d with outputPadding: the extra row and column are only reached by some taps.
    const x = f32([1, 4, 3, 3], context.random.floats(36, -2, 2));
    const w = f32([4, 3, 3, 3], context.random.floats(108, -1, 1));
    const y = await run1([x, w], (tx, tw) => convTranspose2d(tx, tw, null, { stride: 2, padding: 1, outputPadding: 1 }));
    // Oracle: a transposed convolution is the input gradient of the convolution it inverts.
    const g = geometry([2, 2], [1, 1, 1, 1], [1, 1]);
    const shape = [1, 3, 6, 6];
    const expected = o.conv2dBackpropInput(as64(x), as64(w), g, shape);
    const magnitude = o.conv2dBackpropInput(o.abs(as64(x)), o.abs(as64(w)), g, shape);
    expectClose(y, expected, context.tolerance.accumulation(4 * 9), 'convTranspose2d stride 2, padding 1, outputPadding 1', magnitude);
  });
}
