/** Shared geometry of the pooling kernels: ONNX attributes and PyTorch's average-pool divisors. */
import type { AvgPool2DAttrs, MaxPool2DAttrs } from '@parvus/core';
import { onnxPads } from './conv-helpers.js';

export function maxPoolAttributes(a: MaxPool2DAttrs): Record<string, number | number[]> {
  return {
    kernel_shape: [...a.kernelSize],
    strides: [...a.strides],
    pads: onnxPads(a.pads),
    dilations: [...a.dilations],
    ceil_mode: a.ceilMode ? 1 : 0,
  };
}

/** Per-position divisors along one axis: torch's padded-window or in-bounds-window size. */
function divisorsAlong(size: number, outputs: number, kernel: number, stride: number, padBefore: number, padAfter: number, countIncludePad: boolean): number[] {
  const divisors: number[] = [];
  for (let i = 0; i < outputs; i++) {
    const start = i * stride - padBefore;
    const end = Math.min(start + kernel, size + padAfter);
    const inside = Math.min(end, size) - Math.max(start, 0);
    // A window entirely in the padding sums nothing; its divisor only has to be non-zero.
    divisors.push(inside <= 0 ? 1 : countIncludePad ? end - start : inside);
  }
  return divisors;
}

/** The [Ho, Wo] divisors of an average pool (PyTorch's avg_pool2d rules). */
export function avgPoolDivisors(h: number, w: number, ho: number, wo: number, a: AvgPool2DAttrs): number[] {
  if (a.divisorOverride !== null) {
    if (!(a.divisorOverride > 0)) throw new Error(`divisorOverride must be positive, got ${a.divisorOverride}`);
    return new Array<number>(ho * wo).fill(a.divisorOverride);
  }
  const rows = divisorsAlong(h, ho, a.kernelSize[0], a.strides[0], a.pads[0], a.pads[1], a.countIncludePad);
  const cols = divisorsAlong(w, wo, a.kernelSize[1], a.strides[1], a.pads[2], a.pads[3], a.countIncludePad);
  return rows.flatMap((r) => cols.map((c) => r * c));
}

/**
 * Bottom/right zero padding that makes a stride-s convolution with a k-window give exactly
 * `outputs` positions from `size` inputs after `padBefore` (the windows that ceil mode adds).
 */
export function sumPoolPadAfter(size: number, outputs: number, kernel: number, stride: number, padBefore: number): number {
  return Math.max(0, (outputs - 1) * stride + kernel - size - padBefore);
}
