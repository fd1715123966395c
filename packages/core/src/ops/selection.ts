import { engine } from '../engine/engine.js';
import { op } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import * as k from '../kernels/kernel-names.js';
import type { DType } from '../kernels/tensor-info.js';
import { DTypeError, ValueError } from '../errors/errors.js';
import { broadcastShapes } from '../util/shape.js';
import type { TensorLike } from './creation.js';
import { toTensor } from './creation.js';
import { binaryOperands, castTo } from './operands.js';
import { maximum, minimum } from './binary.js';
import { reshape } from './shape.js';

/** Elements of `a` where `condition` is true, else of `b`, all broadcast together. */
export const where = op('where', (condition: Tensor, a: TensorLike, b: TensorLike): Tensor => {
  if (condition.dtype !== 'bool') {
    throw new DTypeError(`where: condition must be a bool tensor, got ${condition.dtype}. Compare first, e.g. greater(x, 0).`);
  }
  const [ta, tb] = binaryOperands(a, b);
  broadcastShapes(broadcastShapes(condition.shape, ta.shape, 'where operands'), tb.shape, 'where operands');
  return engine().runKernel(k.Where, [condition, ta, tb]);
});

/**
 * Clamp to [min, max] (torch.clamp). Number bounds use the Clip kernel; tensor bounds broadcast.
 * NaN stays NaN. Its gradient passes where min ≤ x ≤ max; `clampSte` passes everywhere.
 */
export const clamp = op('clamp', (x: Tensor, min?: number | Tensor | null, max?: number | Tensor | null): Tensor => {
  const lo = min ?? null;
  const hi = max ?? null;
  if (lo === null && hi === null) throw new ValueError('clamp needs at least one of min and max.');
  if ((lo === null || typeof lo === 'number') && (hi === null || typeof hi === 'number')) {
    const loValue = lo ?? -Infinity;
    const hiValue = hi ?? Infinity;
    if (Number.isNaN(loValue) || Number.isNaN(hiValue)) throw new ValueError('clamp bounds must not be NaN.');
    return engine().runKernel(k.Clip, [x], { min: loValue, max: hiValue });
  }
  let out = x;
  if (lo !== null) out = maximum(out, lo);
  if (hi !== null) out = minimum(out, hi);
  return out;
});

/** Convert to another dtype (float → int truncates toward zero, as in PyTorch). */
export const cast = op('cast', (x: TensorLike, dtype: DType): Tensor => {
  const t = toTensor(x);
  // Same dtype: a view that stays on the autograd graph.
  if (t.dtype === dtype) return reshape(t, t.shape);
  return castTo(t, dtype);
});

/** A tensor with the same values that gradients do not flow through (torch's detach). */
export function detach(x: Tensor): Tensor {
  return engine().makeView(x, x.shape);
}

function assertBool(x: Tensor, what: string): void {
  if (x.dtype !== 'bool') throw new DTypeError(`${what} needs bool tensors, got ${x.dtype}.`);
}

/** Elementwise and of bool tensors. */
export const logicalAnd = op('logicalAnd', (a: Tensor, b: Tensor): Tensor => {
  assertBool(a, 'logicalAnd');
  assertBool(b, 'logicalAnd');
  return where(a, b, false);
});

/** Elementwise or of bool tensors. */
export const logicalOr = op('logicalOr', (a: Tensor, b: Tensor): Tensor => {
  assertBool(a, 'logicalOr');
  assertBool(b, 'logicalOr');
  return where(a, true, b);
});

/** Elementwise not of a bool tensor. */
export const logicalNot = op('logicalNot', (a: Tensor): Tensor => {
  assertBool(a, 'logicalNot');
  return where(a, false, true);
});
