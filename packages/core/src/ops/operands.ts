import { Tensor } from '../engine/tensor.js';
import type { DType } from '../kernels/tensor-info.js';
import { DTypeError } from '../errors/errors.js';
import { engine } from '../engine/engine.js';
import * as k from '../kernels/kernel-names.js';
import type { TensorLike } from './creation.js';
import { toTensor } from './creation.js';

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2 };

/** PyTorch-style type promotion: bool < int32 < float32. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

function dtypeOfLike(value: TensorLike): DType | null {
  if (value instanceof Tensor) return value.dtype;
  if (typeof value === 'number') return Number.isInteger(value) ? null : 'float32';
  if (typeof value === 'boolean') return null;
  return null;
}

/** Cast unless the dtype already matches (no new tensor then). */
export function castTo(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : engine().runKernel(k.Cast, [x], { dtype });
}

/**
 * Two operands as tensors of one dtype. A plain number takes the tensor's dtype, unless it is
 * fractional (then float32), as in PyTorch.
 */
export function binaryOperands(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const da = dtypeOfLike(a);
  const db = dtypeOfLike(b);
  let dtype: DType;
  if (da && db) dtype = promoteTypes(da, db);
  else dtype = da ?? db ?? 'float32';
  const ta = a instanceof Tensor ? a : toTensor(a, dtype);
  const tb = b instanceof Tensor ? b : toTensor(b, dtype);
  return [castTo(ta, dtype), castTo(tb, dtype)];
}

export function assertFloat(x: Tensor, op: string): void {
  if (x.dtype !== 'float32') {
    throw new DTypeError(`${op} needs a float32 tensor, got ${x.dtype}. Cast it first with \`cast(x, 'float32')\`.`);
  }
}
