/**
 * 2-D max and average pooling with PyTorch's CPU semantics (aten/src/ATen/native/cpu), and their
 * gradients as scatters, in float64.
 */
import type { Array64 } from './array64.js';
import { array64 } from './array64.js';

export interface PoolGeometry {
  kernelSize: readonly [number, number];
  strides: readonly [number, number];
  /** [top, bottom, left, right]; PyTorch pads symmetrically (top = bottom, left = right). */
  pads: readonly [number, number, number, number];
  ceilMode: boolean;
}

/**
 * PyTorch's pooling_output_shape: in ceil mode the last window may hang over the end, but it must
 * start inside the input or its leading padding.
 */
export function poolOutputLength(size: number, kernel: number, stride: number, padBefore: number, padAfter: number, dilation: number, ceilMode: boolean): number {
  const span = size + padBefore + padAfter - dilation * (kernel - 1) - 1;
  let out = Math.floor((span + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + padBefore) out -= 1;
  return out;
}

function outputShape(x: Array64, g: PoolGeometry, dilations: readonly [number, number]): [number, number, number, number] {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  return [
    n,
    c,
    poolOutputLength(h, g.kernelSize[0], g.strides[0], g.pads[0], g.pads[1], dilations[0], g.ceilMode),
    poolOutputLength(w, g.kernelSize[1], g.strides[1], g.pads[2], g.pads[3], dilations[1], g.ceilMode),
  ];
}

/**
 * For each output cell, the flat input index of its maximum: scanning the window row by row, a value
 * replaces the running maximum when it is greater or NaN (so the first maximum wins and NaN
 * propagates); an all -Inf window reports its first in-bounds element.
 */
function maxPoolArgmax(x: Array64, g: PoolGeometry, dilations: readonly [number, number]): { shape: number[]; argmax: Int32Array; values: Float64Array } {
  const shape = outputShape(x, g, dilations);
  const [n, c, ho, wo] = shape;
  const [h, w] = [x.shape[2] as number, x.shape[3] as number];
  const argmax = new Int32Array(n * c * ho * wo);
  const values = new Float64Array(n * c * ho * wo);
  let out = 0;
  for (let plane = 0; plane < n * c; plane++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++) {
        let best = -Infinity;
        let bestIndex = -1;
        for (let i = 0; i < g.kernelSize[0]; i++) {
          const iy = oy * g.strides[0] - g.pads[0] + i * dilations[0];
          if (iy < 0 || iy >= h) continue;
          for (let j = 0; j < g.kernelSize[1]; j++) {
            const ix = ox * g.strides[1] - g.pads[2] + j * dilations[1];
            if (ix < 0 || ix >= w) continue;
            const index = (plane * h + iy) * w + ix;
            const v = x.data[index] as number;
            if (bestIndex < 0) bestIndex = index;
            if (v > best || Number.isNaN(v)) {
              best = v;
              bestIndex = index;
            }
          }
        }
        argmax[out] = bestIndex;
        values[out] = best;
        out++;
      }
    }
  }
  return { shape, argmax, values };
}

export function maxPool2d(x: Array64, g: PoolGeometry, dilations: readonly [number, number] = [1, 1]): Array64 {
  const { shape, values } = maxPoolArgmax(x, g, dilations);
  return { shape, data: values };
}

/** dy routed to the maximum of each window (accumulating where windows overlap). */
export function maxPool2dGrad(dy: Array64, x: Array64, g: PoolGeometry, dilations: readonly [number, number] = [1, 1]): Array64 {
  const { argmax } = maxPoolArgmax(x, g, dilations);
  const dx = array64(x.shape);
  argmax.forEach((index, o) => {
    dx.data[index] = (dx.data[index] as number) + (dy.data[o] as number);
  });
  return dx;
}

export interface AvgPoolOptions {
  countIncludePad: boolean;
  divisorOverride: number | null;
}

/**
 * Calls visit(inputIndex, outputIndex, divisor) for each input cell of each output window.
 * PyTorch's divisor: the window clipped to the padded input when padding counts, the window
 * clipped to the input when it does not, or the override.
 */
function forEachAvgTap(
  xShape: readonly number[],
  g: PoolGeometry,
  options: AvgPoolOptions,
  visit: (inputIndex: number, outputIndex: number, divisor: number) => void,
): [number, number, number, number] {
  const [n, c, h, w] = xShape as [number, number, number, number];
  const ho = poolOutputLength(h, g.kernelSize[0], g.strides[0], g.pads[0], g.pads[1], 1, g.ceilMode);
  const wo = poolOutputLength(w, g.kernelSize[1], g.strides[1], g.pads[2], g.pads[3], 1, g.ceilMode);
  let out = 0;
  for (let plane = 0; plane < n * c; plane++) {
    for (let oy = 0; oy < ho; oy++) {
      for (let ox = 0; ox < wo; ox++, out++) {
        let y0 = oy * g.strides[0] - g.pads[0];
        let x0 = ox * g.strides[1] - g.pads[2];
        let y1 = Math.min(y0 + g.kernelSize[0], h + g.pads[1]);
        let x1 = Math.min(x0 + g.kernelSize[1], w + g.pads[3]);
        const paddedSize = (y1 - y0) * (x1 - x0);
        y0 = Math.max(y0, 0);
        x0 = Math.max(x0, 0);
        y1 = Math.min(y1, h);
        x1 = Math.min(x1, w);
        if (y0 >= y1 || x0 >= x1) continue;
        const divisor = options.divisorOverride ?? (options.countIncludePad ? paddedSize : (y1 - y0) * (x1 - x0));
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) visit((plane * h + iy) * w + ix, out, divisor);
        }
      }
    }
  }
  return [n, c, ho, wo];
}

export function avgPool2d(x: Array64, g: PoolGeometry, options: AvgPoolOptions): Array64 {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const shape = [n, c, poolOutputLength(h, g.kernelSize[0], g.strides[0], g.pads[0], g.pads[1], 1, g.ceilMode),
    poolOutputLength(w, g.kernelSize[1], g.strides[1], g.pads[2], g.pads[3], 1, g.ceilMode)];
  const y = array64(shape);
  const divisors = new Float64Array(y.data.length).fill(1);
  forEachAvgTap(x.shape, g, options, (xi, yi, divisor) => {
    y.data[yi] = (y.data[yi] as number) + (x.data[xi] as number);
    divisors[yi] = divisor;
  });
  // Sum, then divide once (as PyTorch does).
  for (let i = 0; i < y.data.length; i++) y.data[i] = (y.data[i] as number) / (divisors[i] as number);
  return y;
}

export function avgPool2dGrad(dy: Array64, inputShape: readonly number[], g: PoolGeometry, options: AvgPoolOptions): Array64 {
  const dx = array64(inputShape);
  forEachAvgTap(inputShape, g, options, (xi, yi, divisor) => {
    dx.data[xi] = (dx.data[xi] as number) + (dy.data[yi] as number) / divisor;
  });
  return dx;
}
