import { engine } from '../engine/engine.js';
import { op } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import * as k from '../kernels/kernel-names.js';
import { ShapeError, ValueError } from '../errors/errors.js';
import { formatShape, pair } from '../util/shape.js';
import { assertFloat } from './operands.js';
import { add } from './binary.js';
import { reshape, squeeze, unsqueeze } from './shape.js';

export type Padding2D = number | readonly [number, number] | 'same' | 'valid';
export type Padding1D = number | 'same' | 'valid';

export interface Conv2DOptions {
  stride?: number | readonly [number, number];
  padding?: Padding2D;
  dilation?: number | readonly [number, number];
  groups?: number;
}

export interface ConvTranspose2DOptions {
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number];
  outputPadding?: number | readonly [number, number];
  dilation?: number | readonly [number, number];
  groups?: number;
}

/** Output length of a convolution along one axis. */
export function convOutputSize(size: number, kernel: number, stride: number, padBefore: number, padAfter: number, dilation: number): number {
  return Math.floor((size + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

function checkPositive(values: readonly number[], what: string): void {
  for (const v of values) if (!(v >= 1)) throw new ValueError(`${what} must be ≥ 1, got ${values.join(', ')}.`);
}

/** Validated Conv2D geometry for x and w, resolving 'same'/'valid' padding as PyTorch does. */
export function conv2dGeometry(x: Tensor, w: Tensor, options: Conv2DOptions, what = 'conv2d'): k.Conv2DGeometry {
  if (x.rank !== 4) throw new ShapeError(`${what}: input must be [N, C, H, W], got ${formatShape(x.shape)}.`);
  if (w.rank !== 4) throw new ShapeError(`${what}: weight must be [out, in/groups, kH, kW], got ${formatShape(w.shape)}.`);
  const groups = options.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`${what}: groups must be a positive integer, got ${groups}.`);
  const strides = pair(options.stride ?? 1, `${what} stride`);
  const dilations = pair(options.dilation ?? 1, `${what} dilation`);
  checkPositive(strides, `${what} stride`);
  checkPositive(dilations, `${what} dilation`);
  const [, c, h, wd] = x.shape as [number, number, number, number];
  const [o, cg, kh, kw] = w.shape as [number, number, number, number];
  if (c !== cg * groups) {
    throw new ShapeError(
      `${what}: input has ${c} channels but weight ${formatShape(w.shape)} with groups=${groups} expects ${cg * groups}.`,
    );
  }
  if (o % groups !== 0) throw new ShapeError(`${what}: ${o} output channels are not divisible by groups=${groups}.`);
  let pads: [number, number, number, number];
  const padding = options.padding ?? 0;
  if (padding === 'valid') {
    pads = [0, 0, 0, 0];
  } else if (padding === 'same') {
    if (strides[0] !== 1 || strides[1] !== 1) throw new ValueError(`${what}: padding='same' is not supported for strided convolutions.`);
    const th = dilations[0] * (kh - 1);
    const tw = dilations[1] * (kw - 1);
    pads = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  } else {
    const [ph, pw] = pair(padding, `${what} padding`);
    if (ph < 0 || pw < 0) throw new ValueError(`${what}: padding must be non-negative, got ${String(padding)}.`);
    pads = [ph, ph, pw, pw];
  }
  const ho = convOutputSize(h, kh, strides[0], pads[0], pads[1], dilations[0]);
  const wo = convOutputSize(wd, kw, strides[1], pads[2], pads[3], dilations[1]);
  if (ho < 1 || wo < 1) {
    throw new ShapeError(`${what}: input ${formatShape(x.shape)} is smaller than the (dilated) kernel ${kh}x${kw} after padding.`);
  }
  return { strides, pads, dilations, groups };
}

function addChannelBias(y: Tensor, bias: Tensor | null | undefined, what: string): Tensor {
  if (!bias) return y;
  const channels = y.shape[1] as number;
  if (bias.rank !== 1 || bias.size !== channels) {
    throw new ShapeError(`${what}: bias ${formatShape(bias.shape)} does not match ${channels} output channels.`);
  }
  const shape = y.shape.map((_, i) => (i === 1 ? channels : 1));
  return add(y, reshape(bias, shape));
}

/** 2-D convolution (torch.nn.functional.conv2d), NCHW. */
export const conv2d = op('conv2d', (x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv2DOptions = {}): Tensor => {
  assertFloat(x, 'conv2d');
  assertFloat(weight, 'conv2d');
  const geometry = conv2dGeometry(x, weight, options);
  return addChannelBias(engine().runKernel(k.Conv2D, [x, weight], geometry), bias, 'conv2d');
});

export interface Conv1DOptions {
  stride?: number;
  padding?: Padding1D;
  dilation?: number;
  groups?: number;
}

/** 1-D convolution over [N, C, L], computed as a 2-D one with height 1. */
export const conv1d = op('conv1d', (x: Tensor, weight: Tensor, bias?: Tensor | null, options: Conv1DOptions = {}): Tensor => {
  if (x.rank !== 3) throw new ShapeError(`conv1d: input must be [N, C, L], got ${formatShape(x.shape)}.`);
  if (weight.rank !== 3) throw new ShapeError(`conv1d: weight must be [out, in/groups, k], got ${formatShape(weight.shape)}.`);
  const padding = options.padding ?? 0;
  const y = conv2d(unsqueeze(x, 2), unsqueeze(weight, 2), bias, {
    stride: [1, options.stride ?? 1],
    padding: typeof padding === 'number' ? [0, padding] : padding,
    dilation: [1, options.dilation ?? 1],
    groups: options.groups ?? 1,
  });
  return squeeze(y, 2);
});

/** 2-D transposed convolution (torch.nn.functional.conv_transpose2d); weight is [in, out/groups, kH, kW]. */
export const convTranspose2d = op('convTranspose2d', (x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose2DOptions = {}): Tensor => {
  assertFloat(x, 'convTranspose2d');
  assertFloat(weight, 'convTranspose2d');
  if (x.rank !== 4) throw new ShapeError(`convTranspose2d: input must be [N, C, H, W], got ${formatShape(x.shape)}.`);
  if (weight.rank !== 4) throw new ShapeError(`convTranspose2d: weight must be [in, out/groups, kH, kW], got ${formatShape(weight.shape)}.`);
  const groups = options.groups ?? 1;
  const strides = pair(options.stride ?? 1, 'convTranspose2d stride');
  const dilations = pair(options.dilation ?? 1, 'convTranspose2d dilation');
  const [ph, pw] = pair(options.padding ?? 0, 'convTranspose2d padding');
  const [oph, opw] = pair(options.outputPadding ?? 0, 'convTranspose2d outputPadding');
  checkPositive(strides, 'convTranspose2d stride');
  checkPositive(dilations, 'convTranspose2d dilation');
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`convTranspose2d: groups must be a positive integer, got ${groups}.`);
  if (oph >= Math.max(strides[0], dilations[0]) || opw >= Math.max(strides[1], dilations[1]) || oph < 0 || opw < 0) {
    throw new ValueError('convTranspose2d: outputPadding must be non-negative and smaller than stride or dilation.');
  }
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const [ci, cog, kh, kw] = weight.shape as [number, number, number, number];
  if (c !== ci) throw new ShapeError(`convTranspose2d: input has ${c} channels but weight ${formatShape(weight.shape)} expects ${ci}.`);
  if (ci % groups !== 0) throw new ShapeError(`convTranspose2d: ${ci} input channels are not divisible by groups=${groups}.`);
  const ho = (h - 1) * strides[0] - 2 * ph + dilations[0] * (kh - 1) + oph + 1;
  const wo = (w - 1) * strides[1] - 2 * pw + dilations[1] * (kw - 1) + opw + 1;
  if (ho < 1 || wo < 1) throw new ShapeError(`convTranspose2d: output size ${ho}x${wo} is not positive.`);
  const attrs: k.Conv2DBackpropInputAttrs = {
    strides,
    pads: [ph, ph, pw, pw],
    dilations,
    groups,
    inputShape: [n, cog * groups, ho, wo],
  };
  return addChannelBias(engine().runKernel(k.Conv2DBackpropInput, [x, weight], attrs), bias, 'convTranspose2d');
});

export interface ConvTranspose1DOptions {
  stride?: number;
  padding?: number;
  outputPadding?: number;
  dilation?: number;
  groups?: number;
}

/** 1-D transposed convolution over [N, C, L]. */
export const convTranspose1d = op('convTranspose1d', (x: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTranspose1DOptions = {}): Tensor => {
  if (x.rank !== 3) throw new ShapeError(`convTranspose1d: input must be [N, C, L], got ${formatShape(x.shape)}.`);
  if (weight.rank !== 3) throw new ShapeError(`convTranspose1d: weight must be [in, out/groups, k], got ${formatShape(weight.shape)}.`);
  const y = convTranspose2d(unsqueeze(x, 2), unsqueeze(weight, 2), bias, {
    stride: [1, options.stride ?? 1],
    padding: [0, options.padding ?? 0],
    outputPadding: [0, options.outputPadding ?? 0],
    dilation: [1, options.dilation ?? 1],
    groups: options.groups ?? 1,
  });
  return squeeze(y, 2);
});
