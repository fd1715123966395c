import { engine } from '../engine/engine.js';
import { op } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import * as k from '../kernels/kernel-names.js';
import { ShapeError, ValueError } from '../errors/errors.js';
import { formatShape, pair } from '../util/shape.js';
import { assertFloat } from './operands.js';
import { tensor } from './creation.js';
import { matmul } from './matmul.js';

/** Output length of a pooling window along one axis, with PyTorch's ceil-mode rule. */
export function poolOutputSize(size: number, kernel: number, stride: number, pad: number, dilation: number, ceilMode: boolean): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // The last window must start inside the input or its left padding.
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

export interface Pool2DOptions {
  stride?: number | readonly [number, number] | null;
  padding?: number | readonly [number, number];
  ceilMode?: boolean;
}

export interface MaxPool2DOptions extends Pool2DOptions {
  dilation?: number | readonly [number, number];
}

export interface AvgPool2DOptions extends Pool2DOptions {
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

function poolGeometry(x: Tensor, kernelSize: number | readonly [number, number], options: Pool2DOptions, dilation: [number, number], what: string): k.Pool2DGeometry {
  if (x.rank !== 4) throw new ShapeError(`${what}: input must be [N, C, H, W], got ${formatShape(x.shape)}.`);
  const kernel = pair(kernelSize, `${what} kernelSize`);
  const strides = pair(options.stride ?? kernel, `${what} stride`);
  const [ph, pw] = pair(options.padding ?? 0, `${what} padding`);
  if (kernel.some((v) => v < 1) || strides.some((v) => v < 1)) throw new ValueError(`${what}: kernelSize and stride must be ≥ 1.`);
  if (ph < 0 || pw < 0 || ph > kernel[0] / 2 || pw > kernel[1] / 2) {
    throw new ValueError(`${what}: padding should be at most half the kernel size, got padding ${ph}x${pw} for kernel ${kernel[0]}x${kernel[1]}.`);
  }
  const ceilMode = options.ceilMode ?? false;
  const ho = poolOutputSize(x.shape[2] as number, kernel[0], strides[0], ph, dilation[0], ceilMode);
  const wo = poolOutputSize(x.shape[3] as number, kernel[1], strides[1], pw, dilation[1], ceilMode);
  if (ho < 1 || wo < 1) throw new ShapeError(`${what}: input ${formatShape(x.shape)} is smaller than the window.`);
  return { kernelSize: kernel, strides, pads: [ph, ph, pw, pw], ceilMode };
}

/** 2-D max pooling (torch.nn.functional.max_pool2d). */
export const maxPool2d = op('maxPool2d', (x: Tensor, kernelSize: number | readonly [number, number], options: MaxPool2DOptions = {}): Tensor => {
  assertFloat(x, 'maxPool2d');
  const dilations = pair(options.dilation ?? 1, 'maxPool2d dilation');
  const attrs: k.MaxPool2DAttrs = { ...poolGeometry(x, kernelSize, options, dilations, 'maxPool2d'), dilations };
  return engine().runKernel(k.MaxPool2D, [x], attrs);
});

/** 2-D average pooling (torch.nn.functional.avg_pool2d). */
export const avgPool2d = op('avgPool2d', (x: Tensor, kernelSize: number | readonly [number, number], options: AvgPool2DOptions = {}): Tensor => {
  assertFloat(x, 'avgPool2d');
  const divisorOverride = options.divisorOverride ?? null;
  if (divisorOverride !== null && !(Number.isInteger(divisorOverride) && divisorOverride > 0)) {
    throw new ValueError(`avgPool2d: divisorOverride must be a positive integer, got ${divisorOverride}.`);
  }
  const attrs: k.AvgPool2DAttrs = {
    ...poolGeometry(x, kernelSize, options, [1, 1], 'avgPool2d'),
    countIncludePad: options.countIncludePad ?? true,
    divisorOverride,
  };
  return engine().runKernel(k.AvgPool2D, [x], attrs);
});

/** Averaging matrix [out, in] of adaptive pooling along one axis (PyTorch's start/end rule). */
function adaptiveMatrix(inSize: number, outSize: number): Tensor {
  const values = new Float32Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const start = Math.floor((i * inSize) / outSize);
    const end = Math.ceil(((i + 1) * inSize) / outSize);
    for (let j = start; j < end; j++) values[i * inSize + j] = 1 / (end - start);
  }
  return tensor(values, [outSize, inSize]);
}

/**
 * Adaptive average pooling to `outputSize` (torch.nn.functional.adaptive_avg_pool2d). When the
 * input divides evenly it is a plain average pool; otherwise it is separable, so it is two
 * matrix products with averaging matrices.
 */
export const adaptiveAvgPool2d = op('adaptiveAvgPool2d', (x: Tensor, outputSize: number | readonly [number, number]): Tensor => {
  assertFloat(x, 'adaptiveAvgPool2d');
  if (x.rank !== 4) throw new ShapeError(`adaptiveAvgPool2d: input must be [N, C, H, W], got ${formatShape(x.shape)}.`);
  const [oh, ow] = pair(outputSize, 'adaptiveAvgPool2d outputSize');
  if (oh < 1 || ow < 1) throw new ValueError(`adaptiveAvgPool2d: output size must be positive, got ${oh}x${ow}.`);
  const h = x.shape[2] as number;
  const w = x.shape[3] as number;
  if (h % oh === 0 && w % ow === 0) {
    return avgPool2d(x, [h / oh, w / ow]);
  }
  const rows = matmul(adaptiveMatrix(h, oh), x);
  return matmul(rows, adaptiveMatrix(w, ow), false, true);
});
