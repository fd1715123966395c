/**
 * Brevitas's brevitas.function.ops: integer ranges of a bit width and the clamp that quantizers
 * use, written with core ops so gradients reach a learned bit width too.
 */
import type { Tensor } from '../engine/tensor.js';
import { greater, less, pow, sub } from '../ops/binary.js';
import { neg } from '../ops/unary.js';
import { where } from '../ops/selection.js';
import { zerosLike } from '../ops/creation.js';
import { customOp } from '../autograd/custom-op.js';

/** Largest integer of a bit width: 2^(b−1) − 1 signed; 2^b − 1 unsigned (2^b − 2 narrow). */
export function maxInt(signed: boolean, narrowRange: boolean, bitWidth: Tensor): Tensor {
  return signed ? sub(pow(2, sub(bitWidth, 1)), 1) : maxUint(narrowRange, bitWidth);
}

/** Smallest integer of a bit width: −2^(b−1) signed (+1 narrow); 0 unsigned. */
export function minInt(signed: boolean, narrowRange: boolean, bitWidth: Tensor): Tensor {
  if (!signed) return zerosLike(bitWidth);
  const magnitude = neg(pow(2, sub(bitWidth, 1)));
  return narrowRange ? sub(magnitude, -1) : magnitude;
}

/** Largest unsigned integer of a bit width (2^b − 1, or 2^b − 2 narrow). */
export function maxUint(narrowRange: boolean, bitWidth: Tensor): Tensor {
  return sub(pow(2, bitWidth), narrowRange ? 2 : 1);
}

/**
 * Brevitas's tensor_clamp: torch.where(x > max, max, x), then where(out < min, min, out). Not
 * straight-through: no gradient reaches x where it is clamped.
 */
export function tensorClamp(x: Tensor, minVal: Tensor, maxVal: Tensor): Tensor {
  const upper = where(greater(x, maxVal), maxVal, x);
  return where(less(upper, minVal), minVal, upper);
}

/** tensor_clamp forward with an identity backward to x (Brevitas's tensor_clamp_ste). */
export function tensorClampSte(x: Tensor, minVal: Tensor, maxVal: Tensor): Tensor {
  return customOp('tensorClampSte', [x], () => tensorClamp(x, minVal, maxVal), (dy) => [dy]);
}
