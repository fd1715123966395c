/** Elementwise kernels: unary, broadcasting binary, comparisons, Where, Clip, Cast. */
import type { CastAttrs, ClipAttrs } from '@parvus/core';
import type { KernelRecord, TracedValue } from '../../trace/trace.js';
import type { LoweringContext } from '../context.js';
import { ELEMENT_TYPE_OF } from '../context.js';
import { broadcastBatched } from '../batch.js';
import type { KernelLowering } from './kernel-lowering.js';

/** Kernels whose ONNX operator has the same meaning (Round is half to even in both). */
const SAME_UNARY = ['Neg', 'Abs', 'Sign', 'Exp', 'Log', 'Sqrt', 'Sigmoid', 'Tanh', 'Floor', 'Ceil', 'Round'];

const BINARY: Record<string, string> = {
  Add: 'Add',
  Sub: 'Sub',
  Mul: 'Mul',
  Div: 'Div',
  Pow: 'Pow',
  Maximum: 'Max',
  Minimum: 'Min',
  Equal: 'Equal',
  Less: 'Less',
  LessEqual: 'LessOrEqual',
  Greater: 'Greater',
  GreaterEqual: 'GreaterOrEqual',
};

function output(record: KernelRecord): TracedValue {
  return record.outputs[0] as TracedValue;
}

function defineElementwise(ctx: LoweringContext, record: KernelRecord, name: string): void {
  ctx.define(output(record), name, { batched: broadcastBatched(ctx, record.inputs, output(record)) });
}

function unary(onnxOp: string): KernelLowering {
  return (ctx, record) => defineElementwise(ctx, record, ctx.node(onnxOp, [ctx.value(record.inputs[0] as TracedValue)]));
}

function zeroOf(ctx: LoweringContext, value: TracedValue): string {
  return ctx.scalar('zero', ELEMENT_TYPE_OF[value.dtype], 0);
}

/** Relu: ONNX Relu takes integers only from opset 14. */
const relu: KernelLowering = (ctx, record) => {
  const x = record.inputs[0] as TracedValue;
  const name = x.dtype === 'float32' || ctx.opset >= 14 ? ctx.node('Relu', [ctx.value(x)]) : ctx.node('Max', [ctx.value(x), zeroOf(ctx, x)]);
  defineElementwise(ctx, record, name);
};

/** Trunc (toward zero) has no ONNX operator: ceil below zero, floor above. */
const trunc: KernelLowering = (ctx, record) => {
  const x = ctx.value(record.inputs[0] as TracedValue);
  const negative = ctx.node('Less', [x, zeroOf(ctx, record.inputs[0] as TracedValue)]);
  defineElementwise(ctx, record, ctx.node('Where', [negative, ctx.node('Ceil', [x]), ctx.node('Floor', [x])]));
};

/** log2 as ln(x) / ln 2 (close, not bit-exact at powers of two). */
const log2: KernelLowering = (ctx, record) => {
  const ln = ctx.node('Log', [ctx.value(record.inputs[0] as TracedValue)]);
  defineElementwise(ctx, record, ctx.node('Div', [ln, ctx.scalar('ln2', 'float32', Math.LN2)]));
};

function binary(onnxOp: string): KernelLowering {
  return (ctx, record) => {
    const [a, b] = record.inputs as [TracedValue, TracedValue];
    defineElementwise(ctx, record, ctx.node(onnxOp, [ctx.operand(a), ctx.operand(b)]));
  };
}

const notEqual: KernelLowering = (ctx, record) => {
  const [a, b] = record.inputs as [TracedValue, TracedValue];
  defineElementwise(ctx, record, ctx.node('Not', [ctx.node('Equal', [ctx.operand(a), ctx.operand(b)])]));
};

const where: KernelLowering = (ctx, record) => {
  const [condition, a, b] = record.inputs as [TracedValue, TracedValue, TracedValue];
  defineElementwise(ctx, record, ctx.node('Where', [ctx.operand(condition), ctx.operand(a), ctx.operand(b)]));
};

const clip: KernelLowering = (ctx, record) => {
  const x = record.inputs[0] as TracedValue;
  const { min, max } = record.attrs as unknown as ClipAttrs;
  const type = ELEMENT_TYPE_OF[x.dtype];
  // An infinite bound is an omitted input.
  const bound = (hint: string, v: number): string => (Number.isFinite(v) ? ctx.scalar(hint, type, v) : '');
  const inputs = [ctx.value(x), bound('min', min), bound('max', max)];
  while (inputs[inputs.length - 1] === '') inputs.pop();
  defineElementwise(ctx, record, ctx.node('Clip', inputs));
};

const ONNX_DATA_TYPE = { float32: 1, int32: 6, bool: 9 } as const;

const cast: KernelLowering = (ctx, record) => {
  const { dtype } = record.attrs as unknown as CastAttrs;
  defineElementwise(ctx, record, ctx.node('Cast', [ctx.value(record.inputs[0] as TracedValue)], { to: ONNX_DATA_TYPE[dtype] }));
};

export const elementwiseLowerings: Record<string, KernelLowering> = {
  ...Object.fromEntries(SAME_UNARY.map((name) => [name, unary(name)])),
  Relu: relu,
  Trunc: trunc,
  Log2: log2,
  ...Object.fromEntries(Object.entries(BINARY).map(([kernel, onnxOp]) => [kernel, binary(onnxOp)])),
  NotEqual: notEqual,
  Where: where,
  Clip: clip,
  Cast: cast,
};
