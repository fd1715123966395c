/** Reductions: Sum → ReduceSum, Max → ReduceMax, Min → ReduceMin, ArgMax → ArgMax (then int32). */
import type { ArgMaxAttrs, ReduceAttrs } from '@parvus/core';
import type { AttributeValue } from '../../graph/ir.js';
import type { TracedValue } from '../../trace/trace.js';
import type { LoweringContext } from '../context.js';
import type { KernelLowering } from './kernel-lowering.js';

/** Opset from which each reduction takes its axes as an input instead of an attribute. */
const AXES_AS_INPUT_SINCE: Record<string, number> = { ReduceSum: 13, ReduceMax: 18, ReduceMin: 18 };

function reduce(onnxOp: string): KernelLowering {
  return (ctx, record) => {
    const { axes, keepDims } = record.attrs as unknown as ReduceAttrs;
    const x = record.inputs[0] as TracedValue;
    const out = record.outputs[0] as TracedValue;
    const input = ctx.use(x);
    // Summing bool or int32 gives int32; ONNX does not sum bool.
    const data = x.dtype === 'bool' ? ctx.node('Cast', [input.name], { to: 6 }) : input.name;
    // An empty axis list reduces nothing (the kernel contract's identity).
    const batched = input.batched && !axes.includes(0);
    if (axes.length === 0) {
      ctx.define(out, data, { batched });
      return;
    }
    const attributes: Record<string, AttributeValue> = { keepdims: keepDims ? 1 : 0 };
    const inputs = [data];
    if (ctx.opset >= (AXES_AS_INPUT_SINCE[onnxOp] as number)) inputs.push(ctx.int64s('axes', axes));
    else attributes.axes = [...axes];
    ctx.define(out, ctx.node(onnxOp, inputs, attributes), { batched });
  };
}

const argMax: KernelLowering = (ctx: LoweringContext, record) => {
  const { axis, keepDims } = record.attrs as unknown as ArgMaxAttrs;
  const input = ctx.use(record.inputs[0] as TracedValue);
  const indices = ctx.node('ArgMax', [input.name], { axis, keepdims: keepDims ? 1 : 0 });
  // ONNX indices are int64; the kernel's are int32.
  ctx.define(record.outputs[0] as TracedValue, ctx.node('Cast', [indices], { to: 6 }), { batched: input.batched && axis !== 0 });
};

export const reduceLowerings: Record<string, KernelLowering> = {
  Sum: reduce('ReduceSum'),
  Max: reduce('ReduceMax'),
  Min: reduce('ReduceMin'),
  ArgMax: argMax,
};
