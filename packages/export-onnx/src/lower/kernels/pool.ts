/**
 * 2-D pooling: MaxPool2D → MaxPool, AvgPool2D → AveragePool (PyTorch's padding and ceil mode).
 * onnxruntime's MaxPool skips NaN where core's propagates it; the lowering keeps the single MaxPool
 * that integer runtimes fuse with the quantizers around it.
 */
import type { AvgPool2DAttrs, MaxPool2DAttrs, Pool2DGeometry } from '@parvus/core';
import type { AttributeValue } from '../../graph/ir.js';
import type { KernelRecord, TracedValue } from '../../trace/trace.js';
import type { LoweringContext } from '../context.js';
import type { KernelLowering } from './kernel-lowering.js';
import { onnxPads } from './onnx-pads.js';

function poolAttributes(attrs: Pool2DGeometry): Record<string, AttributeValue> {
  const { kernelSize, strides, pads, ceilMode } = attrs;
  const attributes: Record<string, AttributeValue> = {
    kernel_shape: [...kernelSize],
    strides: [...strides],
    pads: onnxPads(pads),
  };
  if (ceilMode) attributes.ceil_mode = 1;
  return attributes;
}

/**
 * The pooled value as the kernel shapes it. In ceil mode PyTorch drops a last window that would
 * start in the bottom/right padding, which ONNX's ceil mode keeps: that extra row or column is
 * sliced off (the other windows are the same in both).
 */
function pool(ctx: LoweringContext, record: KernelRecord, onnxOp: string, attributes: Record<string, AttributeValue>, dilations: readonly [number, number]): void {
  const x = record.inputs[0] as TracedValue;
  const out = record.outputs[0] as TracedValue;
  const attrs = record.attrs as unknown as Pool2DGeometry;
  const input = ctx.use(x);
  let name = ctx.node(onnxOp, [input.name], attributes);
  if (attrs.ceilMode) {
    const onnxSize = (axis: 0 | 1): number => {
      const span = (x.shape[axis + 2] as number) + attrs.pads[2 * axis]! + attrs.pads[2 * axis + 1]! - (attrs.kernelSize[axis] - 1) * dilations[axis] - 1;
      return Math.ceil(span / attrs.strides[axis]) + 1;
    };
    const [ho, wo] = [out.shape[2] as number, out.shape[3] as number];
    if (onnxSize(0) !== ho || onnxSize(1) !== wo) {
      name = ctx.node('Slice', [name, ctx.int64s('starts', [0, 0]), ctx.int64s('ends', [ho, wo]), ctx.int64s('axes', [2, 3])]);
    }
  }
  ctx.define(out, name, { batched: input.batched });
}

const maxPool2D: KernelLowering = (ctx, record) => {
  const attrs = record.attrs as unknown as MaxPool2DAttrs;
  const attributes = poolAttributes(attrs);
  if (attrs.dilations[0] !== 1 || attrs.dilations[1] !== 1) attributes.dilations = [...attrs.dilations];
  pool(ctx, record, 'MaxPool', attributes, attrs.dilations);
};

const avgPool2D: KernelLowering = (ctx, record) => {
  const attrs = record.attrs as unknown as AvgPool2DAttrs;
  const [kh, kw] = attrs.kernelSize;
  const unpadded = attrs.pads.every((p) => p === 0);
  if (attrs.divisorOverride !== null && !(attrs.divisorOverride === kh * kw && (unpadded || attrs.countIncludePad) && !attrs.ceilMode)) {
    ctx.fail(`average pooling with divisorOverride=${attrs.divisorOverride} (other than the window size) has no ONNX AveragePool equivalent`);
  }
  const attributes = poolAttributes(attrs);
  if (attrs.countIncludePad && !unpadded) attributes.count_include_pad = 1;
  pool(ctx, record, 'AveragePool', attributes, [1, 1]);
};

export const poolLowerings: Record<string, KernelLowering> = {
  MaxPool2D: maxPool2D,
  AvgPool2D: avgPool2D,
};
