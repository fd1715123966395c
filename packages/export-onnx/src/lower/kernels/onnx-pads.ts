/**
 * ONNX orders 2-D pads as [top, left, bottom, right]; core's kernels as [top, bottom, left, right].
 * (backend-onnxruntime's conv-helpers.ts has the same helper; this package does not depend on it.)
 */
export function onnxPads(pads: readonly [number, number, number, number]): number[] {
  return [pads[0], pads[2], pads[1], pads[3]];
}
