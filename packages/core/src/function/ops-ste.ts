/**
 * Straight-through estimators (Brevitas's brevitas.function.ops_ste): the forward is the
 * discontinuous function, the backward passes the gradient through as if it were the identity.
 * Plain `round` has the true (zero) gradient and must not be used for quantization.
 */
import { customOp } from '../autograd/custom-op.js';
import type { Tensor } from '../engine/tensor.js';
import { abs, ceil, floor, round } from '../ops/unary.js';
import { clamp, where } from '../ops/selection.js';
import { greaterEqual, mul } from '../ops/binary.js';

/** round half to even forward, identity backward (Brevitas RoundSteFn). */
export function roundSte(x: Tensor): Tensor {
  return customOp('roundSte', [x], () => round(x), (dy) => [dy]);
}

/** ceil forward, identity backward (Brevitas CeilSteFn). */
export function ceilSte(x: Tensor): Tensor {
  return customOp('ceilSte', [x], () => ceil(x), (dy) => [dy]);
}

/** floor forward, identity backward (Brevitas FloorSteFn). */
export function floorSte(x: Tensor): Tensor {
  return customOp('floorSte', [x], () => floor(x), (dy) => [dy]);
}

/** clamp forward, identity backward to x and none to the bounds (Brevitas TensorClampSteFn). */
export function clampSte(x: Tensor, min: number | Tensor, max: number | Tensor): Tensor {
  return customOp('clampSte', [x], () => clamp(x, min, max), (dy) => [dy]);
}

/** clamp from below forward, identity backward (Brevitas ScalarClampMinSteFn). */
export function scalarClampMinSte(x: Tensor, minVal: number): Tensor {
  return customOp('scalarClampMinSte', [x], () => clamp(x, minVal, null), (dy) => [dy]);
}

/** ±1 with sign(0) = +1, as Brevitas's binary_sign. */
export function binarySign(x: Tensor): Tensor {
  return where(greaterEqual(x, 0), 1, -1);
}

/**
 * |x| forward; backward multiplies by binarySign(x), so the gradient at 0 is +dy instead of 0
 * (Brevitas AbsBinarySignGradFn, used by learned scales that must not get stuck at zero).
 */
export function absBinarySignGrad(x: Tensor): Tensor {
  return customOp('absBinarySignGrad', [x], () => abs(x), (dy, [input]) => [mul(dy, binarySign(input as Tensor))]);
}
