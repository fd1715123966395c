/** ONNX attributes of the convolution kernels, from the contract's geometry. */
import type { Conv2DGeometry } from '@parvus/core';

/** ONNX orders pads as [top, left, bottom, right]; the contract as [top, bottom, left, right]. */
export function onnxPads(pads: readonly [number, number, number, number]): number[] {
  return [pads[0], pads[2], pads[1], pads[3]];
}

export function convAttributes(g: Conv2DGeometry): { strides: number[]; dilations: number[]; pads: number[]; group: number } {
  return { strides: [...g.strides], dilations: [...g.dilations], pads: onnxPads(g.pads), group: g.groups };
}

/**
 * ConvTranspose pads and output padding that produce exactly `size` outputs along one axis from
 * `inputs` positions: the full transposed length is cropped by `padBefore` in front and by
 * whatever is left at the end, or extended with output padding where the forward pass left
 * trailing input rows uncovered.
 */
export function transposedPadding(size: number, inputs: number, kernel: number, stride: number, dilation: number, padBefore: number): { padAfter: number; outputPadding: number } {
  const full = stride * (inputs - 1) + dilation * (kernel - 1) + 1;
  const padAfter = full - padBefore - size;
  return padAfter >= 0 ? { padAfter, outputPadding: 0 } : { padAfter: 0, outputPadding: -padAfter };
}
