/**
 * Elementwise kernels: unary, broadcasting binary, comparisons, Where, Clip, Cast. Each graph
 * computes what core's kernel computes (the reference backend's values, NaN, −0 and int32
 * included), with the recipes of backend-onnxruntime's kernels on the CPU, written again here
 * because this package does not depend on that one. Exp and Sigmoid are the exceptions: torch's
 * are built on SLEEF's exp, which backend-onnxruntime rebuilds as a graph of several dozen nodes
 * (too much to put in a deployed model for an ulp), and torch's sigmoid takes it on blocks of 16
 * elements of the flattened tensor (libm's exp on the rest), which would make the graph depend on
 * the batch size. Here exp is correctly rounded (through float64), within an ulp or two of torch's. test/lowerings.test.ts checks every lowering
 * against the reference backend.
 */
import type { CastAttrs, ClipAttrs } from '@parvus/core';
import type { KernelRecord, TracedValue } from '../../trace/trace.js';
import type { LoweringContext } from '../context.js';
import { broadcastBatched } from '../batch.js';
import type { KernelLowering } from './kernel-lowering.js';

/** ONNX TensorProto.DataType codes for Cast's `to`. */
const FLOAT = 1;
const INT32 = 6;
const BOOL = 9;
const DOUBLE = 11;

const ONNX_DATA_TYPE = { float32: FLOAT, int32: INT32, bool: BOOL } as const;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function output(record: KernelRecord): TracedValue {
  return record.outputs[0] as TracedValue;
}

function defineElementwise(ctx: LoweringContext, record: KernelRecord, name: string): void {
  ctx.define(output(record), name, { batched: broadcastBatched(ctx, record.inputs, output(record)) });
}

/** Builds a unary kernel's value from its input's name. */
type UnaryBuilder = (ctx: LoweringContext, x: string) => string;

/**
 * A unary kernel: `float32` builds float32 inputs; `int32` builds int32 inputs, or is 'identity'
 * (rounding functions), or is absent where core does not define the kernel on integers (the trace
 * then fails before lowering).
 */
function unary(float32: UnaryBuilder, int32?: UnaryBuilder | 'identity'): KernelLowering {
  return (ctx, record) => {
    const x = record.inputs[0] as TracedValue;
    const build = (x.dtype === 'float32' ? float32 : x.dtype === 'int32' ? int32 : undefined) ?? ctx.fail(`${record.kernelName} is not defined for ${x.dtype} tensors`);
    const input = ctx.value(x);
    defineElementwise(ctx, record, build === 'identity' ? input : build(ctx, input));
  };
}

/** An ONNX operator with the kernel's meaning on both dtypes. */
function sameOp(onnxOp: string): UnaryBuilder {
  return (ctx, x) => ctx.node(onnxOp, [x]);
}

/**
 * A float32 function evaluated in float64 and rounded once, as the reference backend computes it
 * with Math.*: onnxruntime's float32 kernels are an ulp off often enough to break bit-exactness.
 */
function inFloat64(onnxOp: string): UnaryBuilder {
  return (ctx, x) => ctx.node('Cast', [ctx.node(onnxOp, [ctx.node('Cast', [x], { to: DOUBLE })])], { to: FLOAT });
}

function floatZero(ctx: LoweringContext): string {
  return ctx.scalar('zero', 'float32', 0);
}

/** torch.sign is (0 < x) − (x < 0): +0 for ±0 and for NaN (ONNX Sign gives NaN for NaN). */
const signFloat: UnaryBuilder = (ctx, x) => {
  const positive = ctx.node('Cast', [ctx.node('Greater', [x, floatZero(ctx)])], { to: FLOAT });
  const negative = ctx.node('Cast', [ctx.node('Less', [x, floatZero(ctx)])], { to: FLOAT });
  return ctx.node('Sub', [positive, negative]);
};

/**
 * Trunc (toward zero) has no ONNX operator: floor above zero, ceil elsewhere (−0.5 → −0, −0 → −0,
 * NaN → NaN). The ceil branch is Where's second operand on purpose: onnxruntime's Where turns a −0
 * taken from its first operand into +0.
 */
const truncFloat: UnaryBuilder = (ctx, x) =>
  ctx.node('Where', [ctx.node('Greater', [x, floatZero(ctx)]), ctx.node('Floor', [x]), ctx.node('Ceil', [x])]);

/**
 * log2 as log(x) / ln 2 in float64, rounded once to float32: exact at powers of two (power-of-two
 * scaling depends on it), where the same in float32 is not, and correctly rounded elsewhere.
 */
const log2Float: UnaryBuilder = (ctx, x) => {
  const log = ctx.node('Log', [ctx.node('Cast', [x], { to: DOUBLE })]);
  return ctx.node('Cast', [ctx.node('Div', [log, ctx.scalar('ln2', 'float64', Math.LN2)])], { to: FLOAT });
};

/**
 * 1 / (1 + exp(−x)) in float32 as torch computes it, with exp correctly rounded (through float64)
 * instead of SLEEF's: ONNX Sigmoid is not that formula (onnxruntime's is off by many ulps near 0
 * and flushes tiny results to 0).
 */
const sigmoidFloat: UnaryBuilder = (ctx, x) => {
  const one = ctx.scalar('one', 'float32', 1);
  const exp = inFloat64('Exp')(ctx, ctx.node('Neg', [x]));
  return ctx.node('Div', [one, ctx.node('Add', [one, exp])]);
};

/** Relu: ONNX Relu takes integers only from opset 14; max(x, 0) before. Both keep −0 and NaN. */
const relu: KernelLowering = (ctx, record) => {
  const x = record.inputs[0] as TracedValue;
  const name = x.dtype === 'float32' || ctx.opset >= 14 ? ctx.node('Relu', [ctx.value(x)]) : ctx.node('Max', [ctx.value(x), ctx.scalar('zero', 'int32', 0)]);
  defineElementwise(ctx, record, name);
};

const UNARY: Record<string, KernelLowering> = {
  Neg: unary(sameOp('Neg'), sameOp('Neg')),
  Abs: unary(sameOp('Abs'), sameOp('Abs')),
  Sign: unary(signFloat, sameOp('Sign')),
  // Within an ulp or two of torch's, not bit-exact: see the file's comment.
  Exp: unary(inFloat64('Exp')),
  Sigmoid: unary(sigmoidFloat),
  Log: unary(inFloat64('Log')),
  Log2: unary(log2Float),
  // IEEE square roots are correctly rounded everywhere.
  Sqrt: unary(sameOp('Sqrt')),
  Tanh: unary(inFloat64('Tanh')),
  // ONNX's rounding operators take no integers; integers are their own floor, ceil and round.
  Floor: unary(sameOp('Floor'), 'identity'),
  Ceil: unary(sameOp('Ceil'), 'identity'),
  // ONNX Round rounds half to even and keeps the sign of zero, as torch.round.
  Round: unary(sameOp('Round'), 'identity'),
  Trunc: unary(truncFloat, 'identity'),
  Relu: relu,
};

/** Builds a binary kernel's value from its operands' names; `dtype` is the operands' dtype. */
type BinaryBuilder = (ctx: LoweringContext, a: string, b: string, dtype: TracedValue['dtype']) => string;

function binary(build: BinaryBuilder): KernelLowering {
  return (ctx, record) => {
    const [a, b] = record.inputs as [TracedValue, TracedValue];
    defineElementwise(ctx, record, build(ctx, ctx.operand(a), ctx.operand(b), a.dtype));
  };
}

function binaryOp(onnxOp: string): KernelLowering {
  return binary((ctx, a, b) => ctx.node(onnxOp, [a, b]));
}

/** C pow: float32 through float64, rounded once (as Math.pow); int32 as ONNX's. */
const pow = binary((ctx, a, b, dtype) => {
  if (dtype !== 'float32') return ctx.node('Pow', [a, b]);
  const to64 = (v: string): string => ctx.node('Cast', [v], { to: DOUBLE });
  return ctx.node('Cast', [ctx.node('Pow', [to64(a), to64(b)])], { to: FLOAT });
});

/** Ordering comparisons: ONNX defines them on numbers, so bool operands compare as int32 (false < true). */
function ordering(onnxOp: string): KernelLowering {
  return binary((ctx, a, b, dtype) => {
    if (dtype !== 'bool') return ctx.node(onnxOp, [a, b]);
    return ctx.node(onnxOp, [ctx.node('Cast', [a], { to: INT32 }), ctx.node('Cast', [b], { to: INT32 })]);
  });
}

const BINARY: Record<string, KernelLowering> = {
  Add: binaryOp('Add'),
  Sub: binaryOp('Sub'),
  Mul: binaryOp('Mul'),
  Div: binaryOp('Div'),
  Pow: pow,
  // ONNX Max and Min propagate NaN, as torch.maximum and torch.minimum.
  Maximum: binaryOp('Max'),
  Minimum: binaryOp('Min'),
  Equal: binaryOp('Equal'),
  // not(a = b): true when either operand is NaN, as torch.ne.
  NotEqual: binary((ctx, a, b) => ctx.node('Not', [ctx.node('Equal', [a, b])])),
  Less: ordering('Less'),
  LessEqual: ordering('LessOrEqual'),
  Greater: ordering('Greater'),
  GreaterEqual: ordering('GreaterOrEqual'),
};

/**
 * where(condition, a, b), copying values exactly. onnxruntime's Where has no bool kernel, so bool
 * operands select with logic, (c ∧ a) ∨ (¬c ∧ b); and it merges its two selections with
 * `x != 0 ? x : y`, which turns a −0 taken from `a` into +0, so float32 results are multiplied by
 * −1 exactly where that happened.
 */
const where: KernelLowering = (ctx, record) => {
  const [condition, x, y] = record.inputs as [TracedValue, TracedValue, TracedValue];
  const [c, a, b] = [ctx.operand(condition), ctx.operand(x), ctx.operand(y)];
  let name: string;
  if (x.dtype === 'int32') {
    name = ctx.node('Where', [c, a, b]);
  } else if (x.dtype === 'float32') {
    const selected = ctx.node('Where', [c, a, b]);
    const zero = floatZero(ctx);
    const negativeZero = ctx.node('And', [ctx.node('Equal', [a, zero]), ctx.node('Less', [ctx.node('Div', [ctx.scalar('one', 'float32', 1), a]), zero])]);
    const lostSign = ctx.node('And', [c, negativeZero]);
    const factor = ctx.node('Where', [lostSign, ctx.scalar('minus_one', 'float32', -1), ctx.scalar('one', 'float32', 1)]);
    name = ctx.node('Mul', [selected, factor]);
  } else {
    name = ctx.node('Or', [ctx.node('And', [c, a]), ctx.node('And', [ctx.node('Not', [c]), b])]);
  }
  defineElementwise(ctx, record, name);
};

/**
 * clamp(x, min, max) as torch.clamp: min(max(x, lo), hi). float32 is ONNX Clip, which keeps NaN
 * and −0. int32 selects with comparisons against the integer
 * bounds (v < lo ⇔ v < ceil(lo) for an integer v; the result is the bound stored as int32, i.e.
 * truncated), so that bounds outside int32 (a one-sided clamp's infinities) need no constant.
 */
const clip: KernelLowering = (ctx, record) => {
  const x = record.inputs[0] as TracedValue;
  const { min, max } = record.attrs as unknown as ClipAttrs;
  const input = ctx.value(x);
  if (x.dtype === 'float32') {
    // Infinite bounds are written, not omitted: an omitted bound is ±FLT_MAX, which clips ±∞.
    defineElementwise(ctx, record, ctx.node('Clip', [input, ctx.scalar('min', 'float32', min), ctx.scalar('max', 'float32', max)]));
    return;
  }
  if (x.dtype !== 'int32') ctx.fail(`Clip is not defined for ${x.dtype} tensors`);
  let y = input;
  if (Math.ceil(min) > INT32_MIN) {
    const below = ctx.node('Less', [y, ctx.scalar('min', 'int32', Math.min(Math.ceil(min), INT32_MAX))]);
    y = ctx.node('Where', [below, ctx.scalar('min_value', 'int32', Math.min(Math.trunc(min), INT32_MAX)), y]);
  }
  if (Math.floor(max) < INT32_MAX) {
    const above = ctx.node('Greater', [y, ctx.scalar('max', 'int32', Math.max(Math.floor(max), INT32_MIN))]);
    y = ctx.node('Where', [above, ctx.scalar('max_value', 'int32', Math.max(Math.trunc(max), INT32_MIN)), y]);
  }
  defineElementwise(ctx, record, y);
};

/**
 * Conversions as torch's: float32 → int32 truncates toward zero, and NaN or out-of-range values give
 * INT32_MIN (x86's cvttss2si; onnxruntime's wasm saturates instead, so those are selected here);
 * anything non-zero (NaN included) is true; int32 → float32 rounds to nearest even.
 */
const cast: KernelLowering = (ctx, record) => {
  const x = record.inputs[0] as TracedValue;
  const { dtype } = record.attrs as unknown as CastAttrs;
  const input = ctx.value(x);
  if (dtype === x.dtype) {
    defineElementwise(ctx, record, input);
    return;
  }
  const converted = ctx.node('Cast', [input], { to: ONNX_DATA_TYPE[dtype] });
  if (!(x.dtype === 'float32' && dtype === 'int32')) {
    defineElementwise(ctx, record, converted);
    return;
  }
  const inRange = ctx.node('And', [
    ctx.node('GreaterOrEqual', [input, ctx.scalar('int32_min', 'float32', INT32_MIN)]),
    ctx.node('Less', [input, ctx.scalar('int32_end', 'float32', 2 ** 31)]),
  ]);
  defineElementwise(ctx, record, ctx.node('Where', [inRange, converted, ctx.scalar('int32_min', 'int32', INT32_MIN)]));
};

export const elementwiseLowerings: Record<string, KernelLowering> = {
  ...UNARY,
  ...BINARY,
  Where: where,
  Clip: clip,
  Cast: cast,
};
