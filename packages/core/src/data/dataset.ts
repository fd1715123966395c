import type { Tensor } from '../engine/tensor.js';
import { ShapeError, ValueError } from '../errors/errors.js';
import type { DType, TypedArray } from '../kernels/tensor-info.js';
import { sizeOf } from '../kernels/tensor-info.js';
import { formatShape } from '../util/shape.js';

/** The shape (without the batch axis) and dtype of one field of every example. */
export interface FieldSpec {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** One field of one example on the host: a number (a scalar field) or its values, row-major. */
export type FieldValue = number | boolean | ArrayLike<number>;

/**
 * A map-style dataset (torch.utils.data.Dataset) of host values. Each example is a tuple of
 * fields (e.g. [image, label]) described by `fields`; the DataLoader copies them into one typed
 * array per field per batch and makes one tensor of each.
 */
export interface Dataset {
  readonly length: number;
  readonly fields: readonly FieldSpec[];
  /** Example `index`, one value per field. */
  get(index: number): readonly FieldValue[];
  /**
   * Optional fast path: write examples `indices` into `out` (one array per field, sized
   * indices.length × field size, batch-major).
   */
  getBatch?(indices: readonly number[], out: readonly TypedArray[]): void;
}

/**
 * Examples along the first axis of tensors of equal length (torch.utils.data.TensorDataset).
 * It reads the tensors' values once (synchronously) and keeps a host copy; the tensors stay
 * the caller's.
 */
export class TensorDataset implements Dataset {
  readonly length: number;
  readonly fields: readonly FieldSpec[];
  private readonly values: TypedArray[];
  private readonly sizes: number[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new ValueError('TensorDataset: needs at least one tensor.');
    const first = tensors[0] as Tensor;
    if (first.rank === 0) throw new ShapeError('TensorDataset: tensors need a first (example) axis; got a scalar.');
    this.length = first.shape[0] as number;
    for (const t of tensors) {
      if (t.rank === 0 || t.shape[0] !== this.length) {
        throw new ShapeError(`TensorDataset: size mismatch between tensors: ${formatShape(first.shape)} and ${formatShape(t.shape)} differ in the first axis.`);
      }
    }
    this.fields = tensors.map((t) => ({ shape: t.shape.slice(1), dtype: t.dtype }));
    this.sizes = this.fields.map((f) => sizeOf(f.shape));
    this.values = tensors.map((t) => t.dataSync());
  }

  get(index: number): readonly FieldValue[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new ValueError(`TensorDataset: index ${index} is out of range for ${this.length} examples.`);
    }
    return this.values.map((values, f) => {
      const size = this.sizes[f] as number;
      const field = this.fields[f] as FieldSpec;
      if (field.shape.length === 0) return values[index] as number;
      return values.subarray(index * size, (index + 1) * size);
    });
  }

  getBatch(indices: readonly number[], out: readonly TypedArray[]): void {
    this.values.forEach((values, f) => {
      const size = this.sizes[f] as number;
      const target = out[f] as TypedArray;
      indices.forEach((index, b) => {
        if (!(index >= 0 && index < this.length)) throw new ValueError(`TensorDataset: index ${index} is out of range for ${this.length} examples.`);
        if (size === 1) target[b] = values[index] as number;
        else target.set(values.subarray(index * size, (index + 1) * size), b * size);
      });
    });
  }
}
