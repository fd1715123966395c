/**
 * Output shapes, computed in JS before a kernel runs (the contract returns them synchronously), and
 * the checks that make a malformed call fail at the call rather than inside onnxruntime.
 */
import type { Conv2DGeometry, Pool2DGeometry } from '@parvus/core';
import { broadcastShapes, convOutputSize, formatShape } from '@parvus/core';

/**
 * NumPy broadcasting (as ONNX's multidirectional broadcasting): core's rule, failing with a plain
 * Error as the other checks here do, so that the engine reports it as a KernelError that names the
 * kernel and the backend (core's ShapeError would pass through unwrapped).
 */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  try {
    return broadcastShapes(a, b);
  } catch (error) {
    throw new Error((error as Error).message);
  }
}

/** The shape after reducing `axes` (sorted, non-negative). */
export function reducedShape(shape: readonly number[], axes: readonly number[], keepDims: boolean): number[] {
  for (const axis of axes) {
    if (!Number.isInteger(axis) || axis < 0 || axis >= shape.length) throw new Error(`axis ${axis} is out of range for shape ${formatShape(shape)}`);
  }
  return shape.flatMap((d, i) => (axes.includes(i) ? (keepDims ? [1] : []) : [d]));
}

export function checkAxis(axis: number, rank: number): void {
  if (!Number.isInteger(axis) || axis < 0 || axis >= Math.max(rank, 1)) throw new Error(`axis ${axis} is out of range for rank ${rank}`);
}

export function checkGeometry(g: Conv2DGeometry): void {
  const ok = [...g.strides, ...g.dilations].every((v) => Number.isInteger(v) && v >= 1) &&
    g.pads.every((v) => Number.isInteger(v) && v >= 0) && Number.isInteger(g.groups) && g.groups >= 1;
  if (!ok) throw new Error(`invalid convolution geometry ${JSON.stringify(g)}`);
}

/** The output shape of Conv2D, checking that x and w agree. */
export function conv2dOutputShape(x: readonly number[], w: readonly number[], g: Conv2DGeometry): [number, number, number, number] {
  if (x.length !== 4 || w.length !== 4) throw new Error(`conv2d needs rank-4 x and w, got ${formatShape(x)} and ${formatShape(w)}`);
  checkGeometry(g);
  const [n, c, h, wd] = x as [number, number, number, number];
  const [o, cg, kh, kw] = w as [number, number, number, number];
  if (cg * g.groups !== c || o % g.groups !== 0) {
    throw new Error(`weight ${formatShape(w)} does not fit input ${formatShape(x)} with ${g.groups} groups`);
  }
  const ho = convOutputSize(h, kh, g.strides[0], g.pads[0], g.pads[1], g.dilations[0]);
  const wo = convOutputSize(wd, kw, g.strides[1], g.pads[2], g.pads[3], g.dilations[1]);
  if (ho < 1 || wo < 1) throw new Error(`kernel ${formatShape(w)} is larger than the padded input ${formatShape(x)}`);
  return [n, o, ho, wo];
}

/** PyTorch's pooling output length: in ceil mode the last window must start inside the input or its leading padding. */
export function poolOutputLength(size: number, kernel: number, stride: number, padBefore: number, padAfter: number, dilation: number, ceilMode: boolean): number {
  const span = size + padBefore + padAfter - dilation * (kernel - 1) - 1;
  let out = Math.floor((span + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + padBefore) out -= 1;
  return out;
}

export function pool2dOutputShape(x: readonly number[], g: Pool2DGeometry, dilations: readonly [number, number] = [1, 1]): [number, number, number, number] {
  if (x.length !== 4) throw new Error(`pooling needs a rank-4 input, got ${formatShape(x)}`);
  const ok = [...g.kernelSize, ...g.strides, ...dilations].every((v) => Number.isInteger(v) && v >= 1) &&
    g.pads.every((v) => Number.isInteger(v) && v >= 0);
  if (!ok) throw new Error(`invalid pooling geometry ${JSON.stringify({ ...g, dilations })}`);
  const [n, c, h, w] = x as [number, number, number, number];
  const ho = poolOutputLength(h, g.kernelSize[0], g.strides[0], g.pads[0], g.pads[1], dilations[0], g.ceilMode);
  const wo = poolOutputLength(w, g.kernelSize[1], g.strides[1], g.pads[2], g.pads[3], dilations[1], g.ceilMode);
  if (ho < 1 || wo < 1) throw new Error(`pooling window larger than the padded input ${formatShape(x)}`);
  return [n, c, ho, wo];
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
