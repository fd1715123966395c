/**
 * Weight layers: MatMul (Gemm for 2-D operands, as a linear layer), Conv2D (Conv) and
 * Conv2DBackpropInput (ConvTranspose), and the bias Add that follows them, which becomes their
 * third input. Core computes 1-D convolutions as 2-D ones of height 1; the graph gets a 1-D Conv.
 */
import type { Conv2DAttrs, Conv2DBackpropInputAttrs, MatMulAttrs } from '@parvus/core';
import type { AttributeValue } from '../../graph/ir.js';
import type { KernelRecord, TracedValue } from '../../trace/trace.js';
import type { GraphValue, LoweringContext } from '../context.js';
import { broadcastBatched, isBatched } from '../batch.js';
import { elementwiseLowerings } from './elementwise.js';
import type { KernelLowering } from './kernel-lowering.js';
import { onnxPads } from './onnx-pads.js';

function weight(ctx: LoweringContext, w: TracedValue, shape?: readonly number[]): string {
  if (ctx.isDynamic(w)) return shape ? ctx.fail('a 1-D convolution with a weight computed from the input is not supported') : ctx.value(w);
  return ctx.constant(w, shape ? { shape } : {}, 'weight');
}

/**
 * The rank-3 graph value behind a 1-D convolution's input, when the kernel's 4-D input is that
 * value with a unit height inserted and the height axis does nothing (kernel 1, stride 1, no pad).
 */
function oneDimensionalSource(ctx: LoweringContext, x: TracedValue, w: TracedValue, attrs: Conv2DAttrs): GraphValue | null {
  if (ctx.isDynamic(w) || x.shape[2] !== 1 || w.shape[2] !== 1) return null;
  if (attrs.strides[0] !== 1 || attrs.pads[0] !== 0 || attrs.pads[1] !== 0 || attrs.dilations[0] !== 1) return null;
  const source = ctx.source(x);
  const [n, c, , l] = x.shape as [number, number, number, number];
  const s = source.shape;
  return s.length === 3 && s[0] === n && s[1] === c && s[2] === l ? source : null;
}

function convAttributes(attrs: Conv2DAttrs, kernel: readonly number[], oneDimensional: boolean): Record<string, AttributeValue> {
  const { strides, pads, dilations, groups } = attrs;
  if (oneDimensional) {
    return { kernel_shape: [kernel[1] as number], strides: [strides[1]], pads: [pads[2], pads[3]], dilations: [dilations[1]], group: groups };
  }
  return { kernel_shape: [...kernel], strides: [...strides], pads: onnxPads(pads), dilations: [...dilations], group: groups };
}

const conv2D: KernelLowering = (ctx, record) => {
  const [x, w] = record.inputs as [TracedValue, TracedValue];
  const attrs = record.attrs as unknown as Conv2DAttrs;
  const out = record.outputs[0] as TracedValue;
  const [o, cg, kh, kw] = w.shape as [number, number, number, number];
  if (!ctx.isDynamic(x)) ctx.fail('a convolution of a constant input with a weight computed from the input is not supported');
  const source = oneDimensionalSource(ctx, x, w, attrs);
  if (source) {
    const name = ctx.node('Conv', [source.name, weight(ctx, w, [o, cg, kw])], convAttributes(attrs, [kh, kw], true));
    ctx.define(out, name, { batched: source.batched, shape: [out.shape[0] as number, o, out.shape[3] as number] });
    return;
  }
  const input = ctx.use(x);
  ctx.define(out, ctx.node('Conv', [input.name, weight(ctx, w)], convAttributes(attrs, [kh, kw], false)), { batched: input.batched });
};

/** Transposed convolution: Conv2DBackpropInput's weight layout [in, out/groups, kH, kW] is ConvTranspose's. */
const conv2DBackpropInput: KernelLowering = (ctx, record) => {
  const [x, w] = record.inputs as [TracedValue, TracedValue];
  const attrs = record.attrs as unknown as Conv2DBackpropInputAttrs;
  const out = record.outputs[0] as TracedValue;
  const [ci, cog, kh, kw] = w.shape as [number, number, number, number];
  if (!ctx.isDynamic(x)) ctx.fail('a transposed convolution of a constant input with a weight computed from the input is not supported');
  const { strides, pads, dilations } = attrs;
  const [, , hi, wi] = x.shape as [number, number, number, number];
  const [, , ho, wo] = attrs.inputShape;
  // ONNX: out = stride·(in − 1) + output_padding + dilation·(k − 1) + 1 − pads.
  const outputPadding = (outSize: number, inSize: number, k: number, axis: 0 | 1): number =>
    outSize - ((inSize - 1) * (strides[axis] as number) - (pads[2 * axis] as number) - (pads[2 * axis + 1] as number) + (dilations[axis] as number) * (k - 1) + 1);
  const padH = outputPadding(ho, hi, kh, 0);
  const padW = outputPadding(wo, wi, kw, 1);
  const source = ho === 1 && padH === 0 ? oneDimensionalSource(ctx, x, w, attrs) : null;
  const attributes = convAttributes(attrs, [kh, kw], source !== null);
  const outputPaddings = source ? [padW] : [padH, padW];
  if (outputPaddings.some((p) => p !== 0)) attributes.output_padding = outputPaddings;
  if (source) {
    const name = ctx.node('ConvTranspose', [source.name, weight(ctx, w, [ci, cog, kw])], attributes);
    ctx.define(out, name, { batched: source.batched, shape: [out.shape[0] as number, out.shape[1] as number, out.shape[3] as number] });
    return;
  }
  const input = ctx.use(x);
  ctx.define(out, ctx.node('ConvTranspose', [input.name, weight(ctx, w)], attributes), { batched: input.batched });
};

function lastTwoSwapped(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

const matMul: KernelLowering = (ctx, record) => {
  const [a, b] = record.inputs as [TracedValue, TracedValue];
  const { transposeA, transposeB } = record.attrs as unknown as MatMulAttrs;
  const out = record.outputs[0] as TracedValue;
  const operand = (v: TracedValue): string => (ctx.isDynamic(v) ? ctx.value(v) : ctx.constant(v, {}, 'weight'));
  if (a.shape.length === 2 && b.shape.length === 2) {
    // Gemm: a linear layer keeps its [out, in] weight (and per-output-channel axis 0) as is.
    if ((transposeA && isBatched(ctx, a)) || isBatched(ctx, b)) ctx.failBatch('a matrix product contracts the batch axis');
    const attributes: Record<string, AttributeValue> = {};
    if (transposeA) attributes.transA = 1;
    if (transposeB) attributes.transB = 1;
    ctx.define(out, ctx.node('Gemm', [operand(a), operand(b)], attributes), { batched: isBatched(ctx, a) });
    return;
  }
  const transposed = (v: TracedValue, transpose: boolean): string => {
    if (!transpose) return operand(v);
    const perm = lastTwoSwapped(v.shape.length);
    return ctx.isDynamic(v) ? ctx.node('Transpose', [ctx.value(v)], { perm }) : ctx.constant(v, { perm }, 'weight');
  };
  const batched = broadcastBatched(ctx, [a, b], out);
  ctx.define(out, ctx.node('MatMul', [transposed(a, transposeA), transposed(b, transposeB)]), { batched });
};

const BIAS_TAKERS = ['Conv', 'ConvTranspose', 'Gemm'];

/** A per-channel constant added to a Conv/ConvTranspose/Gemm output that nothing else reads becomes the op's bias input. */
function foldBias(ctx: LoweringContext, record: KernelRecord, accumulator: TracedValue, bias: TracedValue): boolean {
  if (accumulator.dtype !== 'float32' || !ctx.isDynamic(accumulator) || ctx.isDynamic(bias)) return false;
  const out = record.outputs[0] as TracedValue;
  if (out.shape.length !== accumulator.shape.length || out.shape.some((d, i) => d !== accumulator.shape[i])) return false;
  const source = ctx.source(accumulator);
  const node = ctx.graph.producer(source.name);
  if (!node || node.inputs.length !== 2 || !BIAS_TAKERS.includes(node.opType) || ctx.trace.consumers(accumulator) !== 1) return false;
  // Channels are axis 1 of a Conv/ConvTranspose output [N, C, …] and of a Gemm output [N, C].
  const channelAxis = 1;
  const channels = accumulator.shape[channelAxis] as number;
  const offset = accumulator.shape.length - bias.shape.length;
  if (offset < 0 || offset > channelAxis) return false;
  const perChannel = bias.shape.every((d, i) => (i + offset === channelAxis ? d === channels : d === 1));
  if (!perChannel) return false;
  node.inputs.push(ctx.constant(bias, { shape: [channels] }, 'bias'));
  ctx.define(out, source.name, { batched: source.batched, shape: source.shape });
  return true;
}

const add: KernelLowering = (ctx, record) => {
  const [a, b] = record.inputs as [TracedValue, TracedValue];
  if (foldBias(ctx, record, a, b) || foldBias(ctx, record, b, a)) return;
  (elementwiseLowerings.Add as KernelLowering)(ctx, record);
};

export const linearLowerings: Record<string, KernelLowering> = {
  Conv2D: conv2D,
  Conv2DBackpropInput: conv2DBackpropInput,
  MatMul: matMul,
  Add: add,
};
