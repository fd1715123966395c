import type { DataId, DType, TensorInfo, TypedArray } from '../kernels/tensor-info.js';
import { sizeOf } from '../kernels/tensor-info.js';
import { DisposedError, ShapeError } from '../errors/errors.js';
import type { GradNode } from '../autograd/grad-node.js';
import { engine } from './engine.js';
import { formatTensor } from './format.js';

let nextTensorId = 0;

/**
 * An n-dimensional array on a backend. Tensors are immutable values, except through `assign`
 * (used by optimizers and statistics buffers), which bumps `version` so autograd can detect it.
 *
 * Memory is explicit, as in TensorFlow.js: `dispose()` frees a tensor, `tidy(fn)` frees every
 * tensor created inside `fn` that `fn` does not return.
 */
export class Tensor implements TensorInfo {
  readonly id = nextTensorId++;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly size: number;
  /** Storage handle on the owning backend; replaced by `assign`. */
  dataId: DataId;
  /** Whether gradients flow to this tensor. Leaves with it set accumulate into `grad`. */
  requiresGrad = false;
  /** Accumulated gradient of a leaf (a parameter), created by `backward`, freed by `zeroGrad`. */
  grad: Tensor | null = null;
  /** The node that produced this tensor, when it was computed from tensors that require grad. */
  gradFn: GradNode | null = null;
  /** Incremented by every in-place `assign`; autograd checks it on saved tensors. */
  version = 0;
  /** Kept tensors survive the end of `tidy` scopes (parameters, buffers, gradients). */
  kept = false;
  isDisposed = false;
  /** Set when an autograd node saved this tensor; op-internal scopes then keep it for backward. */
  savedForGrad = false;

  constructor(dataId: DataId, shape: readonly number[], dtype: DType) {
    this.dataId = dataId;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** True for tensors that accumulate gradients in `grad` (requiresGrad and not computed). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** A copy of the values on the host. */
  async data(): Promise<TypedArray> {
    this.throwIfDisposed();
    return engine().read(this);
  }

  /** A copy of the values on the host, synchronously (not every backend can). */
  dataSync(): TypedArray {
    this.throwIfDisposed();
    return engine().readSync(this);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new ShapeError(`item() needs a tensor with one element, got shape [${this.shape.join(', ')}]`);
    }
    return this.dataSync()[0] as number;
  }

  /** The values as nested arrays (booleans for bool tensors). */
  arraySync(): unknown {
    const values = this.dataSync();
    const flat: Array<number | boolean> =
      this.dtype === 'bool' ? Array.from(values, (v) => v !== 0) : Array.from(values);
    return nest(flat, this.shape, 0, 0);
  }

  dispose(): void {
    if (this.isDisposed) return;
    engine().disposeTensor(this);
  }

  throwIfDisposed(): void {
    if (this.isDisposed) {
      throw new DisposedError(`Tensor ${this.id} (shape [${this.shape.join(', ')}]) is disposed and cannot be used.`);
    }
  }

  toString(): string {
    return formatTensor(this);
  }
}

function nest(flat: Array<number | boolean>, shape: readonly number[], axis: number, offset: number): unknown {
  if (shape.length === 0) return flat[0];
  const dim = shape[axis] as number;
  if (axis === shape.length - 1) return flat.slice(offset, offset + dim);
  const stride = sizeOf(shape.slice(axis + 1));
  const out: unknown[] = [];
  for (let i = 0; i < dim; i++) out.push(nest(flat, shape, axis + 1, offset + i * stride));
  return out;
}
