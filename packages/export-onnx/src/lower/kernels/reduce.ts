/**
 * Reductions: Sum → ReduceSum, Max → ReduceMax, Min → ReduceMin, ArgMax → ArgMax (then int32).
 * onnxruntime's float reductions skip NaN where torch's propagate it (Max, Min) or count it as the
 * maximum (ArgMax), so float32 graphs find the NaN with a reduction of IsNaN flags, as
 * backend-onnxruntime's kernels do.
 */
import type { ArgMaxAttrs, ReduceAttrs } from '@parvus/core';
import type { AttributeValue } from '../../graph/ir.js';
import type { TracedValue } from '../../trace/trace.js';
import type { LoweringContext } from '../context.js';
import type { KernelLowering } from './kernel-lowering.js';

/** ONNX Cast codes. */
const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;
const DOUBLE = 11;

/** Opset from which each reduction takes its axes as an input instead of an attribute. */
const AXES_AS_INPUT_SINCE: Record<string, number> = { ReduceSum: 13, ReduceMax: 18, ReduceMin: 18 };

/** A reduction node over `axes`, with the axes where this opset wants them. */
function reduceNode(ctx: LoweringContext, onnxOp: string, data: string, axes: readonly number[], keepDims: boolean): string {
  const attributes: Record<string, AttributeValue> = { keepdims: keepDims ? 1 : 0 };
  const inputs = [data];
  if (ctx.opset >= (AXES_AS_INPUT_SINCE[onnxOp] as number)) inputs.push(ctx.int64s('axes', axes));
  else attributes.axes = [...axes];
  return ctx.node(onnxOp, inputs, attributes);
}

function zero(ctx: LoweringContext): string {
  return ctx.scalar('zero', 'float32', 0);
}

/** Whether each slice over `axes` holds a NaN (bool, shaped as the reduction's output). */
function anyNaN(ctx: LoweringContext, input: string, axes: readonly number[], keepDims: boolean): string {
  const flags = ctx.node('Cast', [ctx.node('IsNaN', [input])], { to: FLOAT });
  return ctx.node('Greater', [reduceNode(ctx, 'ReduceMax', flags, axes, keepDims), zero(ctx)]);
}

function reduce(onnxOp: 'ReduceSum' | 'ReduceMax' | 'ReduceMin'): KernelLowering {
  return (ctx, record) => {
    const { axes, keepDims } = record.attrs as unknown as ReduceAttrs;
    const x = record.inputs[0] as TracedValue;
    const out = record.outputs[0] as TracedValue;
    const input = ctx.use(x);
    const batched = input.batched && !axes.includes(0);
    let name: string;
    if (onnxOp === 'ReduceSum' && x.dtype !== 'float32') {
      // bool and int32 sum to int32, wrapping: in int64 (exact), then cast (which wraps);
      // onnxruntime's int32 ReduceSum saturates instead. ONNX does not sum bool.
      const wide = ctx.node('Cast', [input.name], { to: INT64 });
      name = ctx.node('Cast', [axes.length === 0 ? wide : reduceNode(ctx, onnxOp, wide, axes, keepDims)], { to: INT32 });
    } else if (onnxOp === 'ReduceSum') {
      // Accumulated in float64 and rounded once, as the reference backend sums. Core's sums start
      // from +0, so that −0 terms alone sum to +0; onnxruntime's give −0 (and an empty axis list
      // is the identity), so zeros are made +0 (not by adding +0: onnxruntime's graph optimizations
      // remove an Add of 0).
      const sum = axes.length === 0 ? input.name : ctx.node('Cast', [reduceNode(ctx, onnxOp, ctx.node('Cast', [input.name], { to: DOUBLE }), axes, keepDims)], { to: FLOAT });
      name = ctx.node('Where', [ctx.node('Equal', [sum, zero(ctx)]), zero(ctx), sum]);
    } else if (axes.length === 0) {
      // An empty axis list reduces nothing (the kernel contract's identity).
      name = input.name;
    } else {
      name = reduceNode(ctx, onnxOp, input.name, axes, keepDims);
      if (x.dtype === 'float32') name = ctx.node('Where', [anyNaN(ctx, input.name, axes, keepDims), ctx.scalar('nan', 'float32', NaN), name]);
    }
    ctx.define(out, name, { batched });
  };
}

/** Index of the first maximum, NaN counting as the maximum (torch.argmax): the first NaN's where a slice has one. */
const argMax: KernelLowering = (ctx, record) => {
  const { axis, keepDims } = record.attrs as unknown as ArgMaxAttrs;
  const x = record.inputs[0] as TracedValue;
  const input = ctx.use(x);
  const attributes = { axis, keepdims: keepDims ? 1 : 0 };
  let indices: string;
  if (x.dtype === 'float32') {
    const isNaN = ctx.node('IsNaN', [input.name]);
    const numbers = ctx.node('Where', [isNaN, ctx.scalar('minus_infinity', 'float32', -Infinity), input.name]);
    const flags = ctx.node('Cast', [isNaN], { to: FLOAT });
    const hasNaN = ctx.node('Greater', [reduceNode(ctx, 'ReduceMax', flags, [axis], keepDims), zero(ctx)]);
    indices = ctx.node('Where', [hasNaN, ctx.node('ArgMax', [flags], attributes), ctx.node('ArgMax', [numbers], attributes)]);
  } else {
    indices = ctx.node('ArgMax', [input.name], attributes);
  }
  // ONNX indices are int64; the kernel's are int32.
  ctx.define(record.outputs[0] as TracedValue, ctx.node('Cast', [indices], { to: INT32 }), { batched: input.batched && axis !== 0 });
};

export const reduceLowerings: Record<string, KernelLowering> = {
  Sum: reduce('ReduceSum'),
  Max: reduce('ReduceMax'),
  Min: reduce('ReduceMin'),
  ArgMax: argMax,
};
