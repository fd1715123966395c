/**
 * MaxPool2D, AvgPool2D and their gradient kernels with PyTorch's semantics (ceilMode,
 * countIncludePad, divisorOverride, dilation), against oracle64.
 */
import type { AvgPool2DAttrs, MaxPool2DAttrs } from '@parvus/core';
import { avgPool2d, engine, kernels, maxPool2d } from '@parvus/core';
import { expectClose, expectExact } from '../expect.js';
import { as64, f32, run1 } from '../harness.js';
import * as o from '../oracle64/index.js';
import type { Suite } from '../suite.js';

export interface MaxPoolCase {
  id: string;
  x: [number, number, number, number];
  attrs: MaxPool2DAttrs;
}

export interface AvgPoolCase {
  id: string;
  x: [number, number, number, number];
  attrs: AvgPool2DAttrs;
}

function pads(h: number, w: number): [number, number, number, number] {
  return [h, h, w, w];
}

export const MAX_POOL_CASES: MaxPoolCase[] = [
  { id: 'basic', x: [2, 3, 6, 6], attrs: { kernelSize: [2, 2], strides: [2, 2], pads: pads(0, 0), ceilMode: false, dilations: [1, 1] } },
  { id: 'overlapping', x: [1, 2, 5, 5], attrs: { kernelSize: [3, 3], strides: [1, 1], pads: pads(1, 1), ceilMode: false, dilations: [1, 1] } },
  { id: 'strided-padded', x: [1, 2, 7, 7], attrs: { kernelSize: [3, 3], strides: [2, 2], pads: pads(1, 1), ceilMode: false, dilations: [1, 1] } },
  { id: 'ceil-mode', x: [1, 2, 6, 7], attrs: { kernelSize: [3, 3], strides: [2, 2], pads: pads(0, 0), ceilMode: true, dilations: [1, 1] } },
  // 5 wide, kernel 2, stride 2, pad 1, ceil: a 4th window would start in the trailing padding, so there are 3
  { id: 'ceil-mode-last-window-dropped', x: [1, 1, 5, 5], attrs: { kernelSize: [2, 2], strides: [2, 2], pads: pads(1, 1), ceilMode: true, dilations: [1, 1] } },
  { id: 'dilated', x: [1, 2, 7, 7], attrs: { kernelSize: [2, 2], strides: [1, 1], pads: pads(0, 0), ceilMode: false, dilations: [2, 2] } },
  { id: 'rectangular', x: [2, 1, 5, 8], attrs: { kernelSize: [2, 3], strides: [1, 2], pads: pads(1, 1), ceilMode: false, dilations: [1, 1] } },
  { id: 'global', x: [2, 3, 4, 5], attrs: { kernelSize: [4, 5], strides: [4, 5], pads: pads(0, 0), ceilMode: false, dilations: [1, 1] } },
];

export const AVG_POOL_CASES: AvgPoolCase[] = [
  { id: 'basic', x: [2, 3, 6, 6], attrs: { kernelSize: [2, 2], strides: [2, 2], pads: pads(0, 0), ceilMode: false, countIncludePad: true, divisorOverride: null } },
  { id: 'padded-count-include-pad', x: [1, 2, 7, 7], attrs: { kernelSize: [3, 3], strides: [2, 2], pads: pads(1, 1), ceilMode: false, countIncludePad: true, divisorOverride: null } },
  { id: 'padded-exclude-pad', x: [1, 2, 7, 7], attrs: { kernelSize: [3, 3], strides: [2, 2], pads: pads(1, 1), ceilMode: false, countIncludePad: false, divisorOverride: null } },
  // the last window hangs past the padding: its divisor counts the padded part only
  { id: 'ceil-mode-count-include-pad', x: [1, 1, 6, 6], attrs: { kernelSize: [3, 3], strides: [2, 2], pads: pads(1, 1), ceilMode: true, countIncludePad: true, divisorOverride: null } },
  { id: 'ceil-mode-exclude-pad', x: [1, 2, 6, 7], attrs: { kernelSize: [3, 3], strides: [2, 2], pads: pads(0, 1), ceilMode: true, countIncludePad: false, divisorOverride: null } },
  { id: 'ceil-mode-last-window-dropped', x: [1, 1, 5, 5], attrs: { kernelSize: [2, 2], strides: [2, 2], pads: pads(1, 1), ceilMode: true, countIncludePad: true, divisorOverride: null } },
  { id: 'divisor-override', x: [1, 2, 5, 5], attrs: { kernelSize: [3, 3], strides: [1, 1], pads: pads(1, 1), ceilMode: false, countIncludePad: true, divisorOverride: 5 } },
  { id: 'overlapping', x: [1, 1, 5, 6], attrs: { kernelSize: [3, 2], strides: [1, 1], pads: pads(0, 0), ceilMode: false, countIncludePad: true, divisorOverride: null } },
  { id: 'rectangular', x: [2, 1, 5, 8], attrs: { kernelSize: [2, 3], strides: [1, 2], pads: pads(1, 1), ceilMode: false, countIncludePad: false, divisorOverride: null } },
];

export function poolOutputShape(x: readonly number[], attrs: MaxPool2DAttrs | AvgPool2DAttrs): [number, number, number, number] {
  const d = 'dilations' in attrs ? attrs.dilations : [1, 1];
  return [
    x[0] as number,
    x[1] as number,
    o.poolOutputLength(x[2] as number, attrs.kernelSize[0], attrs.strides[0], attrs.pads[0], attrs.pads[1], d[0] as number, attrs.ceilMode),
    o.poolOutputLength(x[3] as number, attrs.kernelSize[1], attrs.strides[1], attrs.pads[2], attrs.pads[3], d[1] as number, attrs.ceilMode),
  ];
}

export function registerPoolKernelTests(suite: Suite): void {
  for (const c of MAX_POOL_CASES) {
    suite.test(`MaxPool2D/${c.id}`, async ({ random }) => {
      const x = f32(c.x, random.floats(o.sizeOfShape(c.x), -4, 4));
      const y = await run1([x], (t) => engine().runKernel(kernels.MaxPool2D, [t], c.attrs));
      expectExact(y, o.maxPool2d(as64(x), c.attrs, c.attrs.dilations), 'float32', `max pool ${c.id}`);
    });

    suite.test(`MaxPool2DGrad/${c.id}`, async ({ random }) => {
      // Distinct values: the maximum of each window is unique.
      const x = f32(c.x, random.distinct(o.sizeOfShape(c.x), -4, 4));
      const yShape = poolOutputShape(c.x, c.attrs);
      // Small integers as dy: accumulated sums are exact whatever the order.
      const dy = f32(yShape, Float32Array.from(random.ints(o.sizeOfShape(yShape), -8, 9)));
      const dx = await run1([dy, x], (tdy, tx) => engine().runKernel(kernels.MaxPool2DGrad, [tdy, tx], c.attrs));
      expectExact(dx, o.maxPool2dGrad(as64(dy), as64(x), c.attrs, c.attrs.dilations), 'float32', `max pool gradient ${c.id}`, { signedZeros: false });
    });
  }

  suite.test('MaxPool2D/nan-and-infinities', async () => {
    const values = [1, NaN, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, -Infinity, Infinity, 0, 5, NaN, 4, 6, 7, 8];
    const x = f32([1, 1, 4, 4], values);
    const attrs: MaxPool2DAttrs = { kernelSize: [2, 2], strides: [2, 2], pads: pads(0, 0), ceilMode: false, dilations: [1, 1] };
    const y = await run1([x], (t) => engine().runKernel(kernels.MaxPool2D, [t], attrs));
    // Written out: NaN propagates (torch), an all -Inf window gives -Inf, +Inf wins.
    expectExact(y, o.array64([1, 1, 2, 2], [NaN, -Infinity, Infinity, NaN]), 'float32', 'max pool with NaN and ±Inf');
  });

  suite.test('MaxPool2D/through-op', async ({ random }) => {
    const x = f32([2, 2, 7, 7], random.floats(196, -4, 4));
    const y = await run1([x], (t) => maxPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true }));
    const g = { kernelSize: [3, 3] as [number, number], strides: [2, 2] as [number, number], pads: pads(1, 1), ceilMode: true };
    expectExact(y, o.maxPool2d(as64(x), g), 'float32', 'maxPool2d(x, 3, stride 2, padding 1, ceil)');
  });

  suite.test('MaxPool2DGrad/ties-go-to-first', async () => {
    // Every window is constant: the whole gradient goes to its first element in row-major order.
    const x = f32([1, 1, 4, 4], new Array(16).fill(1));
    const dy = f32([1, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const attrs: MaxPool2DAttrs = { kernelSize: [2, 2], strides: [1, 1], pads: pads(0, 0), ceilMode: false, dilations: [1, 1] };
    const dx = await run1([dy, x], (tdy, tx) => engine().runKernel(kernels.MaxPool2DGrad, [tdy, tx], attrs));
    // Written out: window (i, j) starts at (i, j), so dy[i, j] lands on x[i, j].
    const expected = [1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0];
    expectExact(dx, o.array64([1, 1, 4, 4], expected), 'float32', 'max pool gradient with ties', { signedZeros: false });
  });

  suite.test('MaxPool2DGrad/ties-and-nan-2x2-stride-2', async () => {
    // The common LeNet window (2×2, stride 2), which backends may special-case. Windows, row-major:
    // a tie (first wins), two NaNs (the last NaN wins, as torch), −∞ everywhere (the first), and a
    // maximum in the last position.
    const x = f32([1, 1, 4, 4], [
      3, 3, 1, NaN,
      3, 3, NaN, 2,
      -Infinity, -Infinity, 0, 1,
      -Infinity, -Infinity, 2, 5,
    ]);
    const dy = f32([1, 1, 2, 2], [1, 2, 3, 4]);
    const attrs: MaxPool2DAttrs = { kernelSize: [2, 2], strides: [2, 2], pads: pads(0, 0), ceilMode: false, dilations: [1, 1] };
    const dx = await run1([dy, x], (tdy, tx) => engine().runKernel(kernels.MaxPool2DGrad, [tdy, tx], attrs));
    const expected = [1, 0, 0, 0, 0, 0, 2, 0, 3, 0, 0, 0, 0, 0, 0, 4];
    expectExact(dx, o.array64([1, 1, 4, 4], expected), 'float32', 'max pool gradient, 2×2 stride 2', { signedZeros: false });
  });

  for (const c of AVG_POOL_CASES) {
    const k = c.attrs.kernelSize[0] * c.attrs.kernelSize[1];
    suite.test(`AvgPool2D/${c.id}`, async (context) => {
      const x = f32(c.x, context.random.floats(o.sizeOfShape(c.x), -4, 4));
      const y = await run1([x], (t) => engine().runKernel(kernels.AvgPool2D, [t], c.attrs));
      const magnitude = o.avgPool2d(o.abs(as64(x)), c.attrs, c.attrs);
      expectClose(y, o.avgPool2d(as64(x), c.attrs, c.attrs), context.tolerance.accumulation(k), `avg pool ${c.id}`, magnitude);
    });

    suite.test(`AvgPool2DGrad/${c.id}`, async (context) => {
      const yShape = poolOutputShape(c.x, c.attrs);
      const dy = f32(yShape, context.random.floats(o.sizeOfShape(yShape), -4, 4));
      const attrs = { ...c.attrs, inputShape: c.x };
      const dx = await run1([dy], (t) => engine().runKernel(kernels.AvgPool2DGrad, [t], attrs));
      const magnitude = o.avgPool2dGrad(o.abs(as64(dy)), c.x, c.attrs, c.attrs);
      expectClose(dx, o.avgPool2dGrad(as64(dy), c.x, c.attrs, c.attrs), context.tolerance.accumulation(k), `avg pool gradient ${c.id}`, magnitude);
    });
  }

  suite.test('AvgPool2D/through-op', async (context) => {
    const x = f32([2, 2, 6, 6], context.random.floats(144, -4, 4));
    const y = await run1([x], (t) => avgPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }));
    const g = { kernelSize: [3, 3] as [number, number], strides: [2, 2] as [number, number], pads: pads(1, 1), ceilMode: true };
    const options = { countIncludePad: false, divisorOverride: null };
    expectClose(y, o.avgPool2d(as64(x), g, options), context.tolerance.accumulation(9), 'avgPool2d(x, 3, stride 2, padding 1, ceil, exclude pad)', o.avgPool2d(o.abs(as64(x)), g, options));
  });
}
