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

type Category = 'bool' | 'int' | 'float';

function categoryOf(dtype: DType): Category {
  return dtype === 'float32' ? 'float' : dtype === 'int32' ? 'int' : 'bool';
}

const CATEGORY_RANK: Record<Category, number> = { bool: 0, int: 1, float: 2 };
const DEFAULT_DTYPE: Record<Category, DType> = { bool: 'bool', int: 'int32', float: 'float32' };

/** The category of a plain JS value (PyTorch's "weak" Python scalars), or null for a tensor. */
function scalarCategory(value: TensorLike): Category | null {
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
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
  const ta0 = a instanceof Tensor ? a : null;
  const tb0 = b instanceof Tensor ? b : null;
  let dtype: DType;
  if (ta0 && tb0) {
    dtype = promoteTypes(ta0.dtype, tb0.dtype);
  } else {
    const tensorDType = ta0?.dtype ?? tb0?.dtype ?? null;
    const scalars = [scalarCategory(a), scalarCategory(b)].filter((c): c is Category => c !== null);
    const scalar = scalars.reduce<Category | null>((best, c) => (best === null || CATEGORY_RANK[c] > CATEGORY_RANK[best] ? c : best), null);
    if (tensorDType === null) {
      // Two plain values: booleans stay bool, numbers compute in float32.
      dtype = scalar === 'bool' ? 'bool' : 'float32';
    } else if (scalar !== null && CATEGORY_RANK[scalar] > CATEGORY_RANK[categoryOf(tensorDType)]) {
      dtype = DEFAULT_DTYPE[scalar];
    } else {
      dtype = tensorDType;
    }
  }
  return [castTo(asTensor(a, dtype), dtype), castTo(asTensor(b, dtype), dtype)];
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
