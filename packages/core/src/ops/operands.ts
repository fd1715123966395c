import { Tensor } from '../engine/tensor.js';
import type { DType } from '../kernels/tensor-info.js';
import { DTypeError, ValueError } from '../errors/errors.js';
import { engine } from '../engine/engine.js';
import * as k from '../kernels/kernel-names.js';
import type { TensorLike } from './creation.js';
import { toTensor } from './creation.js';

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2 };

/** PyTorch-style type promotion: bool < int32 < float32. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The dtype of a plain JS value (PyTorch's "weak" Python scalars), or null for anything else. */
function scalarDType(value: TensorLike): DType | null {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int32' : 'float32';
  return null;
}

/** Cast unless the dtype already matches (no new tensor then). */
export function castTo(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : engine().runKernel(k.Cast, [x], { dtype });
}

/**
 * Two operands as tensors of one dtype, with PyTorch's promotion: tensors promote bool < int32 <
 * float32; a plain JS number or boolean is a "weak" scalar that takes the tensor's dtype unless it
 * belongs to a higher category (2 with a bool tensor gives int32, 0.5 with an int32 gives float32).
 */
export function binaryOperands(a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const dtype = operandsDType(a, b);
  return [castTo(asTensor(a, dtype), dtype), castTo(asTensor(b, dtype), dtype)];
}

function operandsDType(a: TensorLike, b: TensorLike): DType {
  if (a instanceof Tensor && b instanceof Tensor) return promoteTypes(a.dtype, b.dtype);
  const sa = scalarDType(a);
  const sb = scalarDType(b);
  const scalar = sa === null ? sb : sb === null ? sa : promoteTypes(sa, sb);
  const tensor = a instanceof Tensor ? a : b instanceof Tensor ? b : null;
  // Two plain values: booleans stay bool, numbers compute in float32.
  if (tensor === null) return scalar === 'bool' ? 'bool' : 'float32';
  return scalar === null ? tensor.dtype : promoteTypes(tensor.dtype, scalar);
}

function asTensor(value: TensorLike, dtype: DType): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value === 'number' && dtype === 'int32' && (value > 2147483647 || value < -2147483648)) {
    throw new ValueError(`${value} does not fit in int32; cast the tensor to float32 first.`);
  }
  return toTensor(value, dtype);
}

export function assertFloat(x: Tensor, op: string): void {
  if (x.dtype !== 'float32') {
    throw new DTypeError(`${op} needs a float32 tensor, got ${x.dtype}. Cast it first with \`cast(x, 'float32')\`.`);
  }
}
