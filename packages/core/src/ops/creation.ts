import { engine } from '../engine/engine.js';
import { Tensor } from '../engine/tensor.js';
import type { DType, TypedArray } from '../kernels/tensor-info.js';
import { sizeOf, typedArrayFor } from '../kernels/tensor-info.js';
import { DTypeError, ShapeError, ValueError } from '../errors/errors.js';
import { assertValidShape, formatShape } from '../util/shape.js';

/** Nested arrays of numbers or booleans, of any depth. */
export type NestedArray = number | boolean | readonly NestedArray[];

/** Anything an op accepts where a tensor goes. Plain numbers become scalars. */
export type TensorLike = Tensor | NestedArray | TypedArray;

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0] as NestedArray;
  }
  return shape;
}

function flatten(values: NestedArray, shape: readonly number[], depth: number, out: Array<number | boolean>): void {
  if (depth === shape.length) {
    if (Array.isArray(values)) throw new ShapeError('Ragged nested array: sub-arrays of one level must have equal lengths.');
    out.push(values as number | boolean);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[depth]) {
    throw new ShapeError(
      `Ragged nested array: expected ${shape[depth]} elements at depth ${depth}, got ` +
        `${Array.isArray(values) ? values.length : 'a scalar'}.`,
    );
  }
  for (const v of values) flatten(v, shape, depth + 1, out);
}

function inferDType(values: ArrayLike<number | boolean> | TypedArray): DType {
  if (values instanceof Float32Array) return 'float32';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint8Array) return 'bool';
  return values.length > 0 && typeof values[0] === 'boolean' ? 'bool' : 'float32';
}

function toTypedArray(values: ArrayLike<number | boolean>, dtype: DType): TypedArray {
  const out = typedArrayFor(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number | boolean;
    if (dtype === 'bool') {
      out[i] = v ? 1 : 0;
    } else if (typeof v === 'boolean') {
      out[i] = v ? 1 : 0;
    } else if (dtype === 'int32' && !Number.isInteger(v)) {
      throw new DTypeError(`Value ${v} at index ${i} is not an integer, but dtype is int32.`);
    } else {
      out[i] = v;
    }
  }
  return out;
}

/**
 * A tensor from values. `values` may be nested arrays (shape inferred), a flat array or a typed
 * array with an explicit `shape`, or a number (a scalar). The dtype defaults to float32, or to the
 * typed array's own dtype. Typed arrays are copied.
 */
export function tensor(values: NestedArray | TypedArray, shape?: readonly number[], dtype?: DType): Tensor {
  let flat: ArrayLike<number | boolean> | TypedArray;
  let inferred: number[];
  if (ArrayBuffer.isView(values)) {
    flat = values as TypedArray;
    inferred = [flat.length];
  } else if (Array.isArray(values)) {
    inferred = inferShape(values);
    const out: Array<number | boolean> = [];
    if (shape && inferred.length === 1) {
      out.push(...(values as Array<number | boolean>));
    } else {
      flatten(values, inferred, 0, out);
    }
    flat = out;
  } else {
    flat = [values as number | boolean];
    inferred = [];
  }
  const finalShape = shape ? [...shape] : inferred;
  assertValidShape(finalShape);
  if (sizeOf(finalShape) !== flat.length) {
    throw new ShapeError(`${flat.length} values do not fill shape ${formatShape(finalShape)} (${sizeOf(finalShape)} elements).`);
  }
  const finalDType = dtype ?? inferDType(flat);
  const data =
    ArrayBuffer.isView(flat) && inferDType(flat) === finalDType
      ? (flat as TypedArray).slice()
      : toTypedArray(flat as ArrayLike<number | boolean>, finalDType);
  return engine().makeTensor(data, finalShape, finalDType, data.length === 1 ? data[0] : undefined);
}

export function scalar(value: number | boolean, dtype?: DType): Tensor {
  return tensor(value, [], dtype);
}

export function full(shape: readonly number[], value: number | boolean, dtype: DType = 'float32'): Tensor {
  assertValidShape(shape);
  const data = typedArrayFor(dtype, sizeOf(shape));
  data.fill(typeof value === 'boolean' ? Number(value) : value);
  return engine().makeTensor(data, shape, dtype, data.length > 0 ? data[0] : undefined);
}

export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return full(shape, 0, dtype);
}

export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return full(shape, 1, dtype);
}

export function zerosLike(x: Tensor): Tensor {
  return full(x.shape, 0, x.dtype);
}

export function onesLike(x: Tensor): Tensor {
  return full(x.shape, 1, x.dtype);
}

export function fullLike(x: Tensor, value: number): Tensor {
  return full(x.shape, value, x.dtype);
}

/** [start, stop) in steps of `step` (int32 when all three are integers, else float32). */
export function arange(start: number, stop?: number, step = 1, dtype?: DType): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step)) throw new ValueError(`arange step must be finite and non-zero, got ${step}.`);
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const type = dtype ?? (Number.isInteger(start) && Number.isInteger(stop) && Number.isInteger(step) ? 'int32' : 'float32');
  const data = typedArrayFor(type, length);
  for (let i = 0; i < length; i++) data[i] = start + i * step;
  return engine().makeTensor(data, [length], type);
}

/** Convert a TensorLike to a tensor (a new one unless it is a tensor already). */
export function toTensor(value: TensorLike, dtype?: DType): Tensor {
  if (value instanceof Tensor) return value;
  return tensor(value as NestedArray | TypedArray, undefined, dtype);
}
