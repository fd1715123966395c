/** 2-D pooling: MaxPool2D → MaxPool, AvgPool2D → AveragePool (PyTorch's padding and ceil mode). */
import type { AvgPool2DAttrs, MaxPool2DAttrs, Pool2DGeometry } from '@parvus/core';
import type { AttributeValue } from '../../graph/ir.js';
import type { TracedValue } from '../../trace/trace.js';
import type { KernelLowering } from './kernel-lowering.js';

function poolAttributes(attrs: Pool2DGeometry): Record<string, AttributeValue> {
  const { kernelSize, strides, pads, ceilMode } = attrs;
  const attributes: Record<string, AttributeValue> = {
    kernel_shape: [...kernelSize],
    strides: [...strides],
    // Core's pads are [top, bottom, left, right]; ONNX's are [top, left, bottom, right].
    pads: [pads[0], pads[2], pads[1], pads[3]],
  };
  if (ceilMode) attributes.ceil_mode = 1;
  return attributes;
}

const maxPool2D: KernelLowering = (ctx, record) => {
  const attrs = record.attrs as unknown as MaxPool2DAttrs;
  const attributes = poolAttributes(attrs);
  if (attrs.dilations[0] !== 1 || attrs.dilations[1] !== 1) attributes.dilations = [...attrs.dilations];
  const input = ctx.use(record.inputs[0] as TracedValue);
  ctx.define(record.outputs[0] as TracedValue, ctx.node('MaxPool', [input.name], attributes), { batched: input.batched });
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
  const input = ctx.use(record.inputs[0] as TracedValue);
  ctx.define(record.outputs[0] as TracedValue, ctx.node('AveragePool', [input.name], attributes), { batched: input.batched });
};

export const poolLowerings: Record<string, KernelLowering> = {
  MaxPool2D: maxPool2D,
  AvgPool2D: avgPool2D,
};
